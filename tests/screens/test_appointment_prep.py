"""Pilot tests for the "Prepare for my appointment" screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.screen import Screen
from textual.widgets import Input, Static

import kapjournal.screens.appointment_prep as prep_module
from kapjournal.core.journal import Journal
from kapjournal.core.models import Appointment
from kapjournal.core.prep import ScoreShift
from kapjournal.screens.appointment_prep import AppointmentDateModal, AppointmentPrepScreen
from tests.conftest import PASSPHRASE
from tests.screens.timeline_harness import HarnessApp
from tests.timeline_fixture import IDS, clock, fill


@pytest.fixture
def tl_journal(vault_path: Path) -> Journal:
    j = Journal.create(vault_path, PASSPHRASE, now=clock)
    fill(j)
    yield j  # type: ignore[misc]
    j.close()


async def settle(app: HarnessApp, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def text_of(screen: Screen[object], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_prep_screen_shows_everything_since_last_appointment(tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert "Tuesday 20 October 2026" in text_of(screen, "#prep-intro")
        sessions = text_of(screen, "#prep-sessions")
        assert "Session 3" in sessions and "Session 2" not in sessions
        assert "I can ask for help" in text_of(screen, "#prep-insights")
        questions = text_of(screen, "#prep-questions")
        assert "Slept badly" in questions and "I can ask for help" in questions
        assert "read these averages loosely" in text_of(screen, "#prep-scores")


async def test_prep_screen_export_hand_off_without_export_is_calm(
    tl_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prep_module, "EXPORT_SCREEN", "kapjournal.screens.no_such_export:X")
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AppointmentPrepScreen)
        assert any("Export is not part" in n.message for n in app._notifications)


class FakeExport(Screen[None]):
    def __init__(self, since: object = None) -> None:
        super().__init__()
        self.since = since


async def test_prep_screen_export_hand_off_pushes_export(
    tl_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prep_module, "export_screen_factory", lambda: FakeExport)
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FakeExport)
        assert app.screen.since == tl_journal.settings().last_appointment


async def test_prep_screen_set_date(tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, AppointmentDateModal)
        app.screen.query_one(Input).value = "2026-10-10"
        await pilot.press("enter")
        await settle(app, pilot)
        saved = tl_journal.settings().last_appointment
        assert saved is not None and saved.date().isoformat() == "2026-10-10"
        sessions = text_of(app.screen, "#prep-sessions")
        assert "Session 2" in sessions and "Session 3" in sessions
        # A future date is refused in the dialog, what was typed stays, and
        # the saved date stays.
        await pilot.press("d")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, AppointmentDateModal)
        assert modal.query_one(Input).value == "2026-10-10"  # the saved date, to correct
        modal.query_one(Input).value = "+3d"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is modal
        assert modal.query_one(Input).value == "+3d"
        assert "in the future" in text_of(modal, "#appt-error")
        after = tl_journal.settings().last_appointment
        assert after is not None and after.date().isoformat() == "2026-10-10"


async def test_prep_screen_without_date_shows_everything(journal: Journal) -> None:
    journal.now = clock
    fill(journal)
    journal.save_settings(journal.settings().replace(last_appointment=None))
    journal.delete_id(Appointment, IDS["appt"])  # no logged appointment either
    app = HarnessApp(journal, AppointmentPrepScreen())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        assert "No last appointment date" in text_of(app.screen, "#prep-intro")
        assert "Sessions (3)" in text_of(app.screen, "#prep-sessions")


async def test_prep_screen_export_key_opens_the_real_export_screen(tl_journal: Journal) -> None:
    export_cls = prep_module.export_screen_factory()
    if export_cls is None:
        pytest.skip("the export feature is not installed in this build")
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, export_cls)
        since = app.screen.query("#export-since")
        if since:
            assert since.first(Input).value == "2026-10-20"


async def test_prep_screen_bad_date_is_shown_as_plain_text(tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        typed = "[@click=app.quit]nonsense[/]"
        app.screen.query_one(Input).value = typed
        await pilot.press("enter")
        await settle(app, pilot)
        # Explained in the dialog, as plain text, and what was typed stays.
        modal = app.screen
        assert isinstance(modal, AppointmentDateModal)
        error = modal.query_one("#appt-error", Static).content
        assert isinstance(error, Text) and "not a date I can read" in error.plain
        assert typed in error.plain
        assert modal.query_one(Input).value == typed
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AppointmentPrepScreen)


@pytest.mark.parametrize(
    ("before", "since", "change"),
    [
        (3.75, 5.625, "+1.8"),  # shown as 3.8 and 5.6: the change must read +1.8
        (5.875, 4.75, "-1.1"),  # 5.9 and 4.8
        (5.0, 5.04, "+0.0"),
        (5.04, 5.0, "+0.0"),  # never "-0.0"
    ],
)
def test_prep_score_row_change_matches_the_averages_shown(
    before: float, since: float, change: str
) -> None:
    row = prep_module.score_row(ScoreShift("mood", before, since, (5,)))
    assert row.split() == ["Mood", f"{before:.1f}", f"{since:.1f}", change]


def test_prep_score_row_without_a_before_average() -> None:
    row = prep_module.score_row(ScoreShift("hope", None, 6.0, (6,)))
    assert row.split() == ["Hope", "—", "6.0", "—"]
