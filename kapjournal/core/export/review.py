"""Loading an export for review: size cap, age decryption in memory, validation.

Nothing is written to disk: the decrypted bytes live only in memory and the
result is an :class:`~kapjournal.core.export.model.ExportDocument`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kapjournal.core.errors import ReviewFileInvalid
from kapjournal.core.export import age
from kapjournal.core.export.jsonfmt import MAX_BYTES, read_document
from kapjournal.core.export.model import ExportDocument

# age adds a header and 16 bytes per 64 KiB chunk; allow for that around the JSON cap.
MAX_FILE_BYTES = MAX_BYTES + MAX_BYTES // 1024 + 64 * 1024


def read_capped(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a file, refusing anything larger than ``limit`` before reading it."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ReviewFileInvalid(f"{path} is not a file.")
        if size > limit:
            raise ReviewFileInvalid(
                f"{path.name} is larger than {limit // (1024 * 1024)} MB, too large for an export."
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        raise ReviewFileInvalid(f"Cannot read {path}.") from None
    if len(data) > limit:
        raise ReviewFileInvalid(f"{path.name} is too large for an export.")
    return data


def open_export_bytes(
    data: bytes,
    *,
    identities: list[str] | None = None,
    ask_passphrase: Callable[[], str] | None = None,
) -> ExportDocument:
    """Decrypt (when age) and parse an export held in memory."""
    head = data[: age.MAX_HEADER]
    if not head.lstrip().startswith(b"{") and b"AGE-SECRET-KEY-1" in head:
        raise ReviewFileInvalid(
            "This is an age key file, not an export: give it with --identity, and the "
            "export file first (kapjournal review EXPORT --identity KEYFILE)."
        )
    if data.startswith(b"SQLite format 3\x00"):
        raise ReviewFileInvalid(
            "This is a database (a kapjournal vault?), not an export. Review mode opens "
            "files made with 'kapjournal export --format json'."
        )
    encrypted = age.is_age(data)
    if encrypted:
        header = age.inspect_header(data)
        passphrase = None
        if header.needs_passphrase:
            if ask_passphrase is None:
                raise ReviewFileInvalid("This export is protected by a passphrase.")
            passphrase = ask_passphrase()
        data = age.decrypt(data, identities=identities, passphrase=passphrase)
    # Checked after decrypting too: an encrypted HTML export is the likeliest mix-up.
    if data.lstrip()[:1] in (b"<", b"#"):
        how = (
            " To read this one, decrypt it with an age tool, e.g. "
            "'age -d -i therapist.key -o export.html FILE', and open the result (that copy "
            "is not encrypted: delete it when you are done)."
            if encrypted
            else " Open this one in a browser or text viewer."
        )
        raise ReviewFileInvalid(
            "This looks like an HTML or Markdown export; review mode opens JSON exports "
            "(ask for one made with --format json)." + how
        )
    return read_document(data)


def load_export(
    path: Path,
    *,
    identity: Path | None = None,
    ask_passphrase: Callable[[], str] | None = None,
) -> ExportDocument:
    """Read, decrypt and validate an export file for review mode.

    Raises:
        ReviewFileInvalid: for an unreadable, oversized, hostile or undecryptable file.
        InvalidInput: for an unreadable identity file.
    """
    identities = age.read_identity_file(identity) if identity is not None else None
    return open_export_bytes(
        read_capped(path), identities=identities, ask_passphrase=ask_passphrase
    )
