"""Pilot test: answering a made-up scale pack; no band shown; safety item opens crisis."""

from __future__ import annotations

import tomllib

from textual.widgets import Static

from kapjournal.core import scales
from kapjournal.core.journal import Journal
from kapjournal.core.models import SafetyEvent, ScaleResult
from kapjournal.screens.crisis import CrisisScreen
from kapjournal.screens.scale import ScaleScreen
from tests.core.test_scales import MADE_UP
from tests.screens.harness import Harness


async def test_scale_screen_scores_and_opens_crisis_on_safety_item(journal: Journal) -> None:
    pack = scales.parse_scale(tomllib.loads(MADE_UP), "weather4.toml")
    app = Harness(journal, lambda: ScaleScreen(pack))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "CC0" in str(screen.query_one("#scale-credit", Static).render())
        await pilot.press("ctrl+n")  # nothing chosen yet
        await pilot.pause()
        assert "choose one" in str(screen.query_one("#scale-error", Static).render())
        # fog: "a little" (1); rain: "not at all" (0); sun: "all the time" (3 -> 0); storm: 1
        for downs in (1, 0, 3, 1):
            await pilot.press(*(["down"] * downs), "enter", "ctrl+n")
            await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        rendered = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "calm" not in rendered and "stormy" not in rendered  # no band shown
    (result,) = journal.all(ScaleResult)
    assert result.answers == {"fog": 1, "rain": 0, "sun": 3, "storm": 1} and result.total == 2
    (event,) = journal.all(SafetyEvent)
    assert event.trigger == "safety_item" and event.detail == "weather4:storm"
