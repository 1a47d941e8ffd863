"""A tiny host App for the timeline screens (it only needs a ``journal``)."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from kapjournal.core.journal import Journal


class HarnessApp(App[None]):
    """Pushes one screen over an empty base screen."""

    def __init__(self, journal: Journal, screen: Screen[object]) -> None:
        super().__init__()
        self.journal = journal
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)
