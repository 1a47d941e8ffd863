"""Model round trips: the validating from_dict and the trusted fast from_record agree."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kapjournal.core.errors import InvalidInput
from kapjournal.core.models import (
    Answer,
    CheckIn,
    Entry,
    FollowUp,
    Insight,
    Session,
    Settings,
    Vitals,
    new_id,
)

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

SAMPLES = [
    Entry(
        id=new_id(),
        created=NOW,
        modified=NOW,
        body="b",
        tags=("a", "b"),
        answers=(Answer("p1", "How?", "scale", 4), Answer("p2", "Words", "words", ["x"])),
    ),
    Session(
        id=new_id(),
        started_at=NOW,
        ended_at=NOW,
        route="im",
        dose_value="0.75",
        dose_unit="mg_per_kg",
        vitals=(Vitals("pre", 120, 80, 70, 98),),
        side_effects={"nausea": 2},
        dissociation=6,
    ),
    Insight(
        id=new_id(),
        created=NOW,
        text="t",
        follow_ups=(FollowUp(NOW, "tried", "yes"),),
        bring_to_therapy=True,
    ),
    CheckIn(id=new_id(), at=NOW, mood=5, hope=7),
    Settings(last_appointment=NOW, focus_packs=("ptsd",)),
]


@pytest.mark.parametrize("model", SAMPLES, ids=lambda m: type(m).__name__)
def test_models_fast_and_validating_decoders_agree(model: object) -> None:
    data = model.to_dict()  # type: ignore[attr-defined]
    cls = type(model)
    assert cls.from_record(data) == cls.from_dict(data) == model  # type: ignore[attr-defined]


def test_models_from_record_falls_back_to_validation() -> None:
    data = SAMPLES[0].to_dict()
    del data["body"]  # a required field is missing: the validating path names it
    with pytest.raises(InvalidInput, match="body"):
        Entry.from_record(data)
    bad_date = SAMPLES[0].to_dict() | {"created": "not a date"}
    with pytest.raises(InvalidInput, match="created"):
        Entry.from_record(bad_date)


def test_models_from_dict_rejects_wrong_types() -> None:
    data = SAMPLES[3].to_dict() | {"mood": "five"}
    with pytest.raises(InvalidInput, match="mood"):
        CheckIn.from_dict(data)
