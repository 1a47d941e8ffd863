"""Timeline view model: grouping by session cycle, filters, rows and plain text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kapjournal.core.errors import InvalidInput
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Session
from kapjournal.core.timeline import (
    PACK_LABELS,
    TimelineFilter,
    assemble,
    build_timeline,
    make_filter,
    parse_filter_text,
    parse_route,
    plain_text,
)
from tests.timeline_fixture import IDS, at, clock, fill


@pytest.fixture
def tl_journal(journal: Journal) -> Journal:
    journal.now = clock
    fill(journal)
    return journal


def ids(items: object) -> list[str]:
    return [i.id for i in items]  # type: ignore[attr-defined]


def test_timeline_sessions_are_milestones_in_date_order(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal)
    assert [m.session.id for m in tl.milestones] == [IDS["s1"], IDS["s2"], IDS["s3"]]
    assert [m.number for m in tl.milestones] == [1, 2, 3]
    first = tl.milestones[0]
    assert first.route_label == "IV infusion"
    assert first.dose_text == "0.5 mg/kg"
    assert first.side_effects_text == "nausea mild, dizziness moderate"
    assert tl.milestones[1].side_effects_text == "none noted"
    assert tl.milestones[2].side_effects_text == "not recorded"
    assert tl.milestones[2].dose_text == "2 lozenge(s)"


def test_timeline_items_before_first_session_sit_in_lead(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal)
    assert ids(tl.lead) == [IDS["e_before"], "00000000000000000000000000000c01"]


def test_timeline_explicit_session_link_wins_over_date(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal)
    s1 = tl.milestones[0]
    s1_ids = ids(s1.items)
    # The guided "prepare" entry was written before T0 but is linked to session 1.
    assert IDS["e_prepare"] in s1_ids
    # Written during session 3's cycle, but explicitly about session 1.
    assert IDS["e_lookback"] in s1_ids
    assert IDS["e_lookback"] not in ids(tl.milestones[2].items)
    # Placed by date: the lozenge entry belongs to session 3.
    assert IDS["e_lozenge"] in ids(tl.milestones[2].items)


def test_timeline_insight_follows_its_entry_with_lineage(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal)
    s1_ids = ids(tl.milestones[0].items)
    assert s1_ids.index(IDS["i_quiet"]) == s1_ids.index(IDS["e_quiet"]) + 1
    insight = next(i for i in tl.milestones[0].items if i.id == IDS["i_quiet"])
    assert insight.entry_id == IDS["e_quiet"]
    assert [f.kind for f in insight.follow_ups] == ["tried", "discussed"]
    entry = next(i for i in tl.milestones[0].items if i.id == IDS["e_quiet"])
    assert entry.insight_count == 1
    rows = tl.rows()
    kinds = [r.kind for r in rows]
    pos = kinds.index("insight")
    assert rows[pos].depth == 2  # nested under its entry
    assert [r.kind for r in rows[pos + 1 : pos + 3]] == ["follow_up", "follow_up"]
    assert "Discussed in therapy on 2026-10-20" in rows[pos + 2].text


def test_timeline_guided_entries_show_pack_and_answer_count(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal)
    guided = next(i for i in tl.milestones[0].items if i.id == IDS["e_prepare"])
    assert guided.kind == "guided"
    assert guided.detail == "Preparation · 2 answers"  # no title: the pack's label
    assert guided.title == "To listen to myself"  # the first written answer
    assert guided.days_since == 0
    week = next(i for i in tl.milestones[2].items if i.id == IDS["e_week"])
    assert week.detail == "One week on · 1 answer"  # the entry's own title
    assert "One week on · 1 answer · Ask about pacing" in plain_text(tl)


def test_timeline_planned_sessions_are_upcoming(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal)
    assert [s.id for s in tl.upcoming] == [IDS["planned"]]
    assert tl.rows()[-1].kind == "upcoming"


def test_timeline_filter_insights_only_is_the_thread(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, TimelineFilter(insights_only=True))
    assert [m.number for m in tl.milestones] == [1, 3]
    assert [i.kind for i in tl.items()] == ["insight", "insight"]
    assert not tl.lead and not tl.upcoming
    assert [r.depth for r in tl.rows() if r.kind == "insight"] == [1, 1]


def test_timeline_filter_tag(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, make_filter(tag="#calm"))
    assert ids(tl.items()) == [IDS["e_quiet"], IDS["i_quiet"]]
    assert [m.number for m in tl.milestones] == [1]


def test_timeline_filter_route(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, make_filter(route="lozenge"))
    assert [m.number for m in tl.milestones] == [3]
    assert not tl.lead
    assert tl.upcoming == ()  # the planned session is IV


def test_timeline_filter_since_session(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, make_filter(since="since session 2", now=clock))
    assert [m.number for m in tl.milestones] == [2, 3]
    assert not tl.lead


def test_timeline_filter_until_session_keeps_its_cycle(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, make_filter(until="session 2", now=clock))
    assert [m.number for m in tl.milestones] == [1, 2]
    assert IDS["e_sleep"] in ids(tl.milestones[1].items)
    # The look-back entry (written in November) is outside the range.
    assert IDS["e_lookback"] not in ids(tl.items())


def test_timeline_filter_relative_dates(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, make_filter(since="2w", now=clock))
    # Two weeks before 20 Nov is 6 Nov: session 3 and later.
    assert [m.number for m in tl.milestones] == [1, 3]
    assert ids(tl.milestones[0].items) == [IDS["e_lookback"]]


def test_timeline_filter_iso_range(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, make_filter(since="2026-10-06", until="2026-10-06", now=clock))
    assert ids(tl.items()) == [
        "00000000000000000000000000000c03",
        IDS["e_quiet"],
        IDS["i_quiet"],
    ]


def test_timeline_unknown_session_number_is_clear(tl_journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="no session 9"):
        build_timeline(tl_journal, make_filter(since="session 9", now=clock))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("since session 3", TimelineFilter(since_session=3)),
        ("insights #Sleep", TimelineFilter(tag="sleep", insights_only=True)),
        ("route:iv", TimelineFilter(route="iv")),
        ("until session 4 tag:calm", TimelineFilter(until_session=4, tag="calm")),
        ("", TimelineFilter()),
    ],
)
def test_parse_filter_text_reads_the_filter_bar(text: str, expected: TimelineFilter) -> None:
    assert parse_filter_text(text, now=clock) == expected


def test_parse_filter_text_dates() -> None:
    f = parse_filter_text("from 2026-10-01 to 31 Oct 2026", now=clock)
    assert f.since == datetime(2026, 10, 1, tzinfo=UTC)
    assert f.until is not None and f.until.date().isoformat() == "2026-10-31"
    assert f.until.hour == 23


@pytest.mark.parametrize("text", ["banana", "since", "since nonsense-date", "route:teleport"])
def test_parse_filter_text_rejects_bad_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_filter_text(text, now=clock)


def test_make_filter_rejects_reversed_range() -> None:
    with pytest.raises(InvalidInput, match="after"):
        make_filter(since="2026-11-01", until="2026-10-01", now=clock)


def test_parse_route_accepts_prefixes_and_words() -> None:
    assert parse_route("IV") == "iv"
    assert parse_route("esketamine") == "intranasal_esketamine"
    assert parse_route("sub") == "sublingual_lozenge"
    with pytest.raises(InvalidInput, match="not a route"):
        parse_route("intranasal")  # two routes start with it


def test_timeline_plain_text_is_readable(tl_journal: Journal) -> None:
    text = plain_text(build_timeline(tl_journal))
    assert "Before the first session" in text
    assert (
        "Session 1 · Mon 2026-10-05 10:00 · IV infusion · 0.5 mg/kg · "
        "side effects: nausea mild, dizziness moderate · dissociation 6/10"
    ) in text
    assert "Insight: The critical voice in my head got quieter." in text
    assert "[question for therapy]" in text
    assert "Planned · Tue 2026-11-24 10:00 · IV infusion" in text
    assert "Change since before, next day: mood +2" in text


def test_timeline_text_is_sanitised(journal: Journal) -> None:
    journal.save(Entry.new("evil \x1b[31mred\x1b]8;;x\x07 text", now=at(10, 1)))
    text = plain_text(build_timeline(journal))
    assert "\x1b" not in text and "\x07" not in text


def test_timeline_hide_titles_for_privacy_mode(tl_journal: Journal) -> None:
    tl = build_timeline(tl_journal, hide_titles=True)
    text = plain_text(tl)
    assert "critical voice" not in text
    assert "Nervous" not in text
    # A guided entry's own title is the writer's too: the pack's name shows instead.
    week = next(i for i in tl.milestones[2].items if i.id == IDS["e_week"])
    assert "One week on" not in text
    assert week.detail == f"{PACK_LABELS['one_week']} · 1 answer"
    assert "Insight: (text hidden)" in text
    # Follow-ups keep their kind and date; what they say is hidden too.
    assert "Noticed it at work" not in text
    assert "Tried it (2026-10-09)" in text
    assert "Insight: Insight" not in text


def test_timeline_json_round_trips_through_json(tl_journal: Journal) -> None:
    data = json.loads(json.dumps(build_timeline(tl_journal).to_dict()))
    assert data["schema"] == "kapjournal.timeline/1"
    assert [s["number"] for s in data["sessions"]] == [1, 2, 3]
    assert data["sessions"][0]["dose_value"] == "0.5"
    assert data["sessions"][0]["change"]["points"]["next_day"]["change"]["mood"] == 2
    assert data["upcoming"][0]["id"] == IDS["planned"]


def test_timeline_empty_journal_message(journal: Journal) -> None:
    assert "empty" in plain_text(build_timeline(journal))
    assert "matches" in plain_text(build_timeline(journal, TimelineFilter(insights_only=True)))


def test_timeline_large_journal_builds_quickly() -> None:
    import time

    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    sessions = [
        Session(id=f"{n:032x}", started_at=start + timedelta(days=5 * n), route="iv")
        for n in range(200)
    ]
    entries = [
        Entry(
            id=f"{n + 10**6:032x}",
            created=start + timedelta(hours=2.6 * n),
            modified=start,
            body=f"entry {n} #t{n % 7}",
            tags=(f"t{n % 7}",),
        )
        for n in range(10_000)
    ]
    t0 = time.perf_counter()
    tl = assemble(sessions=sessions, entries=entries, now=start)
    rows = tl.rows()
    elapsed = time.perf_counter() - t0
    assert len(tl.milestones) == 200
    # One row per session and per entry; the first entry is at session 1's start.
    assert len(rows) == 200 + 10_000
    assert elapsed < 3.0


def test_prepare_gathers_everything_since_last_appointment(tl_journal: Journal) -> None:
    from kapjournal.core.prep import prepare

    prep = prepare(tl_journal)
    assert prep.since == at(10, 20, 16)
    assert [m.number for m in prep.milestones] == [3]
    assert [i.id for i in prep.insights] == [IDS["i_free"]]
    assert [i.id for i in prep.bring] == [IDS["i_free"]]
    assert [e.id for e in prep.questions] == [IDS["e_sleep"]]
    assert [(e.id, text) for e, text in prep.reflections] == [(IDS["e_week"], "Ask about pacing")]
    # Check-ins in the two weeks before the appointment: 10-12 and 10-17; none since.
    assert prep.checkins_before == 2 and prep.checkins_since == 0
    assert prep.sparse
    mood = prep.shifts[0]
    assert mood.field == "mood" and mood.before == 5.5 and mood.since is None
    assert mood.delta is None


def test_prepare_with_explicit_date_compares_averages(tl_journal: Journal) -> None:
    from kapjournal.core.prep import prepare

    prep = prepare(tl_journal, since=at(10, 6, 0))
    assert [m.number for m in prep.milestones] == [2, 3]
    assert prep.checkins_before == 2 and prep.checkins_since == 3
    assert not prep.sparse
    mood = prep.shifts[0]
    assert mood.before == 4.5
    assert mood.values_since == (6, 6, 5)
    assert mood.delta == pytest.approx(17 / 3 - 4.5)


def test_prepare_falls_back_to_logged_appointment(tl_journal: Journal) -> None:
    from kapjournal.core.models import Appointment
    from kapjournal.core.prep import last_appointment, prepare

    tl_journal.save_settings(tl_journal.settings().replace(last_appointment=None))
    assert last_appointment(tl_journal) == at(10, 20, 15)  # the logged one
    tl_journal.save(Appointment(id="f" * 32, at=at(12, 1, 10)))  # future: ignored
    assert last_appointment(tl_journal) == at(10, 20, 15)
    assert [m.number for m in prepare(tl_journal).milestones] == [3]


def test_timeline_core_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import kapjournal.core.timeline, kapjournal.core.insights\n"
        "import kapjournal.core.change, kapjournal.core.prep\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_day_label_reads_naturally() -> None:
    from kapjournal.core.timeline import day_label

    assert [day_label(d) for d in (0, 3, -1, -2)] == [
        "(day 0)",
        "(day 3)",
        "(day before)",
        "(2 days before)",
    ]


def test_timeline_filter_since_session_keeps_its_preparation(tl_journal: Journal) -> None:
    # The "prepare" reflection was written two hours before session 1 and is
    # linked to it: "since session 1" shows it under session 1, as the
    # unfiltered timeline does.
    tl = build_timeline(tl_journal, make_filter(since="session 1", now=clock))
    assert IDS["e_prepare"] in ids(tl.milestones[0].items)
    assert not tl.lead  # the entry from before the course is still left out
    assert ids(tl.items()) == ids(
        [i for m in build_timeline(tl_journal).milestones for i in m.items]
    )


def test_timeline_filter_session_numbers_are_the_shown_numbers(journal: Journal) -> None:
    # A numbered course whose second session was cancelled shows 1, 3, 4:
    # "since session 3" starts at the session labelled 3, not the third one.
    sessions = [
        Session(id=f"{n:032x}", started_at=at(10, 1 + 7 * n, 10), series_index=n, status=status)
        for n, status in ((1, "completed"), (2, "cancelled"), (3, "completed"), (4, "completed"))
    ]
    tl = assemble(sessions=sessions, filt=make_filter(since="session 3", now=clock), now=clock())
    assert [m.number for m in tl.milestones] == [3, 4]
    tl = assemble(sessions=sessions, filt=make_filter(until="session 3", now=clock), now=clock())
    assert [m.number for m in tl.milestones] == [1, 3]
    with pytest.raises(InvalidInput, match=r"no session 2 \(sessions logged: 1, 3, 4\)"):
        assemble(sessions=sessions, filt=make_filter(since="session 2", now=clock), now=clock())
