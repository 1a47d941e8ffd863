"""Check-ins, the guided flow's drafts and entries, session-form validation, checklist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kapjournal.core import checkin, checklist, guided, session_form
from kapjournal.core.errors import InvalidInput, PromptPackInvalid
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Draft, Entry, Session, new_id
from kapjournal.core.prompts import Prompt, PromptPack

PACK = PromptPack(
    "next_day",
    "Next day",
    "next_day",
    (
        Prompt("stayed", "What stayed?"),
        Prompt("sleep", "Sleep?", kind="scale", low_label="a", high_label="b"),
        Prompt("thoughts", "Safety?", kind="yesno", safety=True),
    ),
)
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_record_checkin_links_to_session_cycle(journal: Journal) -> None:
    journal.now = lambda: NOW
    s = journal.save(Session(id=new_id(), started_at=NOW - timedelta(hours=20)))
    c = checkin.record_checkin(journal, {"mood": 6, "anxiety": "3"})
    assert c.session_id == s.id and c.mood == 6 and c.anxiety == 3 and c.sleep is None
    assert journal.all(CheckIn) == [c]


def test_record_checkin_before_any_session_has_no_link(journal: Journal) -> None:
    c = checkin.record_checkin(journal, {"hope": 4})
    assert c.session_id is None


@pytest.mark.parametrize("values", [{"mood": 11}, {"mood": "x"}, {"colour": 3}, {"mood": None}])
def test_record_checkin_rejects_bad_values(journal: Journal, values: dict) -> None:
    with pytest.raises(InvalidInput):
        checkin.record_checkin(journal, values)
    assert journal.all(CheckIn) == []


def test_sliders_label_both_ends() -> None:
    assert all(s.low and s.high for s in checkin.SLIDERS)


def test_guided_answers_autosave_and_resume(journal: Journal, vault_path) -> None:
    draft = guided.start_or_resume(journal, PACK, "s1")
    draft = guided.save_answer(journal, PACK, draft, "stayed", "the light", 1)
    journal.close()
    from tests.conftest import PASSPHRASE

    j2 = Journal.unlock(vault_path, PASSPHRASE)
    try:
        resumed = guided.start_or_resume(j2, PACK, "s1")
        assert resumed.id == draft.id and resumed.position == 1
        assert resumed.answers == {"stayed": "the light"}
        assert guided.start_or_resume(j2, PACK, "other").id != draft.id
    finally:
        j2.close()


def test_guided_finish_stores_entry_and_drops_draft(journal: Journal) -> None:
    draft = guided.start_or_resume(journal, PACK, "s1")
    draft = guided.save_answer(journal, PACK, draft, "stayed", "warmth", 1)
    draft = guided.save_answer(journal, PACK, draft, "sleep", "7", 2)
    draft = guided.save_answer(journal, PACK, draft, "thoughts", "yes", 2)
    done = guided.finish(journal, PACK, draft)
    assert journal.all(Draft) == []
    (entry,) = journal.all(Entry)
    assert entry.pack_id == "next_day" and entry.session_id == "s1" and entry.source == "guided"
    assert [(a.prompt_id, a.value) for a in entry.answers] == [
        ("stayed", "warmth"),
        ("sleep", 7),
        ("thoughts", True),
    ]
    assert "warmth" in entry.body
    assert [t.kind for t in done.triggers] == ["self_harm_question"]


def test_guided_skip_removes_answer(journal: Journal) -> None:
    draft = guided.start_or_resume(journal, PACK, None)
    draft = guided.save_answer(journal, PACK, draft, "stayed", "x", 0)
    draft = guided.save_answer(journal, PACK, draft, "stayed", None, 1)
    assert draft.answers == {}


def test_guided_bad_answer_is_refused_and_nothing_lost(journal: Journal) -> None:
    draft = guided.save_answer(
        journal, PACK, guided.start_or_resume(journal, PACK, None), "stayed", "kept", 1
    )
    with pytest.raises(PromptPackInvalid):
        guided.save_answer(journal, PACK, draft, "sleep", "12", 1)
    assert journal.get(Draft, draft.id).answers == {"stayed": "kept"}


def test_add_fragment_saves_instantly_with_session(journal: Journal) -> None:
    e = guided.add_fragment(journal, "  blue light  ", "s1")
    assert (
        e is not None and e.source == "fragment" and e.session_id == "s1" and e.body == "blue light"
    )
    assert guided.add_fragment(journal, "   ", "s1") is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("56", True),
        ("0.5", True),
        ("0,75", True),
        ("0", False),
        ("-3", False),
        ("abc", False),
        ("", False),
        ("1e3", False),
    ],
)
def test_check_dose(text: str, ok: bool) -> None:
    if ok:
        assert session_form.check_dose(text) == text
    else:
        with pytest.raises(session_form.FieldError) as info:
            session_form.check_dose(text)
        assert info.value.field == "dose"


@pytest.mark.parametrize(
    ("text", "expected"), [("120/80", (120, 80)), (" 135 / 88 ", (135, 88)), ("", None)]
)
def test_check_bp_accepts(text: str, expected: object) -> None:
    assert session_form.check_bp(text) == expected


@pytest.mark.parametrize("text", ["120-80", "300/80", "120/20", "80/120", "12/8"])
def test_check_bp_rejects(text: str) -> None:
    with pytest.raises(session_form.FieldError):
        session_form.check_bp(text)


def test_check_start_refuses_completed_session_far_in_future() -> None:
    now = lambda: NOW  # noqa: E731
    assert session_form.check_start("2026-12-03 08:00", completed=True, now=now)
    with pytest.raises(session_form.FieldError, match="future"):
        session_form.check_start("2026-12-04 10:00", completed=True, now=now)
    assert session_form.check_start("2026-12-10", completed=False, now=now)


def test_check_end_bare_time_is_on_start_day() -> None:
    start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert session_form.check_end("12:15", start) == datetime(2026, 12, 1, 12, 15, tzinfo=UTC)
    with pytest.raises(session_form.FieldError):
        session_form.check_end("09:00", start)


def test_checklist_cuff_only_at_home() -> None:
    assert "bp_cuff" not in [i.id for i in checklist.items_for("clinic")]
    assert "bp_cuff" in [i.id for i in checklist.items_for("home_supervised")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday 10:00", datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
        ("today at 9.30", datetime(2026, 12, 2, 9, 30, tzinfo=UTC)),
        ("2026-11-30 14:05", datetime(2026, 11, 30, 14, 5, tzinfo=UTC)),
    ],
)
def test_parse_moment_reads_day_words_with_time(text: str, expected: datetime) -> None:
    assert session_form.parse_moment(text, now=lambda: NOW) == expected


def test_parse_moment_rejects_impossible_time() -> None:
    with pytest.raises(InvalidInput):
        session_form.parse_moment("today 25:00", now=lambda: NOW)


def test_form_fields_round_trip_through_build_session() -> None:
    from kapjournal.core.models import Vitals

    s = Session(
        id=new_id(),
        started_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        ended_at=datetime(2026, 12, 1, 11, 30, tzinfo=UTC),
        route="iv",
        dose_value="0.5",
        dose_unit="mg_per_kg",
        setting="clinic",
        therapist_present=True,
        vitals=(Vitals("pre", 130, 85, 70, 98), Vitals("end", 118, 75, None, None)),
        side_effects={"nausea": 1, "headache": 3},
        dissociation=6,
        notes="quiet",
    )
    fields = session_form.form_fields(s)
    result = session_form.build_session(fields, s, now=lambda: NOW)
    assert result.ok and result.values["session"] == s


def test_build_session_collects_every_error_at_once() -> None:
    base = Session(id=new_id(), started_at=NOW, status="planned")
    result = session_form.build_session(
        {
            "status": "completed",
            "started_at": "2026-12-05",
            "dose": "x",
            "v_end_hr": "400",
            "se_nausea": "5",
            "therapist_present": "maybe",
        },
        base,
        now=lambda: NOW,
    )
    assert set(result.errors) == {
        "started_at",
        "dose",
        "v_end_hr",
        "se_nausea",
        "therapist_present",
    }


def test_build_new_session_completes_nearby_planned_and_numbers_others() -> None:
    planned = Session(
        id=new_id(),
        started_at=NOW + timedelta(hours=2),
        status="planned",
        series_index=3,
        course_id="c",
    )
    got = session_form.build_new_session({"started_at": "today 09:30"}, [planned], now=lambda: NOW)
    s = got.values["session"]
    assert s.id == planned.id and s.status == "completed" and s.series_index == 3  # type: ignore[attr-defined]
    fresh = session_form.build_new_session(
        {"started_at": "today 09:30"}, [planned], now=lambda: NOW, force_new=True
    )
    assert fresh.values["session"].id != planned.id  # type: ignore[attr-defined]
    assert fresh.values["session"].series_index == 1  # type: ignore[attr-defined]


def test_checklist_gives_no_driving_or_dosing_advice() -> None:
    # CLINICAL.md (d): never advise on driving or discharge, doses or medication;
    # items point back to the clinic's own instructions instead.
    for item in checklist.CHECKLIST:
        words = item.text.lower()
        for banned in ("driv", "discharge", "dose", "medication"):
            assert banned not in words, (item.id, banned)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday 9am", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("yesterday 9 am", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("today at 2:15 pm", datetime(2026, 12, 2, 14, 15, tzinfo=UTC)),
        ("today 12pm", datetime(2026, 12, 2, 12, 0, tzinfo=UTC)),
        ("today 12am", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
    ],
)
def test_parse_moment_reads_day_words_with_am_pm(text: str, expected: datetime) -> None:
    # "yesterday 9am" was refused although "9am" and "yesterday 09:00" were read.
    assert session_form.parse_moment(text, now=lambda: NOW) == expected


def test_parse_moment_rejects_impossible_am_pm_time() -> None:
    with pytest.raises(InvalidInput):
        session_form.parse_moment("yesterday 13pm", now=lambda: NOW)


def test_completed_session_in_the_future_says_how_the_date_was_read() -> None:
    # NOW is Wed 2 Dec 2026: "mon 10:00" is read as the coming Monday.
    fields = {"status": "completed", "started_at": "mon 10:00"}
    result = session_form.build_new_session(fields, [], now=lambda: NOW)
    message = result.errors["started_at"]
    assert "Mon 7 Dec 2026, 10:00" in message and "future" in message
    assert "2026-11-30 10:00" in message  # an example in the past, from the clock
