"""Day One JSON export (the ``Journal.json`` inside Day One's export zip).

Shape: ``{"metadata": {...}, "entries": [{"creationDate": "2024-01-02T10:00:00Z",
"timeZone": "Europe/Berlin", "text": "...", "tags": [...], "starred": bool}]}``.
Day One escapes Markdown punctuation (``\\.``); that is undone. A starred entry
also becomes an :class:`Insight`.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kapjournal.core.importers.base import (
    PROGRESS_EVERY,
    ImportedItem,
    ImportResult,
    Progress,
    check_count,
    check_date,
    check_text,
    fail,
    get_field,
    load_json,
    read_limited,
    tag_list,
)
from kapjournal.core.models import Entry, Insight, new_id

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def parse_dayone_json(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read a Day One JSON export.

    Raises:
        ImportFailed: naming the entry and the problem.
    """
    doc = load_json(path, read_limited(path))
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise fail(path, None, 'not a Day One JSON export (no "entries" list)')
    raw_entries: list[Any] = doc["entries"]
    check_count(path, len(raw_entries))
    result = ImportResult("dayone-json", str(path))
    total = len(raw_entries)
    for n, raw in enumerate(raw_entries, start=1):
        where = f"entry {n}"
        if not isinstance(raw, dict):
            raise fail(path, where, "expected an object")
        stamp = get_field(path, where, raw, "creationDate", str, required=True)
        try:
            when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError as err:
            raise fail(path, where, "'creationDate' is not an ISO date and time") from err
        when = check_date(path, where, when)
        zone = _zone(get_field(path, where, raw, "timeZone", str))
        if zone is not None:
            with contextlib.suppress(OverflowError, ValueError):
                when = when.astimezone(zone)
        text = get_field(path, where, raw, "text", str) or ""
        check_text(path, where, "text", text)
        body = _ESCAPED.sub(r"\1", text).strip()
        raw_tags = get_field(path, where, raw, "tags", list) or []
        if not all(isinstance(t, str) for t in raw_tags):
            raise fail(path, where, "every tag must be text")
        starred = bool(get_field(path, where, raw, "starred", bool))
        entry = Entry(
            id=new_id(),
            created=when,
            modified=when,
            body=body,
            tags=tag_list(raw_tags),
            source="import",
        )
        item = ImportedItem(entry, where=where)
        if starred:
            item.insights.append(
                Insight(
                    id=new_id(),
                    created=when,
                    text=entry.first_line[:500],
                    entry_id=entry.id,
                    tags=entry.tags,
                )
            )
        result.items.append(item)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
    if progress is not None:
        progress(total, total)
    return result
