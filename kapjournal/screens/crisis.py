"""``CrisisScreen``: calm, full-screen crisis resources (CLINICAL.md d).

It opens after the answer that raised it has already been saved, so it
never blocks saving. It stays until the person acknowledges it (it never
closes by itself, and escape does not dismiss it by accident). The numbers
come from ``kapjournal/data/crisis_resources.toml`` for the country in
settings, plus the clinic's number if one is set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.widgets import Button, Footer, Static

from kapjournal.core import safety
from kapjournal.core.errors import KapError
from kapjournal.core.models import SafetyEvent
from kapjournal.core.sanitize import clean_line
from kapjournal.screens.base import JournalScreen


def resource_lines(res: safety.CrisisResources) -> list[str]:
    """The plain lines the screen shows (also used by tests)."""
    lines = []
    if res.crisis_line:
        lines.append(f"{res.crisis_name}: {res.crisis_line}")
    lines.append(f"Emergency: {res.emergency}")
    if res.clinic_phone:
        lines.append(f"Your clinic: {clean_line(res.clinic_phone)}")
    return lines


class CrisisScreen(JournalScreen):
    """Crisis resources.

    | key | action |
    |-----|--------|
    | enter (on the button) | I have read this: close |
    """

    DEFAULT_CSS = """
    CrisisScreen {
        align: center middle;
        background: $surface;
    }
    CrisisScreen #crisis-box {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 1 3;
        border: round $primary;
    }
    CrisisScreen .crisis--title {
        text-style: bold;
        margin-bottom: 1;
    }
    CrisisScreen .crisis--numbers {
        text-style: bold;
        margin: 1 0;
        padding: 1 2;
        background: $boost;
    }
    CrisisScreen .crisis--small {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "noop", show=False, priority=True),
    ]
    SHOWN_WHEN_LOCKED = True  # shown again over the unlock screen after an idle lock

    def __init__(
        self,
        events: Sequence[SafetyEvent] = (),
        *,
        resources: safety.CrisisResources | None = None,
    ) -> None:
        """``resources`` given: show those numbers without reading the journal (the
        app shows the screen again over the unlock screen after an idle lock)."""
        super().__init__()
        self.events = list(events)
        self.resources = resources

    def compose(self) -> ComposeResult:
        res = self.resources
        if res is None:
            try:
                settings = self.journal.settings()
                res = safety.resources_for(settings.country, settings.clinic_phone)
            except KapError:
                res = safety.resources_for("US")
            self.resources = res
        with VerticalScroll(id="crisis-box"):
            yield Static("You don't have to carry this alone.", classes="crisis--title")
            yield Static(
                Text(
                    "What you wrote matters. If things feel too heavy right now, "
                    "please reach out to someone who can be with you in this. "
                    "Talking to a person can help, even when it feels hard to start."
                )
            )
            yield Static(
                Text("\n".join(resource_lines(res))), classes="crisis--numbers", id="crisis-numbers"
            )
            yield Static(
                Text(
                    "If you are in danger right now, call the emergency number. "
                    "This journal is private: nobody reads it or is notified, so it "
                    "cannot call anyone for you."
                )
            )
            yield Static(
                Text(
                    "What you wrote is saved. You can carry on writing afterwards. "
                    f"Numbers for {res.name}; last checked {res.last_checked}. "
                    "You can change the country and add your clinic's number in settings."
                ),
                classes="crisis--small",
            )
            with Center():
                yield Button("I have read this", id="crisis-ack", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#crisis-ack", Button).focus()

    def action_noop(self) -> None:
        """Escape does nothing here: the screen closes only when acknowledged."""
        self.notify("When you're ready, choose 'I have read this'.", timeout=4)

    @on(Button.Pressed, "#crisis-ack")
    def acknowledge(self) -> None:
        if self.events:
            # Acknowledging is a nicety; never trap the person here.
            with contextlib.suppress(KapError):
                safety.acknowledge(self.journal, self.events)
        self.dismiss(True)
