"""Daylio CSV export: one row per mood entry, turned into an entry and a check-in.

Columns (by header name, in any order): ``full_date`` (or ``date``), ``time``,
``mood``, ``activities`` (separated by ``|``), ``note_title``, ``note``.

Daylio's mood has five levels. They are mapped onto the 0-10 check-in mood
scale at the centres of five equal bands of that scale, so the mapping is
symmetric around the neutral 5 and never claims an extreme:

    rad 9 · good 7 · meh 5 · bad 3 · awful 1

Exports that give the level as a number (5 = best ... 1 = worst) map the same
way. Daylio lets people rename moods; a name that is not one of the five is
kept in the entry text, but no check-in value is invented for it (the row is
counted in the summary).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

from kapjournal.core.importers.base import (
    MAX_BODY_BYTES,
    PROGRESS_EVERY,
    ImportedItem,
    ImportResult,
    Progress,
    check_count,
    check_date,
    check_text,
    decode_text,
    fail,
    read_limited,
    tag_list,
)
from kapjournal.core.models import CheckIn, Entry, new_id

MOOD_SCALE: dict[str, int] = {"rad": 9, "good": 7, "meh": 5, "bad": 3, "awful": 1}
"""Daylio mood name -> check-in mood (0-10)."""
MOOD_BY_LEVEL: dict[str, int] = {"5": 9, "4": 7, "3": 5, "2": 3, "1": 1}

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TIME_FORMATS = ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S")


def daylio_mood(label: str) -> int | None:
    """The 0-10 check-in value for a Daylio mood label, or ``None`` if unknown."""
    key = label.strip().lower()
    return MOOD_SCALE.get(key, MOOD_BY_LEVEL.get(key))


def _parse_when(day: str, clock: str) -> datetime | None:
    try:
        base = datetime.strptime(day.strip(), "%Y-%m-%d")
    except ValueError:
        return None
    clock = clock.strip().upper()
    if not clock:
        return base
    for fmt in _TIME_FORMATS:
        try:
            t = datetime.strptime(clock, fmt)
        except ValueError:
            continue
        return base.replace(hour=t.hour, minute=t.minute, second=t.second)
    return None


def parse_daylio_csv(path: Path, progress: Progress | None = None) -> ImportResult:
    """Read a Daylio CSV export.

    Raises:
        ImportFailed: naming the line and the problem.
    """
    text = decode_text(path, read_limited(path))
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_BODY_BYTES)
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        while True:
            start = reader.line_num + 1  # a quoted note can span lines: name the first
            row = next(reader, None)
            if row is None:
                break
            rows.append(row)
            lines.append(start)
    except csv.Error as err:
        raise fail(path, f"line {reader.line_num}", "not readable as CSV") from err
    finally:
        csv.field_size_limit(old_limit)
    if not rows:
        raise fail(path, None, "the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    date_col = col.get("full_date", col.get("date"))
    if date_col is None or "mood" not in col:
        raise fail(path, "line 1", "not a Daylio export (no 'full_date' and 'mood' columns)")
    check_count(path, len(rows) - 1)
    result = ImportResult("daylio-csv", str(path))
    total = len(rows) - 1

    def cell(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else ""

    for n, row in enumerate(rows[1:], start=1):
        where = f"line {lines[n]}"
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            raise fail(path, where, f"{len(row)} columns, but the header has {len(header)}")
        when = _parse_when(row[date_col] if date_col < len(row) else "", cell(row, "time"))
        if when is None:
            raise fail(path, where, "the date or time is not valid (expected YYYY-MM-DD, HH:MM)")
        when = check_date(path, where, when)
        mood_label = cell(row, "mood").strip()
        activities = [a for a in (s.strip() for s in cell(row, "activities").split("|")) if a]
        title = check_text(path, where, "note title", cell(row, "note_title").strip())
        note = check_text(path, where, "note", _BR.sub("\n", cell(row, "note")).strip())
        parts = [note] if note else []
        summary = f"Mood: {mood_label}" if mood_label else ""
        if activities:
            summary += ("; " if summary else "") + "activities: " + ", ".join(activities)
        if summary:
            parts.append(f"({summary})" if note else summary)
        body = check_text(path, where, "note", "\n\n".join(parts))
        entry = Entry(
            id=new_id(),
            created=when,
            modified=when,
            title=title,
            body=body,
            tags=tag_list(activities),
            source="import",
        )
        item = ImportedItem(entry, where=where)
        mood = daylio_mood(mood_label) if mood_label else None
        if mood is not None:
            item.checkins.append(
                CheckIn(id=new_id(), at=when, mood=mood, note="Daylio", source="import")
            )
        elif mood_label:
            result.skipped.append(f"{where}: mood '{mood_label[:20]}' has no 0-10 value")
        result.items.append(item)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
    if progress is not None:
        progress(total, total)
    return result
