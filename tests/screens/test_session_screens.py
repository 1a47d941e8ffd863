"""Pilot tests: session form validation, sessions list, check-in, due list, session mode."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from textual.widgets import DataTable, Input, OptionList, Static

from kapjournal.core import schedule
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry, Session
from kapjournal.screens.checkin import CheckInScreen
from kapjournal.screens.due import DueScreen
from kapjournal.screens.guided import GuidedFlowScreen
from kapjournal.screens.session_form import SessionFormScreen
from kapjournal.screens.session_mode import SessionModeScreen
from kapjournal.screens.sessions import SessionsScreen
from kapjournal.widgets.scale_picker import ScalePicker
from tests.screens.harness import Harness

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def text_of(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_session_form_shows_messages_beside_fields_and_saves_nothing(
    journal: Journal,
) -> None:
    journal.now = lambda: NOW
    app = Harness(journal, SessionFormScreen)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionFormScreen)
        screen.query_one("#f-started_at", Input).value = "2026-12-09 10:00"
        screen.query_one("#f-dose", Input).value = "-4"
        screen.query_one("#f-v_pre_bp", Input).value = "120-80"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "future" in text_of(screen, "#err-started_at")
        assert "positive number" in text_of(screen, "#err-dose")
        assert "120/80" in text_of(screen, "#err-v_pre")
        assert "3 field" in text_of(screen, "#form-summary")
        assert journal.all(Session) == []
        # Typed text is still there.
        assert screen.query_one("#f-dose", Input).value == "-4"


async def test_session_form_clears_a_message_once_its_field_is_fixed(journal: Journal) -> None:
    journal.now = lambda: NOW
    app = Harness(journal, SessionFormScreen)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionFormScreen)
        screen.query_one("#f-dose", Input).value = "-4"
        screen.query_one("#f-v_pre_bp", Input).value = "120-80"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "positive number" in text_of(screen, "#err-dose")
        focused = app.focused
        screen.query_one("#f-dose", Input).value = "56"
        await pilot.pause()
        assert text_of(screen, "#err-dose") == ""
        assert "120/80" in text_of(screen, "#err-v_pre")  # the other message stays
        assert "1 field" in text_of(screen, "#form-summary")
        assert app.focused is focused  # re-checking does not move the cursor
        screen.query_one("#f-v_pre_bp", Input).value = "120/80"
        await pilot.pause()
        assert text_of(screen, "#form-summary") == ""
        assert journal.all(Session) == []  # still nothing saved until ctrl+s


async def test_session_form_logs_session_with_vitals(journal: Journal) -> None:
    journal.now = lambda: NOW
    app = Harness(journal, SessionFormScreen)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#f-started_at", Input).value = "2026-12-02 08:00"
        screen.query_one("#f-dose", Input).value = "0.5"
        screen.query_one("#f-dose_unit").value = "mg_per_kg"  # type: ignore[attr-defined]
        screen.query_one("#f-v_pre_bp", Input).value = "128/82"
        screen.query_one("#f-v_end_hr", Input).value = "66"
        screen.query_one("#f-se_nausea").value = "1"  # type: ignore[attr-defined]
        screen.query_one("#f-dissociation", ScalePicker).value = 6
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SessionFormScreen)
    (s,) = journal.all(Session)
    assert s.status == "completed" and s.dose_value == "0.5" and s.dose_unit == "mg_per_kg"
    assert [(v.when, v.bp_sys, v.hr) for v in s.vitals] == [("pre", 128, None), ("end", None, 66)]
    assert s.side_effects == {"nausea": 1} and s.dissociation == 6 and s.series_index == 1


async def test_sessions_screen_shows_course_progress_and_next_date(journal: Journal) -> None:
    dates = schedule.plan_dates(date(2026, 12, 1), 6, per_week=2, zone=UTC)
    journal.now = lambda: dates[1] + timedelta(hours=3)
    course, sessions = schedule.create_course(journal, "Induction", dates)
    for s in sessions[:2]:
        journal.save(s.replace(status="completed"))
    app = Harness(journal, SessionsScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        courses = text_of(screen, "#sessions-courses")
        assert "session 2 of 6" in courses and "next: session 3 on Tue 08 Dec" in courses
        table = screen.query_one("#sessions-table", DataTable)
        assert table.row_count == 6
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SessionFormScreen)


async def test_checkin_screen_saves_sliders(journal: Journal) -> None:
    app = Harness(journal, CheckInScreen)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("6", "tab", "right", "right")  # mood 6; anxiety from middle (5) -> 6
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)
    (c,) = journal.all(CheckIn)
    assert c.mood == 6 and c.anxiety == 6 and c.sleep is None


async def test_checkin_screen_empty_says_so_and_saves_nothing(journal: Journal) -> None:
    app = Harness(journal, CheckInScreen)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert "Nothing was filled in" in text_of(app.screen, "#checkin-error")
    assert journal.all(CheckIn) == []


async def test_due_screen_lists_next_day_and_opens_guided_flow(journal: Journal) -> None:
    t0 = datetime.now(UTC) - timedelta(hours=20)
    journal.save(Session(id="a" * 32, started_at=t0, status="completed"))
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        olist = screen.query_one("#due-list", OptionList)
        prompts = [str(olist.get_option_at_index(i).prompt) for i in range(olist.option_count)]
        assert any("The next day" in p and "Next day · session of" in p for p in prompts)
        index = next(i for i, p in enumerate(prompts) if "The next day" in p)
        olist.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GuidedFlowScreen)
        assert app.screen.pack.id == "next_day" and app.screen.session_id == "a" * 32


async def test_session_mode_fragments_saved_instantly_and_leaving_locks(
    journal: Journal,
) -> None:
    app = Harness(journal, SessionModeScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionModeScreen)
        await pilot.press("enter")  # Start (focused)
        await pilot.pause()
        assert screen.started and screen.deadline is not None
        await pilot.press("i")
        await pilot.press(*"blue", "enter")
        await pilot.pause()
        (fragment,) = journal.all(Entry)
        assert fragment.body == "blue" and fragment.source == "fragment"
        (placeholder,) = journal.all(Session)
        assert fragment.session_id == placeholder.id and placeholder.status == "planned"
        await pilot.press(*"warm hands", "escape")  # stop typing keeps the text
        await pilot.pause()
        assert len(journal.all(Entry)) == 2
        await pilot.press("escape")  # leave session mode: locks
        await pilot.pause()
        assert app.locked == 1


async def test_session_mode_grace_end_locks(journal: Journal) -> None:
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    clock = {"now": start}
    journal.now = lambda: clock["now"]
    app = Harness(journal, SessionModeScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionModeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.deadline == start + timedelta(hours=4)
        clock["now"] = start + timedelta(hours=3, minutes=59)
        screen.tick()
        assert app.locked == 0
        clock["now"] = start + timedelta(hours=4)
        screen.tick()
        await pilot.pause()
        assert app.locked == 1


async def test_session_mode_then_logging_completes_same_session(journal: Journal) -> None:
    """Fragments stay linked: the later log completes the placeholder session."""
    from kapjournal.core.session_form import build_new_session

    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    journal.now = lambda: start
    app = Harness(journal, SessionModeScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "i", *"stars", "enter")
        await pilot.pause()
    journal.now = lambda: start + timedelta(hours=3)
    result = build_new_session(
        {"started_at": "2026-12-02 09:10"}, journal.all(Session), now=journal.now
    )
    session = journal.save(result.values["session"])  # type: ignore[arg-type]
    (fragment,) = journal.all(Entry)
    assert fragment.session_id == session.id and session.status == "completed"


async def test_sessions_screen_plans_course_from_phrase(journal: Journal) -> None:
    app = Harness(journal, SessionsScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(*"3 sessions, every 2 days, from 2027-01-30 at 9:00", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        assert screen.query_one("#sessions-table", DataTable).row_count == 3
    got = sorted(journal.all(Session), key=lambda s: s.started_at)
    assert [s.started_at.strftime("%m-%d %H:%M") for s in got] == [
        "01-30 09:00",
        "02-01 09:00",
        "02-03 09:00",
    ]


async def test_guided_immediate_pack_brings_in_session_fragments(journal: Journal) -> None:
    from kapjournal.core import guided
    from kapjournal.core.prompts import load_library

    sid = "b" * 32
    journal.save(Session(id=sid, started_at=NOW))
    guided.add_fragment(journal, "violet", sid)
    guided.add_fragment(journal, "a long corridor", sid)
    pack = load_library(include_user=False).packs["immediate"]
    app = Harness(journal, lambda: GuidedFlowScreen(pack, sid))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "Ctrl+F" in str(screen.query_one("#guided-hint", Static).render())
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert screen.query_one("#guided-input").text == "violet\na long corridor"  # type: ignore[attr-defined]


async def test_due_screen_focus_packs_choice_saved_in_settings(journal: Journal) -> None:
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("space", "down", "down", "space")  # depression, ptsd
        app.screen.query_one("#focus-save").press()  # type: ignore[attr-defined]
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert journal.settings().focus_packs == ("depression", "ptsd")
        olist = app.screen.query_one("#due-list", OptionList)
        prompts = [str(olist.get_option_at_index(i).prompt) for i in range(olist.option_count)]
        assert any("Grounding" in p for p in prompts)
        assert not any("Cravings" in p for p in prompts)


async def test_sessions_screen_adds_boosters_after_course(journal: Journal) -> None:
    dates = schedule.plan_dates(date(2027, 1, 4), 2, per_week=2, zone=UTC)
    schedule.create_course(journal, "Induction", dates)
    app = Harness(journal, SessionsScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"2, every 4 weeks", "enter")
        await pilot.pause()
        assert "session 0 of 4" not in text_of(app.screen, "#sessions-courses")
        assert "(4 planned)" in text_of(app.screen, "#sessions-courses")
    got = sorted(journal.all(Session), key=lambda s: s.started_at)
    assert [s.series_index for s in got] == [1, 2, 3, 4]
    assert got[2].started_at - got[1].started_at == timedelta(weeks=4)


async def test_session_form_escape_asks_before_dropping_changes(journal: Journal) -> None:
    from kapjournal.screens.confirm import ConfirmModal

    journal.now = lambda: NOW
    app = Harness(journal, SessionFormScreen)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        form = app.screen
        await pilot.press("escape")  # nothing typed: leaves at once
        await pilot.pause()
        assert not isinstance(app.screen, SessionFormScreen)
        app.push_screen(SessionFormScreen())
        await pilot.pause()
        form = app.screen
        form.query_one("#f-dose", Input).value = "56"
        form.query_one("#f-dissociation", ScalePicker).value = 4
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # escape in the question means "keep editing"
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#f-dose", Input).value == "56"


async def test_sessions_screen_deletes_a_session_only_after_a_yes(journal: Journal) -> None:
    from kapjournal.screens.confirm import ConfirmModal

    journal.now = lambda: NOW
    kept = journal.save(Session(id="a" * 32, started_at=NOW - timedelta(days=9), route="iv"))
    wrong = journal.save(Session(id="b" * 32, started_at=NOW - timedelta(days=2), route="im"))
    entry = journal.add_entry("Right after.", session_id=wrong.id)
    app = Harness(journal, SessionsScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions-table", DataTable)
        table.move_cursor(row=1)  # the later, mistaken one
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # no
        await pilot.pause()
        assert {s.id for s in journal.all(Session)} == {kept.id, wrong.id}
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        assert [s.id for s in journal.all(Session)] == [kept.id]
        assert table.row_count == 1
    # What was written around it stays.
    assert journal.get(Entry, entry.id).body == "Right after."
