"""``ScalePicker``: a 0-10 scale with both ends labelled, driven by arrow keys or digits.

It knows nothing about the vault. ``value`` is ``None`` until the user picks,
so "not answered" and "0" stay different.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

TEN_WINDOW = 1.0  # seconds within which 1 then 0 means 10


class ScalePicker(Widget, can_focus=True):
    """Pick a whole number from 0 to 10.

    | key | action |
    |-----|--------|
    | left / right | one step down / up |
    | 0-9 | jump to that number (1 then 0 within a second gives 10) |
    | home / end | 0 / 10 |
    | backspace | clear |
    """

    DEFAULT_CSS = """
    ScalePicker {
        height: 3;
        padding: 0 1;
        border: round $panel-lighten-2;
    }
    ScalePicker:focus {
        border: round $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Less", show=False),
        Binding("right", "step(1)", "More", show=False),
        Binding("home", "set(0)", show=False),
        Binding("end", "set(10)", show=False),
        Binding("backspace", "clear", show=False),
    ]

    HELP_ROWS: ClassVar[list[tuple[str, str]]] = [
        ("Left / Right", "Move the highlighted 0-10 scale down or up"),
        ("0-9", "Pick that number on the scale (1 then 0 quickly gives 10)"),
        ("Backspace", "Clear the scale (no answer)"),
    ]

    value: reactive[int | None] = reactive(None)
    """The chosen number, or None when nothing is chosen yet."""

    class Changed(Message):
        """The value changed (also when cleared)."""

        def __init__(self, picker: ScalePicker, value: int | None) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> ScalePicker:
            return self.picker

    def __init__(
        self,
        low_label: str,
        high_label: str,
        value: int | None = None,
        *,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.low_label = low_label
        self.high_label = high_label
        self._last_digit: str | None = None
        self._last_time = 0.0
        self.set_reactive(ScalePicker.value, value)

    def render(self) -> Text:
        text = Text()
        text.append(f"{self.low_label}  ", style="dim")
        for n in range(11):
            mark = f" {n} "
            if n == self.value:
                text.append(f"[{n}]", style="bold reverse")
            else:
                text.append(mark)
        text.append(f"  {self.high_label}", style="dim")
        return text

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, delta: int) -> None:
        start = 5 if self.value is None else self.value
        self.value = max(0, min(10, start + (delta if self.value is not None else 0)))

    def action_set(self, number: int) -> None:
        self.value = number

    def action_clear(self) -> None:
        self.value = None

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()
            now = time.monotonic()
            quick = now - self._last_time <= TEN_WINDOW
            if quick and self._last_digit == "1" and event.character == "0" and self.value == 1:
                self.value = 10
                self._last_digit = None
                return
            self.value = int(event.character)
            self._last_digit = event.character
            self._last_time = now

    def on_click(self, event: events.Click) -> None:
        # Clicks on a number pick it: find the cell under the pointer.
        offset = len(f"{self.low_label}  ")
        x = event.x - offset - self.styles.padding.left
        if 0 <= x < 33:
            self.value = min(10, x // 3)
