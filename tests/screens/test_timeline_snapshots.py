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


# The same screens inside the real app, on the shared demo vault (frozen "today").


@pytest.fixture
def demo_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from datetime import UTC

    from kapjournal.core.demo import build_demo
    from tests.screens.tui_helpers import DEMO_TODAY

    monkeypatch.chdir(tmp_path)
    build_demo(tmp_path / "demo.kapj", today=DEMO_TODAY, tz=UTC)
    return Path("demo.kapj")


def open_in_app(*keys: str) -> Any:
    from textual.widgets import Input

    from kapjournal.core.demo import DEMO_PASSPHRASE
    from tests.screens.tui_helpers import settle

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        field = pilot.app.screen.query_one("#unlock-passphrase", Input)
        field.cursor_blink = False
        field.value = DEMO_PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.2)  # the side panel follows the cursor once it rests
        await settle(pilot)

    return run_before


def _demo_app(vault: Path) -> Any:
    from kapjournal.core.demo import DEMO_PASSPHRASE
    from tests.screens.tui_helpers import make_app

    return make_app(vault, demo_passphrase=DEMO_PASSPHRASE)


def test_timeline_demo_snapshot_80x24(snap_compare: Any, demo_vault: Path) -> None:
    app = _demo_app(demo_vault)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_in_app("t", "j", "j"))


def test_timeline_demo_snapshot_160x48(snap_compare: Any, demo_vault: Path) -> None:
    app = _demo_app(demo_vault)
    assert snap_compare(app, terminal_size=(160, 48), run_before=open_in_app("t", "G", "k"))
