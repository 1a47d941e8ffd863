"""A small, realistic journal for export tests (shared by core, CLI and screen tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    Answer,
    Appointment,
    CheckIn,
    Entry,
    Insight,
    SafetyEvent,
    ScaleResult,
    Session,
    Settings,
    new_id,
)

T0 = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
HOSTILE = '<script>window.kapPwned=1</script> and <img src=x onerror="window.kapPwned=2">'
REMOTE = "![tracker](https://example.invalid/pixel.png) [click](javascript:alert(1))"
PRIVATE_TEXT = "this private line must never leave the vault"
NOTES_TEXT = "nurse adjusted the drip rate"


def fill(j: Journal) -> dict[str, object]:
    """Three sessions with packs, check-ins, scales, insights and one crisis event."""
    sessions = []
    for n, (days, dose) in enumerate([(0, "35"), (3, "40"), (7, "0.6")], 1):
        s = Session(
            id=new_id(),
            started_at=T0 + timedelta(days=days),
            ended_at=T0 + timedelta(days=days, hours=1),
            series_index=n,
            route="iv" if n < 3 else "im",
            dose_value=dose,
            dose_unit="mg" if n < 3 else "mg_per_kg",
            setting="clinic",
            clinician="Dr Example",
            side_effects={"nausea": 2 if n == 1 else 1, "dizziness": 3 if n == 2 else 0},
            dissociation=4 + n,
            notes=NOTES_TEXT,
        )
        sessions.append(j.save(s))
    s1, s2, s3 = sessions
    prep = j.save(
        Entry(
            id=new_id(),
            created=T0 - timedelta(hours=2),
            modified=T0,
            body="Intention: be kind to myself.\n\nWorry: the nausea.",
            pack_id="prepare",
            session_id=s1.id,
            answers=(Answer("intention", "What is your intention?", "text", "Stay curious"),),
        )
    )
    hostile = j.save(
        Entry(
            id=new_id(),
            created=T0 + timedelta(hours=20),
            modified=T0 + timedelta(hours=20),
            title="Next day <b>bold</b>",
            body=f"{HOSTILE}\n\nSecond paragraph about the garden.\n\n{REMOTE}",
            pack_id="next_day",
            session_id=s1.id,
            tags=("garden", "<i>tag</i>"),
            flagged_for_therapy=True,
        )
    )
    j.save(
        Entry(
            id=new_id(),
            created=T0 + timedelta(days=1, hours=3),
            modified=T0 + timedelta(days=1, hours=3),
            body=PRIVATE_TEXT,
            private=True,
        )
    )
    plain = j.save(
        Entry(
            id=new_id(),
            created=T0 + timedelta(days=4),
            modified=T0 + timedelta(days=4),
            body="Felt lighter after session two. # not a heading\n1. not a list",
            session_id=s2.id,
            pack_id="immediate",
        )
    )
    week = j.save(
        Entry(
            id=new_id(),
            created=T0 + timedelta(days=13),
            modified=T0 + timedelta(days=13),
            body="A week on: still calmer in the mornings.",
            pack_id="one_week",
            session_id=s3.id,
        )
    )
    ins1 = j.save(
        Insight(
            id=new_id(),
            created=T0 + timedelta(hours=21),
            text="I can rest <without> earning it",
            entry_id=hostile.id,
            session_id=s1.id,
            bring_to_therapy=True,
        )
    )
    ins2 = j.save(
        Insight(
            id=new_id(),
            created=T0 + timedelta(days=4, hours=1),
            text="Unmarked thought",
            entry_id=plain.id,
            marked=False,
        )
    )
    j.save(
        Insight(
            id=new_id(),
            created=T0 + timedelta(days=1, hours=4),
            text="from the private entry",
            entry_id=[e for e in j.all(Entry) if e.private][0].id,
        )
    )
    j.save(s2.replace(insights=(ins2.id,)))
    for d in range(0, 21):
        j.save(
            CheckIn(
                id=new_id(),
                at=T0 + timedelta(days=d, hours=8),
                mood=min(10, 3 + d // 3),
                anxiety=max(0, 7 - d // 4),
                sleep=5 + d % 3,
                hope=4 + d // 5,
                connectedness=None if d % 7 == 0 else 5,
                note="slept badly" if d == 2 else "",
            )
        )
    for d, total in ((-1, 17), (7, 12), (14, 8)):
        j.save(
            ScaleResult(
                id=new_id(),
                at=T0 + timedelta(days=d),
                scale_id="phq9",
                scale_name="PHQ-9",
                version="1",
                answers={"q1": 1},
                total=total,
            )
        )
    j.save(
        SafetyEvent(
            id=new_id(),
            at=T0 + timedelta(days=1, hours=9),
            trigger="self_harm_question",
            detail="next_day",
            acknowledged=True,
        )
    )
    j.save(Appointment(id=new_id(), at=T0 + timedelta(days=15), notes="integration"))
    j.save_settings(Settings(patient_label="A. Patient"))
    return {
        "sessions": sessions,
        "prep": prep,
        "hostile": hostile,
        "plain": plain,
        "week": week,
        "ins1": ins1,
        "ins2": ins2,
    }
