"""Date expressions shared by search, timeline and course planning."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kapjournal.core.dates import parse_day, parse_when
from kapjournal.core.errors import InvalidInput

NOW = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31", date(2026, 1, 31)),
        ("31 Jan 2026", date(2026, 1, 31)),
        ("today", date(2026, 3, 31)),
        ("yesterday", date(2026, 3, 30)),
        ("2w", date(2026, 3, 17)),
        ("1m", date(2026, 2, 28)),  # month arithmetic clamps to month end
        ("+3d", date(2026, 4, 3)),
        ("1y", date(2025, 3, 31)),
    ],
)
def test_dates_parse_forms(text: str, expected: date) -> None:
    assert parse_day(text, now=clock) == expected


def test_dates_end_of_day_bound() -> None:
    end = parse_when("2026-01-31", now=clock, end_of_day=True)
    assert (end.hour, end.minute, end.second) == (23, 59, 59)


@pytest.mark.parametrize("text", ["", "not a date", "31/31/31", "year 99999"])
def test_dates_bad_input_is_clear(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_when(text, now=clock)


def test_dates_out_of_range_year() -> None:
    with pytest.raises(InvalidInput, match="outside"):
        parse_when("1066-10-14", now=clock)
