"""Snapshot tests of the timeline at 80x24 and 160x48 on a fixed journal.

Dates are frozen (the fixture journal's clock) and every id is fixed, so
the pictures only change when the screen does. Review the report before
updating with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kapjournal.core.journal import Journal
from kapjournal.screens.appointment_prep import AppointmentPrepScreen
from kapjournal.screens.timeline import TimelineScreen
from tests.conftest import PASSPHRASE
from tests.screens.timeline_harness import HarnessApp
from tests.timeline_fixture import clock, fill


@pytest.fixture
def tl_journal(vault_path: Path) -> Iterator[Journal]:
    j = Journal.create(vault_path, PASSPHRASE, now=clock)
    fill(j)
    yield j
    j.close()


def settle_then(*keys: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_timeline_snapshot_80x24(snap_compare: Any, tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, TimelineScreen())
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle_then("j", "j", "j"))


def test_timeline_snapshot_80x24_charts(snap_compare: Any, tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, TimelineScreen())
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle_then("c"))


def test_timeline_snapshot_160x48(snap_compare: Any, tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, TimelineScreen())
    assert snap_compare(app, terminal_size=(160, 48), run_before=settle_then("j", "j", "j"))


def test_timeline_snapshot_160x48_insights(snap_compare: Any, tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, TimelineScreen())
    assert snap_compare(app, terminal_size=(160, 48), run_before=settle_then("i", "j"))


def test_appointment_prep_snapshot_80x24(snap_compare: Any, tl_journal: Journal) -> None:
    app = HarnessApp(tl_journal, AppointmentPrepScreen())
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle_then())
