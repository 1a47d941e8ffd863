"""Snapshot tests of the unlock and home screens on a demo vault (frozen dates,
no cursor blink). Review the report before running ``make snapshots``."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kapjournal.core.demo import DEMO_PASSPHRASE, build_demo
from tests.screens.tui_helpers import DEMO_TODAY, SIZE, make_app, settle


@pytest.fixture
def demo_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A relative path keeps the unlock screen's "Journal: ..." line stable.
    monkeypatch.chdir(tmp_path)
    build_demo(tmp_path / "demo.kapj", today=DEMO_TODAY, tz=UTC)
    return Path("demo.kapj")


async def _no_blink(pilot: Pilot[None]) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def _unlocked(pilot: Pilot[None]) -> None:
    await _no_blink(pilot)
    field = pilot.app.screen.query_one("#unlock-passphrase", Input)
    field.value = DEMO_PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)


def test_snapshot_unlock_screen(snap_compare, demo_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_vault, demo_passphrase=DEMO_PASSPHRASE)
    assert snap_compare(app, terminal_size=SIZE, run_before=_no_blink)


def test_snapshot_home_screen_demo(snap_compare, demo_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(demo_vault, demo_passphrase=DEMO_PASSPHRASE)
    assert snap_compare(app, terminal_size=SIZE, run_before=_unlocked)
