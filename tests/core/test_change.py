"""Per-session change: the four check-in points and the sparse-data note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kapjournal.core.change import (
    SPARSE_NOTE,
    ChangeCalculator,
    format_delta,
    session_changes,
)
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Session
from tests.timeline_fixture import IDS, at, fill

T0 = datetime(2026, 3, 10, 10, tzinfo=UTC)


def ci(when: datetime, mood: int, n: int = 0) -> CheckIn:
    return CheckIn(id=f"{int(when.timestamp()) + n:032x}", at=when, mood=mood)


def test_change_picks_the_four_points_around_a_session() -> None:
    session = Session(id="a" * 32, started_at=T0)
    checkins = [
        ci(T0 - timedelta(days=9), 1),  # too early for "before"
        ci(T0 - timedelta(days=2), 3),
        ci(T0 - timedelta(hours=1), 4),  # the last one before wins
        ci(T0 + timedelta(hours=6), 6),
        ci(T0 + timedelta(days=1, hours=-2), 5),
        ci(T0 + timedelta(days=1, hours=8), 7),  # last of the next day
        ci(T0 + timedelta(days=5, hours=1), 2),
        ci(T0 + timedelta(days=7, hours=3), 8),  # closest to a week later
    ]
    change = ChangeCalculator(checkins).for_session(session)
    assert change.series("mood") == [4, 6, 7, 8]
    assert change.delta("same_day", "mood") == 2
    assert change.delta("week_later", "mood") == 4
    assert change.delta("before", "mood") is None
    assert change.delta("next_day", "anxiety") is None  # not recorded
    assert not change.sparse and change.note == ""


def test_change_is_sparse_without_before() -> None:
    session = Session(id="a" * 32, started_at=T0)
    change = ChangeCalculator(
        [ci(T0 + timedelta(hours=5), 5), ci(T0 + timedelta(days=1), 6)]
    ).for_session(session)
    assert change.available == 2
    assert change.sparse
    assert change.note == SPARSE_NOTE


def test_change_is_sparse_with_only_before() -> None:
    session = Session(id="a" * 32, started_at=T0)
    change = ChangeCalculator([ci(T0 - timedelta(hours=3), 5)]).for_session(session)
    assert change.available == 1 and change.sparse


def test_change_empty_has_no_points() -> None:
    change = ChangeCalculator([]).for_session(Session(id="a" * 32, started_at=T0))
    assert change.available == 0 and change.sparse
    assert change.to_dict()["points"]["before"] is None


def test_session_changes_on_fixture(journal: Journal) -> None:
    fill(journal)
    changes = session_changes(journal.all(Session), journal.all(CheckIn))
    assert set(changes) == {IDS["s1"], IDS["s2"], IDS["s3"]}  # planned one skipped
    s1 = changes[IDS["s1"]]
    assert s1.series("mood") == [4, 5, 6, 6]
    assert s1.delta("week_later", "anxiety") == -3
    assert not s1.sparse
    assert changes[IDS["s2"]].sparse  # a "before" but nothing else within reach
    assert changes[IDS["s3"]].available == 0
    assert at(10, 4, 20) == s1.points["before"].at  # type: ignore[union-attr]


def test_format_delta_is_neutral() -> None:
    assert [format_delta(d) for d in (2, -1, 0, None)] == ["+2", "-1", "0", "—"]
