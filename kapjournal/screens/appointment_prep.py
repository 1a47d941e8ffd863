"""The "Prepare for my appointment" screen: everything since the last appointment.

One screen with the sessions, insights, check-in averages and the questions
the user flagged since the date they set as their last appointment, and a
one-key hand-off to the Export screen (when that feature is installed).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from kapjournal.core.change import FIELD_LABELS
from kapjournal.core.dates import parse_when
from kapjournal.core.errors import KapError
from kapjournal.core.insights import follow_up_label
from kapjournal.core.prep import AppointmentPrep, ScoreShift, prepare
from kapjournal.core.sanitize import clean, clean_line
from kapjournal.core.timeline import session_line
from kapjournal.screens.base import JournalScreen
from kapjournal.widgets.charts import spark

EXPORT_SCREEN = "kapjournal.screens.export:ExportScreen"


class PrepLoaded(Message):
    def __init__(self, prep: AppointmentPrep) -> None:
        super().__init__()
        self.prep = prep


class PrepFailed(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class AppointmentDateModal(ModalScreen[datetime | None]):
    """Ask for the date of the last therapy appointment.

    The date is read here, so a typo or a future date is explained under the
    field and what was typed stays to be corrected.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    AppointmentDateModal {
        align: center middle;
        & > Vertical {
            width: 64;
            max-width: 95%;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        #appt-error { color: $error; }
        #appt-buttons { height: auto; }
        #appt-buttons Button { margin-right: 1; }
    }
    """

    def __init__(self, now: Callable[[], datetime], current: datetime | None = None) -> None:
        super().__init__()
        self._now = now
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("When was your last therapy appointment?")
            yield Input(
                value=f"{self._current:%Y-%m-%d}" if self._current else "",
                placeholder="e.g. 2026-11-03, yesterday or 2w",
                id="appt-date",
            )
            yield Static("", id="appt-error")
            with Horizontal(id="appt-buttons"):
                yield Button("Save", variant="primary", id="appt-save")
                yield Button("Cancel", id="appt-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _error(self, message: str) -> None:
        self.query_one("#appt-error", Static).update(Text(message))

    @on(Button.Pressed, "#appt-save")
    @on(Input.Submitted)
    def _save(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self._error("Type a date first.")
            return
        try:
            when = parse_when(value, now=self._now)
        except KapError as err:
            self._error(err.user_message)
            return
        if when > self._now():
            self._error("That date is in the future; give the last appointment you had.")
            return
        self.dismiss(when)

    @on(Button.Pressed, "#appt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def export_screen_factory() -> Any | None:
    """The Export screen class if that feature is installed, else ``None``."""
    module_name, _, class_name = EXPORT_SCREEN.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, class_name, None)


def score_row(shift: ScoreShift) -> str:
    """One line of the score table: label, average before, average since, change.

    The change is worked out from the two averages as shown (one decimal), so
    the line adds up for the reader: 3.8 then 5.6 reads +1.8, not +1.9.
    """
    before = "—" if shift.before is None else f"{shift.before:.1f}"
    since = "—" if shift.since is None else f"{shift.since:.1f}"
    delta = "—"
    if shift.before is not None and shift.since is not None:
        change = round(float(since) - float(before), 1)
        delta = f"{change + 0.0:+.1f}"  # + 0.0: no "-0.0"
    return f"{FIELD_LABELS[shift.field]:<11}{before:<16}{since:<8}{delta:<8}"


class AppointmentPrepScreen(JournalScreen):
    """Sessions, insights, score change and flagged questions since the last appointment."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("e", "export", "Export for therapist"),
        Binding("d", "set_date", "Set appointment date"),
    ]
    """
    | Key | Action |
    | --- | --- |
    | e | Open the Export screen with this range |
    | d | Set the date of the last appointment |
    | escape | Back |
    """

    HELP_LINES: ClassVar[dict[str, str]] = {
        "export": "Open the Export screen to share this with your therapist",
        "set_date": "Set the date of your last therapy appointment",
    }

    DEFAULT_CSS = """
    AppointmentPrepScreen {
        #prep-body { padding: 0 1; }
        .prep-heading { text-style: bold; color: $primary; margin-top: 1; }
        #prep-intro { text-style: bold; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.prep: AppointmentPrep | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="prep-body"):
            yield Static(Text("Gathering what to bring…"), id="prep-intro")
            yield Static("", id="prep-sessions")
            yield Static("", id="prep-insights")
            yield Static("", id="prep-scores")
            yield Static("", id="prep-questions")
        yield Footer()

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prep-load")
    def _load(self) -> None:
        try:
            self.post_message(PrepLoaded(prepare(self.journal)))
        except KapError as err:
            self.post_message(PrepFailed(err.user_message))

    @on(PrepFailed)
    def _failed(self, message: PrepFailed) -> None:
        self.query_one("#prep-intro", Static).update(Text(message.message))

    @on(PrepLoaded)
    def _loaded(self, message: PrepLoaded) -> None:
        prep = self.prep = message.prep
        intro = Text()
        if prep.since is None:
            intro.append("No last appointment date is set, so this shows everything.\n")
            intro.append("Press d to set the date of your last therapy appointment.", style="dim")
        else:
            intro.append(f"Since your last appointment on {prep.since:%A %d %B %Y}")
        self.query_one("#prep-intro", Static).update(intro)
        self.query_one("#prep-sessions", Static).update(self._sessions(prep))
        self.query_one("#prep-insights", Static).update(self._insights(prep))
        self.query_one("#prep-scores", Static).update(self._scores(prep))
        self.query_one("#prep-questions", Static).update(self._questions(prep))

    @staticmethod
    def _heading(text: Text, title: str) -> None:
        text.append(f"\n{title}\n", style="bold underline")

    @staticmethod
    def _done(text: Text) -> Text:
        text.rstrip()
        return text

    def _sessions(self, prep: AppointmentPrep) -> Text:
        text = Text()
        self._heading(text, f"Sessions ({len(prep.milestones)})")
        if not prep.milestones:
            text.append("No sessions logged in this time.\n")
        for m in prep.milestones:
            text.append("● " + session_line(m) + "\n")
        return self._done(text)

    def _insights(self, prep: AppointmentPrep) -> Text:
        text = Text()
        self._heading(text, f"Insights ({len(prep.insights)})")
        if not prep.insights:
            text.append("No insights marked in this time.\n")
        for ins in prep.insights:
            mark = "  [bring to therapy]" if ins.bring_to_therapy else ""
            text.append(f"◆ {ins.created:%a %d %b}  ")
            text.append(clean_line(ins.text)[:160] + mark + "\n")
            for f in ins.follow_ups:
                text.append("    ↳ " + clean_line(follow_up_label(f)) + "\n", style="dim")
        return self._done(text)

    def _scores(self, prep: AppointmentPrep) -> Text:
        text = Text()
        self._heading(text, "Check-in scores (averages, 0-10)")
        if prep.checkins_since == 0 and prep.checkins_before == 0:
            text.append("No check-ins around this time.\n")
            return text
        text.append(f"{'':<11}{'2 weeks before':<16}{'since':<8}{'change':<8}\n", style="bold")
        for shift in prep.shifts:
            text.append(score_row(shift) + f"{spark(list(shift.values_since[-30:]))}\n")
        if prep.sparse:
            text.append(
                "Only a few check-ins on one side, so read these averages loosely.\n",
                style="italic",
            )
        return self._done(text)

    def _questions(self, prep: AppointmentPrep) -> Text:
        text = Text()
        count = len(prep.questions) + len(prep.bring) + len(prep.reflections)
        self._heading(text, f"To bring and ask ({count})")
        if not count:
            text.append(
                "Nothing flagged. On the timeline, b flags an entry as a question "
                "or an insight to bring.\n"
            )
        for e in prep.questions:
            text.append(f"? {e.created:%a %d %b}  " + clean_line(e.first_line)[:160] + "\n")
        for ins in prep.bring:
            text.append(f"◆ {ins.created:%a %d %b}  " + clean(ins.text).split("\n")[0][:160])
            text.append("\n")
        for entry, answer in prep.reflections:
            label = clean_line(entry.title or "Reflection")
            text.append(f"✎ {entry.created:%a %d %b}  {label}: " + clean_line(answer)[:160] + "\n")
        return self._done(text)

    def action_export(self) -> None:
        screen_cls = export_screen_factory()
        if screen_cls is None:
            self.notify(
                "Export is not part of this version yet. Everything here stays on this device.",
                title="Export",
            )
            return
        since = self.prep.since if self.prep is not None else None
        try:
            takes_since = "since" in inspect.signature(screen_cls).parameters
        except (TypeError, ValueError):
            takes_since = False
        screen = screen_cls(since=since) if takes_since else screen_cls()
        self.app.push_screen(screen)
        if since is not None and not takes_since:
            screen.call_after_refresh(self._prefill_export_since, screen, since)

    @staticmethod
    def _prefill_export_since(screen: Any, since: datetime) -> None:
        """Start the export's date range at the last appointment, if it has that field."""
        try:
            field = screen.query_one("#export-since", Input)
        except NoMatches:
            return
        if not field.value:
            field.value = f"{since:%Y-%m-%d}"

    def action_set_date(self) -> None:
        def done(when: datetime | None) -> None:
            if when is not None:
                self._save_date(when)

        current = self.journal.settings().last_appointment
        self.app.push_screen(AppointmentDateModal(self.journal.now, current), done)

    @work(thread=True, exit_on_error=False, group="prep-save")
    def _save_date(self, when: datetime) -> None:
        try:
            settings = self.journal.settings()
            self.journal.save_settings(settings.replace(last_appointment=when))
        except KapError as err:
            self.app.call_from_thread(
                self.notify, err.user_message, severity="warning", markup=False
            )
            return
        self.post_message(PrepLoaded(prepare(self.journal)))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
