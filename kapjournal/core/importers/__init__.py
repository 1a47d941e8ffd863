"""Importers: read other journals' files into kapjournal models.

Each format has one function ``parse(path, progress) -> ImportResult`` that
only reads and validates; :func:`apply_import` writes the result in a single
transaction. Use :func:`read_import` to look a format up by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kapjournal.core.errors import ImportFailed, KapError
from kapjournal.core.importers.apply import ImportSummary, apply_import, duplicate_key
from kapjournal.core.importers.base import (
    MAX_BODY_BYTES,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_JSON_DEPTH,
    ImportedItem,
    ImportResult,
    Progress,
)
from kapjournal.core.importers.daylio import MOOD_SCALE, parse_daylio_csv
from kapjournal.core.importers.dayone import parse_dayone_json
from kapjournal.core.importers.jrnl import parse_jrnl_json, parse_jrnl_txt
from kapjournal.core.importers.kapjournal_json import parse_kapjournal_json
from kapjournal.core.importers.markdown_dir import parse_markdown_dir

Parser = Callable[[Path, Progress | None], ImportResult]

KAPJOURNAL_JSON = "kapjournal-json"
"""This project's own JSON export (round trip); parsed by ``core.export.jsonfmt``."""


@dataclass(frozen=True)
class ImportFormat:
    name: str
    label: str
    parse: Parser
    folder: bool = False  # the source is a folder, not a file


FORMATS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat("jrnl-json", "jrnl JSON export (jrnl --export json)", parse_jrnl_json),
        ImportFormat("jrnl-txt", "jrnl journal file (plain text)", parse_jrnl_txt),
        ImportFormat("markdown-dir", "Folder of Markdown files", parse_markdown_dir, True),
        ImportFormat("dayone-json", "Day One JSON export", parse_dayone_json),
        ImportFormat("daylio-csv", "Daylio CSV export", parse_daylio_csv),
        ImportFormat(KAPJOURNAL_JSON, "kapjournal JSON export", parse_kapjournal_json),
    )
}


def read_import(fmt: str, path: Path | str, progress: Progress | None = None) -> ImportResult:
    """Parse ``path`` as ``fmt`` without touching any vault.

    Raises:
        ImportFailed: unknown format, or a file problem (named in the message).
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ImportFailed(
            f"Unknown import format '{fmt[:40]}'. Choose one of: " + ", ".join(FORMATS) + "."
        )
    try:
        return spec.parse(Path(path), progress)
    except KapError:
        raise
    except (RecursionError, MemoryError) as err:
        raise ImportFailed(
            f"Import of {Path(path).name}: the file is too complex to read. Nothing was written."
        ) from err


__all__ = [
    "FORMATS",
    "KAPJOURNAL_JSON",
    "MAX_BODY_BYTES",
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MOOD_SCALE",
    "ImportFormat",
    "ImportResult",
    "ImportSummary",
    "ImportedItem",
    "Progress",
    "apply_import",
    "duplicate_key",
    "read_import",
]
