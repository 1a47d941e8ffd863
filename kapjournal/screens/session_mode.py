"""``SessionModeScreen``: the checklist before dosing, then calm quick capture.

Started before dosing. For the grace period chosen in settings (default 4
hours, at most 8) the journal stays open without the passphrase: the screen
keeps telling the app it is in use so the idle lock waits. Only this screen
is shown: one key starts typing, Enter saves a fragment at once as an
``Entry(source="fragment")`` linked to the session. Leaving session mode, or
the grace period ending, locks the journal as usual.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.widgets import Button, Footer, Input, SelectionList, Static

from kapjournal.core import checklist, guided
from kapjournal.core.errors import KapError
from kapjournal.core.models import Session, new_id
from kapjournal.core.schedule import find_planned_match, grace_hours
from kapjournal.screens.base import JournalScreen

TICK_SECONDS = 15.0


class SessionModeScreen(JournalScreen):
    """Session mode.

    | key | action |
    |-----|--------|
    | enter (on Start) | start session mode |
    | i, space | start typing a fragment |
    | enter (typing) | save the fragment now |
    | escape (typing) | stop typing |
    | ctrl+q / escape | leave session mode (locks) |
    """

    DEFAULT_CSS = """
    SessionModeScreen {
        align: center middle;
        /* small, so the checklist and its title fit whole at 80x24 (the box is
           centred, 90 wide, on bigger terminals anyway) */
        padding: 0 1;
    }
    SessionModeScreen #mode-box {
        width: 90;
        max-width: 100%;
        height: auto;
    }
    SessionModeScreen .mode--title {
        text-style: bold;
        margin-bottom: 1;
    }
    SessionModeScreen #mode-calm {
        text-style: bold;
        padding: 2 0;
        content-align: center middle;
        text-align: center;
        width: 100%;
    }
    SessionModeScreen #mode-input {
        border: tall $accent;
        height: 5;
        padding: 1 2;
    }
    SessionModeScreen .mode--quiet {
        color: $text-muted;
        text-align: center;
        width: 100%;
    }
    SessionModeScreen #mode-checklist {
        height: auto;
        max-height: 12;
        margin: 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i,space", "type", "Write", show=True),
        # One key, three meanings; check_action keeps the footer truthful.
        Binding("escape", "stop_typing", "Stop writing (kept)"),
        Binding("escape", "leave", "Leave (locks)"),
        Binding("escape", "back", "Back"),
    ]

    HELP_LINES: ClassVar[dict[str, str]] = {
        "type": "Write a fragment (after Start); Enter keeps it",
        "stop_typing": "While writing: keep the fragment and stop writing",
        "leave": "Leave session mode; the journal locks",
        "back": "Before Start: go back (nothing is locked)",
    }

    def __init__(self) -> None:
        super().__init__()
        self.started = False
        self.deadline: datetime | None = None
        self.session_id: str | None = None
        self.fragments = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="mode-box"):
            yield Static("Session mode", classes="mode--title")
            yield Static("", id="mode-intro")
            yield SelectionList[str](id="mode-checklist")
            with Center(id="mode-start-row"):
                yield Button("Start session mode", id="mode-start", variant="primary")
            yield Static("", id="mode-calm")
            yield Input(
                placeholder="a word, an image, a feeling... Enter keeps it", id="mode-input"
            )
            yield Static("", id="mode-status", classes="mode--quiet")
        yield Footer()

    def on_mount(self) -> None:
        settings = self.journal.settings()
        hours = grace_hours(settings.session_grace_hours)
        self.hours = hours
        planned = find_planned_match(
            self.journal.all(Session), self.journal.now(), timedelta(hours=12)
        )
        setting = planned.setting if planned else None
        self.query_one("#mode-intro", Static).update(
            Text(
                "A few things people often get ready beforehand. Tick what helps; "
                "none of it is required, and your clinic's instructions come first.\n\n"
                f"Once you start, the journal stays open for {hours} hours without your "
                "passphrase and shows only a quiet place to jot things down. Leaving "
                "session mode, or the time running out, locks it as usual."
            )
        )
        items = self.query_one("#mode-checklist", SelectionList)
        for item in checklist.items_for(setting or "home_supervised"):
            items.add_option((item.text, item.id))
        self.query_one("#mode-calm").display = False
        self.query_one("#mode-input").display = False
        self.query_one("#mode-start", Button).focus()

    # -- starting -----------------------------------------------------

    @on(Button.Pressed, "#mode-start")
    def start(self) -> None:
        now = self.journal.now()
        sessions = self.journal.all(Session)
        planned = find_planned_match(sessions, now, timedelta(hours=12))
        try:
            if planned is None:
                # A placeholder the later session log completes (same id, so
                # fragments stay linked).
                planned = self.journal.save(Session(id=new_id(), started_at=now, status="planned"))
        except KapError as err:
            self.notify(err.user_message, severity="error")
            return
        self.session_id = planned.id
        self.deadline = now + timedelta(hours=self.hours)
        self.started = True
        for wid in ("#mode-intro", "#mode-checklist", "#mode-start-row"):
            self.query_one(wid).display = False
        calm = self.query_one("#mode-calm", Static)
        calm.display = True
        calm.update(Text("Breathe. Nothing to do here.\n\nPress i or space to note something."))
        self._update_status()
        self.set_interval(TICK_SECONDS, self.tick, name="session-mode-grace")
        self.app_touch()
        self.refresh_bindings()

    def app_touch(self) -> None:
        touch = getattr(self.app, "touch", None)
        if callable(touch):
            touch()

    def tick(self) -> None:
        """Keep the app awake during the grace period; lock once it is over."""
        if not self.started or self.deadline is None:
            return
        if self.journal_now() >= self.deadline:
            self.end(reason="session_grace_over")
            return
        self.app_touch()

    def journal_now(self) -> datetime:
        try:
            return self.journal.now()
        except KapError:
            return datetime.max.replace(tzinfo=self.deadline.tzinfo if self.deadline else None)

    def _update_status(self) -> None:
        if self.deadline is None:
            return
        saved = f"{self.fragments} fragment{'s' if self.fragments != 1 else ''} kept. "
        self.query_one("#mode-status", Static).update(
            Text(f"{saved}The journal locks at {self.deadline:%H:%M}. Escape leaves and locks.")
        )

    # -- capture ------------------------------------------------------

    def action_type(self) -> None:
        if not self.started:
            return
        field = self.query_one("#mode-input", Input)
        field.display = True
        field.focus()
        self.refresh_bindings()

    @on(Input.Submitted, "#mode-input")
    def save_fragment(self, event: Input.Submitted) -> None:
        text = event.value
        try:
            saved = guided.add_fragment(self.journal, text, self.session_id)
        except KapError as err:
            self.notify(err.user_message, severity="error")
            return  # the text stays in the field
        event.input.value = ""
        if saved is not None:
            self.fragments += 1
            self._update_status()
        self.app_touch()

    def _typing(self) -> bool:
        return self.started and self.query_one("#mode-input", Input).has_focus

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_typing":
            return self._typing()
        if action == "leave":
            return self.started and not self._typing()
        if action == "back":
            return not self.started
        return True

    def action_stop_typing(self) -> None:
        field = self.query_one("#mode-input", Input)
        if field.value.strip():
            guided.add_fragment(self.journal, field.value, self.session_id)
            field.value = ""
            self.fragments += 1
            self._update_status()
        field.display = False
        self.set_focus(None)
        self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_leave(self) -> None:
        if self._typing():
            self.action_stop_typing()
            return
        if not self.started:
            self.dismiss(None)
            return
        self.end(reason="session_mode_left")

    def before_lock(self) -> None:
        """Keep a fragment that was being typed when the lock came."""
        field = self.query_one("#mode-input", Input)
        if field.value.strip():
            guided.add_fragment(self.journal, field.value, self.session_id)
            field.value = ""

    def end(self, *, reason: str) -> None:
        """Leave session mode and lock the journal (the app's usual lock)."""
        self.before_lock()
        self.started = False
        lock = getattr(self.app, "lock", None)
        if callable(lock):
            lock(reason=reason)
        else:
            self.dismiss(self.session_id)
