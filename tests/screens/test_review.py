"""Review mode in Pilot: summary, timeline, search; read-only."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static, TabbedContent, Tree

from kapjournal.core.export import render
from kapjournal.core.export.jsonfmt import read_document
from kapjournal.core.export.model import ExportOptions, build_document
from kapjournal.screens.review import ReviewApp, ReviewScreen
from tests.export_sample import NOTES_TEXT, fill


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_review_shows_summary_timeline_and_search(journal, tmp_path: Path, monkeypatch):
    fill(journal)
    doc = read_document(render(build_document(journal, ExportOptions()), "json"))
    journal.close()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    app = ReviewApp(doc, title="share.json.age")
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        summary = _text(screen.query_one("#summary-text", Static))
        assert "A. Patient" in summary and "SESSIONS" in summary
        assert "moderately severe" in summary
        assert "Answered yes to the self-harm question" in summary
        alert = screen.query_one("#summary-alert", Static)
        assert alert.display and "crisis screen was shown 1 time" in _text(alert)

        await pilot.press("2")
        assert screen.query_one(TabbedContent).active == "timeline"
        tree = screen.query_one("#timeline-tree", Tree)
        assert len(tree.root.children) == 3
        assert str(tree.root.children[0].label).startswith("Session 1")
        tree.focus()
        await pilot.press("down")
        await pilot.pause()
        detail = _text(screen.query_one("#timeline-detail", Static))
        assert "Intention: be kind to myself." in detail
        # The session's own row shows what was recorded about the session itself.
        await pilot.press("up")
        await pilot.pause()
        detail = _text(screen.query_one("#timeline-detail", Static))
        assert NOTES_TEXT in detail and "clinician: Dr Example" in detail

        await pilot.press("slash")
        assert screen.query_one(TabbedContent).active == "search"
        await pilot.press(*"garden")
        await pilot.pause()
        results = screen.query_one("#search-results", OptionList)
        assert results.option_count == 1
        assert "1 match(es)" in _text(screen.query_one("#search-count", Static))
        # The best match shows at once, and Enter moves into the results.
        shown = _text(screen.query_one("#search-detail", Static))
        assert "<script>window.kapPwned=1</script>" in shown  # plain text, not markup
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is results and results.highlighted == 0
        screen.query_one("#search-input", Input).value = "nothing-matches-this"
        await pilot.pause()
        count = _text(screen.query_one("#search-count", Static))
        assert "Nothing in this export matches" in count
        assert _text(screen.query_one("#search-detail", Static)) == ""
        await pilot.press("escape")
    assert list(cwd.iterdir()) == []  # review wrote nothing


async def test_review_tab_keys_move_focus_into_the_tab(journal, tmp_path: Path):
    """1 and 2 land in the tab's content: arrows work at once, and 1 leaves the timeline."""
    fill(journal)
    doc = read_document(render(build_document(journal, ExportOptions()), "json"))
    journal.close()
    app = ReviewApp(doc, title="share.json")
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        tabs = screen.query_one(TabbedContent)
        summary = screen.query_one("#summary-scroll")
        assert app.focused is summary
        await pilot.press("pagedown")
        await pilot.pause()
        assert summary.scroll_y > 0  # the summary scrolls without a Tab first

        await pilot.press("2")
        await pilot.pause()
        tree = screen.query_one("#timeline-tree", Tree)
        assert tabs.active == "timeline" and app.focused is tree
        await pilot.press("down", "down")
        await pilot.pause()
        assert "Choose an entry" not in _text(screen.query_one("#timeline-detail", Static))
        assert tree.cursor_line == 2

        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "summary" and app.focused is summary


async def test_review_search_leaves_room_to_read_at_80x24(journal) -> None:
    """A few matches take a few lines; the rest of the screen shows the match itself."""
    fill(journal)
    doc = read_document(render(build_document(journal, ExportOptions()), "json"))
    journal.close()
    app = ReviewApp(doc, title="share.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"garden")
        await pilot.pause()
        screen = app.screen
        results = screen.query_one("#search-results", OptionList)
        assert results.option_count == 1
        detail = screen.query_one("#search-detail", Static).parent
        assert detail is not None and detail.size.height >= 8  # was 4 beside 12 empty rows
        assert results.outer_size.height <= 4


async def test_review_no_crisis_alert_without_events(journal) -> None:
    from datetime import timedelta

    from tests.export_sample import T0

    fill(journal)
    options = ExportOptions(since=T0 + timedelta(days=8))  # after the one crisis event
    doc = read_document(render(build_document(journal, options), "json"))
    journal.close()
    assert not doc.safety_rows
    app = ReviewApp(doc, title="share.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#summary-alert", Static).display
