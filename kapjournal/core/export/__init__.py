"""Therapist exports: selection and redaction, renderers, age encryption, atomic writing.

:func:`render` turns an :class:`~kapjournal.core.export.model.ExportDocument`
into bytes of one format; :func:`export_to_file` is the whole pipeline the
CLI and the Export screen share (build -> render -> encrypt -> write).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kapjournal.core.errors import InvalidInput

if TYPE_CHECKING:
    from kapjournal.core.export.model import ExportDocument, ExportOptions, build_document
    from kapjournal.core.journal import Journal

FORMATS = ("html", "md", "json", "pdf")
EXTENSIONS = {"html": ".html", "md": ".md", "json": ".json", "pdf": ".pdf"}

__all__ = [
    "FORMATS",
    "ExportDocument",
    "ExportOptions",
    "ExportResult",
    "build_document",
    "default_filename",
    "export_to_file",
    "render",
]


_LAZY = ("ExportDocument", "ExportOptions", "build_document")


def __getattr__(name: str) -> Any:
    """The document model is imported on first use: the CLI checks its options (and
    starts deriving the key) before it needs the journal, models and renderers."""
    if name in _LAZY:
        from kapjournal.core.export import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render(doc: ExportDocument, fmt: str) -> bytes:
    """The document in one format, as bytes (still plaintext: encrypt before writing)."""
    if fmt == "html":
        from kapjournal.core.export.html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "md":
        from kapjournal.core.export.markdown import render_markdown

        return render_markdown(doc).encode("utf-8")
    if fmt == "json":
        from kapjournal.core.export.jsonfmt import write_document

        return write_document(doc)
    if fmt == "pdf":
        from kapjournal.core.export.pdf import render_pdf

        return render_pdf(doc)
    raise InvalidInput(f"Unknown export format '{fmt}'. Choose one of: {', '.join(FORMATS)}.")


def default_filename(fmt: str, today: date, *, encrypted: bool) -> str:
    """A name with no entry text in it, e.g. ``kapjournal-export-2026-11-20.html.age``."""
    return f"kapjournal-export-{today.isoformat()}{EXTENSIONS[fmt]}" + (".age" if encrypted else "")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    size: int
    encrypted: bool
    counts: dict[str, int]
    skipped: int = 0  # damaged records that could not be read and so are not in the file


def export_to_file(
    journal: Journal,
    options: ExportOptions,
    fmt: str,
    out: Path,
    *,
    recipient: str | None = None,
    passphrase: str | None = None,
    plaintext: bool = False,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """Build, render, encrypt (unless ``plaintext``) and atomically write an export.

    Raises:
        InvalidInput: when no protection was chosen, or both a key and a passphrase.
        ExportFailed / StorageFull: when the file could not be written.
    """
    from kapjournal.core.export.age import check_target, encrypt, parse_recipient, write_private
    from kapjournal.core.export.model import build_document

    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown export format '{fmt}'. Choose one of: {', '.join(FORMATS)}.")
    chosen = sum(x is not None for x in (recipient, passphrase)) + bool(plaintext)
    if chosen == 0:
        raise InvalidInput(
            "Choose how to protect the export: a therapist's age key, a passphrase, "
            "or explicitly an unencrypted (plaintext) file."
        )
    if chosen > 1:
        raise InvalidInput("Choose only one of: an age key, a passphrase, or plaintext.")
    if recipient is not None:
        parse_recipient(recipient)  # fail before the slow part
    check_target(out, overwrite=overwrite)
    note = progress or (lambda _stage: None)
    doc = build_document(journal, options, progress=note)
    note("Rendering")
    data = render(doc, fmt)
    if not plaintext:
        note("Encrypting")
        data = encrypt(data, recipient=recipient, passphrase=passphrase)
    note("Writing")
    write_private(out, data, overwrite=overwrite)
    return ExportResult(out, len(data), not plaintext, doc.counts, len(journal.damaged))
