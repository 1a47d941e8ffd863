"""Pilot tests for the Timeline screen: navigation, marking insights, follow-ups, filters."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, RadioButton, Static, TextArea
from textual.widgets.text_area import Selection

from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Insight
from kapjournal.screens.timeline import TimelineScreen
from kapjournal.screens.timeline_dialogs import EntryReadModal, FollowUpModal
from kapjournal.widgets.row_list import RowList
from tests.conftest import PASSPHRASE
from tests.screens.timeline_harness import HarnessApp
from tests.timeline_fixture import IDS, clock, fill


@pytest.fixture
def tl_journal(vault_path: Path) -> Journal:
    j = Journal.create(vault_path, PASSPHRASE, now=clock)
    fill(j)
    yield j  # type: ignore[misc]
    j.close()


async def settle(app: HarnessApp, pilot: object) -> None:
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


@contextlib.asynccontextmanager
async def opened(
    journal: Journal, screen: TimelineScreen, size: tuple[int, int] = (100, 40)
) -> AsyncIterator[tuple[HarnessApp, Any, TimelineScreen]]:
    """The harness app showing ``screen``, settled: ``(app, pilot, screen)``."""
    app = HarnessApp(journal, screen)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)
        yield app, pilot, app.screen


def index_of(screen: TimelineScreen, ref: str, kind: str | None = None) -> int:
    assert screen.timeline is not None
    for i, row in enumerate(screen.timeline.rows()):
        if row.ref == ref and (kind is None or row.kind == kind):
            return i
    raise AssertionError(f"no row for {ref}")


async def test_timeline_screen_lists_sessions_in_order(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        rows = screen.query_one(RowList).rows
        sessions = [r.text for r in rows if r.style == "session"]
        assert [s.split(" · ")[0] for s in sessions] == ["Session 1", "Session 2", "Session 3"]
        title = screen.query_one("#tl-title", Static).render()
        assert "3 sessions" in str(title)


async def test_timeline_screen_keyboard_navigation(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        rows = screen.query_one(RowList)
        assert rows.cursor == 0
        await pilot.press("j", "j", "down")
        assert rows.cursor == 3
        assert screen.current_row().ref == IDS["s1"]  # type: ignore[union-attr]
        await pilot.pause(0.2)  # the side panel follows once the cursor rests
        detail = str(screen.query_one("#tl-detail", Static).render())
        assert "Session 1" in detail and "0.5 mg/kg" in detail
        change = str(screen.query_one("#tl-change", Static).render())
        assert "Mood" in change and "6(+2)" in change
        await pilot.press("k")
        assert rows.cursor == 2
        await pilot.press("G")
        assert rows.cursor == len(rows.rows) - 1
        await pilot.press("g")
        assert rows.cursor == 0


async def test_timeline_screen_mouse_click_highlights_then_opens(
    tl_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapjournal.screens.timeline as timeline_module

    # Without the editor feature, enter opens the read view.
    monkeypatch.setattr(timeline_module, "editor_screen_class", lambda: None)
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        target = index_of(screen, IDS["e_quiet"], "entry")
        await pilot.click(RowList, offset=(5, target))
        assert screen.query_one(RowList).cursor == target
        await pilot.click(RowList, offset=(5, target))
        await pilot.pause()
        assert isinstance(app.screen, EntryReadModal)
        area = app.screen.query_one(TextArea)
        assert "critical voice" in area.text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)


async def test_timeline_screen_mark_selected_passage(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["e_lozenge"], "entry"))
        await pilot.press("m")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EntryReadModal)
        area = modal.query_one(TextArea)
        start = area.text.index("softer")
        area.selection = Selection((0, start), (0, start + len("softer than the clinic")))
        modal.query_one("#entry-tags", Input).value = "#home, rest"
        area.focus()
        await pilot.press("m")
        await settle(app, pilot)
        marked = [i for i in tl_journal.all(Insight) if i.entry_id == IDS["e_lozenge"]]
        assert len(marked) == 1
        assert marked[0].text == "softer than the clinic"
        assert marked[0].tags == ("home", "rest")
        assert marked[0].session_id == IDS["s3"]
        assert isinstance(app.screen, TimelineScreen)
        # The new insight shows under its entry, and the cursor sits on it.
        row = app.screen.current_row()
        assert row is not None and row.kind == "insight" and row.ref == marked[0].id


async def test_timeline_screen_mark_whole_entry(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["e_sleep"], "entry"))
        await pilot.press("m")
        await pilot.pause()
        await pilot.click("#entry-bring")
        await pilot.click("#entry-mark")
        await settle(app, pilot)
        marked = [i for i in tl_journal.all(Insight) if i.entry_id == IDS["e_sleep"]]
        assert len(marked) == 1
        assert marked[0].text.startswith("Slept badly")
        assert marked[0].tags == ("sleep",)
        assert marked[0].bring_to_therapy


async def test_timeline_screen_mark_on_session_row_explains(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["s2"], "session"))
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        assert len(tl_journal.all(Insight)) == 2


async def test_timeline_screen_follow_up_and_bring(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["i_quiet"], "insight"))
        await pilot.press("u")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, FollowUpModal)
        modal.query(RadioButton)[1].value = True  # "Still true?"
        modal.query_one("#follow-text", Input).value = "yes, mostly"
        await pilot.click("#follow-add")
        await settle(app, pilot)
        stored = tl_journal.get(Insight, IDS["i_quiet"])
        assert stored.follow_ups[-1].kind == "still_true"
        assert stored.follow_ups[-1].text == "yes, mostly"
        await pilot.press("b")
        await settle(app, pilot)
        assert tl_journal.get(Insight, IDS["i_quiet"]).bring_to_therapy
        texts = [r.text for r in app.screen.query_one(RowList).rows]
        assert any("Still true? (2026-11-20): yes, mostly" in t for t in texts)


async def test_timeline_screen_flag_entry_as_question(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["e_lozenge"], "entry"))
        await pilot.press("b")
        await settle(app, pilot)
        assert tl_journal.get(Entry, IDS["e_lozenge"]).flagged_for_therapy


async def test_timeline_screen_filter_bar(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        await pilot.press("slash")
        bar = screen.query_one("#tl-filter", Input)
        assert bar.has_focus
        await pilot.press(*"#calm", "enter")
        await settle(app, pilot)
        rows = screen.query_one(RowList).rows
        # Session 1, the tagged entry, its insight and the insight's two follow-ups.
        assert [r.style for r in rows] == ["session", "", "insight", "follow_up", "follow_up"]
        assert rows[0].text.startswith("Session 1")
        assert "showing #calm" in str(screen.query_one("#tl-title", Static).render())
        assert screen.query_one(RowList).has_focus


async def test_timeline_screen_filter_since_session_and_bad_input(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        before = list(screen.query_one(RowList).rows)
        await pilot.press("slash", *"banana", "enter")
        await settle(app, pilot)
        error = screen.query_one("#tl-filter-error", Static)
        assert "not a filter" in str(error.render())
        assert list(screen.query_one(RowList).rows) == before  # nothing lost
        bar = screen.query_one("#tl-filter", Input)
        bar.value = "since session 3"
        await pilot.press("enter")
        await settle(app, pilot)
        sessions = [r.text for r in screen.query_one(RowList).rows if r.style == "session"]
        assert len(sessions) == 1 and sessions[0].startswith("Session 3")
        bar.value = "since session 9"
        bar.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "no session 9" in str(error.render())


async def test_timeline_screen_insights_only_toggle(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        await pilot.press("i")
        await settle(app, pilot)
        styles = [r.style for r in screen.query_one(RowList).rows]
        assert styles.count("insight") == 2
        assert "checkin" not in styles
        assert styles.count("session") == 2
        await pilot.press("i")
        await settle(app, pilot)
        assert [r.style for r in screen.query_one(RowList).rows].count("session") == 3


async def test_timeline_screen_charts_toggle_and_field(tl_journal: Journal) -> None:
    async with opened(tl_journal, TimelineScreen(), (80, 24)) as (app, pilot, screen):
        charts = screen.query_one("#tl-charts")
        assert not charts.display or not charts.has_class("-shown")  # small terminal
        await pilot.press("c")
        await pilot.pause()
        assert charts.has_class("-shown")
        await pilot.press("f")
        await pilot.pause()
        assert "Anxiety" in str(screen.query_one("#tl-score").render())


async def test_timeline_screen_empty_journal(journal: Journal) -> None:
    async with opened(journal, TimelineScreen(), (80, 24)) as (app, pilot, screen):
        rows = screen.query_one(RowList).rows
        assert len(rows) == 1 and "Nothing here yet" in rows[0].text
        # No "use j/k to move" beside a list with nothing to move to.
        assert str(screen.query_one("#tl-detail", Static).render()) == ""
        await pilot.press("m", "u", "b", "enter")  # nothing to act on: no crash
        await settle(app, pilot)
        await pilot.press("i")  # i switched it on, so the hint names i, not /
        await settle(app, pilot)
        rows = screen.query_one(RowList).rows
        assert rows[0].text == "No insights marked yet. Press i to show everything again."
        await pilot.press("i")
        await settle(app, pilot)
        assert "Nothing here yet" in screen.query_one(RowList).rows[0].text


async def test_timeline_screen_enter_uses_editor_when_installed(
    tl_journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.screen import Screen

    import kapjournal.screens.timeline as timeline_module

    class FakeEditor(Screen[None]):
        def __init__(self, *, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    monkeypatch.setattr(timeline_module, "editor_screen_class", lambda: FakeEditor)
    async with opened(tl_journal, TimelineScreen()) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["e_quiet"], "entry"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FakeEditor)
        assert app.screen.entry.id == IDS["e_quiet"]


def test_editor_screen_class_absent_means_read_view(monkeypatch: pytest.MonkeyPatch) -> None:
    import kapjournal.screens.timeline as timeline_module

    monkeypatch.setattr(timeline_module, "EDITOR_SCREEN", "kapjournal.screens.nope:Editor")
    assert timeline_module.editor_screen_class() is None


async def test_timeline_screen_large_journal_stays_light_on_the_ui_thread(journal: Journal) -> None:
    from datetime import UTC, datetime, timedelta

    from kapjournal.core.models import Session

    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    with journal.transaction():
        for n in range(60):
            journal.save(Session(id=f"{n + 1:032x}", started_at=start + timedelta(days=9 * n)))
        for n in range(3_000):
            when = start + timedelta(hours=4 * n)
            journal.save(Entry(id=f"{n + 10**6:032x}", created=when, modified=when, body=f"e{n}"))
    async with opened(journal, TimelineScreen(), (100, 30)) as (app, pilot, screen):
        rows = screen.query_one(RowList)
        assert len(rows.rows) == 3_060
        # The list is virtual: showing 3,000+ rows is a few milliseconds of UI work
        # (a generous bound, so a busy test machine does not make this flaky).
        assert screen.load_ui_seconds < 0.25
        await pilot.press("G")
        assert rows.cursor == 3_059
        assert rows.scroll_offset.y >= 3_060 - rows.size.height


async def test_timeline_mark_dialog_fits_80x24(tl_journal: Journal) -> None:
    from textual.widgets import Button, Checkbox

    async with opened(tl_journal, TimelineScreen(), (80, 24)) as (app, pilot, screen):
        screen.query_one(RowList).move_to(index_of(screen, IDS["e_quiet"], "entry"))
        await pilot.press("m")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EntryReadModal)
        # The tags field shows its whole hint, and nothing is cut off.
        tags = modal.query_one("#entry-tags", Input)
        assert tags.content_region.width >= len(tags.placeholder)
        box = modal.query_one("Vertical").content_region
        for widget in (tags, modal.query_one(Checkbox), *modal.query(Button)):
            region = widget.region
            assert region.width > 0 and box.contains_region(region), widget
        assert modal.query_one(TextArea).region.height >= 5


async def test_timeline_session_view_has_a_close_button(tl_journal: Journal) -> None:
    from textual.widgets import Button

    async with opened(tl_journal, TimelineScreen(), (80, 24)) as (app, pilot, screen):
        rows = screen.timeline.rows() if screen.timeline else []
        session_row = next(i for i, r in enumerate(rows) if r.kind == "session")
        screen.query_one(RowList).move_to(session_row)
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EntryReadModal)
        assert "Check-ins: before" in modal.query_one(TextArea).text
        close = modal.query_one("#entry-close", Button)
        assert modal.query_one("Vertical").content_region.contains_region(close.region)
        await pilot.click("#entry-close")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
