"""``CheckInScreen``: the five 0-10 sliders and an optional note."""

from __future__ import annotations

import contextlib
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Static

from kapjournal.core import safety
from kapjournal.core.checkin import SLIDERS, record_checkin
from kapjournal.core.errors import KapError
from kapjournal.core.models import Draft, SafetyEvent
from kapjournal.screens.base import JournalScreen, LockDraft
from kapjournal.screens.crisis import CrisisScreen
from kapjournal.widgets.scale_picker import ScalePicker


class CheckInScreen(JournalScreen):
    """A quick check-in.

    | key | action |
    |-----|--------|
    | tab / shift+tab | next / previous slider |
    | left / right, 0-9 | set the focused slider |
    | ctrl+s | save |
    | escape | leave (asks first if anything was set) |
    """

    DEFAULT_CSS = """
    CheckInScreen {
        padding: 1 2;
    }
    CheckInScreen .checkin--title {
        text-style: bold;
        margin-bottom: 1;
    }
    CheckInScreen .checkin--question {
        margin-top: 1;
    }
    CheckInScreen #checkin-error {
        color: $error;
    }
    CheckInScreen #checkin-buttons {
        height: auto;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Leave"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("How are things right now?", classes="checkin--title")
            yield Static(
                Text("Skip any you like. This is for you to notice patterns; it is not a test."),
            )
            for s in SLIDERS:
                yield Static(Text(s.question), classes="checkin--question")
                yield ScalePicker(s.low, s.high, id=f"checkin-{s.field}")
            yield Static("Anything to add? (optional)", classes="checkin--question")
            yield Input(placeholder="a few words", id="checkin-note")
            yield Static("", id="checkin-error")
            with Horizontal(id="checkin-buttons"):
                yield Button("Save", id="checkin-save", variant="primary")
        yield Footer()

    def __init__(self, *, draft: Draft | None = None) -> None:
        super().__init__()
        # A check-in sealed as a draft when the journal locked: carry on from there.
        self._draft = draft
        self.lock_draft = LockDraft(draft)

    def on_mount(self) -> None:
        if self._draft is not None:
            for s in SLIDERS:
                value = self._draft.answers.get(s.field)
                if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10:
                    self.query_one(f"#checkin-{s.field}", ScalePicker).value = value
            self.query_one("#checkin-note", Input).value = self._draft.body
            self.notify("Brought back the check-in you started before the journal locked.")
        self.query_one(f"#checkin-{SLIDERS[0].field}", ScalePicker).focus()

    def _started(self) -> bool:
        note = self.query_one("#checkin-note", Input).value
        return any(v is not None for v in self.values().values()) or bool(note.strip())

    def before_lock(self) -> None:
        """Called by the app just before it locks: seal a started check-in as a
        draft, offered back at the next unlock."""
        if not self._started():
            self.lock_draft.drop(self.journal)
            return
        answers: dict[str, object] = {k: v for k, v in self.values().items() if v is not None}
        self.lock_draft.seal(
            self.journal,
            target="checkin",
            title="Check-in",
            body=self.query_one("#checkin-note", Input).value,
            answers=answers,
        )

    def values(self) -> dict[str, int | None]:
        return {s.field: self.query_one(f"#checkin-{s.field}", ScalePicker).value for s in SLIDERS}

    def action_save(self) -> None:
        note = self.query_one("#checkin-note", Input).value
        try:
            saved = record_checkin(self.journal, self.values(), note=note)
        except KapError as err:
            self.query_one("#checkin-error", Static).update(Text(err.user_message))
            return
        self.lock_draft.drop(self.journal)
        self.notify("Check-in saved.", timeout=4)
        # CLINICAL.md (d) 3: a listed phrase in the note opens the crisis screen.
        trigger = safety.text_trigger(note, "checkin:note")
        events: list[SafetyEvent] = []
        if trigger is not None:
            # The screen matters more than the log line.
            with contextlib.suppress(KapError):
                events = safety.log_triggers(self.journal, [trigger])
        app = self.app
        self.dismiss(saved.id)
        if trigger is not None:
            app.push_screen(CrisisScreen(events))

    def action_leave(self) -> None:
        """Leave; if a slider was set or a note typed, ask first (escape keeps it)."""

        def leave() -> None:
            self.lock_draft.drop(self.journal)
            self.dismiss(None)

        self.leave_asking(
            self._started(), "This check-in has not been saved yet.", leave, keep="Keep it"
        )

    @on(Button.Pressed, "#checkin-save")
    def _save_pressed(self) -> None:
        self.action_save()
