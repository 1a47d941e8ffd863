"""``DueScreen``: packs due now, overdue, coming up and missed; opens the guided flow.

Loading the packs and computing the list run in a worker. Every pack the
person can use (shipped, their own, chosen focus packs) is also listed, to
open any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, SelectionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from kapjournal.core.due import DueItem, DueList, due_for_journal
from kapjournal.core.errors import KapError
from kapjournal.core.prompts import (
    FOCUS_AREAS,
    PHASE_LABELS,
    PackLibrary,
    PromptPack,
    load_library,
)
from kapjournal.core.sanitize import clean_line
from kapjournal.screens.base import JournalScreen


@dataclass
class DueLoaded(Message):
    library: PackLibrary
    due: DueList


@dataclass
class DueFailed(Message):
    message: str


def due_heading(due: DueList) -> str:
    """One calm line summarising the list (the home screen can show it too)."""
    if due.quiet_until is not None:
        return f"Quiet time after your session until {due.quiet_until:%H:%M}. Rest well."
    now = len(due.due_now) + len(due.overdue)
    if now == 0:
        return "Nothing is due right now."
    return f"{now} reflection{'s' if now != 1 else ''} ready when you are."


def _without_repeat(title: str, label: str, phase: str) -> str:
    """``label`` without its phase name when the pack's title says the same
    ("Right after · Right after" read as a glitch)."""
    said = PHASE_LABELS.get(phase, phase)
    if said.casefold() != title.strip().casefold():
        return label
    rest = label[len(said) :].lstrip(" ·") if label.startswith(said) else label
    return rest


FOCUS_LABELS = {
    "depression": "Low mood: noticing small lights",
    "safety": "A safety plan to write with your therapist",
    "ptsd": "Grounding for strong memories",
    "ocd": "Noticing urges",
    "substance_use": "Cravings and triggers",
}


class FocusPacksModal(ModalScreen[tuple[str, ...] | None]):
    """Choose focus areas; escape keeps the current choice."""

    DEFAULT_CSS = """
    FocusPacksModal {
        align: center middle;
    }
    FocusPacksModal > Vertical {
        width: 64;
        height: auto;
        padding: 1 2;
        border: round $primary;
        background: $surface;
    }
    FocusPacksModal SelectionList {
        height: auto;
        margin: 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: tuple[str, ...]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Optional focus packs (space to tick, then Save):")
            yield SelectionList[str](
                *[(FOCUS_LABELS[a], a, a in self.current) for a in FOCUS_AREAS],
                id="focus-list",
            )
            yield Button("Save", id="focus-save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#focus-list", SelectionList).focus()

    @on(Button.Pressed, "#focus-save")
    def _save(self) -> None:
        chosen = self.query_one("#focus-list", SelectionList).selected
        self.dismiss(tuple(a for a in FOCUS_AREAS if a in chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DueScreen(JournalScreen):
    """Due reflections and every available pack.

    | key | action |
    |-----|--------|
    | enter | open the highlighted pack (list) |
    | r | refresh |
    | f | choose optional focus packs |
    | escape | back |
    """

    DEFAULT_CSS = """
    DueScreen {
        padding: 1 2;
    }
    DueScreen #due-heading {
        text-style: bold;
        margin-bottom: 1;
    }
    DueScreen #due-list {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh"),
        Binding("f", "focus_packs", "Focus packs"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library: PackLibrary | None = None
        self.items: dict[str, tuple[PromptPack, DueItem | None]] = {}

    def compose(self) -> ComposeResult:
        yield Static("Loading...", id="due-heading")
        yield OptionList(id="due-list")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.library is not None:
            self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        try:
            library = load_library()
            due = due_for_journal(self.journal, library)
        except KapError as err:
            self.post_message(DueFailed(err.user_message))
            return
        self.post_message(DueLoaded(library, due))

    @on(DueFailed)
    def _failed(self, message: DueFailed) -> None:
        self.query_one("#due-heading", Static).update(Text(message.message))

    @on(DueLoaded)
    def _loaded(self, message: DueLoaded) -> None:
        self.library = message.library
        due = message.due
        self.query_one("#due-heading", Static).update(Text(due_heading(due)))
        for problem in message.library.problems:
            self.notify(f"Skipped a pack: {problem}", severity="warning", timeout=8)
        olist = self.query_one("#due-list", OptionList)
        # Keep the highlight on the same row across a reload (e.g. back from a pack).
        before = olist.highlighted_option.id if olist.highlighted_option is not None else None
        olist.clear_options()
        self.items.clear()
        sections = [
            ("Ready now", [] if due.quiet_until else due.due_now + due.overdue),
            ("Coming up", due.upcoming),
            ("Missed, still open if you want them", due.missed),
        ]
        if due.quiet_until:
            sections.insert(1, ("Ready when you are (quiet time)", due.due_now + due.overdue))
        for heading, items in sections:
            if not items:
                continue
            olist.add_option(Option(Text(heading, style="bold"), disabled=True))
            for item in items:
                pack = message.library.packs.get(item.pack_id)
                if pack is None:
                    continue
                key = f"due-{len(self.items)}"
                self.items[key] = (pack, item)
                when = item.opens if item in due.upcoming else item.due
                word = "opens" if item in due.upcoming else "due"
                late = " (late)" if item.state in ("overdue", "missed") else ""
                stamp = f"{when:%a} {when.day} {when:%b %H:%M}"
                label = _without_repeat(item.title, item.label, pack.phase)
                parts = [f"{clean_line(item.title)}{late}", label, f"{word} {stamp}"]
                line = "  " + " · ".join(p for p in parts if p)
                olist.add_option(Option(Text(line), id=key, disabled=item in due.upcoming))
        settings = self.journal.settings()
        olist.add_option(
            Option(Text("All reflections (open any time)", style="bold"), disabled=True)
        )
        for pack in message.library.available(settings.focus_packs):
            key = f"pack-{pack.id}"
            self.items[key] = (pack, None)
            phase = _without_repeat(
                pack.title, PHASE_LABELS.get(pack.phase, pack.phase), pack.phase
            )
            line = "  " + " · ".join(p for p in (clean_line(pack.title), phase) if p)
            olist.add_option(Option(Text(line), id=key))
        if message.library.scales:
            olist.add_option(
                Option(Text("Questionnaires from your clinic", style="bold"), disabled=True)
            )
            for scale in message.library.scales.values():
                olist.add_option(
                    Option(Text(f"  {clean_line(scale.name)}"), id=f"scale-{scale.id}")
                )
        # The first rows are headings (not selectable): without a highlight, Enter
        # would do nothing until an arrow key was pressed.
        try:
            olist.highlighted = olist.get_option_index(before or "")
        except OptionDoesNotExist:
            olist.action_first()
        olist.focus()

    @on(OptionList.OptionSelected, "#due-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def action_focus_packs(self) -> None:
        current = self.journal.settings().focus_packs

        def done(chosen: tuple[str, ...] | None) -> None:
            if chosen is None:
                return
            try:
                settings = self.journal.settings()
                self.journal.save_settings(settings.replace(focus_packs=chosen))
            except KapError as err:
                self.notify(err.user_message, severity="warning")
                return
            self.load()

        self.app.push_screen(FocusPacksModal(current), done)

    def _open(self, key: str | None) -> None:
        from kapjournal.screens.guided import GuidedFlowScreen

        if key is not None and key.startswith("scale-") and self.library is not None:
            from kapjournal.screens.scale import ScaleScreen

            scale = self.library.scales.get(key[len("scale-") :])
            if scale is not None:
                self.app.push_screen(ScaleScreen(scale))
            return
        if key is None or key not in self.items:
            return
        pack, item = self.items[key]
        session_id = item.session_id if item else self._session_for(pack)
        label = item.label if item else ""
        self.app.push_screen(GuidedFlowScreen(pack, session_id, label))

    def _session_for(self, pack: PromptPack) -> str | None:
        """The session an "any time" pack belongs to: the next planned one for
        preparation, otherwise the cycle we are in."""
        from datetime import timedelta

        from kapjournal.core.cycles import CycleIndex
        from kapjournal.core.models import Session

        sessions = self.journal.all(Session)
        now = self.journal.now()
        if pack.phase == "prepare":
            ahead = [
                s
                for s in sessions
                if s.status == "planned" and s.started_at >= now - timedelta(hours=1)
            ]
            nxt = min(ahead, key=lambda s: s.started_at, default=None)
            return nxt.id if nxt else None
        found = CycleIndex(sessions).session_for(now)
        return found.id if found else None
