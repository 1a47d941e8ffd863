"""kapjournal's own JSON export, read back in (round trip).

The document format belongs to :mod:`kapjournal.core.export.jsonfmt`, which
validates it (schema version, known kinds, field types). This module adds the
import limits, names the file in every error, and groups insights with their
entries so duplicates are skipped together.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from kapjournal.core.errors import ImportFailed, KapError
from kapjournal.core.importers.base import (
    MAX_JSON_DEPTH,
    ImportedItem,
    ImportResult,
    Progress,
    check_count,
    check_date,
    check_text,
    decode_text,
    fail,
    json_depth,
    read_limited,
)
from kapjournal.core.models import Entry, Insight, Model


def parse_kapjournal_json(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read an unencrypted ``kapjournal export --format json`` file.

    Raises:
        ImportFailed: naming the file and the problem.
    """
    try:
        jsonfmt = importlib.import_module("kapjournal.core.export.jsonfmt")
    except ImportError as err:
        raise ImportFailed(
            "Importing kapjournal's own JSON export is not available in this version yet."
        ) from err
    data = read_limited(path)
    if data.startswith((b"age-encryption.org/", b"-----BEGIN AGE ENCRYPTED FILE-----")):
        raise fail(
            path,
            None,
            "this export is encrypted; import reads the unencrypted JSON export "
            "(kapjournal export --format json --plaintext), or decrypt it first with age",
        )
    text = decode_text(path, data)
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise fail(path, None, f"JSON is nested {depth} levels deep; the limit is {MAX_JSON_DEPTH}")
    try:
        doc = jsonfmt.read_document(data)
        models: list[Model] = list(jsonfmt.document_models(doc))
    except KapError as err:
        raise fail(path, None, err.user_message.rstrip(". ")) from err
    entries = [m for m in models if isinstance(m, Entry)]
    check_count(path, len(entries))
    result = ImportResult("kapjournal-json", str(path))
    items: dict[str, ImportedItem] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"entry {n}"
        check_text(path, where, "title", entry.title)
        check_text(path, where, "text", entry.body)
        check_date(path, where, entry.created)
        items[entry.id] = ImportedItem(entry, where=where)
    for model in models:
        if isinstance(model, Entry):
            continue
        if isinstance(model, Insight) and model.entry_id in items:
            items[model.entry_id].insights.append(model)
        else:
            result.extra.append(model)
    result.items = list(items.values())
    if progress is not None:
        progress(len(models), len(models))
    return result
