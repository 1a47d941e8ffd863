"""The README screenshot: the home screen on the demo vault, as SVG.

Regenerate docs/screenshot-home.svg with:

    KAPJOURNAL_SAVE_SCREENSHOT=1 .venv/bin/pytest tests/screens/test_screenshot.py

Without the variable the SVG is written to a temp dir and only checked.
"""

from __future__ import annotations

import os
from datetime import UTC
from pathlib import Path

from textual.widgets import Input

from kapjournal.core.demo import DEMO_PASSPHRASE, build_demo
from kapjournal.screens.home import HomeScreen
from tests.screens.tui_helpers import DEMO_TODAY, make_app, settle

DOCS = Path(__file__).resolve().parents[2] / "docs"


async def test_screenshot_home_on_demo_vault(tmp_path: Path) -> None:
    vault = build_demo(tmp_path / "demo.kapj", today=DEMO_TODAY, tz=UTC)
    app = make_app(vault)
    # Wide enough for every feature key in the footer.
    async with app.run_test(size=(124, 32)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#unlock-passphrase", Input)
        field.value = DEMO_PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        svg = app.export_screenshot(simplify=True)
    assert svg.startswith("<svg") and "Preparing&#160;for&#160;session&#160;6" in svg
    target = DOCS if os.environ.get("KAPJOURNAL_SAVE_SCREENSHOT") == "1" else tmp_path
    (target / "screenshot-home.svg").write_text(svg, encoding="utf-8")
