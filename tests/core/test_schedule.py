"""Course planning: rrule edge cases, boosters, moves, progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kapjournal.core import schedule
from kapjournal.core.errors import InvalidInput
from kapjournal.core.journal import Journal
from kapjournal.core.models import Course, Session

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def test_plan_dates_twice_a_week_from_tuesday_gives_tue_and_fri() -> None:
    dates = schedule.plan_dates(date(2026, 12, 1), 6, per_week=2, zone=UTC)
    assert [d.strftime("%a %d") for d in dates] == [
        "Tue 01",
        "Fri 04",
        "Tue 08",
        "Fri 11",
        "Tue 15",
        "Fri 18",
    ]
    assert all(d.time() == time(10, 0) for d in dates)


def test_plan_dates_explicit_weekdays_skip_start_day_if_not_listed() -> None:
    dates = schedule.plan_dates(date(2026, 12, 1), 3, weekdays=[0, 3], zone=UTC)  # Mon, Thu
    assert [d.date() for d in dates] == [date(2026, 12, 3), date(2026, 12, 7), date(2026, 12, 10)]


def test_plan_dates_every_n_days_crosses_month_and_year_end() -> None:
    dates = schedule.plan_dates(date(2026, 12, 29), 3, every_days=3, zone=UTC)
    assert [d.date() for d in dates] == [date(2026, 12, 29), date(2027, 1, 1), date(2027, 1, 4)]


def test_plan_dates_keeps_wall_clock_time_across_dst_end() -> None:
    # UK clocks go back on Sunday 25 October 2026.
    dates = schedule.plan_dates(date(2026, 10, 20), 4, per_week=2, at=time(10, 0), zone=LONDON)
    assert all(d.hour == 10 for d in dates)
    offsets = [d.utcoffset() for d in dates]
    assert offsets[0] == timedelta(hours=1) and offsets[-1] == timedelta(0)
    assert [d.astimezone(UTC).hour for d in dates] == [9, 9, 10, 10]


def test_plan_dates_keeps_wall_clock_time_across_dst_start_in_us() -> None:
    # US clocks go forward on Sunday 8 March 2026.
    dates = schedule.plan_dates(date(2026, 3, 6), 2, weekdays=[4], at=time(9, 30), zone=NEW_YORK)
    assert [d.astimezone(UTC).hour for d in dates] == [14, 13]


def test_plan_dates_rejects_bad_counts() -> None:
    with pytest.raises(InvalidInput):
        schedule.plan_dates(date(2026, 12, 1), 0, per_week=2)
    with pytest.raises(InvalidInput):
        schedule.plan_dates(date(2026, 12, 1), 6, per_week=9)


def test_booster_dates_monthly_from_month_end_do_not_drift() -> None:
    anchor = datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    got = schedule.booster_dates(anchor, 3, every_months=1)
    assert [d.date() for d in got] == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_booster_dates_leap_year_february() -> None:
    anchor = datetime(2028, 1, 30, 10, 0, tzinfo=UTC)
    assert schedule.booster_dates(anchor, 1, every_months=1)[0].date() == date(2028, 2, 29)


def test_booster_dates_need_an_interval() -> None:
    with pytest.raises(InvalidInput):
        schedule.booster_dates(datetime(2027, 1, 1, tzinfo=UTC), 2)


def test_parse_course_spec_reads_the_example_phrase() -> None:
    spec = schedule.parse_course_spec("6 sessions, twice a week, from 2026-12-01")
    assert spec == schedule.CourseSpec(6, date(2026, 12, 1), per_week=2)


def test_parse_course_spec_reads_time_and_weekdays() -> None:
    spec = schedule.parse_course_spec("4 sessions on mon and thu from 2026-12-01 at 2pm")
    assert spec.weekdays == (0, 3) and spec.at == time(14, 0) and spec.count == 4


@pytest.mark.parametrize(
    "text",
    ["twice a week from 2026-12-01", "6 sessions from 2026-12-01", "6 sessions twice a week"],
)
def test_parse_course_spec_says_what_is_missing(text: str) -> None:
    with pytest.raises(InvalidInput):
        schedule.parse_course_spec(text)


def test_create_course_saves_planned_sessions_and_move_touches_one(journal: Journal) -> None:
    dates = schedule.plan_dates(date(2026, 12, 1), 6, per_week=2, zone=UTC)
    course, sessions = schedule.create_course(journal, "Induction", dates, "twice a week")
    stored = schedule.course_sessions(journal.all(Session), course.id)
    assert [s.series_index for s in stored] == [1, 2, 3, 4, 5, 6]
    assert all(s.status == "planned" for s in stored)
    before = {s.id: s for s in stored}
    moved = schedule.move_session(journal, stored[2], stored[2].started_at + timedelta(days=1))
    after = {s.id: s for s in journal.all(Session)}
    assert after[moved.id].started_at == before[moved.id].started_at + timedelta(days=1)
    for sid, s in before.items():
        if sid != moved.id:
            assert after[sid] == s


def test_move_session_refuses_completed(journal: Journal) -> None:
    _, sessions = schedule.create_course(journal, "c", [datetime(2026, 12, 1, 10, tzinfo=UTC)])
    done = journal.save(sessions[0].replace(status="completed"))
    with pytest.raises(InvalidInput):
        schedule.move_session(journal, done, done.started_at)


def test_create_course_rejects_duplicate_dates(journal: Journal) -> None:
    when = datetime(2026, 12, 1, 10, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        schedule.create_course(journal, "c", [when, when])
    assert journal.all(Course) == []


def test_course_progress_label_and_next_planned(journal: Journal) -> None:
    dates = schedule.plan_dates(date(2026, 12, 1), 6, per_week=2, zone=UTC)
    course, sessions = schedule.create_course(journal, "Induction", dates)
    for s in sessions[:3]:
        journal.save(s.replace(status="completed"))
    now = dates[2] + timedelta(days=1)
    progress = schedule.course_progress(course, journal.all(Session), now)
    assert progress.label == "session 3 of 6"
    assert progress.next_planned is not None and progress.next_planned.series_index == 4
    assert schedule.session_label(sessions[3], journal.all(Session), course) == "session 4 of 6"


def test_add_boosters_continue_numbering(journal: Journal) -> None:
    dates = schedule.plan_dates(date(2026, 12, 1), 2, per_week=2, zone=UTC)
    course, _ = schedule.create_course(journal, "c", dates)
    boosters = schedule.add_boosters(
        journal, course, schedule.booster_dates(dates[-1], 2, every_months=1)
    )
    assert [b.series_index for b in boosters] == [3, 4]
    assert journal.get(Course, course.id).planned_count == 4


def test_find_planned_match_picks_nearest_within_window() -> None:
    t = datetime(2026, 12, 1, 10, tzinfo=UTC)
    a = Session(id="a", started_at=t, status="planned")
    b = Session(id="b", started_at=t + timedelta(days=3), status="planned")
    assert schedule.find_planned_match([a, b], t + timedelta(hours=5)) == a
    assert schedule.find_planned_match([a, b], t + timedelta(days=10)) is None


def test_grace_hours_clamped() -> None:
    assert schedule.grace_hours(0) == 4
    assert schedule.grace_hours(12) == 8
    assert schedule.grace_hours(2) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2, every 4 weeks", (2, 4, 0)),
        ("1 booster every month", (1, 0, 1)),
        ("3 every 2 months", (3, 0, 2)),
    ],
)
def test_parse_booster_spec(text: str, expected: tuple[int, int, int]) -> None:
    assert schedule.parse_booster_spec(text) == expected


def test_parse_booster_spec_rejects_unclear_text() -> None:
    with pytest.raises(InvalidInput):
        schedule.parse_booster_spec("some boosters soon")
