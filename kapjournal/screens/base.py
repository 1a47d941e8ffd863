"""Shared base for screens that need the unlocked journal.

Feature screens subclass :class:`JournalScreen` and read ``self.journal``.
The app (``kapjournal.app.KapJournalApp``) sets ``app.journal`` after unlock
and clears it on lock, popping every ``JournalScreen``. Tests can host a
screen in any ``App`` that has a ``journal`` attribute.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.screen import Screen

from kapjournal.core.errors import VaultLocked
from kapjournal.core.journal import Journal


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

    @property
    def journal(self) -> Journal:
        journal = getattr(self.app, "journal", None)
        if journal is None or journal.closed:
            raise VaultLocked()
        return journal  # type: ignore[no-any-return]
