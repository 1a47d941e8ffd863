"""Encrypted sharing in the standard age format (via pyrage), and safe file writing.

* :func:`parse_recipient` checks an ``age1...`` X25519 public key before use.
* :func:`encrypt` works in memory, to a recipient or a passphrase (scrypt;
  slow on purpose, so call it from a worker).
* :func:`inspect_header` reads the plaintext age header *before* decrypting,
  so a hostile file with an absurd scrypt work factor is refused instead of
  burning minutes of CPU.
* :func:`write_private` writes bytes atomically: temp file in the target
  folder with mode 0600, fsync, ``os.replace``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyrage
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from kapjournal.core.errors import (
    ExportFailed,
    ExportPassphraseWrong,
    InvalidInput,
    ReviewFileInvalid,
    StorageFull,
)
from kapjournal.core.vault import fsync_dir

AGE_MAGIC = b"age-encryption.org/v1\n"
ARMOR_MAGIC = b"-----BEGIN AGE ENCRYPTED FILE-----"
MAX_WORK_FACTOR = 20
MAX_HEADER = 64 * 1024

_RECIPIENT = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")


def parse_recipient(text: str) -> x25519.Recipient:
    """Parse a therapist's age public key.

    Raises:
        InvalidInput: when it is not a well-formed ``age1...`` X25519 key.
    """
    key = text.strip()
    if not key.lower().startswith("age1"):
        raise InvalidInput(
            "An age public key starts with 'age1' (ask your therapist for theirs, "
            "or use a passphrase instead)."
        )
    if not _RECIPIENT.match(key.lower()):
        raise InvalidInput(
            "That age public key is not complete or has a typo: it should be 'age1' "
            "followed by 58 letters and digits."
        )
    try:
        return x25519.Recipient.from_str(key.lower())
    except pyrage.RecipientError:
        raise InvalidInput(
            "That age public key has a typo (its checksum does not match)."
        ) from None


def encrypt(data: bytes, *, recipient: str | None = None, passphrase: str | None = None) -> bytes:
    """Encrypt in memory to exactly one of a recipient key or a passphrase."""
    if (recipient is None) == (passphrase is None):
        raise InvalidInput("Choose either a recipient key or a passphrase.")
    try:
        if recipient is not None:
            return bytes(pyrage.encrypt(data, [parse_recipient(recipient)]))
        assert passphrase is not None
        if not passphrase:
            raise InvalidInput("The export passphrase is empty.")
        sealed = bytes(age_passphrase.encrypt(data, passphrase))
    except pyrage.EncryptError:
        raise ExportFailed("The export could not be encrypted; nothing was written.") from None
    # pyrage picks the scrypt cost by timing this computer (2^19 on a 2-core VM) and
    # cannot be told otherwise; a computer 4x faster would pick 2^21, which review
    # mode (like SECURITY.md) refuses. Never hand over a file our own reader refuses.
    try:
        inspect_header(sealed)
    except ReviewFileInvalid:
        raise ExportFailed(
            "On this computer the age library chose a passphrase cost that kapjournal's "
            "review mode will not open. Please share with your therapist's age key instead; "
            "nothing was written."
        ) from None
    return sealed


@dataclass(frozen=True)
class AgeHeader:
    stanzas: tuple[str, ...]  # recipient types, e.g. ("X25519",) or ("scrypt",)
    work_factor: int | None  # log2(N) of a scrypt stanza

    @property
    def needs_passphrase(self) -> bool:
        return "scrypt" in self.stanzas


def is_age(data: bytes) -> bool:
    return data.startswith(AGE_MAGIC) or data.lstrip().startswith(ARMOR_MAGIC)


def inspect_header(data: bytes, *, max_work_factor: int = MAX_WORK_FACTOR) -> AgeHeader:
    """Read the age header lines without decrypting anything.

    Raises:
        ReviewFileInvalid: for a malformed header or a scrypt work factor above
            ``max_work_factor`` (which could stall the computer for minutes).
    """
    if not data.startswith(AGE_MAGIC):
        if data.lstrip().startswith(ARMOR_MAGIC):
            raise ReviewFileInvalid(
                "This is an ASCII-armored age file; decrypt it with 'age -d' or save it "
                "without armor, then open it again."
            )
        raise ReviewFileInvalid("This file is not an age-encrypted file.")
    end = data.find(b"\n---", 0, MAX_HEADER)
    if end < 0:
        raise ReviewFileInvalid("The age header of this file is damaged.")
    stanzas: list[str] = []
    work: int | None = None
    for line in data[len(AGE_MAGIC) : end].split(b"\n"):
        if not line.startswith(b"-> "):
            continue
        args = line[3:].split(b" ")
        kind = args[0].decode("ascii", "replace")
        stanzas.append(kind)
        if kind == "scrypt":
            if len(args) != 3 or not args[2].isdigit() or len(args[2]) > 2:
                raise ReviewFileInvalid("The age header of this file is damaged.")
            work = int(args[2])
            if work > max_work_factor:
                raise ReviewFileInvalid(
                    f"This file asks for a passphrase cost (2^{work}) far above normal; "
                    "it was refused to keep your computer responsive."
                )
    if not stanzas:
        raise ReviewFileInvalid("The age header of this file is damaged.")
    return AgeHeader(tuple(stanzas), work)


def decrypt(
    data: bytes,
    *,
    identities: list[str] | None = None,
    passphrase: str | None = None,
    max_work_factor: int = MAX_WORK_FACTOR,
) -> bytes:
    """Decrypt an age file in memory with identities (``AGE-SECRET-KEY-1...``) or a passphrase.

    Raises:
        ReviewFileInvalid: for a hostile or damaged header, or a key/passphrase
            that does not open it (one calm sentence either way).
    """
    header = inspect_header(data, max_work_factor=max_work_factor)
    try:
        if header.needs_passphrase:
            if passphrase is None:
                raise ReviewFileInvalid("This export is protected by a passphrase.")
            return bytes(age_passphrase.decrypt(data, passphrase))
        if not identities:
            raise ReviewFileInvalid(
                "This export is encrypted to an age key; give the key file with --identity."
            )
        parsed = [parse_identity(i) for i in identities]
        return bytes(pyrage.decrypt(data, parsed))
    except pyrage.DecryptError:
        what = "passphrase" if header.needs_passphrase else "key"
        error = ExportPassphraseWrong if header.needs_passphrase else ReviewFileInvalid
        raise error(f"This {what} does not open the export (or the file is damaged).") from None


def parse_identity(text: str) -> x25519.Identity:
    try:
        return x25519.Identity.from_str(text.strip())
    except pyrage.IdentityError:
        raise InvalidInput("The age key file does not contain a valid secret key.") from None


def read_identity_file(path: Path) -> list[str]:
    """The ``AGE-SECRET-KEY-1...`` lines of an identity file (comments skipped)."""
    try:
        if path.stat().st_size > MAX_HEADER:
            raise InvalidInput(f"{path} is too large to be an age key file.")
        raw = path.read_bytes()
    except OSError:
        raise InvalidInput(f"Cannot read the age key file {path}.") from None
    if is_age(raw):
        raise InvalidInput(
            f"{path} is an encrypted export, not a key file: give the export first and "
            "your key file after --identity."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{path} is not an age key file (it should hold a line AGE-SECRET-KEY-1...)."
        ) from None
    keys = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise InvalidInput(f"{path} does not contain an age secret key (AGE-SECRET-KEY-1...).")
    for key in keys:
        parse_identity(key)
    return keys


def new_identity(now: datetime) -> tuple[str, str]:
    """A fresh identity: (file text, public key)."""
    ident = x25519.Identity.generate()
    public = str(ident.to_public())
    text = f"# created: {now.isoformat(timespec='seconds')}\n# public key: {public}\n{ident}\n"
    return text, public


# ---------------------------------------------------------------- files

_SYNCED_PREFIXES = (
    "dropbox",
    "onedrive",
    "icloud",
    "mobile documents",
    "com~apple~clouddocs",
    "cloudstorage",
    "google drive",
    "googledrive",
    "my drive",
    "nextcloud",
    "owncloud",
    "pcloud",
)


def synced_folder(path: Path) -> str | None:
    """The cloud-synced folder (Dropbox, OneDrive, iCloud, Google Drive...) a path is in."""
    for part in path.expanduser().resolve().parts:
        if part.strip().lower().startswith(_SYNCED_PREFIXES):
            return part
    return None


def check_target(path: Path, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Check early that ``path`` can be written: its folder exists and it is new.

    Raises:
        ExportFailed: with a message saying what to change.
    """
    target = path.expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportFailed(f"The folder {folder} does not exist (nothing was written).")
    if target.is_dir():
        raise ExportFailed(f"{target} is a folder; give a file name (nothing was written).")
    if target.exists() and not overwrite:
        raise ExportFailed(f"{target} already exists; choose another name (nothing was written).")
    return target, folder


def write_private(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` atomically with mode 0600 (temp file, fsync, rename).

    Raises:
        ExportFailed / StorageFull: the file was not written (no partial file is left).
    """
    target, folder = check_target(path, overwrite=overwrite)
    fd, tmp = tempfile.mkstemp(prefix=".kapj-export-", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(folder)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if err.errno == errno.ENOSPC:
            raise StorageFull() from None
        raise ExportFailed(f"The export could not be written to {folder}.") from None
