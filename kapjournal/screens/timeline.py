"""Timeline screen: sessions as milestones, what came out of each, and charts.

The view model (``core.timeline``) is built in a worker; the list is a
virtualised :class:`~kapjournal.widgets.row_list.RowList`, so a 3-year
journal opens without freezing. The side panel shows the highlighted row:
a session's details and per-session change, or an entry, insight or check-in.
"""

from __future__ import annotations

import importlib
import inspect
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from kapjournal.core.change import FIELD_LABELS, POINTS, format_delta
from kapjournal.core.errors import InvalidInput, KapError
from kapjournal.core.insights import (
    add_follow_up,
    entry_text,
    follow_up_label,
    mark_insight,
    set_bring_to_therapy,
)
from kapjournal.core.models import (
    CHECKIN_FIELDS,
    ROUTE_LABELS,
    SETTING_LABELS,
    Appointment,
    CheckIn,
    Entry,
    Insight,
    ScaleResult,
    Session,
)
from kapjournal.core.sanitize import clean, clean_line
from kapjournal.core.timeline import (
    Milestone,
    Row,
    Timeline,
    TimelineFilter,
    TimelineItem,
    build_timeline,
    dose_text,
    parse_filter_text,
    side_effects_text,
)
from kapjournal.screens.base import JournalScreen
from kapjournal.screens.timeline_dialogs import (
    EntryReadModal,
    FollowUpModal,
    FollowUpRequest,
    MarkRequest,
)
from kapjournal.widgets.charts import (
    ScoreChart,
    SeriesPoint,
    SessionBar,
    SessionBars,
    render_change_table,
)
from kapjournal.widgets.row_list import ListRow, RowList

ROUTE_SHORT = {
    "iv": "IV",
    "im": "IM",
    "sublingual_lozenge": "Lozenge",
    "oral": "Oral",
    "intranasal_esketamine": "Esketamine",
    "intranasal_other": "Nasal",
    "other": "Other",
}
POINT_SHORT = {"before": "Before", "same_day": "Day 0", "next_day": "Day 1", "week_later": "Day 7"}
MARKERS = {
    "session": "●",
    "upcoming": "○",
    "insight": "◆",
    "guided": "✎",
    "checkin": "~",
    "scale": "≡",
    "appointment": "◇",
}
STYLES = {
    "heading": "heading",
    "session": "session",
    "upcoming": "upcoming",
    "insight": "insight",
    "follow_up": "follow_up",
    "checkin": "checkin",
    "scale": "muted",
    "appointment": "muted",
}


EDITOR_SCREEN = "kapjournal.screens.editor:EditorScreen"
DETAIL_DELAY = 0.08  # seconds the cursor rests before the side panel follows


def editor_screen_class() -> Any | None:
    """The entry editor screen if that feature is installed (it takes ``entry=``)."""
    module_name, _, class_name = EDITOR_SCREEN.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    cls = getattr(module, class_name, None)
    if cls is None:
        return None
    try:
        accepts_entry = "entry" in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return None
    return cls if accepts_entry else None


def to_list_rows(rows: Sequence[Row]) -> list[ListRow]:
    """Core rows to widget rows (done in the worker, not the UI thread)."""
    out = []
    for r in rows:
        marker = MARKERS.get(r.kind, "")
        if r.kind == "entry":
            marker = "?" if r.item is not None and r.item.flagged else "·"
        out.append(ListRow(r.text, STYLES.get(r.kind, ""), r.depth, marker))
    return out


def score_points(checkins: Sequence[CheckIn], field: str) -> list[SeriesPoint]:
    """Daily averages of one check-in field."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for c in checkins:
        value = getattr(c, field)
        if value is not None:
            by_day[c.at.date()].append(value)
    return [SeriesPoint(d, sum(v) / len(v)) for d, v in sorted(by_day.items())]


def session_bars(milestones: Sequence[Milestone]) -> list[SessionBar]:
    return [
        SessionBar(
            label=f"#{m.number} {m.session.started_at:%y-%m-%d}",
            route=ROUTE_SHORT.get(m.session.route or "", "—"),
            dose=dose_text(m.session) if m.session.dose_value else "—",
            severity=m.max_severity if m.session.side_effects else None,
            dissociation=m.session.dissociation,
        )
        for m in milestones
    ]


_TYPING_SENSITIVE = {
    "toggle_insights",
    "mark_insight",
    "follow_up",
    "toggle_bring",
    "toggle_charts",
    "next_field",
    "filter",
}


class TimelineLoaded(Message):
    """The worker built a timeline."""

    def __init__(self, timeline: Timeline, rows: list[ListRow], keep: str | None) -> None:
        super().__init__()
        self.timeline = timeline
        self.rows = rows
        self.keep = keep


class TimelineFailed(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class TimelineSaved(Message):
    """A mark, follow-up or flag was saved (``error`` set when it was not)."""

    def __init__(self, ref: str | None, message: str, error: bool = False) -> None:
        super().__init__()
        self.ref = ref
        self.message = message
        self.error = error


class TimelineScreen(JournalScreen):
    """Sessions as milestones, with entries, guided answers, check-ins and insights."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("slash", "filter", "Filter"),
        Binding("i", "toggle_insights", "Insights only"),
        Binding("m", "mark_insight", "Mark insight"),
        Binding("u", "follow_up", "Follow-up", show=False),
        Binding("b", "toggle_bring", "Bring to therapy", show=False),
        Binding("c", "toggle_charts", "Charts"),
        Binding("f", "next_field", "Chart field", show=False),
    ]
    """
    | Key | Action |
    | --- | --- |
    | j/k, arrows, g/G | Move (in the list) |
    | enter | Open the entry / session / insight |
    | / | Filter: since 2w, until 2026-12-01, since session 3, #tag, route:iv, insights |
    | i | Insights only on/off |
    | m | Mark an insight in the selected entry |
    | u | Add a follow-up to the selected insight |
    | b | Bring to therapy on/off (insight), question for therapy on/off (entry) |
    | c | Show or hide the charts; f changes the charted score |
    | escape | Back |
    """

    HELP_LINES: ClassVar[dict[str, str]] = {
        "filter": "Filter: since 2w, until 2026-12-01, since session 3, #tag, route:iv, insights",
        "toggle_insights": "Show only insights (the thread across the course), or everything",
        "mark_insight": "Mark the selected entry, or a passage of it, as an insight",
        "follow_up": "Add a follow-up to the selected insight",
        "toggle_bring": "Bring an insight to therapy, or flag an entry as a question for it",
        "toggle_charts": "Show or hide the score and per-session charts",
        "next_field": "Chart the next check-in score",
    }

    DEFAULT_CSS = """
    TimelineScreen {
        #tl-title { height: 1; padding: 0 1; background: $panel; color: $text; }
        #tl-filter { display: none; }
        #tl-filter.-shown { display: block; }
        #tl-filter-error { display: none; color: $error; padding: 0 1; }
        #tl-filter-error.-shown { display: block; }
        #tl-body { height: 1fr; }
        #tl-rows { width: 1fr; }
        #tl-side { width: 48; border-left: vkey $panel; padding: 0 1; }
        #tl-change { margin-top: 1; }
        #tl-charts { display: none; height: 14; border-top: hkey $panel; }
        #tl-charts.-shown { display: block; }
        #tl-score { width: 1fr; }
        #tl-bars { width: 64; height: 1fr; }
        &.-narrow {
            #tl-body { layout: vertical; }
            #tl-side { width: 1fr; height: 7; border-left: none; border-top: hkey $panel; }
            #tl-change { margin-top: 0; }
            #tl-charts { height: 12; layout: vertical; }
            #tl-score { height: 6; width: 1fr; }
            #tl-bars { width: 1fr; height: 1fr; }
        }
        &.-narrow.-charts #tl-side { display: none; }
    }
    """

    def __init__(self, filt: TimelineFilter | None = None, *, focus: str | None = None) -> None:
        super().__init__()
        self.filter = filt or TimelineFilter()
        self._focus = focus
        """A model id to put the cursor on at the first load (search opens entries here)."""
        self.timeline: Timeline | None = None
        self._charts_chosen: bool | None = None
        self._field = 0
        self._keep: str | None = None
        self._privacy = False
        self._detail_timer: Timer | None = None
        self.load_ui_seconds = 0.0
        """How long the UI thread spent showing the last loaded timeline (for the benchmark)."""

    # -- layout -------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("Timeline · opening…"), id="tl-title")
        yield Input(
            placeholder="since 2w · until 2026-12-01 · since session 3 · #tag · route:iv "
            "· insights",
            id="tl-filter",
        )
        yield Static("", id="tl-filter-error")
        with Horizontal(id="tl-body"):
            yield RowList([ListRow("Opening the timeline…", "muted")], id="tl-rows")
            with VerticalScroll(id="tl-side"):
                yield Static("", id="tl-detail")
                yield Static("", id="tl-change")
        with Horizontal(id="tl-charts"):
            yield ScoreChart(id="tl-score")
            yield SessionBars(id="tl-bars")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RowList).focus()

    def on_resize(self) -> None:
        if self._charts_chosen is None:
            self._set_charts(self.size.height >= 40)

    def on_screen_resume(self) -> None:
        # Paint the screen first; the build then runs while the UI is idle.
        self.call_after_refresh(self.reload)

    # -- loading ------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Rebuild the timeline in a worker, keeping the cursor on ``keep`` if given."""
        if keep is None and self._focus is not None:
            keep, self._focus = self._focus, None
        if keep is None:
            row = self.current_row()
            keep = row.ref if row is not None else None
        self._load(self.filter, keep)

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline-load")
    def _load(self, filt: TimelineFilter, keep: str | None) -> None:
        try:
            journal = self.journal
            privacy = journal.settings().privacy_mode
            self._privacy = privacy
            # Decrypt kind by kind, pausing in between so the UI thread gets
            # the interpreter promptly (a long CPU-bound stretch makes it wait).
            for kind in (Session, Entry, CheckIn, Insight, ScaleResult, Appointment):
                journal.all(kind)
                time.sleep(0.001)
            tl = build_timeline(journal, filt, hide_titles=privacy)
            rows = to_list_rows(tl.rows())
        except KapError as err:
            self.post_message(TimelineFailed(err.user_message))
            return
        self.post_message(TimelineLoaded(tl, rows, keep))

    @on(TimelineLoaded)
    def _loaded(self, message: TimelineLoaded) -> None:
        started = time.perf_counter()
        try:
            self._show_loaded(message)
        finally:
            self.load_ui_seconds = time.perf_counter() - started

    def _show_loaded(self, message: TimelineLoaded) -> None:
        tl = message.timeline
        self.timeline = tl
        self.filter = tl.filter
        rows = message.rows
        if not rows:
            if not tl.filter.active:
                empty = "Nothing here yet: log a session or write an entry and it will show up."
            elif tl.filter == TimelineFilter(insights_only=True):
                # i switched this on, so i is the way back.
                empty = "No insights marked yet. Press i to show everything again."
            else:
                empty = (
                    f"Nothing matches ({tl.filter.describe()}). Press / to change the filter"
                    + (", or i to show more than insights." if tl.filter.insights_only else ".")
                )
            rows = [ListRow(empty, "muted")]
        cursor = 0
        if message.keep is not None:
            for i, r in enumerate(tl.rows()):
                if r.ref == message.keep:
                    cursor = i
                    break
        self.query_one(RowList).set_rows(rows, cursor)
        self._update_title()
        self._update_charts()
        self._show_detail(cursor)

    @on(TimelineFailed)
    def _failed(self, message: TimelineFailed) -> None:
        self._show_filter_error(message.message)
        if self.timeline is None:
            self.query_one(RowList).set_rows([ListRow(message.message, "muted")])

    def _update_title(self) -> None:
        tl = self.timeline
        if tl is None:
            return
        n_items = sum(1 for _ in tl.items())
        parts = [
            "Timeline",
            f"{len(tl.milestones)} session{'s' if len(tl.milestones) != 1 else ''}",
            f"{n_items} item{'s' if n_items != 1 else ''}",
        ]
        if tl.filter.active:
            parts.append("showing " + tl.filter.describe())
        self.query_one("#tl-title", Static).update(Text(" · ".join(parts)))

    # -- charts -------------------------------------------------------

    def _set_charts(self, shown: bool) -> None:
        self.query_one("#tl-charts").set_class(shown, "-shown")
        self.set_class(shown, "-charts")

    def action_toggle_charts(self) -> None:
        shown = not self.query_one("#tl-charts").has_class("-shown")
        self._charts_chosen = shown
        self._set_charts(shown)

    def action_next_field(self) -> None:
        self._field = (self._field + 1) % len(CHECKIN_FIELDS)
        self._update_charts()

    def _update_charts(self) -> None:
        tl = self.timeline
        if tl is None:
            return
        field = CHECKIN_FIELDS[self._field]
        markers = [m.session.started_at.date() for m in tl.milestones]
        title = f"{FIELD_LABELS[field]} (0-10), daily average · f: next score"
        self.query_one(ScoreChart).set_data(score_points(tl.checkins, field), markers, title=title)
        self.query_one(SessionBars).set_bars(session_bars(tl.milestones))

    # -- selection and detail ------------------------------------------

    def current_row(self) -> Row | None:
        if self.timeline is None:
            return None
        rows = self.timeline.rows()
        cursor = self.query_one(RowList).cursor
        return rows[cursor] if 0 <= cursor < len(rows) else None

    @on(RowList.Highlighted)
    def _highlighted(self, message: RowList.Highlighted) -> None:
        # Updating the side panel re-lays out the screen; while a key is held
        # down only the list moves, and the panel follows once it settles.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        index = message.index
        self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._show_detail(index))

    def _show_detail(self, index: int) -> None:
        detail = self.query_one("#tl-detail", Static)
        change = self.query_one("#tl-change", Static)
        change.update("")
        if self.timeline is None:
            return
        rows = self.timeline.rows()
        if not rows:
            detail.update("")  # nothing to move to: the list says why
            return
        if not 0 <= index < len(rows):
            detail.update(Text("Use j/k or the arrows to move, enter to open."))
            return
        row = rows[index]
        if row.milestone is not None:
            detail.update(self._session_detail(row.milestone))
            change.update(self._change_detail(row.milestone))
        elif row.item is not None:
            detail.update(self._item_detail(row.item))
        elif row.kind == "upcoming":
            detail.update(Text("A planned session. It joins the timeline once it is logged."))
        else:
            detail.update(Text(row.text))

    def _session_detail(self, m: Milestone) -> Text:
        s = m.session
        text = Text()
        text.append(f"Session {m.number}\n", style="bold")
        text.append(f"{s.started_at:%A %d %B %Y, %H:%M}\n")
        route = ROUTE_LABELS.get(s.route or "", "route not recorded")
        text.append(f"{route} · {dose_text(s)}\n")
        if s.setting:
            text.append(SETTING_LABELS.get(s.setting, s.setting) + "\n")
        text.append(f"Side effects: {side_effects_text(s)}\n")
        if s.dissociation is not None:
            text.append(f"Dissociation (your rating): {s.dissociation}/10\n")
        insights = sum(1 for i in m.items if i.kind == "insight")
        text.append(f"{len(m.items)} items, {insights} insight{'s' if insights != 1 else ''}")
        if s.notes.strip() and not self._privacy:
            text.append("\n" + clean(s.notes.strip())[:300], style="italic")
        return text

    def _change_detail(self, m: Milestone) -> Text:
        ch = m.change
        text = Text()
        text.append("Check-ins: before, day 0, day 1, day 7\n", style="bold")
        if ch.available == 0:
            text.append("No check-ins near this session.")
            return text
        width = max(30, self.query_one("#tl-side").content_region.width)
        values = {f: ch.series(f) for f in CHECKIN_FIELDS}
        deltas = {f: [format_delta(ch.delta(p, f)) for p in POINTS] for f in CHECKIN_FIELDS}
        text.append_text(
            render_change_table(
                [POINT_SHORT[p] for p in POINTS], FIELD_LABELS, values, deltas, width
            )
        )
        if ch.sparse:
            text.append("\n" + ch.note, style="italic")
        return text

    def _item_detail(self, item: TimelineItem) -> Text:
        text = Text()
        when = f"{item.at:%A %d %B %Y, %H:%M}"
        if item.days_since is not None and item.days_since >= 0:
            when += f" · day {item.days_since} after the session"
        elif item.days_since is not None:
            when += " · before the session"
        text.append(when + "\n", style="bold")
        if item.kind in ("entry", "guided"):
            entry = self.journal.find(Entry, item.id)
            if item.detail:
                text.append(item.detail + "\n")
            if entry is not None and not self._privacy:
                body = entry_text(entry)
                text.append(clean(body[:600]) + ("…" if len(body) > 600 else "") + "\n")
            if item.tags:
                text.append(" ".join(f"#{clean_line(t)}" for t in item.tags) + "\n")
            if item.insight_count:
                text.append(f"{item.insight_count} insight(s) marked here\n")
            if item.flagged:
                text.append("Flagged as a question for therapy\n")
            text.append("enter: read · m: mark insight · b: question for therapy", style="dim")
        elif item.kind == "insight":
            found = self.journal.find(Insight, item.id)
            if found is not None and not self._privacy:
                text.append(clean(found.text) + "\n")
            if item.tags:
                text.append(" ".join(f"#{clean_line(t)}" for t in item.tags) + "\n")
            for f in item.follow_ups:
                text.append("↳ " + clean_line(follow_up_label(f)) + "\n")
            if item.bring_to_therapy:
                text.append("To bring to therapy\n")
            text.append("u: add a follow-up · b: bring to therapy", style="dim")
        else:
            text.append(item.title)
        return text

    @on(RowList.Selected)
    def _selected(self, message: RowList.Selected) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self.current_row()
        if row is None or row.ref is None:
            return
        if row.item is not None and row.item.kind in ("entry", "guided"):
            editor = editor_screen_class()
            entry = self.journal.find(Entry, row.item.id)
            if editor is not None and entry is not None:
                self.app.push_screen(editor(entry=entry))
            else:
                self._open_entry(row.item.id, mark=False)
        elif row.item is not None and row.item.kind == "insight":
            found = self.journal.find(Insight, row.item.id)
            if found is not None:
                lines = [clean(found.text), ""]
                lines += ["↳ " + follow_up_label(f) for f in found.follow_ups]
                heading = f"Insight · {found.created:%A %d %B %Y}"
                self.app.push_screen(EntryReadModal(heading, "\n".join(lines), mark=False))
        elif row.milestone is not None:
            m = row.milestone
            body = self._session_detail(m).plain + "\n\n" + self._change_detail(m).plain
            self.app.push_screen(EntryReadModal(f"Session {m.number}", body, mark=False))

    def _open_entry(self, entry_id: str, *, mark: bool) -> None:
        entry = self.journal.find(Entry, entry_id)
        if entry is None:
            self.notify("That entry is no longer in the journal.", severity="warning")
            return
        heading = f"{entry.created:%A %d %B %Y, %H:%M} · {entry.first_line}"
        if entry.answers:
            parts = []
            for a in entry.answers:
                value = a.value
                if isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                parts.append(f"{a.question}\n{'' if value is None else value}")
            if entry.body.strip():
                parts.append(entry.body)
            body = "\n\n".join(parts)
        else:
            body = entry.body

        def done(request: MarkRequest | None) -> None:
            if request is not None:
                self._save_mark(entry_id, request)

        self.app.push_screen(EntryReadModal(heading, body, mark=True), done)

    # -- actions that save -------------------------------------------

    def action_mark_insight(self) -> None:
        row = self.current_row()
        if row is None or row.item is None:
            self.notify("Choose an entry first, then press m to mark an insight in it.")
            return
        if row.item.kind in ("insight",) or row.kind == "follow_up":
            self.notify("This is already an insight; press u to add a follow-up.")
            return
        if row.item.kind not in ("entry", "guided"):
            self.notify("Insights are marked in entries; choose an entry first.")
            return
        self._open_entry(row.item.id, mark=True)

    def action_follow_up(self) -> None:
        row = self.current_row()
        if row is None or row.item is None or row.item.kind != "insight":
            self.notify("Choose an insight (◆) first, then press u to add a follow-up.")
            return
        insight_id = row.item.id
        found = self.journal.find(Insight, insight_id)
        if found is None:
            return

        def done(request: FollowUpRequest | None) -> None:
            if request is not None:
                self._save_follow_up(insight_id, request)

        self.app.push_screen(FollowUpModal(found.text, self.journal.now()), done)

    def action_toggle_bring(self) -> None:
        row = self.current_row()
        if row is None or row.item is None or row.item.kind not in ("insight", "entry", "guided"):
            self.notify("Choose an insight or an entry first.")
            return
        self._save_toggle(row.item.kind, row.item.id)

    @work(thread=True, exit_on_error=False, group="timeline-save")
    def _save_mark(self, entry_id: str, request: MarkRequest) -> None:
        try:
            entry = self.journal.get(Entry, entry_id)
            saved = mark_insight(
                self.journal,
                entry,
                passage=request.passage,
                tags=request.tags,
                bring_to_therapy=request.bring_to_therapy,
            )
        except KapError as err:
            self.post_message(TimelineSaved(None, err.user_message, error=True))
            return
        what = "passage" if request.passage else "entry"
        self.post_message(TimelineSaved(saved.id, f"Marked the {what} as an insight."))

    @work(thread=True, exit_on_error=False, group="timeline-save")
    def _save_follow_up(self, insight_id: str, request: FollowUpRequest) -> None:
        try:
            insight = self.journal.get(Insight, insight_id)
            add_follow_up(self.journal, insight, request.kind, request.text, at=request.when)
        except KapError as err:
            self.post_message(TimelineSaved(None, err.user_message, error=True))
            return
        self.post_message(TimelineSaved(insight_id, "Follow-up added."))

    @work(thread=True, exit_on_error=False, group="timeline-save")
    def _save_toggle(self, kind: str, model_id: str) -> None:
        try:
            if kind == "insight":
                insight = self.journal.get(Insight, model_id)
                saved = set_bring_to_therapy(self.journal, insight, not insight.bring_to_therapy)
                message = (
                    "Will bring this to therapy."
                    if saved.bring_to_therapy
                    else "No longer flagged for therapy."
                )
            else:
                entry = self.journal.get(Entry, model_id)
                flagged = not entry.flagged_for_therapy
                self.journal.update_entry(entry, flagged_for_therapy=flagged)
                message = (
                    "Flagged as a question for therapy."
                    if flagged
                    else "No longer flagged as a question."
                )
        except KapError as err:
            self.post_message(TimelineSaved(None, err.user_message, error=True))
            return
        self.post_message(TimelineSaved(model_id, message))

    @on(TimelineSaved)
    def _saved(self, message: TimelineSaved) -> None:
        if message.error:
            self.notify(message.message, severity="warning", markup=False)
            return
        self.notify(message.message, markup=False)
        self.reload(keep=message.ref)

    # -- filters --------------------------------------------------------

    def action_filter(self) -> None:
        bar = self.query_one("#tl-filter", Input)
        bar.add_class("-shown")
        bar.focus()

    def _show_filter_error(self, text: str) -> None:
        error = self.query_one("#tl-filter-error", Static)
        error.update(Text(text))
        error.set_class(bool(text), "-shown")

    @on(Input.Submitted, "#tl-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        try:
            filt = parse_filter_text(event.value, now=self.journal.now)
        except InvalidInput as err:
            self._show_filter_error(err.user_message)
            return
        self._show_filter_error("")
        self.apply_filter(filt)
        self.query_one(RowList).focus()

    def apply_filter(self, filt: TimelineFilter) -> None:
        """Show the timeline with another filter."""
        self.filter = filt
        self._load(filt, None)

    def action_toggle_insights(self) -> None:
        self.apply_filter(replace(self.filter, insights_only=not self.filter.insights_only))

    def action_back(self) -> None:
        bar = self.query_one("#tl-filter", Input)
        if bar.has_focus:
            bar.remove_class("-shown")
            self._show_filter_error("")
            self.query_one(RowList).focus()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # Keys that type into the filter bar must not trigger screen actions.
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in _TYPING_SENSITIVE and isinstance(self.focused, Input))
