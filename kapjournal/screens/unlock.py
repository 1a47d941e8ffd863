"""``UnlockScreen``: masked passphrase, key derivation in a worker, calm errors.

Kept free of heavy imports (cryptography, sqlite) so the prompt appears fast;
the core modules are warmed up in a background thread while the user types.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from kapjournal.screens.messages import UnlockFailed, VaultUnlocked

WRONG_PASSPHRASE = "That passphrase did not open the journal. Take your time and try again."
# After a few tries, say where a forgotten passphrase can be replaced.
RECOVERY_HINT = (
    " If you made a recovery code, 'kapjournal recover' opens the journal with it "
    "and lets you choose a new passphrase."
)
HINT_AFTER = 3


class UnlockScreen(Screen[None]):
    """Ask for the passphrase and open the journal.

    | key | action |
    |-----|--------|
    | enter | unlock |
    | ctrl+q | quit |
    """

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, vault: Path, *, demo_passphrase: str | None = None) -> None:
        super().__init__()
        self.vault = vault
        self.demo_passphrase = demo_passphrase
        self.wrong_tries = 0

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="unlock-box", classes="card"):
            yield Static("kapjournal", classes="card--title")
            yield Static(Text(f"Journal: {self.vault}", overflow="ellipsis"), id="unlock-path")
            if self.demo_passphrase:
                yield Static(
                    Text(f"Demo journal - the passphrase is: {self.demo_passphrase}"),
                    id="unlock-demo",
                    classes="card--notice",
                )
            yield Input(password=True, placeholder="Passphrase", id="unlock-passphrase")
            with Horizontal(id="unlock-busy"):
                yield LoadingIndicator()
                yield Static("Unlocking...", id="unlock-busy-label")
            yield Static("", id="unlock-message", classes="inline-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#unlock-busy").display = False
        self.query_one("#unlock-passphrase", Input).focus()
        self.call_after_refresh(self._warm_up)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        # Import the crypto/vault stack while the user types, off the UI thread,
        # and say at once if the file is not a usable vault (no key needed).
        import kapjournal.core.journal  # noqa: F401
        from kapjournal.core.errors import KapError, VaultNotFound
        from kapjournal.core.vault import check_not_busy, read_header

        try:
            read_header(self.vault)
            check_not_busy(self.vault)
        except VaultNotFound:
            pass  # unlocking will explain
        except KapError as err:
            self.post_message(UnlockFailed(err))
        import kapjournal.screens.home  # noqa: F401

    @on(Input.Submitted, "#unlock-passphrase")
    def action_unlock(self) -> None:
        field = self.query_one("#unlock-passphrase", Input)
        passphrase = field.value
        if not passphrase:
            self._say("Please type your passphrase, then press Enter.")
            return
        self._set_busy(True)
        self._unlock(passphrase)

    def _say(self, message: str) -> None:
        self.query_one("#unlock-message", Static).update(message)

    def _set_busy(self, busy: bool) -> None:
        self.query_one("#unlock-busy").display = busy
        field = self.query_one("#unlock-passphrase", Input)
        field.disabled = busy
        if busy:
            self._say("")
        else:
            field.focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _unlock(self, passphrase: str) -> None:
        from kapjournal.core.errors import KapError, WrongPassphrase
        from kapjournal.core.journal import Journal
        from kapjournal.core.models import Draft, Entry

        try:
            journal = Journal.unlock(self.vault, passphrase, now=self.app.clock)  # type: ignore[attr-defined]
        except WrongPassphrase as err:
            self.post_message(UnlockFailed(err, wrong_passphrase=True))
            return
        except KapError as err:
            self.post_message(UnlockFailed(err))
            return
        try:
            # Decrypt what the home screen needs while still in the worker.
            journal.settings()
            journal.all(Entry)
            journal.all(Draft)
        except KapError as err:
            journal.close()
            self.post_message(UnlockFailed(err))
            return
        self.post_message(VaultUnlocked(journal))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected failure: a generic modal, and the field is given back.
        if event.state == WorkerState.ERROR and event.worker.group != "warm-up":
            self._set_busy(False)
            self.app.report_worker_error(event.worker.error)  # type: ignore[attr-defined]

    def on_unlock_failed(self, message: UnlockFailed) -> None:
        field = self.query_one("#unlock-passphrase", Input)
        field.value = ""
        self._set_busy(False)
        if message.wrong_passphrase:
            self.wrong_tries += 1
            hint = RECOVERY_HINT if self.wrong_tries >= HINT_AFTER else ""
            self._say(WRONG_PASSPHRASE + hint)
            return
        self.app.show_vault_error(message.error)  # type: ignore[attr-defined]

    def on_vault_unlocked(self, message: VaultUnlocked) -> None:
        self.query_one("#unlock-passphrase", Input).value = ""
        self.app.journal_ready(message.journal)  # type: ignore[attr-defined]
