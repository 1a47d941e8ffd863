"""The search screen in Pilot: typing, debounced results, arrows, enter, escape."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import Input, Static

from kapjournal.core.index import drop_service
from kapjournal.core.journal import Journal
from kapjournal.screens.search import SearchScreen
from kapjournal.screens.timeline import TimelineScreen
from kapjournal.widgets.search_results import SearchResults


class Harness(App[None]):
    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    def on_mount(self) -> None:
        self.push_screen(SearchScreen())


@pytest.fixture
def filled(journal: Journal) -> Journal:
    journal.add_entry("A walk by the river with my sister.", title="River walk")
    journal.add_entry("The river was loud and \x1b[31mred[/] [bold]calm[/bold].")
    journal.add_entry("Nothing else here.")
    yield journal
    drop_service(journal, save=False)


async def settle(app: App[Any], pilot: Any) -> None:
    """Wait until no debounce timer is pending and every worker has reported."""
    for _ in range(50):
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        pending = isinstance(screen, SearchScreen) and (
            screen._timer is not None or not screen._ready or screen._shown_seq != screen._seq
        )
        if not pending:
            return


@contextlib.asynccontextmanager
async def searched(
    journal: Journal, query: str, size: tuple[int, int] = (100, 40)
) -> AsyncIterator[tuple[Harness, Any]]:
    """The search screen with ``query`` typed and its results shown: ``(app, pilot)``."""
    app = Harness(journal)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press(*query)
        await settle(app, pilot)
        yield app, pilot


def status(app: App[Any]) -> str:
    widget = app.screen.query_one("#search-status", Static)
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


async def test_search_screen_results_update_as_you_type(filled: Journal) -> None:
    async with searched(filled, "river") as (app, pilot):
        results = app.screen.query_one(SearchResults)
        assert len(results.results) == 2
        assert "2 matches" in status(app)
        await pilot.press(*" sister")
        await settle(app, pilot)
        assert [r.first_line for r in results.results] == ["River walk"]


async def test_search_screen_debounces_and_keeps_only_the_latest(
    filled: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapjournal.screens.search as search_mod

    # a wide window, so a busy test machine can't split the typing
    monkeypatch.setattr(search_mod, "DEBOUNCE_SECONDS", 0.6)
    app = Harness(filled)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        before = screen._seq
        await pilot.press(*"sister")  # typed faster than the debounce
        await pilot.pause(0.9)
        await settle(app, pilot)
        assert screen._seq == before + 1  # one query ran, not six
        assert len(screen.query_one(SearchResults).results) == 1


async def test_search_screen_bad_filter_shows_a_calm_message(filled: Journal) -> None:
    async with searched(filled, "route:moon") as (app, pilot):
        assert "not a route" in status(app)
        assert app.screen.query_one("#search-status").has_class("-problem")
        assert isinstance(app.screen, SearchScreen)  # nothing crashed


async def test_search_screen_arrows_enter_and_escape(filled: Journal) -> None:
    async with searched(filled, "river") as (app, pilot):
        results = app.screen.query_one(SearchResults)
        await pilot.press("down")
        assert results.has_focus
        first = results.highlighted
        await pilot.press("down")
        assert results.highlighted == (first or 0) + 1
        chosen = results.results[results.highlighted or 0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)  # opened in place on the timeline
        row = app.screen.current_row()
        assert row is not None and row.ref == (chosen.entry_id or chosen.id)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(SearchResults).has_focus
        await pilot.press("escape")  # back to the query, results kept
        assert app.screen.query_one("#search-query", Input).has_focus
        assert len(app.screen.query_one(SearchResults).results) == 2
        await pilot.press("escape")  # from the query: close search
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)


async def test_search_screen_highlights_matches(filled: Journal) -> None:
    from kapjournal.widgets.search_results import render_result

    async with searched(filled, "sister") as (app, pilot):
        [result] = app.screen.query_one(SearchResults).results
        text = render_result(result)
        styled = [text.plain[s.start : s.end] for s in text.spans if "reverse" in str(s.style)]
        assert styled == ["sister"]


async def test_search_screen_privacy_mode_hides_titles_and_excerpts(filled: Journal) -> None:
    import dataclasses

    filled.save_settings(dataclasses.replace(filled.settings(), privacy_mode=True))
    async with searched(filled, "river") as (app, pilot):
        results = app.screen.query_one(SearchResults)
        assert len(results.results) == 2
        shown = "\n".join(
            str(results.get_option_at_index(i).prompt) for i in range(results.option_count)
        )
        assert "river" not in shown.lower() and "sister" not in shown
        assert shown.count("(title hidden)") == 2
        assert "Privacy mode hides titles and excerpts." in status(app)
        # Enter still opens the chosen entry.
        results.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TimelineScreen)


def _result(first_line: str, snippet: str) -> Any:
    from datetime import UTC, datetime

    from kapjournal.core.index import SearchResult

    return SearchResult(
        id="a" * 32, kind="entry", entry_id="a" * 32, created=datetime(2026, 11, 4, tzinfo=UTC),
        first_line=first_line, session_no=1, session_id=None, route=None, snippet=snippet,
        spans=((0, 6),), score=-1.0,
    )  # fmt: skip


def test_search_result_says_an_untitled_first_line_once() -> None:
    from kapjournal.widgets.search_results import render_result

    body = "Walked by the river after work. Noticed the light on the water"
    text = render_result(_result(body[:50] + "\u2026", body + "\u2026"))
    head, snippet = text.plain.split("\n")
    assert "Walked" not in head and snippet.strip().startswith("Walked by the river")
    titled = render_result(_result("River walk", body))
    assert "River walk" in titled.plain.split("\n")[0]
    inside = render_result(_result("Walked by the river", "\u2026the river after work"))
    assert "Walked by the river" in inside.plain.split("\n")[0]


async def test_search_results_stay_two_lines_each_in_a_narrow_list(filled: Journal) -> None:
    filled.add_entry("river " + "long words that go on " * 20)
    async with searched(filled, "river", size=(60, 30)) as (app, pilot):
        results = app.screen.query_one(SearchResults)
        assert len(results.results) == 3
        # Three results of two lines each (no wrapping), and nothing else in the list.
        assert results.virtual_size.height == 6


async def test_search_screen_typing_in_the_results_goes_to_the_query(filled: Journal) -> None:
    async with searched(filled, "river") as (app, pilot):
        results = app.screen.query_one(SearchResults)
        await pilot.press("enter")  # enter in the query moves into the results
        assert results.has_focus
        await pilot.press(*" sister")
        await settle(app, pilot)
        query = app.screen.query_one("#search-query", Input)
        assert query.has_focus
        assert query.value == "river sister"
        assert [r.first_line for r in results.results] == ["River walk"]


async def test_search_screen_empty_journal_says_nothing_is_written_yet(journal: Journal) -> None:
    try:
        async with searched(journal, "river") as (app, pilot):
            assert status(app) == "Nothing written yet. Entries you write can be found here."
    finally:
        drop_service(journal, save=False)


async def test_search_screen_no_match_still_suggests_fewer_words(filled: Journal) -> None:
    async with searched(filled, "zebra") as (app, pilot):
        assert status(app).startswith("No matches.")
