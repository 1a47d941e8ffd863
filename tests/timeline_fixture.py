"""A small fixed journal for the timeline, insight and change tests.

Three completed sessions, one planned, a few entries, check-ins and
insights, all at fixed UTC times, so output is identical on every run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    Answer,
    Appointment,
    CheckIn,
    Entry,
    FollowUp,
    Insight,
    Session,
)

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _id(n: int) -> str:
    return f"{n:032x}"


IDS = {
    "s1": _id(0x51),
    "s2": _id(0x52),
    "s3": _id(0x53),
    "planned": _id(0x54),
    "e_before": _id(0xE0),
    "e_prepare": _id(0xE1),
    "e_quiet": _id(0xE2),
    "e_sleep": _id(0xE3),
    "e_lookback": _id(0xE4),
    "e_lozenge": _id(0xE5),
    "e_week": _id(0xE6),
    "i_quiet": _id(0xA1),
    "i_free": _id(0xA2),
    "appt": _id(0xAA),
}


def clock() -> datetime:
    return NOW


def _checkin(n: int, when: datetime, mood: int, anxiety: int, sleep: int, hope: int) -> CheckIn:
    return CheckIn(
        id=_id(0xC00 + n),
        at=when,
        mood=mood,
        anxiety=anxiety,
        sleep=sleep,
        hope=hope,
        connectedness=mood,
    )


def fill(journal: Journal) -> None:
    """Write the fixed journal into an empty vault."""
    models = [
        Session(
            id=IDS["s1"],
            started_at=at(10, 5, 10),
            ended_at=at(10, 5, 12),
            route="iv",
            dose_value="0.5",
            dose_unit="mg_per_kg",
            setting="clinic",
            side_effects={"nausea": 1, "dizziness": 2, "headache": 0},
            dissociation=6,
        ),
        Session(
            id=IDS["s2"],
            started_at=at(10, 15, 10),
            route="im",
            dose_value="50",
            dose_unit="mg",
            setting="clinic",
            side_effects={"nausea": 0, "dizziness": 0},
            dissociation=3,
        ),
        Session(
            id=IDS["s3"],
            started_at=at(11, 10, 19),
            route="sublingual_lozenge",
            dose_value="2",
            dose_unit="lozenges",
            setting="home_supervised",
        ),
        Session(
            id=IDS["planned"],
            started_at=at(11, 24, 10),
            status="planned",
            route="iv",
        ),
        Entry(
            id=IDS["e_before"],
            created=at(10, 1, 20),
            modified=at(10, 1, 20),
            body="Starting out. Nervous about the first session. #hope",
            tags=("hope",),
        ),
        Entry(
            id=IDS["e_prepare"],
            created=at(10, 5, 8),
            modified=at(10, 5, 8),
            body="",
            session_id=IDS["s1"],
            pack_id="prepare",
            source="guided",
            answers=(
                Answer("intention", "What is your intention?", "text", "To listen to myself"),
                Answer("worries", "Any worries?", "text", "Feeling sick"),
            ),
        ),
        Entry(
            id=IDS["e_quiet"],
            created=at(10, 6, 10),
            modified=at(10, 6, 10),
            title="Quieter",
            body="The critical voice in my head got quieter. I want to keep that. #calm",
            tags=("calm",),
        ),
        Entry(
            id=IDS["e_sleep"],
            created=at(10, 16, 21),
            modified=at(10, 16, 21),
            body="Slept badly, lots of dreams. Is that normal? #sleep",
            tags=("sleep",),
            flagged_for_therapy=True,
        ),
        Entry(
            id=IDS["e_lookback"],
            created=at(11, 12, 8),
            modified=at(11, 12, 8),
            body="Thinking back to the first session again.",
            session_id=IDS["s1"],
        ),
        Entry(
            id=IDS["e_lozenge"],
            created=at(11, 11, 9),
            modified=at(11, 11, 9),
            body="Home session was softer than the clinic ones.",
        ),
        Entry(
            id=IDS["e_week"],
            created=at(11, 17, 20),
            modified=at(11, 17, 20),
            title="One week on",
            body="",
            session_id=IDS["s3"],
            pack_id="one_week",
            source="guided",
            answers=(
                Answer("patterns", "What patterns do you notice?", "text", ""),
                Answer("for_therapy", "Anything for therapy?", "text", "Ask about pacing"),
            ),
        ),
        Insight(
            id=IDS["i_quiet"],
            created=at(10, 6, 11),
            text="The critical voice in my head got quieter.",
            entry_id=IDS["e_quiet"],
            session_id=IDS["s1"],
            tags=("calm",),
            follow_ups=(
                FollowUp(at=at(10, 9, 9), kind="tried", text="Noticed it at work"),
                FollowUp(at=at(10, 20, 15), kind="discussed"),
            ),
        ),
        Insight(
            id=IDS["i_free"],
            created=at(11, 13, 9),
            text="I can ask for help before things pile up.",
            session_id=IDS["s3"],
            bring_to_therapy=True,
        ),
        Appointment(id=IDS["appt"], at=at(10, 20, 15)),
        # Around session 1: before, same day, next day and a week later.
        _checkin(1, at(10, 4, 20), 4, 6, 5, 3),
        _checkin(2, at(10, 5, 18), 5, 5, 5, 4),
        _checkin(3, at(10, 6, 9), 6, 4, 7, 5),
        _checkin(4, at(10, 12, 9), 6, 3, 6, 6),
        # Around session 2 only one point after the session: too sparse.
        _checkin(5, at(10, 17, 9), 5, 4, 4, 5),
    ]
    with journal.transaction():
        for model in models:
            journal.save(model)
    settings = journal.settings().replace(last_appointment=at(10, 20, 16))
    journal.save_settings(settings)
