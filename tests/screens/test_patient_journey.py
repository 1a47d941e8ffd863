"""Pilot tests for defects found walking the patient's journey (QA): due list,
help per screen, empty packs, check-in, keyword check on free entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.widgets import OptionList

from kapjournal.core.journal import Journal
from kapjournal.core.models import Session
from kapjournal.screens.due import DueScreen
from kapjournal.screens.guided import GuidedFlowScreen
from tests.screens.harness import Harness


async def test_due_screen_enter_opens_first_pack_without_arrow_keys(journal: Journal) -> None:
    # The list starts with a heading row: Enter must still open something at once.
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        olist = app.screen.query_one("#due-list", OptionList)
        assert olist.highlighted is not None
        assert not olist.get_option_at_index(olist.highlighted).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GuidedFlowScreen)


async def test_due_screen_keeps_highlight_when_coming_back(journal: Journal) -> None:
    t0 = datetime.now(UTC) - timedelta(hours=20)
    journal.save(Session(id="a" * 32, started_at=t0, status="completed"))
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        olist = screen.query_one("#due-list", OptionList)
        target = olist.get_option_index("pack-one_week")
        olist.highlighted = target
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GuidedFlowScreen)
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert olist.highlighted == target
