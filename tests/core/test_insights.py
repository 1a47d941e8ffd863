"""Marking insights, follow-ups and the bring-to-therapy flag."""

from __future__ import annotations

import pytest

from kapjournal.core.errors import InvalidInput
from kapjournal.core.insights import (
    add_follow_up,
    add_insight_text,
    follow_up_label,
    insights_for_entry,
    mark_insight,
    normalise_tags,
    set_bring_to_therapy,
)
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Insight
from tests.timeline_fixture import IDS, NOW, at, clock, fill


@pytest.fixture
def tl_journal(journal: Journal) -> Journal:
    journal.now = clock
    fill(journal)
    return journal


def test_mark_insight_whole_entry_links_to_its_session(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_lozenge"])
    insight = mark_insight(tl_journal, entry)
    assert insight.text == "Home session was softer than the clinic ones."
    assert insight.entry_id == entry.id
    assert insight.session_id == IDS["s3"]  # by date
    assert insight.created == NOW
    assert tl_journal.get(Insight, insight.id) == insight


def test_mark_insight_explicit_entry_link_wins(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_lookback"])
    assert mark_insight(tl_journal, entry).session_id == IDS["s1"]


def test_mark_insight_passage_with_tags_from_text(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_quiet"])
    insight = mark_insight(
        tl_journal, entry, passage="I want to keep that. #calm", tags=["#Work", "work"]
    )
    assert insight.text == "I want to keep that. #calm"
    assert insight.tags == ("work", "calm")


def test_mark_insight_passage_ignores_spacing_differences(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_quiet"])
    insight = mark_insight(tl_journal, entry, passage="voice  in my\nhead")
    assert insight.text == "voice  in my\nhead"


def test_mark_insight_rejects_passage_not_in_entry(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_quiet"])
    with pytest.raises(InvalidInput, match="not part of the entry"):
        mark_insight(tl_journal, entry, passage="something else entirely")
    with pytest.raises(InvalidInput, match="empty"):
        mark_insight(tl_journal, entry, passage="   ")
    assert len(tl_journal.all(Insight)) == 2  # nothing new was saved


def test_mark_insight_guided_entry_uses_answers(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_prepare"])
    whole = mark_insight(tl_journal, entry)
    assert whole.text == "To listen to myself\n\nFeeling sick"
    part = mark_insight(tl_journal, entry, passage="listen to myself")
    assert part.session_id == IDS["s1"]


def test_mark_insight_before_any_session_has_no_session(tl_journal: Journal) -> None:
    entry = tl_journal.get(Entry, IDS["e_before"])
    insight = mark_insight(tl_journal, entry)
    assert insight.session_id is None
    assert insight.tags == ("hope",)


def test_follow_ups_append_in_order(tl_journal: Journal) -> None:
    insight = tl_journal.get(Insight, IDS["i_free"])
    one = add_follow_up(tl_journal, insight, "tried", "asked a friend")
    two = add_follow_up(tl_journal, one, "still_true")
    three = add_follow_up(tl_journal, two, "discussed", at=at(11, 18, 15))
    stored = tl_journal.get(Insight, insight.id)
    assert stored == three
    assert [f.kind for f in stored.follow_ups] == ["tried", "still_true", "discussed"]
    assert stored.follow_ups[0].text == "asked a friend"
    assert follow_up_label(stored.follow_ups[2]) == "Discussed in therapy on 2026-11-18"
    assert follow_up_label(stored.follow_ups[0]) == "Tried it (2026-11-20): asked a friend"


def test_follow_up_rejects_bad_input(tl_journal: Journal) -> None:
    insight = tl_journal.get(Insight, IDS["i_free"])
    with pytest.raises(InvalidInput, match="one of"):
        add_follow_up(tl_journal, insight, "forgot")
    with pytest.raises(InvalidInput, match="empty"):
        add_follow_up(tl_journal, insight, "note", "  ")
    with pytest.raises(InvalidInput, match="future"):
        add_follow_up(tl_journal, insight, "discussed", at=at(12, 1))
    assert tl_journal.get(Insight, insight.id).follow_ups == ()


def test_bring_to_therapy_toggles(tl_journal: Journal) -> None:
    insight = tl_journal.get(Insight, IDS["i_quiet"])
    on = set_bring_to_therapy(tl_journal, insight, True)
    assert tl_journal.get(Insight, insight.id).bring_to_therapy
    off = set_bring_to_therapy(tl_journal, on, False)
    assert not tl_journal.get(Insight, off.id).bring_to_therapy


def test_add_insight_text_joins_current_cycle(tl_journal: Journal) -> None:
    insight = add_insight_text(tl_journal, "Rest is allowed #rest")
    assert insight.session_id == IDS["s3"]
    assert insight.tags == ("rest",)
    linked = add_insight_text(tl_journal, "About the first one", session_id=IDS["s1"])
    assert linked.session_id == IDS["s1"]
    with pytest.raises(InvalidInput):
        add_insight_text(tl_journal, "x", session_id=IDS["planned"])
    with pytest.raises(InvalidInput):
        add_insight_text(tl_journal, "   ")


def test_insights_for_entry(tl_journal: Journal) -> None:
    assert [i.id for i in insights_for_entry(tl_journal, IDS["e_quiet"])] == [IDS["i_quiet"]]
    assert insights_for_entry(tl_journal, IDS["e_sleep"]) == []


def test_normalise_tags_rejects_spaces() -> None:
    assert normalise_tags(["#A", "b", " ", "a"]) == ("a", "b")
    with pytest.raises(InvalidInput):
        normalise_tags(["two words"])
