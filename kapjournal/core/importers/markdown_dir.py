"""A folder of Markdown files, one entry per file.

The date comes from the front matter (``date:``/``created:``), else from a
``YYYY-MM-DD`` (optionally ``HH:MM``) in the file name, else from the file's
modification time. Tags come from front matter ``tags:`` and from ``#tags`` in
the text. Front matter is read by a tiny ``key: value`` parser (plus ``- item``
and ``[a, b]`` lists); nothing is evaluated, there is no YAML loader.
"""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime
from pathlib import Path

from kapjournal.core.importers import base as limits
from kapjournal.core.importers.base import (
    PROGRESS_EVERY,
    ImportedItem,
    ImportResult,
    Progress,
    check_date,
    check_text,
    decode_text,
    fail,
    read_limited,
    tag_list,
)
from kapjournal.core.models import Entry, new_id
from kapjournal.core.tags import extract_tags

SUFFIXES = (".md", ".markdown", ".mdown")
MAX_FRONT_MATTER_LINES = 200
_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T_-](\d{2})[:.\-h]?(\d{2}))?")
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]{0,40})\s*:\s*(.*)$")
_LIST_ITEM = re.compile(r"^\s*-\s+(.*)$")
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y")


def parse_front_matter(text: str) -> tuple[dict[str, str | list[str]], str, int]:
    """Split ``---`` front matter off a Markdown text.

    Returns:
        ``(fields, body, lines_used)``. Values are text or a list of text;
        keys are lower-cased. Unknown syntax lines are ignored.

    Raises:
        ValueError: when the front matter is not closed or is too long.
    """
    if not text.startswith("---\n"):
        return {}, text, 0
    lines = text.split("\n")
    fields: dict[str, str | list[str]] = {}
    current: str | None = None
    for i, line in enumerate(lines[1:], start=1):
        if i > MAX_FRONT_MATTER_LINES:
            break
        if line.rstrip() in ("---", "..."):
            return fields, "\n".join(lines[i + 1 :]), i + 1
        item = _LIST_ITEM.match(line)
        if item and current is not None:
            existing = fields.get(current)
            values = existing if isinstance(existing, list) else []
            values.append(_unquote(item.group(1)))
            fields[current] = values
            continue
        kv = _KEY_VALUE.match(line)
        if kv:
            current = kv.group(1).lower()
            value = kv.group(2).strip()
            if value.startswith("[") and value.endswith("]"):
                fields[current] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
            else:
                fields[current] = _unquote(value)
    raise ValueError("the front matter (between '---' lines) is not closed")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _date_from_name(name: str) -> datetime | None:
    match = _NAME_DATE.search(name)
    if not match:
        return None
    y, mo, d, h, mi = match.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0))
    except ValueError:
        return None


def _markdown_files(root: Path) -> list[Path]:
    """Regular Markdown files under ``root`` (no hidden names, no symlinks), sorted."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            found.append(Path(dirpath) / name)
            if len(found) > limits.MAX_ENTRIES:
                raise fail(root, None, f"more than {limits.MAX_ENTRIES:,} Markdown files")
    return found


def parse_markdown_dir(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read every Markdown file in a folder (and its sub-folders).

    Raises:
        ImportFailed: naming the file, the line and the problem.
    """
    try:
        if not path.is_dir():
            raise fail(path, None, "expected a folder of Markdown files")
        files = _markdown_files(path)
    except OSError as err:
        raise fail(path, None, "the folder could not be read") from err
    if not files:
        raise fail(path, None, "no Markdown files (*.md) in this folder")
    result = ImportResult("markdown-dir", str(path))
    total_bytes = 0
    total = len(files)
    for n, file in enumerate(files, start=1):
        rel = file.relative_to(path).as_posix()
        try:
            info = file.lstat()
        except OSError as err:
            raise fail(file, None, "the file could not be read") from err
        if not stat.S_ISREG(info.st_mode):
            result.skipped.append(f"{rel}: not a regular file (a link?)")
            continue
        total_bytes += info.st_size
        if total_bytes > limits.MAX_FILE_BYTES:
            raise fail(
                path,
                None,
                f"the Markdown files add up to more than {limits.MAX_FILE_BYTES // 2**20} MiB",
            )
        text = decode_text(file, read_limited(file, limit=limits.MAX_BODY_BYTES))
        try:
            meta, body, used = parse_front_matter(text)
        except ValueError as err:
            raise fail(file, "line 1", str(err)) from err
        when: datetime | None = None
        raw_date = meta.get("date", meta.get("created"))
        if isinstance(raw_date, str) and raw_date:
            when = _parse_date(raw_date)
            if when is None:
                raise fail(file, "front matter", "the date is not understood (use YYYY-MM-DD)")
        when = when or _date_from_name(file.name)
        if when is None:
            try:
                when = datetime.fromtimestamp(info.st_mtime)
            except (OverflowError, OSError, ValueError) as err:
                raise fail(file, None, "the file's modification time is out of range") from err
        when = check_date(file, "date", when)
        title = meta.get("title", "")
        title = check_text(file, "front matter", "title", title if isinstance(title, str) else "")
        raw_tags = meta.get("tags", meta.get("tag", []))
        if isinstance(raw_tags, str):
            raw_tags = [t for t in re.split(r"[,\s]+", raw_tags) if t]
        body = check_text(file, "", "text", body.strip())
        entry = Entry(
            id=new_id(),
            created=when,
            modified=when,
            title=title.strip(),
            body=body,
            tags=tag_list(list(raw_tags) + extract_tags(body)),
            source="import",
        )
        result.items.append(ImportedItem(entry, where=rel))
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
    if progress is not None:
        progress(total, total)
    return result
