"""``GuidedFlowScreen``: one prompt at a time, autosaved, resumable.

Every move (next, back, skip) seals the answers so far as a ``Draft``; quitting
halfway and opening the same pack for the same session later resumes at the
same prompt. The last "next" stores everything as one ``Entry`` with
``pack_id``, ``session_id`` and the answers. An answer that raises a safety
trigger is saved first, then the crisis screen opens on top.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Static, TextArea

from kapjournal.core import guided, safety
from kapjournal.core.errors import KapError
from kapjournal.core.models import Draft, Entry, SafetyEvent
from kapjournal.core.prompts import Prompt, PromptPack
from kapjournal.core.sanitize import clean, clean_line
from kapjournal.screens.base import JournalScreen
from kapjournal.screens.crisis import CrisisScreen
from kapjournal.widgets.pick_one import PickOne
from kapjournal.widgets.safe_text_area import SafeTextArea
from kapjournal.widgets.scale_picker import ScalePicker

YES, NO = "yes", "no"


class GuidedFlowScreen(JournalScreen):
    """Answer a prompt pack.

    | key | action |
    |-----|--------|
    | ctrl+n | next (the last one saves the entry) |
    | ctrl+b | back |
    | ctrl+o | skip this prompt |
    | escape | leave; answers so far are kept and resume next time |
    | ctrl+f | copy this session's fragments into a text answer |
    """

    DEFAULT_CSS = """
    GuidedFlowScreen {
        padding: 1 2;
    }
    GuidedFlowScreen #guided-top {
        height: 1;
    }
    GuidedFlowScreen #guided-title {
        width: 1fr;
        text-style: bold;
    }
    GuidedFlowScreen #guided-progress {
        width: auto;
        color: $text-muted;
    }
    GuidedFlowScreen #guided-question {
        margin-top: 1;
        text-style: bold;
    }
    GuidedFlowScreen #guided-hint {
        color: $text-muted;
        margin-bottom: 1;
    }
    GuidedFlowScreen #guided-answer {
        height: auto;
        max-height: 16;
    }
    GuidedFlowScreen #guided-answer TextArea {
        height: 10;
    }
    GuidedFlowScreen #guided-error {
        color: $error;
        height: auto;
    }
    GuidedFlowScreen #guided-buttons {
        height: auto;
        margin-top: 1;
    }
    GuidedFlowScreen #guided-buttons Button {
        margin-right: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", priority=True),
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+o", "skip", "Skip", priority=True),
        Binding("escape", "leave", "Leave (kept)"),
        Binding("ctrl+f", "insert_fragments", "Insert fragments", show=False, priority=True),
    ]

    HELP_LINES: ClassVar[dict[str, str]] = {
        "next": "Next question (on the last one: save)",
        "back": "Previous question",
        "skip": "Skip this question",
        "leave": "Leave for now; your answers so far are kept for next time",
        "insert_fragments": "Bring in what you jotted in session mode (in a text answer)",
    }

    def __init__(self, pack: PromptPack, session_id: str | None = None, label: str = "") -> None:
        super().__init__()
        self.pack = pack
        self.session_id = session_id
        self.label = label
        self.draft: Draft | None = None
        self.index = 0
        self._raised: set[str] = set()
        self._saved_once = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="guided-top"):
            yield Static(Text(clean_line(self.pack.title)), id="guided-title")
            yield Static("", id="guided-progress")
        if self.label:
            yield Static(Text(clean_line(self.label)), id="guided-label")
        with Vertical(id="guided-body"):
            yield Static("", id="guided-question")
            yield Static("", id="guided-hint")
            yield Vertical(id="guided-answer")
            yield Static("", id="guided-error")
        with Horizontal(id="guided-buttons"):
            yield Button("Back", id="guided-back")
            yield Button("Skip", id="guided-skip")
            yield Button("Next", id="guided-next", variant="primary")
        yield Footer()

    async def on_mount(self) -> None:
        self.draft = guided.start_or_resume(self.journal, self.pack, self.session_id)
        self._saved_once = self.journal.find(Draft, self.draft.id) is not None
        if self._saved_once and self.draft.position > 0:
            self.notify("Picking up where you left off.", timeout=4)
        await self.show(self.draft.position)

    # -- display ------------------------------------------------------

    @property
    def prompt(self) -> Prompt:
        return self.pack.prompts[self.index]

    async def show(self, index: int) -> None:
        self.index = max(0, min(index, len(self.pack.prompts) - 1))
        prompt = self.prompt
        total = len(self.pack.prompts)
        self.query_one("#guided-progress", Static).update(f"{self.index + 1} / {total}")
        self.query_one("#guided-question", Static).update(Text(clean(prompt.text)))
        hint = prompt.hint
        if prompt.kind == "text" and self.pack.phase == "immediate" and self.session_fragments():
            hint = (
                hint + " " if hint else ""
            ) + "Ctrl+F brings in what you jotted in session mode."
        self.query_one("#guided-hint", Static).update(Text(clean(hint)))
        self.query_one("#guided-error", Static).update("")
        last = self.index == total - 1
        self.query_one("#guided-next", Button).label = "Save" if last else "Next"
        self.query_one("#guided-back", Button).disabled = self.index == 0
        box = self.query_one("#guided-answer", Vertical)
        await box.remove_children()
        widget = self._widget_for(prompt, self._stored(prompt.id))
        await box.mount(widget)
        self.call_after_refresh(widget.focus)

    def _stored(self, prompt_id: str) -> Any:
        return self.draft.answers.get(prompt_id) if self.draft else None

    def _widget_for(self, prompt: Prompt, value: Any) -> Widget:
        if prompt.kind == "scale":
            number = value if isinstance(value, int) else None
            return ScalePicker(prompt.low_label, prompt.high_label, number, id="guided-input")
        if prompt.kind == "choice":
            return PickOne(
                prompt.choices, value if isinstance(value, str) else None, id="guided-input"
            )
        if prompt.kind == "yesno":
            chosen = None if value is None else (YES if value else NO)
            return PickOne((YES, NO), chosen, id="guided-input")
        if prompt.kind == "words":
            words = " ".join(value) if isinstance(value, list) else ""
            return Input(words, placeholder=f"up to {prompt.max_words} words", id="guided-input")
        area = SafeTextArea(str(value or ""), id="guided-input", soft_wrap=True)
        area.show_line_numbers = False
        return area

    def current_value(self) -> Any:
        widget = self.query_one("#guided-input")
        if isinstance(widget, ScalePicker):
            return widget.value
        if isinstance(widget, PickOne):
            chosen = widget.chosen
            if self.prompt.kind == "yesno":
                return None if chosen is None else chosen == YES
            return chosen
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        return None

    # -- moving -------------------------------------------------------

    def _save_current(self, value: Any, position: int) -> bool:
        """Autosave the current answer; False (with a message) if it does not fit."""
        assert self.draft is not None
        try:
            self.draft = guided.save_answer(
                self.journal, self.pack, self.draft, self.prompt.id, value, position
            )
        except KapError as err:
            self.query_one("#guided-error", Static).update(Text(err.user_message))
            return False
        self._saved_once = True
        return True

    def _check_safety(self, value: Any) -> None:
        """Open the crisis screen if this answer raises a trigger not yet shown."""
        if value is None or self.draft is None:
            return
        answers = {self.prompt.id: self.draft.answers.get(self.prompt.id)}
        fresh = [
            t for t in safety.check_answers(self.pack, answers) if t.detail not in self._raised
        ]
        self._show_crisis(fresh)

    def _log(self, triggers: list[safety.Trigger]) -> list[SafetyEvent]:
        self._raised.update(t.detail for t in triggers)
        try:
            return safety.log_triggers(self.journal, triggers)
        except KapError:
            return []  # the screen matters more than the log line

    def _show_crisis(self, triggers: list[safety.Trigger]) -> None:
        if triggers:
            self.app.push_screen(CrisisScreen(self._log(triggers)))

    async def action_next(self) -> None:
        value = self.current_value()
        last = self.index == len(self.pack.prompts) - 1
        if not self._save_current(value, self.index if last else self.index + 1):
            return
        if last:
            self._finish()
            return
        self._check_safety(value)
        await self.show(self.index + 1)

    async def action_back(self) -> None:
        if self.index == 0:
            return
        if not self._save_current(self.current_value(), self.index - 1):
            return
        await self.show(self.index - 1)

    async def action_skip(self) -> None:
        last = self.index == len(self.pack.prompts) - 1
        if not self._save_current(None, self.index if last else self.index + 1):
            return
        if last:
            self._finish()
        else:
            await self.show(self.index + 1)

    def _finish(self) -> None:
        assert self.draft is not None
        if not self.draft.answers:
            self._finish_empty()
            return
        try:
            done = guided.finish(self.journal, self.pack, self.draft)
        except KapError as err:
            self.query_one("#guided-error", Static).update(Text(err.user_message))
            return
        remaining = [t for t in done.triggers if t.detail not in self._raised]
        events = self._log(remaining) if remaining else []
        app = self.app
        self.notify("Saved. Thank you for taking the time.", timeout=5)
        self.dismiss(done.entry.id)
        if remaining:
            app.push_screen(CrisisScreen(events))

    def _finish_empty(self) -> None:
        """Every prompt was skipped: save no empty entry (it would also count the
        pack as done and take it off the list of what is due)."""
        assert self.draft is not None
        try:
            if self.journal.find(Draft, self.draft.id) is not None:
                self.journal.delete(self.draft)
        except KapError as err:
            self.query_one("#guided-error", Static).update(Text(err.user_message))
            return
        self.notify(
            "Nothing was answered, so nothing was saved. This reflection stays "
            "open whenever you want it.",
            timeout=6,
        )
        self.dismiss(None)

    def action_leave(self) -> None:
        # Keep whatever is in the field now, even if it was never "next"-ed.
        value = self.current_value()
        stored = self._stored(self.prompt.id)
        if (value not in (None, "", stored) or self._saved_once) and not self._save_current(
            value, self.index
        ):
            return  # the message says what to change; nothing is lost
        if self._saved_once:
            self.notify("Your answers are kept; you can carry on later.", timeout=4)
        self.dismiss(None)

    def session_fragments(self) -> list[str]:
        """Fragments jotted in session mode for this pack's session, oldest first."""
        if self.session_id is None:
            return []
        found = [
            e
            for e in self.journal.all(Entry)
            if e.source == "fragment" and e.session_id == self.session_id
        ]
        return [e.body for e in sorted(found, key=lambda e: e.created)]

    def action_insert_fragments(self) -> None:
        widget = self.query_one("#guided-input")
        fragments = self.session_fragments()
        if not isinstance(widget, TextArea) or not fragments:
            self.notify("No session fragments to bring in here.", timeout=3)
            return
        joined = "\n".join(fragments)
        widget.text = f"{widget.text.rstrip()}\n{joined}".strip()

    def before_lock(self) -> None:
        """Called by the app just before locking: keep the answer being typed."""
        value = self.current_value()
        if value not in (None, "", self._stored(self.prompt.id)):
            self._save_current(value, self.index)

    @on(Button.Pressed, "#guided-next")
    async def _next_pressed(self) -> None:
        await self.action_next()

    @on(Button.Pressed, "#guided-back")
    async def _back_pressed(self) -> None:
        await self.action_back()

    @on(Button.Pressed, "#guided-skip")
    async def _skip_pressed(self) -> None:
        await self.action_skip()
