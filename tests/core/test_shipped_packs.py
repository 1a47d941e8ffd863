"""The packs shipped in prompts/: they load, cover every phase, and behave as documented."""

from __future__ import annotations

from datetime import UTC, datetime

from kapjournal.core import guided, prompts, safety
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry

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


def test_shipped_packs_load_without_problems() -> None:
    lib = prompts.load_library(include_user=False)
    assert lib.problems == []
    for phase in PHASES:
        assert [p for p in lib.for_phase(phase) if p.focus is None], phase


def test_builtin_prompts_dir_is_the_repo_folder_in_a_checkout() -> None:
    found = prompts.builtin_prompts_dir()
    assert found is not None and (found / "README.md").exists()


def test_shipped_safety_question_only_in_next_day_and_one_week() -> None:
    lib = prompts.load_library(include_user=False)
    with_safety = sorted(p.id for p in lib.packs.values() if any(q.safety for q in p.prompts))
    assert with_safety == ["next_day", "one_week"]


def test_shipped_focus_packs_cover_each_area_and_stay_hidden_by_default() -> None:
    lib = prompts.load_library(include_user=False)
    assert {p.focus for p in lib.packs.values() if p.focus} == set(prompts.FOCUS_AREAS)
    assert all(p.focus is None for p in lib.available(()))


def test_shipped_prompts_have_no_trigger_phrases() -> None:
    lib = prompts.load_library(include_user=False)
    for pack in lib.packs.values():
        for p in pack.prompts:
            assert safety.text_trigger(p.text + " " + p.hint, "x") is None, (pack.id, p.id)


def test_include_checkin_appends_sliders_and_finish_records_checkin(journal: Journal) -> None:
    journal.now = lambda: datetime(2026, 12, 2, 9, tzinfo=UTC)
    pack = prompts.load_library(include_user=False).packs["daily"]
    ids = [p.id for p in pack.prompts]
    assert ids[-5:] == [
        "checkin_mood",
        "checkin_anxiety",
        "checkin_sleep",
        "checkin_hope",
        "checkin_connectedness",
    ]
    draft = guided.start_or_resume(journal, pack, None)
    draft = guided.save_answer(journal, pack, draft, "checkin_mood", 6, 1)
    draft = guided.save_answer(journal, pack, draft, "checkin_hope", 8, 2)
    guided.finish(journal, pack, draft)
    (checkin,) = journal.all(CheckIn)
    assert (checkin.mood, checkin.hope, checkin.anxiety, checkin.source) == (6, 8, None, "pack")
    assert journal.all(Entry)[0].pack_id == "daily"
