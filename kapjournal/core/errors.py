"""The ``KapError`` family: every failure a user can see, with a calm message.

Library errors are converted at the core boundary (``raise X(...) from err``),
so screens and the CLI only ever catch ``KapError``. Messages never contain
plaintext, keys or passphrases.
"""

from __future__ import annotations


class KapError(Exception):
    """Base class for all errors shown to users."""

    user_message: str = "Something went wrong."

    def __init__(self, user_message: str | None = None) -> None:
        if user_message is not None:
            self.user_message = user_message
        super().__init__(self.user_message)

    def __str__(self) -> str:
        return self.user_message


class VaultNotFound(KapError):
    user_message = "No journal vault exists at this location yet."


class VaultExists(KapError):
    user_message = "A vault already exists at this location; it was left untouched."


class NotAVault(KapError):
    user_message = "This file is not a kapjournal vault."


class VaultHeaderDamaged(KapError):
    user_message = (
        "The vault header is damaged. Please restore a backup with "
        "'kapjournal restore BACKUP_FILE' (the damaged file is kept beside it)."
    )


class VaultTooNew(KapError):
    user_message = (
        "This vault was written by a newer version of kapjournal. "
        "Please update kapjournal to open it."
    )


class WrongPassphrase(KapError):
    user_message = "That passphrase did not unlock the vault."


class VaultBusy(KapError):
    user_message = (
        "The vault is open elsewhere (another kapjournal window or command). "
        "Close it there and try again."
    )


class VaultLocked(KapError):
    user_message = "The vault is locked."


class RecordDamaged(KapError):
    """A record failed authentication; the rest of the vault stays readable."""

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"Record {record_id} could not be authenticated and was left untouched.")


class TamperWarning(KapError):
    user_message = (
        "The vault's record list does not match its signed manifest: "
        "records may have been removed or rolled back."
    )


class StorageFull(KapError):
    user_message = "The disk is full. Nothing was saved; free some space and try again."


class StoragePermission(KapError):
    user_message = "kapjournal is not allowed to write here. Check the folder's permissions."


class StorageError(KapError):
    user_message = "The vault file could not be written. Nothing was saved."


class WeakPassphrase(KapError):
    user_message = "Please use a passphrase of at least 8 characters."


class InvalidKdfParams(KapError):
    user_message = "The vault's key-derivation settings are out of bounds; refusing to use them."


class InvalidInput(KapError):
    """Bad user input, with a message that says what to change."""


class RecordNotFound(KapError):
    user_message = "No record with that id exists."


class PromptPackInvalid(KapError):
    """A prompt or scale pack failed validation."""


class QueryError(KapError):
    """A search query could not be understood; the message points at the bad part."""


class ExportFailed(KapError):
    user_message = "The export could not be written."


class ImportFailed(KapError):
    user_message = "The import failed; nothing was written."


class ReviewFileInvalid(KapError):
    user_message = "This file is not a readable kapjournal export."


class ExportPassphraseWrong(ReviewFileInvalid):
    """The passphrase typed for an age export does not open it (it may be retried)."""
