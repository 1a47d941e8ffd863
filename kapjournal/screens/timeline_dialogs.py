"""Dialogs used by the timeline: read an entry and mark an insight, add a follow-up.

They return plain requests; the calling screen does the saving (in a worker),
so a dialog never touches the vault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static, TextArea

from kapjournal.core.dates import parse_when
from kapjournal.core.errors import KapError
from kapjournal.core.sanitize import clean, clean_line


@dataclass(frozen=True)
class MarkRequest:
    """Mark ``passage`` (or the whole entry when ``None``) as an insight."""

    passage: str | None
    tags: tuple[str, ...]
    bring_to_therapy: bool


@dataclass(frozen=True)
class FollowUpRequest:
    kind: str
    text: str
    when: datetime | None
    """For "discussed": the therapy date."""


class EntryReadModal(ModalScreen[MarkRequest | None]):
    """Read an entry; select a passage and press m to mark it as an insight."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("m", "mark", "Mark insight"),
    ]
    """
    | Key | Action |
    | --- | --- |
    | m | Mark the selected passage (or the whole entry) as an insight |
    | escape | Close without marking |
    """

    DEFAULT_CSS = """
    EntryReadModal {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 100;
            height: 90%;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        #entry-heading { text-style: bold; }
        #entry-hint { color: $text-muted; }
        #entry-text { height: 1fr; }
        #entry-tags { width: 1fr; max-width: 60; }
        #entry-buttons { height: auto; }
        #entry-buttons Button { margin-right: 1; }
    }
    """

    def __init__(self, heading: str, text: str, *, mark: bool = True) -> None:
        super().__init__()
        self._heading = heading
        self._text = text
        self._can_mark = mark

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean_line(self._heading)), id="entry-heading")
            yield TextArea(
                clean(self._text),
                read_only=True,
                soft_wrap=True,
                show_line_numbers=False,
                id="entry-text",
            )
            if self._can_mark:
                yield Static(
                    Text(
                        "Select a passage (shift+arrows or drag with the mouse) and press m, "
                        "or press m with nothing selected to mark the whole entry."
                    ),
                    id="entry-hint",
                )
                # The tags get a line of their own: beside the checkbox and
                # buttons they were squeezed to a few characters at 80 columns.
                yield Input(placeholder="tags, e.g. #sleep work (optional)", id="entry-tags")
                with Horizontal(id="entry-buttons"):
                    yield Checkbox("Bring to therapy", id="entry-bring")
                    yield Button("Mark insight", variant="primary", id="entry-mark")
                    yield Button("Close", id="entry-close")
            else:
                # Read only (a session or an insight): a visible way out, since
                # the footer below belongs to the timeline.
                with Horizontal(id="entry-buttons"):
                    yield Button("Close (esc)", id="entry-close")

    def on_mount(self) -> None:
        self.query_one("#entry-text", TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_mark(self) -> None:
        if not self._can_mark:
            return
        area = self.query_one("#entry-text", TextArea)
        selected = area.selected_text
        tags = tuple(self.query_one("#entry-tags", Input).value.replace(",", " ").split())
        bring = self.query_one("#entry-bring", Checkbox).value
        self.dismiss(MarkRequest(selected if selected.strip() else None, tags, bring))

    @on(Button.Pressed, "#entry-mark")
    def _mark_pressed(self) -> None:
        self.action_mark()

    @on(Button.Pressed, "#entry-close")
    def _close_pressed(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#entry-tags")
    def _tags_submitted(self) -> None:
        self.action_mark()


FOLLOW_UP_CHOICES = (
    ("tried", "Tried it"),
    ("still_true", "Still true?"),
    ("discussed", "Discussed in therapy on…"),
    ("note", "A note"),
)


class FollowUpModal(ModalScreen[FollowUpRequest | None]):
    """Add a follow-up to an insight."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Cancel")]

    DEFAULT_CSS = """
    FollowUpModal {
        align: center middle;
        & > Vertical {
            width: 70;
            max-width: 95%;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        #follow-insight { color: $text-muted; margin-bottom: 1; }
        #follow-error { color: $error; }
        #follow-buttons { height: auto; margin-top: 1; }
        #follow-buttons Button { margin-right: 1; }
    }
    """

    def __init__(self, insight_text: str, today: datetime) -> None:
        super().__init__()
        self._insight_text = insight_text
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add a follow-up")
            yield Static(Text(clean_line(self._insight_text)[:200]), id="follow-insight")
            with RadioSet(id="follow-kind"):
                for i, (code, label) in enumerate(FOLLOW_UP_CHOICES):
                    yield RadioButton(label, value=i == 0, name=code)
            yield Input(placeholder="a few words (optional, needed for a note)", id="follow-text")
            yield Input(
                value=f"{self._today:%Y-%m-%d}",
                placeholder="therapy date, e.g. 2026-11-18 or yesterday",
                id="follow-date",
            )
            yield Static("", id="follow-error")
            with Horizontal(id="follow-buttons"):
                yield Button("Add", variant="primary", id="follow-add")
                yield Button("Cancel", id="follow-cancel")

    def on_mount(self) -> None:
        self.query_one("#follow-date", Input).display = False
        self.query_one(RadioSet).focus()

    def _kind(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "tried"

    @on(RadioSet.Changed)
    def _kind_changed(self) -> None:
        self.query_one("#follow-date", Input).display = self._kind() == "discussed"

    def show_error(self, message: str) -> None:
        self.query_one("#follow-error", Static).update(Text(message))

    @on(Button.Pressed, "#follow-add")
    @on(Input.Submitted)
    def _add(self) -> None:
        kind = self._kind()
        text = self.query_one("#follow-text", Input).value.strip()
        if kind == "note" and not text:
            self.show_error("Write a few words for the note first.")
            return
        when: datetime | None = None
        if kind == "discussed":
            typed = self.query_one("#follow-date", Input).value
            try:
                when = parse_when(typed, now=lambda: self._today)
            except KapError as err:
                self.show_error(err.user_message)
                return
            if when.date() > self._today.date():
                self.show_error("That date is in the future; add it after the appointment.")
                return
        self.dismiss(FollowUpRequest(kind, text, when))

    @on(Button.Pressed, "#follow-cancel")
    def action_close(self) -> None:
        self.dismiss(None)
