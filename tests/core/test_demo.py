"""The demo vault: realistic, deterministic, recognisable and safely replaceable."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from kapjournal.core.cycles import CycleIndex
from kapjournal.core.demo import (
    DEMO_PASSPHRASE,
    build_demo,
    demo_models,
    inspect_demo,
)
from kapjournal.core.errors import VaultExists
from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    DOSE_UNITS,
    ROUTES,
    Appointment,
    CheckIn,
    Course,
    Insight,
    Session,
    Settings,
)

TODAY = date(2026, 11, 26)


def _comparable(models: list[object]) -> list[dict[str, object]]:
    out = []
    for m in models:
        d = m.to_dict()  # type: ignore[attr-defined]
        d.pop("id", None)
        for key in ("session_id", "course_id", "entry_id"):
            d.pop(key, None)
        out.append(d)
    return out


def test_demo_models_are_deterministic() -> None:
    a = demo_models(today=TODAY, seed=7, tz=UTC)
    b = demo_models(today=TODAY, seed=7, tz=UTC)
    c = demo_models(today=TODAY, seed=8, tz=UTC)
    assert _comparable(a) == _comparable(b)
    assert _comparable(a) != _comparable(c)


def test_demo_vault_contents_are_realistic(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.kapj", today=TODAY, tz=UTC)
    with Journal.unlock(path, DEMO_PASSPHRASE) as journal:
        sessions = sorted(journal.all(Session), key=lambda s: s.started_at)
        assert len(sessions) == 6
        assert [s.series_index for s in sessions] == [1, 2, 3, 4, 5, 6]
        span = sessions[-1].started_at - sessions[0].started_at
        assert timedelta(days=14) <= span <= timedelta(days=21)
        gaps = [
            (b.started_at - a.started_at).days for a, b in zip(sessions, sessions[1:], strict=False)
        ]
        assert all(3 <= g <= 4 for g in gaps)  # twice a week
        for s in sessions:
            assert s.route in ROUTES and s.dose_unit in DOSE_UNITS
            assert isinstance(s.dose_value, str) and s.dose_value  # as recorded, text
            assert {v.when for v in s.vitals} == {"pre", "40min", "end"}
            assert s.dissociation is not None and 0 <= s.dissociation <= 10
            assert all(0 <= v <= 3 for v in s.side_effects.values())
            assert s.ended_at is not None and s.ended_at > s.started_at
        (course,) = journal.all(Course)
        assert course.planned_count == 6
        assert all(s.course_id == course.id for s in sessions)

        entries = journal.entries()
        packs = Counter(e.pack_id for e in entries if e.pack_id)
        assert packs["prepare"] == 6 and packs["immediate"] == 6 and packs["next_day"] == 6
        assert packs["one_week"] >= 1 and packs["pre_therapy"] == 1
        index = CycleIndex(sessions)
        for e in entries:
            if e.pack_id:
                assert e.answers and all(a.prompt_id and a.question for a in e.answers)
                assert e.session_id in {s.id for s in sessions}
            if e.pack_id in ("immediate", "next_day"):
                # Written after its own session, inside that session's cycle.
                assert index.session_for(e.created).id == e.session_id  # type: ignore[union-attr]
        free = [e for e in entries if not e.pack_id]
        assert len(free) >= 6 and all(e.tags for e in free)
        assert all(e.created <= journal.now() or e.created.date() <= TODAY for e in entries)

        checkins = sorted(journal.all(CheckIn), key=lambda c: c.at)
        days = {c.at.date() for c in checkins}
        first, last = checkins[0].at.date(), checkins[-1].at.date()
        assert len(days) >= 0.7 * ((last - first).days + 1)  # near-daily
        early = [c.mood for c in checkins[:7]]
        late = [c.mood for c in checkins[-7:]]
        assert sum(late) / 7 > sum(early) / 7  # gently improving
        assert len(set(c.mood for c in checkins)) > 2  # noisy, not a straight line

        insights = journal.all(Insight)
        assert len(insights) >= 3
        assert any(i.follow_ups for i in insights)
        assert sum(i.bring_to_therapy for i in insights) == 1
        (appointment,) = journal.all(Appointment)
        assert appointment.at.date() == TODAY
        assert journal.settings() != Settings() and journal.settings().welcomed
        assert journal.damaged == {}
        assert journal.vault.verify().ok


def test_demo_refuses_existing_path(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.kapj", today=TODAY)
    with pytest.raises(VaultExists):
        build_demo(path, today=TODAY)


def test_demo_inspect_tells_demo_from_other_vaults(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo.kapj", today=TODAY)
    assert inspect_demo(demo).is_demo and not inspect_demo(demo).modified
    with Journal.unlock(demo, DEMO_PASSPHRASE) as journal:
        journal.add_entry("my own words")
    info = inspect_demo(demo)
    assert info.is_demo and info.modified

    other = tmp_path / "mine.kapj"
    with Journal.create(other, "a real private passphrase"):
        pass
    assert not inspect_demo(other).is_demo
    same_pass = tmp_path / "same.kapj"
    with Journal.create(same_pass, DEMO_PASSPHRASE):
        pass
    assert not inspect_demo(same_pass).is_demo  # no demo marker
