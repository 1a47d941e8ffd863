"""Search screen: results update as you type; enter opens the entry.

The index is prepared in a worker when the screen opens (loaded from its
sealed image, or rebuilt). Each keystroke restarts a short debounce; the query
then runs in an exclusive worker, so a slow, stale query never overwrites a
newer one.

Opening a result shows it in place on the timeline (:class:`TimelineScreen`).
When the timeline lands, enter should open the entry in place on the timeline
instead (see the note in the search helper's report).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from kapjournal.core.errors import KapError, QueryError
from kapjournal.core.index import SearchResult, SearchService, service_for
from kapjournal.core.sanitize import clean_line
from kapjournal.screens.base import JournalScreen
from kapjournal.widgets.search_results import SearchResults

DEBOUNCE_SECONDS = 0.15
RESULT_LIMIT = 50

HELP_TEXT = (
    'Words must all match. Also: "exact phrase", grat*, calm OR peace, -word, '
    "tag:grief, session:3, route:im, is:insight, pack:next_day, from:2026-01-01, "
    "to:..., since:2w"
)


@dataclass
class IndexReady(Message):
    """The search index can be queried."""

    source: str


@dataclass
class IndexFailed(Message):
    """Preparing the index failed with a user-facing message."""

    message: str


@dataclass
class SearchDone(Message):
    """Results for query number ``seq``."""

    seq: int
    results: list[SearchResult]
    nothing_written: bool = False
    """No results because the journal has no entries yet."""


@dataclass
class SearchFailed(Message):
    """Query number ``seq`` could not be understood."""

    seq: int
    message: str


class SearchScreen(JournalScreen):
    """Find entries and insights as you type."""

    BINDINGS = [
        Binding("escape", "back", "Back", priority=True),
        Binding("down", "to_results", "Results", show=False),
        Binding("f1", "help", "Query help"),
    ]
    """
    | key    | action                                           |
    |--------|--------------------------------------------------|
    | type   | search as you type                               |
    | down   | from the query, move into the results            |
    | up/down| move through the results                         |
    | enter  | open the highlighted entry                       |
    | type   | (in the results) go on typing in the query       |
    | escape | back to the query; from the query, close search  |
    | f1     | show the query language                          |
    """

    DEFAULT_CSS = """
    SearchScreen {
        layout: vertical;
    }
    SearchScreen #search-query {
        margin: 1 1 0 1;
    }
    SearchScreen #search-status {
        height: auto;
        min-height: 1;
        margin: 0 2;
        color: $text-muted;
    }
    SearchScreen #search-status.-problem {
        color: $warning;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._seq = 0
        self._shown_seq = 0
        self._ready = False
        self._service: SearchService | None = None
        self._timer: object | None = None
        self._privacy = False

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search your journal (F1 for filters)", id="search-query")
        yield Static("", id="search-status")
        yield SearchResults(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        self._service = service_for(self.journal)
        # Privacy mode hides titles in lists; here it hides titles and excerpts too.
        self._privacy = self.journal.settings().privacy_mode
        self._set_status("Preparing search\u2026")
        self.query_one("#search-query", Input).focus()
        self.prepare_index()

    # -- index ----------------------------------------------------------

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def prepare_index(self) -> None:
        worker = get_current_worker()
        service = self._service
        assert service is not None
        try:
            # No saving from this thread: the image is saved on lock (drop_service).
            service.ensure(save=False, cancelled=lambda: worker.is_cancelled)
        except KapError as err:
            self.post_message(IndexFailed(err.user_message))
            return
        except Exception:  # noqa: BLE001 - a worker must never crash the screen
            self.post_message(IndexFailed("Search could not be prepared. Please try again."))
            return
        if not worker.is_cancelled:
            self.post_message(IndexReady(service.source))

    @on(IndexReady)
    def _index_ready(self, message: IndexReady) -> None:
        self._ready = True
        text = self.query_one("#search-query", Input).value
        if text.strip():
            self._start_search()
        else:
            self._set_status("Type to search.")

    @on(IndexFailed)
    def _index_failed(self, message: IndexFailed) -> None:
        self._set_status(message.message, problem=True)

    # -- querying -------------------------------------------------------

    @on(Input.Changed, "#search-query")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self._start_search)

    @on(Input.Submitted, "#search-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(SearchResults)
        if results.results:
            results.focus()

    def _start_search(self) -> None:
        self._timer = None
        text = self.query_one("#search-query", Input).value
        self._seq += 1
        if not self._ready:
            self._set_status("Preparing search\u2026 your query will run when it is ready.")
            return
        if not text.strip():
            self._shown_seq = self._seq
            self.query_one(SearchResults).show([])
            self._set_status("Type to search.")
            return
        self.run_search(text, self._seq)

    @work(thread=True, exclusive=True, group="search-query", exit_on_error=False)
    def run_search(self, text: str, seq: int) -> None:
        worker = get_current_worker()
        service = self._service
        assert service is not None
        try:
            results = service.search(text, limit=RESULT_LIMIT)
        except QueryError as err:
            if not worker.is_cancelled:
                self.post_message(SearchFailed(seq, err.user_message))
            return
        except KapError as err:
            if not worker.is_cancelled:
                self.post_message(SearchFailed(seq, err.user_message))
            return
        nothing_written = not results and not service.recent(1)
        if not worker.is_cancelled:
            self.post_message(SearchDone(seq, results, nothing_written))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.seq < self._shown_seq or message.seq != self._seq:
            return  # an older query finished late
        self._shown_seq = message.seq
        self.query_one(SearchResults).show(message.results, hide_text=self._privacy)
        count = len(message.results)
        if count == 0 and message.nothing_written:
            self._set_status("Nothing written yet. Entries you write can be found here.")
            return
        if count == 0:
            self._set_status("No matches. Fewer words, or a prefix like grat*, may help.")
            return
        if count >= RESULT_LIMIT:
            text = f"Best {count} matches. Down arrow to move through them."
        else:
            plural = "match" if count == 1 else "matches"
            text = f"{count} {plural}. Down arrow to move through them."
        if self._privacy:
            text += " Privacy mode hides titles and excerpts."
        self._set_status(text)

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.seq != self._seq:
            return
        self._shown_seq = message.seq
        self._set_status(message.message, problem=True)

    def _set_status(self, text: str, *, problem: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.update(Text(clean_line(text)))
        status.set_class(problem, "-problem")

    # -- navigation -----------------------------------------------------

    def action_to_results(self) -> None:
        results = self.query_one(SearchResults)
        if self.focused is self.query_one("#search-query", Input) and results.results:
            results.focus()
        elif isinstance(self.focused, SearchResults):
            results.action_cursor_down()

    def on_key(self, event: events.Key) -> None:
        # Typing while the results have focus (after enter or the arrows)
        # goes on into the query instead of being lost.
        if isinstance(self.focused, SearchResults) and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            query = self.query_one("#search-query", Input)
            # Focusing selects the whole query, so the next key would replace
            # it; this one focus keeps the cursor at the end instead.
            query.select_on_focus = False
            query.value += event.character
            query.cursor_position = len(query.value)
            query.focus()

    @on(events.DescendantFocus)
    def _query_focused(self, event: events.DescendantFocus) -> None:
        if event.widget.id == "search-query" and isinstance(event.widget, Input):
            event.widget.select_on_focus = True

    def action_back(self) -> None:
        query = self.query_one("#search-query", Input)
        if self.focused is not query:
            query.focus()
        else:
            self.dismiss(None)

    def action_help(self) -> None:
        self._set_status(HELP_TEXT)

    @on(SearchResults.Chosen)
    def _open(self, message: SearchResults.Chosen) -> None:
        """Open the hit in place on the timeline; escape there comes back here."""
        from kapjournal.screens.timeline import TimelineScreen

        result = message.result
        self.app.push_screen(TimelineScreen(focus=result.entry_id or result.id))
