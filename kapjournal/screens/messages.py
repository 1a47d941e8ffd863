"""Messages posted by workers and screens (named for what happened).

Workers never touch widgets; they post one of these and the handler updates
the UI on the main thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from kapjournal.core.journal import Journal


@dataclass
class VaultUnlocked(Message):
    """The vault was unlocked (or created) and its entries decrypted."""

    journal: Journal
    created: bool = False


@dataclass
class UnlockFailed(Message):
    """Unlocking failed with a user-facing error."""

    error: Exception
    wrong_passphrase: bool = False


@dataclass
class EntrySaved(Message):
    """An entry was saved from the editor."""

    entry_id: str


@dataclass
class LockRequested(Message):
    """Something asked the app to lock now."""

    reason: str = "manual"
