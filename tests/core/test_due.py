"""Due-time rules (CLINICAL.md a) evaluated at fixed moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kapjournal.core.due import DueList, compute_due
from kapjournal.core.models import Appointment, CheckIn, Entry, Session
from kapjournal.core.prompts import PackLibrary, Prompt, PromptPack

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
PHASES = (
    "prepare",
    "immediate",
    "next_day",
    "one_week",
    "pre_therapy",
    "one_month",
    "three_month",
    "daily",
)


def library(focus: bool = False) -> PackLibrary:
    lib = PackLibrary()
    for phase in PHASES:
        lib.packs[phase] = PromptPack(
            phase, phase.title(), phase, (Prompt("q", "Q?"),), include_checkin=phase == "daily"
        )
    if focus:
        lib.packs["cravings"] = PromptPack(
            "cravings", "Cravings", "next_day", (Prompt("q", "Q?"),), focus="substance_use"
        )
    return lib


def due(
    now: datetime,
    sessions: list[Session],
    *,
    entries: list[Entry] = (),  # type: ignore[assignment]
    appointments: list[Appointment] = (),
    checkins: list[CheckIn] = (),  # type: ignore[assignment]
    focus: tuple[str, ...] = (),
    lib: PackLibrary | None = None,
) -> DueList:
    return compute_due(
        sessions=sessions,
        appointments=appointments,
        entries=entries,
        checkins=checkins,
        library=lib or library(),
        focus=focus,
        now=now,
    )


def states(d: DueList, exclude_daily: bool = True) -> dict[str, str]:
    items = d.due_now + d.overdue + d.upcoming + d.missed
    return {i.pack_id: i.state for i in items if not (exclude_daily and i.phase == "daily")}


def done(at: datetime = T0) -> Session:
    return Session(id="s1", started_at=at, status="completed")


def test_due_next_day_opens_at_18h_and_not_before() -> None:
    s = done()
    assert states(due(T0 + timedelta(hours=17, minutes=59), [s])).get("next_day") == "upcoming"
    assert states(due(T0 + timedelta(hours=18), [s]))["next_day"] == "due"
    assert states(due(T0 + timedelta(hours=36), [s]))["next_day"] == "overdue"
    assert states(due(T0 + timedelta(hours=72), [s]))["next_day"] == "missed"
    assert "next_day" not in states(due(T0 + timedelta(days=11), [s]))


def test_due_immediate_opens_at_end_or_two_hours_and_stale_at_midnight() -> None:
    s = done()
    assert states(due(T0 + timedelta(hours=1), [s]))["immediate"] == "upcoming"
    assert states(due(T0 + timedelta(hours=2), [s]))["immediate"] == "due"
    assert states(due(T0 + timedelta(hours=14), [s]))["immediate"] == "missed"
    ended = s.replace(ended_at=T0 + timedelta(minutes=80))
    assert states(due(T0 + timedelta(minutes=90), [ended]))["immediate"] == "due"


def test_due_nothing_pushed_in_first_two_hours() -> None:
    s = done().replace(ended_at=T0 + timedelta(minutes=70))
    d = due(T0 + timedelta(minutes=90), [s])
    assert d.quiet_until == T0 + timedelta(hours=2)
    assert d.pushed == []
    assert any(i.pack_id == "immediate" for i in d.open_items())
    after = due(T0 + timedelta(hours=2, minutes=1), [s])
    assert after.quiet_until is None and any(i.pack_id == "immediate" for i in after.pushed)


def test_due_prepare_for_next_planned_session_only() -> None:
    p1 = Session(id="p1", started_at=T0, status="planned")
    p2 = Session(id="p2", started_at=T0 + timedelta(days=3), status="planned")
    d = due(T0 - timedelta(days=1), [p1, p2])
    prep = [i for i in d.due_now if i.pack_id == "prepare"]
    assert [i.session_id for i in prep] == ["p1"]
    assert prep[0].due == T0


def test_due_prepare_is_late_after_t0_plus_one_hour_but_still_listed() -> None:
    p1 = Session(id="p1", started_at=T0, status="planned")
    assert states(due(T0 + timedelta(minutes=30), [p1]))["prepare"] == "overdue"
    assert states(due(T0 + timedelta(hours=2), [p1]))["prepare"] == "missed"


def test_due_done_pack_disappears() -> None:
    s = done()
    entry = Entry.new("x", now=T0 + timedelta(hours=20), pack_id="next_day", session_id="s1")
    assert "next_day" not in states(due(T0 + timedelta(hours=20), [s], entries=[entry]))


def test_due_one_week_window_and_stale_at_next_session() -> None:
    s = done()
    assert states(due(T0 + timedelta(days=6), [s]))["one_week"] == "due"
    assert states(due(T0 + timedelta(days=8, hours=1), [s]))["one_week"] == "overdue"
    nxt = Session(id="s2", started_at=T0 + timedelta(days=7), status="completed")
    got = due(T0 + timedelta(days=7, hours=3), [s, nxt])
    old = [
        i
        for i in got.missed + got.due_now + got.overdue
        if i.pack_id == "one_week" and i.session_id == "s1"
    ]
    assert old and old[0].state == "missed" and "session of Tue 1 Dec" in old[0].label


def test_due_one_week_skipped_when_next_session_comes_first() -> None:
    s = done()
    nxt = Session(id="s2", started_at=T0 + timedelta(days=3), status="completed")
    d = due(T0 + timedelta(days=6, hours=1), [s, nxt])
    assert not [i for i in d.due_now if i.pack_id == "one_week" and i.session_id == "s1"]


def test_due_old_cycle_next_day_stays_available_after_new_session() -> None:
    s1 = done()
    s2 = Session(id="s2", started_at=T0 + timedelta(hours=26), status="completed")
    d = due(T0 + timedelta(hours=30), [s1, s2])
    labels = [i.label for i in d.open_items() if i.pack_id == "next_day"]
    assert labels == ["Next day · session of Tue 1 Dec"]


def test_due_pre_therapy_opens_24h_before_appointment() -> None:
    appt = Appointment(id="a1", at=T0 + timedelta(days=2))
    assert (
        states(due(T0 + timedelta(hours=23), [], appointments=[appt]))["pre_therapy"] == "upcoming"
    )
    assert states(due(T0 + timedelta(hours=25), [], appointments=[appt]))["pre_therapy"] == "due"


def test_due_one_month_after_last_session_of_course() -> None:
    s = done()
    at = T0 + timedelta(days=31)
    assert states(due(at, [s]))["one_month"] == "due"
    later = Session(id="s2", started_at=T0 + timedelta(days=20), status="completed")
    got = due(at, [s, later])
    assert not [i for i in got.open_items() if i.pack_id == "one_month" and i.session_id == "s1"]
    planned = Session(id="p", started_at=T0 + timedelta(days=28), status="planned")
    assert "one_month" not in states(due(T0 + timedelta(days=25), [s, planned]))


def test_due_three_month_follow_up() -> None:
    s = done()
    assert states(due(datetime(2027, 3, 2, 12, tzinfo=UTC), [s]))["three_month"] == "due"


def test_due_daily_checkin_satisfied_by_a_checkin_today() -> None:
    now = T0 + timedelta(days=40)
    d = due(now, [])
    assert [i.pack_id for i in d.due_now] == ["daily"]
    c = CheckIn(id="c", at=now - timedelta(hours=1), mood=5)
    assert due(now, [], checkins=[c]).due_now == []


@pytest.mark.parametrize(
    ("focus", "expected"), [((), ["next_day"]), (("substance_use",), ["cravings", "next_day"])]
)
def test_due_focus_packs_follow_settings(focus: tuple[str, ...], expected: list[str]) -> None:
    d = due(T0 + timedelta(hours=20), [done()], focus=focus, lib=library(focus=True))
    assert sorted(i.pack_id for i in d.due_now if i.phase == "next_day") == expected


def test_due_cancelled_sessions_are_ignored() -> None:
    s = done().replace(status="cancelled")
    assert states(due(T0 + timedelta(hours=20), [s])) == {}
