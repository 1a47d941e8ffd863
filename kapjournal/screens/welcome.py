"""``WelcomeScreen``: first run only. What the journal is (and is not), then onward."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

# Our own words for CLINICAL.md (d): support, not care; nobody watches; emergencies.
DISCLAIMER = (
    "This journal is here to support your treatment. It does not replace your care team, "
    "and nobody reads or watches it while you write. If you are in danger or in crisis, "
    "call your local emergency number or a crisis line now."
)

WELCOME = (
    "A private place to prepare for sessions, note what comes up afterwards and "
    "bring what matters to therapy. Everything is encrypted on this device with a "
    "passphrase only you know."
)


class WelcomeScreen(Screen[None]):
    """The first screen on a new machine.

    | key | action |
    |-----|--------|
    | enter | continue to passphrase setup |
    | ctrl+q | quit |
    """

    BINDINGS = [
        Binding("enter", "continue", "Continue"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, vault: Path) -> None:
        super().__init__()
        self.vault = vault

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="welcome-box", classes="card"):
            yield Static("Welcome to kapjournal", classes="card--title")
            yield Static(WELCOME, classes="card--text")
            yield Static(DISCLAIMER, id="welcome-disclaimer", classes="card--notice")
            yield Button("Set a passphrase", id="welcome-continue", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#welcome-continue", Button).focus()

    @on(Button.Pressed, "#welcome-continue")
    def action_continue(self) -> None:
        from kapjournal.screens.create import CreateScreen

        self.app.switch_screen(CreateScreen(self.vault))
