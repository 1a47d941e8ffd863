"""``ErrorModal``: a blocking problem explained in one calm sentence, with a way back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorModal(ModalScreen[str]):
    """Title, one sentence, and buttons. Dismisses with the chosen button's id.

    | key | action |
    |-----|--------|
    | escape | back |
    """

    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    def __init__(
        self,
        title: str,
        message: str,
        *,
        back_label: str = "Back",
        quit_label: str | None = "Quit",
    ) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._back_label = back_label
        self._quit_label = quit_label

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Static(self._title, id="error-title", classes="dialog--title", markup=False)
            yield Static(self._message, id="error-message", markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button(self._back_label, id="error-back", variant="primary")
                if self._quit_label:
                    yield Button(self._quit_label, id="error-quit")

    def on_mount(self) -> None:
        self.query_one("#error-back", Button).focus()

    @on(Button.Pressed, "#error-back")
    def action_back(self) -> None:
        self.dismiss("back")

    @on(Button.Pressed, "#error-quit")
    def _quit(self) -> None:
        self.dismiss("quit")
