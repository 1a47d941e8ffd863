"""fastload: the bulk decoder gives exactly what from_record(json.loads(...)) gives."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kapjournal.core.errors import InvalidInput
from kapjournal.core.fastload import decoder
from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    MODEL_KINDS,
    Answer,
    CheckIn,
    Entry,
    FollowUp,
    Insight,
    Model,
    ScaleResult,
    Session,
    Settings,
    Vitals,
)
from tests.conftest import PASSPHRASE

T0 = datetime(2026, 10, 5, 18, 30, 15, 250000, tzinfo=timezone(timedelta(hours=2)))


def _payload(model: Model) -> bytes:
    return json.dumps(model.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()


def _reference(cls: type[Model], data: bytes) -> Model:
    return cls.from_record(json.loads(data))


def _same(a: Model, b: Model) -> None:
    assert type(a) is type(b)
    assert a == b
    assert a.to_dict() == b.to_dict()
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())  # same types, same key order


SAMPLES: list[Model] = [
    Entry("a" * 32, T0, T0, "body\n\nsecond ¶ é 😀", title="t", tags=("x", "y")),
    Entry(
        "b" * 32,
        T0,
        T0,
        "",
        pack_id="prepare",
        answers=(
            Answer("p1", "How?", "scale", 7),
            Answer("p2", "Words", "words", ["a", "b"]),
            Answer("p3", "Big", "text", 10**30),
            Answer("p4", "Float", "scale", 2.5e-7),
        ),
        flagged_for_therapy=True,
        private=True,
    ),
    Insight("c" * 32, T0, "seen", tags=("t",), follow_ups=(FollowUp(T0, "tried", "ok"),)),
    Session(
        "d" * 32,
        T0,
        vitals=(Vitals("pre", 120, 80, 70, 98),),
        side_effects={"nausea": 2},
        dose_value="50",
        dose_unit="mg",
        insights=("c" * 32,),
    ),
    CheckIn("e" * 32, T0, mood=3, anxiety=None, sleep=0, note="n"),
    ScaleResult("f" * 32, T0, "phq9", "PHQ-9", "1", {"q1": 2}, 2**70),
    Settings(auto_lock_minutes=7, last_appointment=T0),
]


@pytest.mark.parametrize("model", SAMPLES, ids=lambda m: type(m).__name__)
def test_fastload_decoder_matches_from_record(model: Model) -> None:
    data = _payload(model)
    got = decoder(type(model))(data)
    _same(got, _reference(type(model), data))
    _same(got, model)


def test_fastload_big_integers_stay_integers() -> None:
    entry = SAMPLES[1]
    assert isinstance(entry, Entry)
    got = decoder(Entry)(_payload(entry))
    assert isinstance(got, Entry)
    assert got.answers[2].value == 10**30
    assert type(got.answers[2].value) is int
    scale = decoder(ScaleResult)(_payload(SAMPLES[5]))
    assert isinstance(scale, ScaleResult)
    assert type(scale.total) is int and scale.total == 2**70


@pytest.mark.parametrize(
    "raw",
    [
        # an older record without the newer fields (defaults fill in)
        {"id": "a" * 32, "created": T0.isoformat(), "modified": T0.isoformat(), "body": "x"},
        # a newer record with an unknown field, fields out of order
        {
            "body": "x",
            "id": "a" * 32,
            "modified": T0.isoformat(),
            "created": T0.isoformat(),
            "future": 1,
        },
        # a naive timestamp is read as local time, as from_record does
        {
            **Entry("a" * 32, T0, T0, "x").to_dict(),
            "created": "2026-10-05T18:30:00",
        },
        # NaN and a huge exponent: only the standard library reads them
        {
            **Entry("a" * 32, T0, T0, "x").to_dict(),
            "answers": [
                {"prompt_id": "p", "question": "q", "kind": "scale", "value": float("nan")},
                {"prompt_id": "p", "question": "q", "kind": "scale", "value": float("inf")},
            ],
        },  # fmt: skip
    ],
)
def test_fastload_unusual_records_match_from_record(raw: dict[str, Any]) -> None:
    data = json.dumps(raw).encode()
    got = decoder(Entry)(data)
    ref = _reference(Entry, data)
    assert repr(got) == repr(ref)  # NaN != NaN, so compare the representation
    assert got.to_dict().keys() == ref.to_dict().keys()


def test_fastload_conversion_failure_takes_the_validating_path() -> None:
    raw = Entry("a" * 32, T0, T0, "x").to_dict()
    raw["created"] = "not a date"
    with pytest.raises(InvalidInput):
        decoder(Entry)(json.dumps(raw).encode())
    with pytest.raises(InvalidInput):
        _reference(Entry, json.dumps(raw).encode())


def test_fastload_every_model_kind_round_trips() -> None:
    for cls in MODEL_KINDS.values():
        assert callable(decoder(cls))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    entry = Entry("1" * 32, now, now, "plain")
    _same(decoder(Entry)(_payload(entry)), entry)


def test_journal_bulk_load_equals_record_by_record(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j, j.transaction():
        for model in SAMPLES:
            j.save(model)
        for n in range(50):
            j.add_entry(f"entry {n}", tags=("t",))
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        j.preload(*{type(m) for m in SAMPLES})
        bulk = {kind: dict(models) for kind, models in j._cache.items()}
        one_by_one = {
            rec.id.hex(): _reference(MODEL_KINDS[rec.kind], rec.plaintext)
            for rec in j.vault.iter_records(bulk)
            if hasattr(rec, "plaintext")
        }
    loaded = {mid: m for models in bulk.values() for mid, m in models.items()}
    assert loaded.keys() == one_by_one.keys()
    assert len(loaded) == len(SAMPLES) + 50
    for mid, model in loaded.items():
        _same(model, one_by_one[mid])


def test_journal_bulk_load_reports_a_damaged_record(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        good = j.add_entry("kept")
        bad = j.add_entry("to be tampered")
    conn = sqlite3.connect(vault_path)
    (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?", (bytes.fromhex(bad.id),)).fetchone()
    flipped = bytes([ct[0] ^ 1]) + bytes(ct[1:])
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (flipped, bytes.fromhex(bad.id)))
    conn.commit()
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert [e.id for e in j.all(Entry)] == [good.id]
        assert j.damaged == {bad.id: "entry"}
