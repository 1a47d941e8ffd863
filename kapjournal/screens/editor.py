"""``EditorScreen``: write or edit one entry (Markdown), with encrypted autosave.

While the text changes, a sealed ``Draft`` is saved at most every
``AUTOSAVE_SECONDS``; it is removed when the entry is saved or the writing is
discarded, and offered back at the next unlock if neither happened (a crash,
a power cut or an auto-lock).
"""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from kapjournal.core import safety
from kapjournal.core.errors import KapError, StorageError
from kapjournal.core.models import Draft, Entry, SafetyEvent, answer_value_text, new_id
from kapjournal.core.sanitize import clean, clean_line, has_unsafe
from kapjournal.core.tags import extract_tags
from kapjournal.screens.base import JournalScreen
from kapjournal.widgets.safe_text_area import SafeTextArea

AUTOSAVE_SECONDS = 3.0
# Saves run on the UI thread on purpose: one sealed record takes a few ms (measured
# 5 ms with 10,000 entries), and keeping every write on one thread means locking can
# seal the draft and close the vault without racing a background writer.


def answers_text(entry: Entry) -> Text:
    """A guided entry's questions and answers as plain, inert text."""
    text = Text()
    for i, answer in enumerate(entry.answers):
        if i:
            text.append("\n")
        text.append(clean(answer.question) + "\n", style="bold")
        text.append("  " + clean(answer_value_text(answer.value)) + "\n")
    return text


class EditorScreen(JournalScreen):
    """A multi-line editor for one entry.

    | key | action |
    |-----|--------|
    | ctrl+s | save the entry |
    | escape | close (asks before throwing away unsaved text) |
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Close"),
    ]

    HELP_LINES = {
        "save": "Save the entry (#tags in the text become its tags)",
        "close": "Close the editor; you are asked before unsaved text is thrown away",
    }

    autosave_seconds: float = AUTOSAVE_SECONDS

    def __init__(self, *, entry: Entry | None = None, draft: Draft | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.draft_id = draft.id if draft is not None else new_id()
        self._had_draft = draft is not None
        self._original = entry.body if entry is not None else ""
        self._initial = draft.body if draft is not None else self._original
        self._last_draft_body: str | None = draft.body if draft is not None else None
        self._timer: Timer | None = None
        self._finished = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="editor-header"):
            yield Static(self._heading(), id="editor-title")
        if self.entry is not None and self.entry.answers:
            with VerticalScroll(id="editor-answers"):
                yield Static(answers_text(self.entry), id="editor-answers-text")
        yield SafeTextArea(
            self._initial,
            id="editor-body",
            soft_wrap=True,
            show_line_numbers=False,
        )
        yield Static("", id="editor-status")
        yield Footer()

    def _heading(self) -> Text:
        if self.entry is None:
            return Text("New entry")
        heading = f"{self.entry.created:%A %d %B %Y, %H:%M}"
        if self.entry.title:
            heading += "  ·  " + clean_line(self.entry.title)
        return Text(heading)

    def on_mount(self) -> None:
        area = self.query_one("#editor-body", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        if self._initial == self._original:
            # The text area splits lines at every Unicode line break (\r, \x85...) and
            # joins them with one newline style: opening an entry is not a change.
            self._original = area.text
        if self._had_draft:
            self._status("Restored from your autosaved draft.")
        elif has_unsafe(self._initial):
            # The characters stay in the saved text; they are only not drawn.
            self._status("Some hidden control characters in this text are kept but not shown.")
        else:
            self._status("Markdown is fine. Ctrl+S saves; #tags become tags.")
        if self.entry is not None and self.entry.answers and not self._initial:
            area.placeholder = "Add your own notes to these answers here."

    @property
    def text(self) -> str:
        return self.query_one("#editor-body", TextArea).text

    @property
    def dirty(self) -> bool:
        """True when the text differs from the saved entry."""
        return self.text != self._original

    def _status(self, message: str) -> None:
        self.query_one("#editor-status", Static).update(Text(message))

    # -- autosave -------------------------------------------------------

    @on(TextArea.Changed, "#editor-body")
    def _changed(self) -> None:
        if self._timer is None and not self._finished:
            self._timer = self.set_timer(self.autosave_seconds, self._autosave)

    def _autosave(self) -> None:
        self._timer = None
        if self._finished or getattr(self.app, "journal", None) is None:
            return
        self.save_draft()

    def save_draft(self) -> bool:
        """Seal the current text as a draft if it changed. Returns True if written."""
        body = self.text
        if body == self._last_draft_body:
            return False
        if not self.dirty and self._last_draft_body is None:
            return False
        draft = Draft(
            id=self.draft_id,
            updated=self.journal.now(),
            target="entry",
            entry_id=self.entry.id if self.entry is not None else None,
            body=body,
        )
        try:
            self.journal.save(draft)
        except KapError as err:
            self._status("Autosave failed: " + str(err))
            return False
        self._last_draft_body = body
        self._status(f"Draft autosaved (encrypted) at {draft.updated:%H:%M:%S}.")
        return True

    def _drop_draft(self) -> None:
        # The pending autosave timer is not stopped here: it checks ``_closing``
        # (stopping it right before the screen is removed can stall the removal).
        if self._last_draft_body is None:
            return
        # Already gone (or damaged): nothing to keep in step.
        with contextlib.suppress(KapError):
            self.journal.delete_id(Draft, self.draft_id)
        self._last_draft_body = None

    def before_lock(self) -> None:
        """Called by the app just before it locks: keep unsaved text as a draft."""
        self._finished = True
        if self.dirty and not self.save_draft() and self.text != self._last_draft_body:
            raise StorageError("The unsaved text could not be sealed as a draft.")

    # -- actions --------------------------------------------------------

    def action_save(self) -> None:
        body = self.text
        has_answers = self.entry is not None and bool(self.entry.answers)
        if not body.strip() and not has_answers:
            self._status("There is nothing to save yet.")
            return
        tags = tuple(extract_tags(body))
        before = self._original
        try:
            with self.journal.transaction():
                if self.entry is None:
                    saved = self.journal.add_entry(body, tags=tags)
                else:
                    saved = self.journal.update_entry(self.entry, body=body, tags=tags)
                self._drop_draft()
        except KapError as err:
            # The draft (if any) is still there, so nothing is lost.
            self._status("Not saved: " + str(err))
            self.notify(str(err), severity="error")
            return
        self.entry = saved
        self._original = body
        self._finished = True
        self.notify("Saved.")
        events = self._safety_events(body, before)
        app = self.app
        self.dismiss(saved.id)
        if events is not None:
            from kapjournal.screens.crisis import CrisisScreen

            app.push_screen(CrisisScreen(events))

    def _safety_events(self, body: str, before: str) -> list[SafetyEvent] | None:
        """CLINICAL.md (d) 3: free text with a listed phrase opens the crisis screen
        (after saving; only when the phrase is new, not each time an old entry is
        saved again). Returns the logged events, or None when nothing matched."""
        trigger = safety.text_trigger(body, "entry")
        if trigger is None or safety.keyword_list().matches(before):
            return None
        try:
            return safety.log_triggers(self.journal, [trigger])
        except KapError:
            return []  # the screen matters more than the log line

    def action_close(self) -> None:
        if not self.dirty:
            self._finished = True
            self._drop_draft()
            self.dismiss(None)
            return
        from kapjournal.screens.confirm import ConfirmModal

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._finished = True
                self._drop_draft()
                self.dismiss(None)

        self.app.push_screen(
            ConfirmModal(
                "Throw away this writing?",
                "What you typed since the last save will be gone.",
                yes="Throw it away",
                no="Keep writing",
                yes_key=False,
            ),
            confirmed,
        )
