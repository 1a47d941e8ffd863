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
from kapjournal.core.models import SafetyEvent
from kapjournal.screens.base import JournalScreen
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

    def on_mount(self) -> None:
        self.query_one(f"#checkin-{SLIDERS[0].field}", ScalePicker).focus()

    def values(self) -> dict[str, int | None]:
        return {s.field: self.query_one(f"#checkin-{s.field}", ScalePicker).value for s in SLIDERS}

    def action_save(self) -> None:
        note = self.query_one("#checkin-note", Input).value
        try:
            saved = record_checkin(self.journal, self.values(), note=note)
        except KapError as err:
            self.query_one("#checkin-error", Static).update(Text(err.user_message))
            return
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
        note = self.query_one("#checkin-note", Input).value
        if all(v is None for v in self.values().values()) and not note.strip():
            self.dismiss(None)
            return
        from kapjournal.screens.confirm import ConfirmModal

        def chosen(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmModal(
                "Leave without saving?",
                "This check-in has not been saved yet.",
                yes="Leave without saving",
                no="Keep it",
                yes_key=False,
            ),
            chosen,
        )

    @on(Button.Pressed, "#checkin-save")
    def _save_pressed(self) -> None:
        self.action_save()
