"""``ScaleScreen``: answer a clinic-supplied questionnaire, one item at a time.

Item and option wording is shown exactly as supplied in the pack, with its
credit line. The total is stored (with the date, linked to the session
cycle) but no band or judgement is shown to the person: bands appear only in
the therapist export. A safety item above its lowest option opens the
crisis screen after the result is saved.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from kapjournal.core import safety
from kapjournal.core.errors import KapError
from kapjournal.core.sanitize import clean, clean_line
from kapjournal.core.scales import ScalePack, record_result
from kapjournal.screens.base import JournalScreen
from kapjournal.screens.crisis import CrisisScreen
from kapjournal.widgets.pick_one import PickOne


class ScaleScreen(JournalScreen):
    """A questionnaire.

    | key | action |
    |-----|--------|
    | up / down, enter | choose an option |
    | ctrl+n | next (the last one saves) |
    | ctrl+b | back |
    | escape | leave without saving (asks first once something is answered) |
    """

    DEFAULT_CSS = """
    ScaleScreen {
        padding: 1 2;
    }
    ScaleScreen #scale-title {
        text-style: bold;
    }
    ScaleScreen #scale-recall, ScaleScreen #scale-credit {
        color: $text-muted;
    }
    ScaleScreen #scale-item {
        margin: 1 0;
        text-style: bold;
    }
    ScaleScreen #scale-error {
        color: $error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", priority=True),
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, pack: ScalePack) -> None:
        super().__init__()
        self.pack = pack
        self.index = 0
        self.answers: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(clean_line(self.pack.name)), id="scale-title")
        yield Static(Text(clean_line(self.pack.recall_period)), id="scale-recall")
        yield Static("", id="scale-progress")
        yield Static("", id="scale-item")
        yield Vertical(id="scale-options")
        yield Static("", id="scale-error")
        yield Static(Text(clean_line(self.pack.credit)), id="scale-credit")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show(0)

    async def show(self, index: int) -> None:
        self.index = index
        item = self.pack.items[index]
        self.query_one("#scale-progress", Static).update(f"{index + 1} / {len(self.pack.items)}")
        self.query_one("#scale-item", Static).update(Text(clean(item.text)))
        self.query_one("#scale-error", Static).update("")
        box = self.query_one("#scale-options", Vertical)
        await box.remove_children()
        labels = [o.label for o in self.pack.options]
        current = self.answers.get(item.id)
        chosen = next((o.label for o in self.pack.options if o.value == current), None)
        picker = PickOne(labels, chosen, id="scale-pick")
        await box.mount(picker)
        picker.focus()

    def _take(self) -> bool:
        chosen = self.query_one("#scale-pick", PickOne).chosen
        if chosen is None:
            self.query_one("#scale-error", Static).update("Please choose one option.")
            return False
        value = next(o.value for o in self.pack.options if o.label == chosen)
        self.answers[self.pack.items[self.index].id] = value
        return True

    async def action_next(self) -> None:
        if not self._take():
            return
        if self.index < len(self.pack.items) - 1:
            await self.show(self.index + 1)
            return
        try:
            stored, triggers = record_result(self.journal, self.pack, self.answers)
        except KapError as err:
            self.query_one("#scale-error", Static).update(Text(err.user_message))
            return
        events = safety.log_triggers(self.journal, triggers) if triggers else []
        app = self.app
        self.notify("Saved. Thank you.", timeout=4)
        self.dismiss(stored.id)
        if triggers:
            app.push_screen(CrisisScreen(events))

    async def action_back(self) -> None:
        if self.index > 0:
            chosen = self.query_one("#scale-pick", PickOne).chosen
            if chosen is not None:
                self._take()
            await self.show(self.index - 1)

    def action_leave(self) -> None:
        """Leave; with answers given, ask first (escape in the question keeps them)."""
        chosen = self.query_one("#scale-pick", PickOne).chosen
        self.leave_asking(
            bool(self.answers) or chosen is not None,
            "Your answers to this questionnaire have not been saved yet.",
            lambda: self.dismiss(None),
            keep="Keep answering",
        )

    @on(PickOne.Changed, "#scale-pick")
    def _clear_error(self) -> None:
        self.query_one("#scale-error", Static).update("")
