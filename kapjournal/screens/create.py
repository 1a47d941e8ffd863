"""``CreateScreen``: choose a passphrase (twice, with a live hint) and create the vault."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from kapjournal.core.strength import strength_hint
from kapjournal.screens.messages import UnlockFailed, VaultUnlocked
from kapjournal.widgets.strength_meter import StrengthMeter


class CreateScreen(Screen[None]):
    """New passphrase twice, then the vault is created in a worker.

    | key | action |
    |-----|--------|
    | enter | next field / create |
    | ctrl+q | quit |
    """

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, vault: Path) -> None:
        super().__init__()
        self.vault = vault

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="create-box", classes="card"):
            yield Static("Choose a passphrase", classes="card--title")
            yield Static(
                "It unlocks your journal. Nobody can recover it for you, so pick "
                "something you will remember: a few unrelated words work well. "
                "Later you can also make a one-time recovery code "
                "('kapjournal recovery-code') and keep it somewhere safe.",
                classes="card--text",
            )
            yield Input(password=True, placeholder="New passphrase", id="create-passphrase")
            yield StrengthMeter(id="create-strength")
            yield Input(password=True, placeholder="Type it again", id="create-repeat")
            yield Static("", id="create-message", classes="inline-message")
            yield LoadingIndicator(id="create-busy")
            yield Button("Create my journal", id="create-submit", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#create-busy").display = False
        self.query_one("#create-passphrase", Input).focus()
        self._update_hint("")

    def _update_hint(self, value: str) -> None:
        hint = strength_hint(value)
        meter = self.query_one(StrengthMeter)
        meter.score = hint.score
        meter.message = hint.message

    @on(Input.Changed, "#create-passphrase")
    def _passphrase_changed(self, event: Input.Changed) -> None:
        self._update_hint(event.value)
        self._say("")

    @on(Input.Submitted, "#create-passphrase")
    def _first_submitted(self) -> None:
        self.query_one("#create-repeat", Input).focus()

    @on(Input.Submitted, "#create-repeat")
    @on(Button.Pressed, "#create-submit")
    def action_create(self) -> None:
        first = self.query_one("#create-passphrase", Input)
        second = self.query_one("#create-repeat", Input)
        hint = strength_hint(first.value)
        if not hint.acceptable:
            self._say(hint.message)
            first.focus()
            return
        if first.value != second.value:
            self._say("The two passphrases are different. Please type the second one again.")
            second.value = ""
            second.focus()
            return
        self._set_busy(True)
        self._create(first.value)

    def _say(self, message: str) -> None:
        self.query_one("#create-message", Static).update(message)

    def _set_busy(self, busy: bool) -> None:
        self.query_one("#create-busy").display = busy
        for widget in self.query(Input):
            widget.disabled = busy
        self.query_one("#create-submit", Button).disabled = busy
        if busy:
            self._say("Creating your encrypted journal...")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _create(self, passphrase: str) -> None:
        from kapjournal.core.errors import KapError
        from kapjournal.core.journal import Journal

        try:
            journal = Journal.create(self.vault, passphrase, now=self.app.clock)  # type: ignore[attr-defined]
        except KapError as err:
            self.post_message(UnlockFailed(err))
            return
        self.post_message(VaultUnlocked(journal, created=True))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected failure: a generic modal, and the field is given back.
        if event.state == WorkerState.ERROR and event.worker.group != "warm-up":
            self._set_busy(False)
            self.app.report_worker_error(event.worker.error)  # type: ignore[attr-defined]

    def on_unlock_failed(self, message: UnlockFailed) -> None:
        self._set_busy(False)
        self._say(str(message.error))

    def on_vault_unlocked(self, message: VaultUnlocked) -> None:
        for widget in self.query(Input):
            widget.value = ""
        self.app.journal_ready(message.journal, created=True)  # type: ignore[attr-defined]
