"""``LockingScreen``: shown while the journal locks (the search index is being sealed).

It holds no journal data: the journal screens are gone before it appears. The
sealing runs in the app's worker; this screen only says what is happening and
lets the user skip the save (the index is then rebuilt at the next unlock).
"""

from __future__ import annotations

import threading

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static

SKIP_HINT = (
    "Saving the search index so the next unlock is quick. Your entries are already "
    "saved. Press Esc to skip this; searching will then take longer after the next unlock."
)
SKIPPING = "Skipping: finishing the lock..."


class LockingScreen(Screen[None]):
    """Locking in progress.

    | key | action |
    |-----|--------|
    | escape | skip saving the search index |
    """

    DEFAULT_CSS = """
    LockingScreen {
        align: center middle;
        & Center {
            height: auto;
        }
    }
    #locking-busy {
        height: 1;
        & > LoadingIndicator {
            width: 8;
            height: 1;
            min-height: 1;
        }
    }
    #locking-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape", "skip", "Skip saving the index")]

    def __init__(self, skip: threading.Event) -> None:
        super().__init__()
        self._skip = skip

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="locking-box", classes="card"):
            yield Static("kapjournal", classes="card--title")
            with Horizontal(id="locking-busy"):
                yield LoadingIndicator()
                yield Static("Locking\u2026", id="locking-label")
            yield Static(SKIP_HINT, id="locking-hint")
        yield Footer()

    def action_skip(self) -> None:
        self._skip.set()
        self.query_one("#locking-hint", Static).update(SKIPPING)
