"""jrnl journals: the plain-text journal file and ``jrnl --export json``.

Plain text: each entry starts on a new line with ``[YYYY-MM-DD HH:MM] ``; the
first line (or first sentence) is the title; ``@tags`` anywhere; a title
ending in ``*`` marks a starred entry, which becomes an :class:`Insight`.

JSON (jrnl 4.x): ``{"tags": {...}, "entries": [{"title", "body", "date",
"time", "tags", "starred"}, ...]}``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from kapjournal.core.importers.base import (
    PROGRESS_EVERY,
    ImportResult,
    Progress,
    check_count,
    decode_text,
    each_entry_object,
    entry_item,
    fail,
    get_field,
    load_entries_list,
    read_limited,
    tag_list,
    text_list,
)

_HEADER = re.compile(
    r"^\[((\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?)\] ?", re.MULTILINE
)
_AT_TAG = re.compile(r"(?<![\w@.])@([^\W\d_][\w-]{0,48})", re.UNICODE)
# Same idea as jrnl's title splitter: the first line, else the first sentence.
_SENTENCE_END = re.compile(r"[.!?\u2026][\'\u2019\"\u201d]?[\])]*\s+")


def split_title(text: str) -> tuple[str, str]:
    """Split jrnl entry text into (title, body) the way jrnl does."""
    stripped = text.strip()
    newline = stripped.find("\n")
    if newline >= 0:
        return stripped[:newline].strip(), stripped[newline + 1 :].strip()
    match = _SENTENCE_END.search(stripped)
    if not match:
        return stripped, ""
    return stripped[: match.end()].strip(), stripped[match.end() :].strip()


def at_tags(text: str) -> list[str]:
    return [m.group(1) for m in _AT_TAG.finditer(text)]


def parse_jrnl_txt(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read a jrnl plain-text journal file.

    Raises:
        ImportFailed: naming the line and the problem.
    """
    data = read_limited(path)
    text = decode_text(path, data)
    headers = list(_HEADER.finditer(text))
    if not headers:
        raise fail(
            path, None, "no entries found (expected lines starting with '[YYYY-MM-DD HH:MM] ')"
        )
    check_count(path, len(headers))
    if text[: headers[0].start()].strip():
        raise fail(path, "line 1", "text before the first dated entry")
    result = ImportResult("jrnl-txt", str(path))
    total = len(headers)
    line, pos = 1, 0
    for n, match in enumerate(headers):
        line += text.count("\n", pos, match.start())  # incremental: O(size), not O(n * size)
        pos = match.start()
        where = f"line {line}"
        stamp = match.group(1).replace("T", " ")
        try:
            y, mo, d, h, mi, sec = (int(g or 0) for g in match.groups()[1:])
            when = datetime(y, mo, d, h, mi, sec)
        except ValueError as err:
            raise fail(path, where, f"'{stamp}' is not a valid date and time") from err
        end = headers[n + 1].start() if n + 1 < total else len(text)
        raw = text[match.end() : end]
        lines = raw.split("\n")
        starred = bool(lines and lines[0].rstrip().endswith("*"))
        if starred:
            lines[0] = lines[0].rstrip().rstrip("*").rstrip()
        title, body = split_title("\n".join(lines))
        tags = tag_list(at_tags(title + "\n" + body))
        result.items.append(
            entry_item(path, where, when, body, title=title, tags=tags, starred=starred)
        )
        if progress is not None and (n + 1) % PROGRESS_EVERY == 0:
            progress(n + 1, total)
    if progress is not None:
        progress(total, total)
    return result


def parse_jrnl_json(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read the output of ``jrnl --export json``.

    Raises:
        ImportFailed: naming the entry and the problem.
    """
    raw_entries = load_entries_list(path, "jrnl")
    result = ImportResult("jrnl-json", str(path))
    for where, raw in each_entry_object(path, raw_entries, progress):
        title = get_field(path, where, raw, "title", str) or ""
        body = get_field(path, where, raw, "body", str) or ""
        day = get_field(path, where, raw, "date", str, required=True)
        clock = get_field(path, where, raw, "time", str) or "00:00"
        try:
            when = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")
        except ValueError as err:
            raise fail(
                path, where, "the date or time is not valid (expected YYYY-MM-DD, HH:MM)"
            ) from err
        raw_tags = text_list(path, where, raw, "tags", "tag")
        starred = bool(get_field(path, where, raw, "starred", bool))
        tags = tag_list(raw_tags + at_tags(title + "\n" + body))
        result.items.append(
            entry_item(
                path, where, when, body.strip(), title=title.strip(), tags=tags, starred=starred
            )
        )
    return result
