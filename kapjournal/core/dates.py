"""Parsing the date expressions users type: ISO, dateutil formats and short relative forms.

Shared by search filters (``since:2w``), timeline filters and course
planning, so every place accepts the same language:

* ``2026-01-31``, ``31 Jan 2026``, ``Jan 31`` ... (anything dateutil parses)
* ``today``, ``yesterday``, ``tomorrow``
* ``3d``, ``2w``, ``6m``, ``1y`` (that long before now)
* ``+2d``, ``+1w`` (that long after now)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from kapjournal.core.errors import InvalidInput

_RELATIVE = re.compile(
    r"^([+-]?)(\d{1,4})\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|"
    r"y|yr|year|years)$",
    re.IGNORECASE,
)
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
MIN_YEAR = 1900
MAX_YEAR = 2200


def _local_now() -> datetime:
    return datetime.now().astimezone()


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain_iso_day(raw: str) -> datetime | None:
    """``YYYY-MM-DD`` without dateutil (it costs ~15 ms to import); None otherwise."""
    if not _ISO_DAY.fullmatch(raw):
        return None
    try:
        return datetime.combine(date.fromisoformat(raw), time())
    except ValueError:
        return None  # dateutil gives the message


def _dateutil_parse(raw: str, current: datetime) -> datetime:
    from dateutil import parser as du_parser

    parsed: datetime = du_parser.parse(raw, default=datetime.combine(current.date(), time()))
    return parsed


def parse_when(
    text: str, *, now: Callable[[], datetime] = _local_now, end_of_day: bool = False
) -> datetime:
    """Parse a date expression into an aware datetime in local time.

    Args:
        text: what the user typed.
        now: clock (injectable for tests).
        end_of_day: for bare dates, return 23:59:59.999999 instead of midnight
            (useful for ``to:`` bounds).

    Returns:
        An aware ``datetime``.

    Raises:
        InvalidInput: with a message naming the text that could not be read.
    """
    raw = text.strip()
    if not raw:
        raise InvalidInput("An empty date was given.")
    current = now()
    low = raw.lower()
    named = {"today": 0, "yesterday": -1, "tomorrow": 1, "now": None}
    if low in named:
        if named[low] is None:
            return current
        day = current.date() + timedelta(days=named[low] or 0)
        return _at(day, current, end_of_day)
    match = _RELATIVE.match(low)
    if match:
        sign, amount, unit = match.groups()
        from dateutil.relativedelta import relativedelta  # lazy: ~15 ms of start-up

        delta = relativedelta(**{_UNITS[unit[0]]: int(amount)})  # type: ignore[arg-type]
        moved = current + delta if sign == "+" else current - delta
        return _at(moved.date(), current, end_of_day)
    try:
        parsed = _plain_iso_day(raw) or _dateutil_parse(raw, current)
    except (ValueError, OverflowError, TypeError) as err:
        raise InvalidInput(
            f"'{raw}' is not a date I can read. Try 2026-01-31, 'yesterday' or '2w'."
        ) from err
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InvalidInput(f"'{raw}' is outside the years {MIN_YEAR}-{MAX_YEAR}.")
    has_time = any(ch == ":" for ch in raw)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=current.tzinfo)
    if not has_time and end_of_day:
        return _at(parsed.date(), parsed, True)
    return parsed


def _at(day: date, ref: datetime, end_of_day: bool) -> datetime:
    moment = time.max if end_of_day else time.min
    return datetime.combine(day, moment, tzinfo=ref.tzinfo)


def parse_day(text: str, *, now: Callable[[], datetime] = _local_now) -> date:
    """Like :func:`parse_when` but returns just the date."""
    return parse_when(text, now=now).date()
