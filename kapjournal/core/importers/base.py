"""Shared pieces of every importer: limits, safe reading, the result model.

Import files are untrusted (SECURITY.md section 7). Every importer goes
through the helpers here, which check the limits *before* parsing, decode
strictly, and turn every problem into :class:`ImportFailed` with a message
that names the file, the line or entry, and what is wrong. Importers only
build models; :func:`kapjournal.core.importers.apply.apply_import` writes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path
from typing import Any

from kapjournal.core.errors import ImportFailed
from kapjournal.core.models import CheckIn, Entry, Insight, Model, new_id

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_BODY_BYTES = 1024 * 1024
MAX_ENTRIES = 100_000
MAX_JSON_DEPTH = 32
MIN_YEAR = 1900
MAX_YEAR = 2199

Progress = Callable[[int, int], None]
"""``progress(done, total)``; called every few hundred items and at the end."""

PROGRESS_EVERY = 500


@dataclass
class ImportedItem:
    """One imported entry plus what hangs off it (insights, check-ins)."""

    entry: Entry
    insights: list[Insight] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    where: str = ""  # "line 12" / "entry 3" / a file name, for messages


@dataclass
class ImportResult:
    """What an importer read from one file (nothing is written yet)."""

    source: str
    path: str
    items: list[ImportedItem] = field(default_factory=list)
    extra: list[Model] = field(default_factory=list)  # standalone records (own-format imports)
    skipped: list[str] = field(default_factory=list)  # clean, counted skips with a reason

    @property
    def entry_count(self) -> int:
        return len(self.items)

    @property
    def tags(self) -> set[str]:
        return {t for item in self.items for t in item.entry.tags}

    @property
    def insight_count(self) -> int:
        return sum(len(i.insights) for i in self.items)

    @property
    def checkin_count(self) -> int:
        return sum(len(i.checkins) for i in self.items)


def fail(path: Path | str, where: str | None, problem: str) -> ImportFailed:
    """An :class:`ImportFailed` whose message names file, place and problem."""
    place = f", {where}" if where else ""
    name = Path(path).name or str(path)  # "." and "/" have no name of their own
    return ImportFailed(f"Import of {name}{place}: {problem}. Nothing was written.")


def read_limited(path: Path, *, limit: int | None = None) -> bytes:
    """Read a whole file after checking its size against ``limit``.

    Raises:
        ImportFailed: when the file is missing, not a regular file, too big or unreadable.
    """
    if limit is None:
        limit = MAX_FILE_BYTES
    try:
        if path.is_dir():
            raise fail(path, None, "that is a folder; this format needs a file")
        if not path.exists():
            raise fail(path, None, "no such file")
        if not path.is_file():
            raise fail(path, None, "not a regular file")
        size = path.stat().st_size
        if size > limit:
            raise fail(
                path,
                None,
                f"the file is {size / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB",
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise fail(path, None, "the file could not be read") from err
    if len(data) > limit:
        raise fail(path, None, f"the file is larger than {limit / 2**20:.0f} MiB")
    return data


def line_of(data: bytes | str, offset: int) -> int:
    """1-based line number of a byte or character offset."""
    nl = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(nl, 0, offset) + 1  # type: ignore[arg-type]


def decode_text(path: Path, data: bytes) -> str:
    """Strict UTF-8 (a BOM is allowed) with no NUL bytes.

    Raises:
        ImportFailed: naming the line of the first bad byte.
    """
    nul = data.find(b"\0")
    if nul >= 0:
        raise fail(path, f"line {line_of(data, nul)}", "a NUL byte (is this a binary file?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        start = err.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise fail(path, f"line {line_of(data, start)}", "not valid UTF-8 text") from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


# An unterminated string runs to the end, so every attempt matches and the scan
# stays linear even on hostile input such as a long run of backslash-quote pairs.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """Maximum nesting depth of a JSON text, computed without parsing it."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    return max(accumulate(1 if c in "[{" else -1 for c in brackets))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def load_json(path: Path, data: bytes) -> Any:
    """Decode and parse a JSON file after the depth check.

    Raises:
        ImportFailed: for bad UTF-8, NUL bytes, excessive nesting or invalid JSON.
    """
    text = decode_text(path, data)
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise fail(path, None, f"JSON is nested {depth} levels deep; the limit is {MAX_JSON_DEPTH}")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise fail(
            path, f"line {err.lineno}, column {err.colno}", f"invalid JSON ({err.msg})"
        ) from err
    except (ValueError, RecursionError) as err:
        raise fail(path, None, "invalid JSON") from err


def check_count(path: Path, count: int) -> None:
    if count > MAX_ENTRIES:
        raise fail(path, None, f"more than {MAX_ENTRIES:,} entries; split the file first")


def check_text(path: Path, where: str, name: str, value: str) -> str:
    """Validate one text field: no NUL characters, at most 1 MiB."""
    if "\0" in value:
        raise fail(path, where, f"the {name} contains a NUL character")
    if len(value) > MAX_BODY_BYTES // 4 and len(value.encode("utf-8", "surrogatepass")) > (
        MAX_BODY_BYTES
    ):
        raise fail(path, where, f"the {name} is larger than 1 MiB")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise fail(path, where, f"the {name} contains an invalid character") from err
    return value


def check_date(path: Path, where: str, value: datetime) -> datetime:
    """Make a datetime timezone-aware (local time) and check its year range."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise fail(
            path, where, f"the date {value:%Y-%m-%d} is out of range ({MIN_YEAR}-{MAX_YEAR})"
        )
    if value.tzinfo is None:
        try:
            value = value.astimezone()
        except (OverflowError, OSError, ValueError):
            value = value.replace(tzinfo=timezone(timedelta(0)))
    return value


def get_field(
    path: Path, where: str, obj: dict[str, Any], name: str, kind: type, *, required: bool = False
) -> Any:
    """One typed field of a JSON object (``None`` when absent and optional)."""
    if name not in obj or obj[name] is None:
        if required:
            raise fail(path, where, f"the field '{name}' is missing")
        return None
    value = obj[name]
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if not ok:
        expected = {str: "text", bool: "true or false", list: "a list", dict: "an object"}
        raise fail(path, where, f"the field '{name}' must be {expected.get(kind, kind.__name__)}")
    return value


_TAG_CHARS = re.compile(r"[^\w-]+", re.UNICODE)


def normalise_tag(raw: str) -> str | None:
    """``@Work``/``#work``/``Work Stuff`` -> ``work``/``work-stuff``; ``None`` if empty."""
    tag = raw.strip().lstrip("@#").strip().lower()
    tag = _TAG_CHARS.sub("-", tag).strip("-")[:49]
    return tag or None


def tag_list(raw: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in raw:
        tag = normalise_tag(value)
        if tag is not None:
            seen.setdefault(tag, None)
    return tuple(seen)


def text_list(path: Path, where: str, obj: dict[str, Any], name: str, noun: str) -> list[str]:
    """An optional JSON list field whose items must all be text (``noun``: "tag")."""
    values = get_field(path, where, obj, name, list) or []
    if not all(isinstance(v, str) for v in values):
        raise fail(path, where, f"every {noun} must be text")
    return values


def load_entries_list(path: Path, label: str) -> list[Any]:
    """Read a JSON export shaped ``{"entries": [...]}`` (jrnl, Day One), within the limits."""
    doc = load_json(path, read_limited(path))
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise fail(path, None, f'not a {label} JSON export (no "entries" list)')
    raw_entries: list[Any] = doc["entries"]
    check_count(path, len(raw_entries))
    return raw_entries


def each_entry_object(
    path: Path, raw_entries: list[Any], progress: Progress | None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("entry N", object)`` for each JSON entry, reporting progress as it goes."""
    total = len(raw_entries)
    for n, raw in enumerate(raw_entries, start=1):
        where = f"entry {n}"
        if not isinstance(raw, dict):
            raise fail(path, where, "expected an object")
        yield where, raw
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
    if progress is not None:
        progress(total, total)


def entry_item(
    path: Path,
    where: str,
    when: datetime,
    body: str,
    *,
    title: str = "",
    tags: tuple[str, ...] = (),
    starred: bool = False,
    insight_text: Callable[[Entry], str] | None = None,
) -> ImportedItem:
    """A checked imported entry; a starred one also becomes an :class:`Insight`.

    ``insight_text`` picks the insight's words from the entry (default: the
    title, else the first 200 characters of the body).
    """
    check_text(path, where, "title", title)
    check_text(path, where, "text", body)
    when = check_date(path, where, when)
    entry = Entry(
        id=new_id(),
        created=when,
        modified=when,
        title=title,
        body=body,
        tags=tags,
        source="import",
    )
    item = ImportedItem(entry, where=where)
    if starred:
        text = insight_text(entry) if insight_text is not None else (title or body[:200])
        item.insights.append(
            Insight(id=new_id(), created=when, text=text, entry_id=entry.id, tags=tags)
        )
    return item
