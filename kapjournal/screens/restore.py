"""``RestoreDraftModal``: offer back writing that was autosaved but never saved."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kapjournal.core.sanitize import clean_line


class RestoreDraftModal(ModalScreen[str]):
    """Dismisses with "restore", "discard" or "later".

    | key | action |
    |-----|--------|
    | escape | decide later (the draft is kept) |
    """

    BINDINGS = [Binding("escape", "later", "Later", show=False)]

    def __init__(self, updated: datetime, body: str, *, what: str = "") -> None:
        super().__init__()
        self._updated = updated
        self._preview = clean_line(body).strip()[:120]
        self._what = what  # e.g. "session form"; "" for writing

    def compose(self) -> ComposeResult:
        with Vertical(id="restore-dialog", classes="dialog"):
            when = f"{self._updated:%A %d %B at %H:%M}"
            if self._what:
                title = f"Unsaved {self._what} found"
                message = (
                    f"You were filling in a {self._what} on {when} and it was not "
                    "saved. Would you like to carry on with it?"
                )
            else:
                title = "Unsaved writing found"
                message = (
                    f"You were writing on {when} and it was not saved as an entry. "
                    "Would you like to carry on with it?"
                )
            yield Static(title, classes="dialog--title")
            yield Static(Text(message))
            if self._preview:
                yield Static(Text(self._preview, style="italic"), id="restore-preview")
            with Horizontal(classes="dialog--buttons"):
                yield Button("Restore", id="restore-yes", variant="primary")
                yield Button("Discard...", id="restore-discard", variant="error")

    def on_mount(self) -> None:
        self.query_one("#restore-yes", Button).focus()

    @on(Button.Pressed, "#restore-yes")
    def _restore(self) -> None:
        self.dismiss("restore")

    @on(Button.Pressed, "#restore-discard")
    def _discard(self) -> None:
        self.dismiss("discard")

    def action_later(self) -> None:
        self.dismiss("later")
