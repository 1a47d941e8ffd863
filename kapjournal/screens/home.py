"""``HomeScreen``: recent entries (newest first) and the way to everything else."""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Static

from kapjournal.core.errors import KapError
from kapjournal.core.models import Draft, Entry
from kapjournal.core.sanitize import clean_line
from kapjournal.screens import registry
from kapjournal.screens.base import JournalScreen
from kapjournal.screens.registry import Feature
from kapjournal.widgets.entry_list import EntryList, EntryRow


def load_feature_screen(feature: Feature) -> Any:
    """Import the feature's screen class lazily from its "module:Class" path."""
    module_name, _, class_name = feature.screen.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


def _key_name(key: str) -> str:
    """Textual's name for a key given as typed (single punctuation characters differ)."""
    if len(key) == 1 and not key.isalnum():
        from textual.keys import _character_to_key

        return _character_to_key(key)
    return key


# The list shows recent entries; older ones stay reachable through search/timeline
# screens, and a very long list would make every refresh slow.
MAX_LISTED = 500


def entry_summary(entry: Entry) -> str:
    """The one line shown for an entry in lists (sanitised, shortened)."""
    line = clean_line(entry.first_line).strip()
    return line[:160] if line else "(empty entry)"


class HomeScreen(JournalScreen):
    """Recent entries.

    | key | action |
    |-----|--------|
    | n | new entry |
    | enter | open / edit the highlighted entry |
    | d, delete | delete the highlighted entry (asks first) |
    | s | settings |
    | ctrl+l | lock now (app) |
    | f1, ? | help (app) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer shows them even when feature keys fill the width
        # (the app's own bindings come last and were cut off at 100 columns).
        Binding("f1", "app.help", "Help"),
        Binding("ctrl+l", "app.lock_now", "Lock"),
        Binding("n", "new_entry", "New"),
        Binding("enter", "open_entry", "Open"),
        # Shown in help and the palette; the footer keeps room for feature keys.
        Binding("d", "delete_entry", "Delete", show=False),
        Binding("s", "settings", "Settings", show=False),
    ]

    HELP_LINES = {
        "new_entry": "Write a new entry",
        "open_entry": "Open the highlighted entry to read or edit it",
        "delete_entry": "Delete the highlighted entry (you are asked first)",
        "request_delete": "Delete the highlighted entry (you are asked first)",
        "settings": "Auto-lock, theme, country and other settings",
    }

    def __init__(self) -> None:
        super().__init__()
        self._offered_drafts: set[str] = set()
        # One key per registered feature screen (read now, so late registrations count).
        self.features: list[Feature] = list(registry.FEATURES)
        for i, feature in enumerate(self.features):
            self._bindings.bind(
                # Textual names punctuation keys ("/" is "slash"); a raw "/" never fires.
                _key_name(feature.key),
                f"open_feature({i})",
                # The footer shows the area ("Export"), the palette the full title.
                feature.title.split(": ", 1)[0],
                show=feature.show_in_footer,
            )

    def compose(self) -> ComposeResult:
        with Horizontal(id="home-header"):
            yield Static("Your journal", id="home-title")
            yield Static("", id="home-date")
        yield Static("", id="home-due")
        yield EntryList(id="home-entries")
        yield Static(
            "No entries yet. Press n to write your first one.",
            id="home-empty",
            classes="empty-state",
        )
        # Compact: feature screens add keys here too.
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_entries()
        self.query_one(EntryList).focus()
        self.call_after_refresh(self.offer_drafts)
        self._load_packs()

    def on_screen_resume(self) -> None:
        if getattr(self.app, "journal", None) is not None:
            self.refresh_entries()
            self.refresh_due()

    # -- what is due ----------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-packs")
    def _load_packs(self) -> None:
        """Read the prompt packs from disk off the UI thread (no journal access here)."""
        from kapjournal.core.prompts import load_library

        library = load_library()
        self.app.call_from_thread(self._packs_loaded, library)

    def _packs_loaded(self, library: Any) -> None:
        self._library = library
        self.refresh_due()

    def refresh_due(self) -> None:
        """One calm line about reflections that are ready (press g for the list)."""
        library = getattr(self, "_library", None)
        if library is None or getattr(self.app, "journal", None) is None:
            return
        from kapjournal.core.due import due_for_journal
        from kapjournal.screens.due import due_heading

        try:
            due = due_for_journal(self.journal, library)
        except KapError:
            return
        ready = len(due.due_now) + len(due.overdue)
        hint = "  (press g)" if ready else ""
        self.query_one("#home-due", Static).update(Text(due_heading(due) + hint))

    # -- data -----------------------------------------------------------

    def refresh_entries(self) -> None:
        journal = self.journal
        settings = journal.settings()
        all_entries = journal.entries()
        entries = all_entries[:MAX_LISTED]
        rows = [
            EntryRow(
                id=e.id,
                when=f"{e.created:%a %d %b %Y  %H:%M}",
                summary=entry_summary(e),
                tags=tuple(clean_line(t) for t in e.tags),
            )
            for e in entries
        ]
        entry_list = self.query_one(EntryList)
        entry_list.set_rows(rows, hide_summaries=settings.privacy_mode)
        entry_list.display = bool(rows)
        self.query_one("#home-empty").display = not rows
        count = len(all_entries)
        noun = "entry" if count == 1 else "entries"
        shown = f" (newest {len(rows)} listed)" if count > len(rows) else ""
        self.query_one("#home-date", Static).update(
            Text(f"{journal.now():%A %d %B %Y}  ·  {count} {noun}{shown}")
        )

    # -- drafts ---------------------------------------------------------

    def offer_drafts(self) -> None:
        """Offer back writing that was autosaved but never saved as an entry."""
        if getattr(self.app, "journal", None) is None or self.app.screen is not self:
            return
        pending = [
            d
            for d in self.journal.drafts()
            if d.target in ("entry", "session", "checkin") and d.id not in self._offered_drafts
        ]
        if not pending:
            return
        draft = pending[0]
        self._offered_drafts.add(draft.id)
        from kapjournal.screens.restore import RestoreDraftModal

        def chosen(choice: str | None) -> None:
            if choice == "restore" and draft.target == "session":
                self._open_session_form(draft)
            elif choice == "restore" and draft.target == "checkin":
                from kapjournal.screens.checkin import CheckInScreen

                self.app.push_screen(CheckInScreen(draft=draft))
            elif choice == "restore":
                # A draft of an existing entry edits that entry, not a new one.
                entry = None
                if draft.entry_id is not None:
                    entry = self.journal.find(Entry, draft.entry_id)
                self._open_editor(entry=entry, draft=draft)
            elif choice == "discard":
                self._discard_draft(draft)
            else:
                self.offer_drafts()

        if draft.target == "session":
            modal = RestoreDraftModal(draft.updated, "", what="session form")
        elif draft.target == "checkin":
            modal = RestoreDraftModal(draft.updated, "", what="check-in")
        else:
            preview = "" if self.journal.settings().privacy_mode else draft.body
            modal = RestoreDraftModal(draft.updated, preview)
        self.app.push_screen(modal, chosen)

    def _open_session_form(self, draft: Draft) -> None:
        """Carry on with a session form that was sealed when the journal locked."""
        from kapjournal.core.models import Session
        from kapjournal.screens.session_form import SessionFormScreen

        session = None
        if draft.entry_id is not None:
            session = self.journal.find(Session, draft.entry_id)
        self.app.push_screen(SessionFormScreen(session, draft=draft))

    def _discard_draft(self, draft: Draft) -> None:
        from kapjournal.screens.confirm import ConfirmModal

        def confirmed(yes: bool | None) -> None:
            if yes:
                try:
                    self.journal.delete(draft)
                except KapError as err:
                    self.notify(str(err), severity="error")
                else:
                    self.notify("The unsaved draft was discarded.")
            else:
                self._offered_drafts.discard(draft.id)
            self.offer_drafts()

        self.app.push_screen(
            ConfirmModal(
                "Discard this draft?",
                "The unsaved writing will be deleted for good.",
                yes="Discard it",
                no="Keep it",
            ),
            confirmed,
        )

    # -- actions --------------------------------------------------------

    def _open_editor(self, *, entry: Entry | None = None, draft: Draft | None = None) -> None:
        from kapjournal.screens.editor import EditorScreen

        self.app.push_screen(EditorScreen(entry=entry, draft=draft))

    def action_new_entry(self) -> None:
        self._open_editor()

    def action_open_entry(self) -> None:
        entry_id = self.query_one(EntryList).highlighted_id
        if entry_id is not None:
            self._open(entry_id)

    @on(EntryList.Opened)
    def _entry_opened(self, event: EntryList.Opened) -> None:
        self._open(event.entry_id)

    def _open(self, entry_id: str) -> None:
        entry = self.journal.find(Entry, entry_id)
        if entry is None:
            self.notify("That entry is no longer there.", severity="warning")
            self.refresh_entries()
            return
        self._open_editor(entry=entry)

    def action_delete_entry(self) -> None:
        entry_id = self.query_one(EntryList).highlighted_id
        if entry_id is not None:
            self._ask_delete(entry_id)

    @on(EntryList.DeleteRequested)
    def _delete_requested(self, event: EntryList.DeleteRequested) -> None:
        self._ask_delete(event.entry_id)

    def _ask_delete(self, entry_id: str) -> None:
        from kapjournal.screens.confirm import ConfirmModal

        entry = self.journal.find(Entry, entry_id)
        if entry is None:
            return
        when = f"{entry.created:%A %d %B %Y, %H:%M}"
        # Say which entry (two can share a minute), unless privacy mode hides titles.
        which = "" if self.journal.settings().privacy_mode else f' ("{entry_summary(entry)}")'

        def confirmed(yes: bool | None) -> None:
            if not yes or getattr(self.app, "journal", None) is None:
                return
            try:
                self.journal.delete(entry)
            except KapError as err:
                self.notify(str(err), severity="error")
                return
            self.notify("Entry deleted.")
            self.refresh_entries()

        self.app.push_screen(
            ConfirmModal(
                "Delete this entry?",
                f"The entry from {when}{which} will be removed from your journal for good.",
                yes="Delete",
                no="Keep it",
            ),
            confirmed,
        )

    def action_settings(self) -> None:
        self.app.action_open_settings()  # type: ignore[attr-defined]

    def action_open_feature(self, index: int) -> None:
        self.app.open_feature(self.features[index])  # type: ignore[attr-defined]
