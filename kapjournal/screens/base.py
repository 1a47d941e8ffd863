"""Shared base for screens that need the unlocked journal.

Feature screens subclass :class:`JournalScreen` and read ``self.journal``.
The app (``kapjournal.app.KapJournalApp``) sets ``app.journal`` after unlock
and clears it on lock, popping every ``JournalScreen``. Tests can host a
screen in any ``App`` that has a ``journal`` attribute.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.screen import Screen

from kapjournal.core.errors import KapError, VaultLocked
from kapjournal.core.journal import Journal
from kapjournal.core.models import Draft, new_id


class LockDraft:
    """The draft one form is sealed into when the journal locks.

    One id for the form's life (a restored form keeps its draft's id), offered
    back at the next unlock; dropped once the form is saved or left.
    """

    def __init__(self, restored: Draft | None = None) -> None:
        self.id = restored.id if restored is not None else new_id()
        self.saved = restored is not None

    def seal(self, journal: Journal, **fields: Any) -> None:
        journal.save(Draft(id=self.id, updated=journal.now(), **fields))
        self.saved = True

    def drop(self, journal: Journal) -> None:
        if self.saved:
            with contextlib.suppress(KapError):
                journal.delete_id(Draft, self.id)
            self.saved = False


class JournalScreen(Screen[Any]):
    """A screen that works on the unlocked journal."""

    # True for a screen that is also shown while locked (the crisis screen).
    SHOWN_WHEN_LOCKED: ClassVar[bool] = False

    async def on_event(self, event: events.Event) -> None:
        # Locking closes the journal, then pops every screen: each one below the
        # top is "resumed" for a moment on its way out. Its resume handler would
        # read the closed journal (VaultLocked ended the app), so skip it.
        if isinstance(event, events.ScreenResume) and not self.SHOWN_WHEN_LOCKED and self._locked():
            return
        await super().on_event(event)

    def _locked(self) -> bool:
        journal = getattr(self.app, "journal", None)
        return journal is None or bool(getattr(journal, "closed", False))

    def leave_asking(
        self,
        unsaved: bool,
        message: str,
        leave: Callable[[], object],
        *,
        keep: str = "Keep editing",
    ) -> None:
        """Call ``leave`` at once when nothing is unsaved; otherwise only after a yes.

        Escape, "n" and Enter keep the work, and "y" does not confirm: someone
        still typing after a stray Escape must not lose it to the next "y".
        """
        if not unsaved:
            leave()
            return
        from kapjournal.screens.confirm import ConfirmModal

        def chosen(discard: bool | None) -> None:
            if discard:
                leave()

        self.app.push_screen(
            ConfirmModal(
                "Leave without saving?", message, yes="Leave without saving", no=keep, yes_key=False
            ),
            chosen,
        )

    @property
    def journal(self) -> Journal:
        journal = getattr(self.app, "journal", None)
        if journal is None or journal.closed:
            raise VaultLocked()
        return journal  # type: ignore[no-any-return]
