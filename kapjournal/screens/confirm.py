"""``ConfirmModal``: a yes/no question where escape (and the default) means no."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmModal(ModalScreen[bool]):
    """Ask before anything destructive. Dismisses with True only on the yes button.

    | key | action |
    |-----|--------|
    | escape / n | no |
    | y | yes (unless ``yes_key=False``) |
    """

    BINDINGS = [
        Binding("escape", "answer(False)", "No", show=False),
        Binding("n", "answer(False)", "No", show=False),
        Binding("y", "answer(True)", "Yes", show=False),
    ]

    def __init__(
        self,
        title: str,
        message: str,
        *,
        yes: str = "Yes",
        no: str = "No, go back",
        yes_key: bool = True,
    ) -> None:
        """``yes_key=False`` turns off the "y" shortcut where saying yes throws
        away what was just typed: someone still typing after a stray Escape must
        not lose their writing to the next "y" (escape, "n" and Enter stay safe)."""
        super().__init__()
        self._title = title
        self._message = message
        self._yes = yes
        self._no = no
        self._yes_key = yes_key

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self._title, id="confirm-title", classes="dialog--title", markup=False)
            yield Static(self._message, id="confirm-message", markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button(self._no, id="confirm-no", variant="primary")
                yield Button(self._yes, id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        # Focus the safe answer so a stray Enter never confirms.
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no_pressed(self) -> None:
        self.dismiss(False)

    def action_answer(self, value: bool) -> None:
        if value and not self._yes_key:
            return  # only the button says yes here
        self.dismiss(value)
