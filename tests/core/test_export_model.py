"""Selection, redaction and summary of the export document."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kapjournal.core.errors import InvalidInput
from kapjournal.core.export.model import (
    WITHHELD_PARAGRAPH,
    ExportOptions,
    build_document,
    parse_hidden,
)
from kapjournal.core.journal import Journal
from tests.export_sample import NOTES_TEXT, PRIVATE_TEXT, T0, fill


@pytest.fixture
def sample(journal: Journal) -> dict[str, object]:
    return fill(journal)


def test_model_private_entries_and_their_insights_never_exported(journal, sample) -> None:
    doc = build_document(journal, ExportOptions())
    assert all(not e.private for e in doc.entries)
    assert PRIVATE_TEXT not in repr(doc.entries)
    assert "from the private entry" not in [i.text for i in doc.insights]
    assert len(doc.entries) == 4
    assert len(doc.insights) == 2


def test_model_summary_rows_follow_clinical_spec(journal, sample) -> None:
    doc = build_document(journal, ExportOptions())
    rows = doc.session_rows
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[0].dose == "35 mg" and rows[2].dose == "0.6 mg/kg"
    assert rows[0].route == "IV infusion"
    assert rows[0].side_effects == ("nausea (moderate)",)  # mild ones are left out
    assert rows[1].side_effects == ("dizziness (severe)",)
    assert rows[2].side_effects == ()
    assert [(s.total, s.band) for s in doc.score_rows] == [
        (17, "moderately severe"),
        (12, "moderate"),
        (8, "mild"),
    ]
    assert len(doc.week_rows) == 3 and doc.week_rows[0].count == 7
    assert doc.week_rows[0].averages["mood"] == pytest.approx(3.7)
    assert [r.trigger for r in doc.safety_rows] == ["Answered yes to the self-harm question"]
    assert [r.insight.text for r in doc.marked_insights] == ["I can rest <without> earning it"]
    assert doc.marked_insights[0].session_number == 1
    assert {q.source for q in doc.questions} == {"entry", "insight"}
    packs = {r.number: r.done for r in doc.pack_rows}
    assert packs[1]["prepare"] and packs[1]["next_day"] and not packs[1]["one_week"]
    assert packs[3]["one_week"]
    assert any("Spitzer" in c for c in doc.credits)


def test_model_groups_by_cycle_with_pack_and_days_since(journal, sample) -> None:
    doc = build_document(journal, ExportOptions())
    headings = [c.heading for c in doc.groups]
    assert headings[0].startswith("Session 1")
    first = doc.groups[0].items
    assert [it.pack for it in first] == ["Before the session", "Next day"]
    assert [it.days_since for it in first] == [0, 1]  # prepare entry is linked to session 1
    last = doc.groups[-1]
    assert last.number == 3 and last.items[0].days_since == 6


def test_model_date_range_and_session_numbers_kept(journal, sample) -> None:
    doc = build_document(journal, ExportOptions(since=T0 + timedelta(days=6)))
    assert [e.pack_id for e in doc.entries] == ["one_week"]
    # session 3 keeps its number in the course even though 1 and 2 are out of range
    assert [r.number for r in doc.session_rows] == [3]
    assert doc.groups[0].heading.startswith("Session 3")


def test_model_session_selection(journal, sample) -> None:
    s2 = sample["sessions"][1]
    doc = build_document(journal, ExportOptions(session_ids=frozenset({s2.id})))
    assert [s.id for s in doc.sessions] == [s2.id]
    assert [e.id for e in doc.entries] == [sample["plain"].id]
    with pytest.raises(InvalidInput):
        build_document(journal, ExportOptions(session_ids=frozenset({"f" * 32})))


def test_model_insights_only_and_no_checkins(journal, sample) -> None:
    doc = build_document(journal, ExportOptions(insights_only=True, include_checkins=False))
    assert doc.entries == ()
    assert doc.checkins == () and doc.scales == ()
    assert [it.kind for c in doc.groups for it in c.items] == ["insight", "insight"]


def test_model_no_sessions_strips_every_session_detail(journal, sample) -> None:
    doc = build_document(journal, ExportOptions(include_sessions=False))
    for s in doc.sessions:
        assert s.dose_value is None and s.route is None and s.notes == ""
        assert s.side_effects == {} and s.dissociation is None and s.clinician == ""
    assert doc.groups[0].heading.startswith("Session 1")  # grouping still works


def test_model_redaction_removes_fields_from_models(journal, sample) -> None:
    doc = build_document(
        journal, ExportOptions(redact=frozenset({"dose", "side_effects", "checkin_notes"}))
    )
    assert all(s.dose_value is None and s.dose_unit is None for s in doc.sessions)
    assert all(s.side_effects == {} for s in doc.sessions)
    assert all(s.notes == NOTES_TEXT for s in doc.sessions)  # notes were not withheld
    assert all(c.note == "" for c in doc.checkins)
    assert doc.session_rows[0].dose == "withheld"
    assert doc.session_rows[0].side_effects == ("withheld",)


def test_model_unknown_redaction_field_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Unknown field"):
        ExportOptions(redact=frozenset({"everything"}))


def test_model_hide_paragraph(journal, sample) -> None:
    hostile = sample["hostile"]
    hidden = parse_hidden([f"{hostile.id[:8]}:2"])
    doc = build_document(journal, ExportOptions(hidden_paragraphs=hidden))
    body = next(e.body for e in doc.entries if e.id == hostile.id)
    assert "garden" not in body
    assert WITHHELD_PARAGRAPH in body and "<script>" in body
    with pytest.raises(InvalidInput, match="no paragraph 9"):
        build_document(journal, ExportOptions(hidden_paragraphs=parse_hidden([f"{hostile.id}:9"])))
    with pytest.raises(InvalidInput):
        parse_hidden(["nocolon"])


def test_model_start_after_end_refused() -> None:
    with pytest.raises(InvalidInput):
        ExportOptions(since=T0, until=T0 - timedelta(days=1))


def test_model_uses_installed_scale_pack_bands_and_credit(journal, tmp_path, monkeypatch):
    from kapjournal.core.models import ScaleResult, new_id
    from tests.core.test_scales import MADE_UP

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "config" / "kapjournal" / "prompts"
    folder.mkdir(parents=True)
    (folder / "weather4.toml").write_text(MADE_UP)
    journal.save(
        ScaleResult(
            id=new_id(),
            at=T0,
            scale_id="weather4",
            scale_name="stored name",
            version="0.1",
            answers={"fog": 2},
            total=5,
        )
    )
    doc = build_document(journal, ExportOptions())
    assert [(r.scale, r.band) for r in doc.score_rows] == [
        ("Inner Weather Check (made up for tests)", "changeable")
    ]
    assert any("Written for kapjournal's tests" in c for c in doc.credits)


def test_model_titles_of_other_packs_come_from_the_library(journal, sample) -> None:
    journal.add_entry("A month on.", pack_id="one_month")
    journal.add_entry("Unknown pack.", pack_id="no_such_pack")
    doc = build_document(journal, ExportOptions())
    packs = [it.pack for c in doc.groups for it in c.items]
    assert "One month on" in packs and "no_such_pack" in packs
    assert doc.pack_titles == {"one_month": "One month on"}


def test_model_hide_guided_answer_keeps_the_question(journal, sample) -> None:
    from kapjournal.core.export.model import WITHHELD_ANSWER, hideable_parts

    prep = sample["prep"]  # two paragraphs of body, then one answer
    parts = hideable_parts(prep)
    assert [p.index for p in parts] == [0, 1, 2]
    assert (parts[2].text, parts[2].question) == ("Stay curious", "What is your intention?")
    assert parts[0].question == ""
    doc = build_document(
        journal, ExportOptions(hidden_paragraphs=parse_hidden([f"{prep.id[:8]}:3"]))
    )
    (entry,) = [e for e in doc.entries if e.id == prep.id]
    assert entry.body == prep.body  # paragraphs untouched
    (answer,) = entry.answers
    assert answer.question == "What is your intention?" and answer.value == WITHHELD_ANSWER
    from kapjournal.core.export import render

    for fmt in ("html", "md", "json"):
        text = render(doc, fmt).decode()
        assert "Stay curious" not in text and "answer withheld by the patient" in text, fmt
    with pytest.raises(InvalidInput, match="1 answer"):
        build_document(journal, ExportOptions(hidden_paragraphs=parse_hidden([f"{prep.id[:8]}:4"])))


def test_model_yes_no_answers_read_as_words_in_every_readable_format(journal) -> None:
    from datetime import UTC, datetime

    from kapjournal.core.export import render
    from kapjournal.core.models import Answer, Entry, new_id

    when = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    question = "Did you sleep through the night?"
    journal.save(
        Entry(
            id=new_id(),
            created=when,
            modified=when,
            body="",
            pack_id="next_day",
            answers=(Answer("slept", question, "yesno", False),),
        )
    )
    doc = build_document(journal, ExportOptions())
    for fmt in ("html", "md"):
        text = render(doc, fmt).decode()
        assert "False" not in text, fmt
        line = next(x for x in text.splitlines() if "sleep through" in x)
        assert "no" in line.replace(question, ""), (fmt, line)


def test_model_insights_only_claims_nothing_about_packs(journal, sample) -> None:
    """With no entries shared, a table of dashes would tell the clinician no pack was done."""
    from kapjournal.core.export import render

    full = build_document(journal, ExportOptions())
    assert any(any(r.done.values()) for r in full.pack_rows)  # the sample did some packs
    doc = build_document(journal, ExportOptions(insights_only=True))
    assert doc.pack_rows == ()
    for fmt in ("html", "md"):
        assert "Reflection packs completed" not in render(doc, fmt).decode()


def test_model_session_without_side_effect_ratings_says_not_recorded(journal, sample) -> None:
    """'none' would tell the clinician there were no side effects; nobody rated them."""
    from kapjournal.core.export import render
    from kapjournal.core.models import Session, new_id

    session = Session(id=new_id(), started_at=T0 + timedelta(days=10), route="im", dose_value="0.5")
    journal.save(session)
    doc = build_document(journal, ExportOptions())
    rows = {r.session.id: r for r in doc.session_rows}
    assert rows[session.id].side_effects == ("not recorded",)
    assert doc.session_rows[2].side_effects == ()  # rated, all mild: "none"
    for fmt in ("html", "md"):
        text = render(doc, fmt).decode()
        assert "not recorded" in text and "none" in text


def _logged_session(journal: Journal) -> None:
    from kapjournal.core.models import Entry, Session, Vitals, new_id

    s = journal.save(
        Session(
            id=new_id(), started_at=T0, series_index=1, route="im",
            vitals=(Vitals("pre", 128, 82, 76, 98), Vitals("40min", 142, 90)),
            support_person="Sam", clinician="Dr Lee", therapist_present=True,
            notes="Felt <b>heavy</b>\nthen light",
        )
    )  # fmt: skip
    journal.save(
        Entry(id=new_id(), created=T0 + timedelta(hours=3), modified=T0, body="After.",
              session_id=s.id)
    )  # fmt: skip


def test_model_session_record_shown_under_its_heading_in_every_format(journal) -> None:
    from kapjournal.core.export import render
    from kapjournal.core.export.plaintext import cycle_text

    _logged_session(journal)
    doc = build_document(journal, ExportOptions())
    [cycle] = doc.groups
    assert cycle.log == (
        ("Vitals", "before: BP 128/82, HR 76, SpO2 98%; at 40 minutes: BP 142/90"),
        ("With", "support person: Sam; clinician: Dr Lee; a therapist was present"),
        ("Session notes", "Felt <b>heavy</b>\nthen light"),
    )
    html = render(doc, "html").decode()
    block = html.split('<dl class="session-log"')[1].split("</dl>")[0]
    assert "Felt &lt;b&gt;heavy&lt;/b&gt;\nthen light" in block and "<b>" not in block
    assert "at 40 minutes: BP 142/90" in block
    md = render(doc, "md").decode()
    assert "**Session notes:**  \nFelt \\<b\\>heavy\\</b\\>  \nthen light" in md
    assert "support person: Sam" in md
    assert "Felt <b>heavy</b>\nthen light" in cycle_text(cycle)  # review viewer (made inert there)


@pytest.mark.parametrize(
    ("options", "gone"),
    [
        (ExportOptions(redact=frozenset({"session_notes"})), {"Session notes"}),
        (ExportOptions(redact=frozenset({"vitals"})), {"Vitals"}),
        (ExportOptions(redact=frozenset({"clinician", "setting"})), {"With"}),
        (ExportOptions(include_sessions=False), {"Vitals", "With", "Session notes"}),
    ],
)
def test_model_session_record_follows_what_the_patient_withheld(journal, options, gone) -> None:
    from kapjournal.core.export import render

    _logged_session(journal)
    doc = build_document(journal, options)
    labels = {label for label, _ in doc.groups[0].log}
    assert labels == {"Vitals", "With", "Session notes"} - gone
    md = render(doc, "md").decode()
    for label in gone:
        assert f"**{label}:**" not in md
    if "Session notes" in gone:
        assert "heavy" not in md and "heavy" not in render(doc, "html").decode()


def test_model_counts_line_names_planned_sessions_apart(journal, sample) -> None:
    from kapjournal.core.export.plaintext import counts_line
    from kapjournal.core.models import Session, new_id

    journal.save(Session(id=new_id(), started_at=T0 + timedelta(days=10), status="planned"))
    doc = build_document(journal, ExportOptions())
    assert len(doc.session_rows) == 3 and doc.counts["sessions"] == 4
    assert "3 sessions (and 1 planned or cancelled)" in counts_line(doc.counts)
    before = build_document(journal, ExportOptions(until=T0 + timedelta(days=9)))
    assert "3 sessions," in counts_line(before.counts) and "planned" not in counts_line(
        before.counts
    )
