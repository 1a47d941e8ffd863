"""A tiny host App for Pilot tests: has ``journal`` and pushes one screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kapjournal.core.journal import Journal


class Harness(App[None]):
    def __init__(self, journal: Journal, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.journal: Journal | None = journal
        self._make = make
        self.results: list[Any] = []
        self.locked = 0

    def compose(self) -> ComposeResult:
        yield Static("harness home", id="harness-home")

    def on_mount(self) -> None:
        self.push_screen(self._make(), self.results.append)

    def lock(self, *, reason: str = "manual") -> None:
        self.locked += 1
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def touch(self) -> None:
        pass
