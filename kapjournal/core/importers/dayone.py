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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kapjournal.core.importers.base import (
    ImportResult,
    Progress,
    check_date,
    check_text,
    each_entry_object,
    entry_item,
    fail,
    get_field,
    load_entries_list,
    tag_list,
    text_list,
)

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
    raw_entries = load_entries_list(path, "Day One")
    result = ImportResult("dayone-json", str(path))
    for where, raw in each_entry_object(path, raw_entries, progress):
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
        raw_tags = text_list(path, where, raw, "tags", "tag")
        starred = bool(get_field(path, where, raw, "starred", bool))
        result.items.append(
            entry_item(
                path,
                where,
                when,
                body,
                tags=tag_list(raw_tags),
                starred=starred,
                insight_text=lambda entry: entry.first_line[:500],
            )
        )
    return result
