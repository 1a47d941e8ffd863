"""Review mode: a read-only viewer of a JSON export, for therapists.

Opened by ``kapjournal review FILE``. The export was decrypted and validated
in memory before this screen starts; nothing here writes to disk, and all
user text is shown as plain ``rich.text.Text`` after ``sanitize.clean``.

| key | action |
|-----|--------|
| 1 | Summary tab |
| 2 | Timeline tab |
| / | Search within the export |
| q | Quit |
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Footer,
    Header,
    Input,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    Tree,
)
from textual.widgets.option_list import Option

from kapjournal.core.export.model import ExportDocument, Item
from kapjournal.core.export.plaintext import (
    cycle_text,
    item_text,
    item_title,
    searchable,
    summary_text,
)
from kapjournal.core.sanitize import clean, clean_line

MAX_RESULTS = 200


class ReviewScreen(Screen[None]):
    """Summary, timeline by session and search of one export (read-only)."""

    BINDINGS = [
        Binding("1", "show_tab('summary')", "Summary"),
        Binding("2", "show_tab('timeline')", "Timeline"),
        Binding("slash", "search", "Search"),
        Binding("q", "app.quit", "Quit"),
    ]

    DEFAULT_CSS = """
    ReviewScreen .review--pane { height: 1fr; }
    ReviewScreen #summary-alert { border: heavy $error; color: $error; padding: 0 1;
        margin-bottom: 1; }
    ReviewScreen #timeline-tree { width: 45%; }
    ReviewScreen #timeline-detail, ReviewScreen #search-detail { padding: 0 1; }
    ReviewScreen #search-results { height: auto; max-height: 40%; }
    ReviewScreen #search-count { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, doc: ExportDocument, *, title: str = "") -> None:
        super().__init__()
        self.doc = doc
        self.file_title = title
        self.items: list[Item] = [it for c in doc.groups for it in c.items]
        self._haystack: list[str] | None = None
        self._results: list[Item] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="summary"):
            with (
                TabPane("Summary", id="summary"),
                VerticalScroll(id="summary-scroll", classes="review--pane"),
            ):
                yield Static(self._alert(), id="summary-alert")
                yield Static(Text(clean(summary_text(self.doc))), id="summary-text")
            with TabPane("Timeline", id="timeline"), Horizontal(classes="review--pane"):
                yield Tree("Sessions", id="timeline-tree")
                with VerticalScroll():
                    yield Static(Text("Choose an entry on the left."), id="timeline-detail")
            with TabPane("Search", id="search"):
                yield Input(
                    placeholder="Search this export (words in any order)", id="search-input"
                )
                yield Static(Text(""), id="search-count")
                yield OptionList(id="search-results")
                with VerticalScroll(classes="review--pane"):
                    yield Static(Text(""), id="search-detail")
        yield Footer()

    def _alert(self) -> Text:
        """Crisis-screen events flagged first, as the HTML and Markdown exports do."""
        n = len(self.doc.safety_rows)
        if not n:
            return Text("")
        return Text(
            f"The crisis screen was shown {n} time{'s' if n != 1 else ''} in this period "
            "(see CRISIS-SCREEN EVENTS below).",
            style="bold",
        )

    def on_mount(self) -> None:
        self.title = "kapjournal review"
        self.query_one("#summary-alert").display = bool(self.doc.safety_rows)
        self.sub_title = clean_line(f"{self.file_title} · read-only, nothing is saved")
        tree: Tree[Any] = self.query_one("#timeline-tree", Tree)
        tree.show_root = False
        for n, cycle in enumerate(self.doc.groups):
            label = f"{cycle.heading} ({len(cycle.items)})"
            node = tree.root.add(Text(clean_line(label)), data=("cycle", n), expand=n == 0)
            if n == 0:
                self._fill(node, n)
        # Arrow keys and page up/down scroll the summary straight away.
        self.query_one("#summary-scroll", VerticalScroll).focus()

    def _fill(self, node: Any, index: int) -> None:
        if node.children:
            return
        for it in self.doc.groups[index].items:
            node.add_leaf(Text(clean_line(item_title(it))), data=("item", it))

    @on(Tree.NodeExpanded, "#timeline-tree")
    def _expanded(self, event: Tree.NodeExpanded[Any]) -> None:
        data = event.node.data
        if data and data[0] == "cycle":
            self._fill(event.node, data[1])

    @on(Tree.NodeHighlighted, "#timeline-tree")
    @on(Tree.NodeSelected, "#timeline-tree")
    def _show(self, event: Tree.NodeHighlighted[Any] | Tree.NodeSelected[Any]) -> None:
        data = event.node.data
        detail = self.query_one("#timeline-detail", Static)
        if data and data[0] == "item":
            detail.update(Text(clean(item_text(data[1]))))
        elif data and data[0] == "cycle":
            detail.update(Text(clean(cycle_text(self.doc.groups[data[1]]))))

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        # Move the focus into the tab shown, so the arrow keys work there at once (and a
        # focus left behind in the hidden tab cannot switch back to it).
        target = "#summary-scroll" if tab == "summary" else "#timeline-tree"
        self.query_one(target).focus()

    def action_search(self) -> None:
        self.query_one(TabbedContent).active = "search"
        self.query_one("#search-input", Input).focus()

    def search(self, query: str) -> list[Item]:
        """Items containing every word of ``query`` (case-insensitive)."""
        words = query.lower().split()
        if not words:
            return []
        if self._haystack is None:
            self._haystack = [searchable(it) for it in self.items]
        found = []
        for it, text in zip(self.items, self._haystack, strict=True):
            if all(w in text for w in words):
                found.append(it)
                if len(found) >= MAX_RESULTS:
                    break
        return found

    @on(Input.Changed, "#search-input")
    def _search(self, event: Input.Changed) -> None:
        results = self.search(event.value)
        box = self.query_one("#search-results", OptionList)
        box.clear_options()
        self._results = results
        box.add_options(
            [Option(Text(clean_line(item_title(it))), id=str(n)) for n, it in enumerate(results)]
        )
        count = self.query_one("#search-count", Static)
        if event.value.strip() and not results:
            count.update(Text("Nothing in this export matches."))
        else:
            more = " (showing the first 200)" if len(results) >= MAX_RESULTS else ""
            hint = " Enter or Tab to go through them." if results else ""
            count.update(
                Text(f"{len(results)} match(es){more}.{hint}" if event.value.strip() else "")
            )
        self.query_one("#search-detail", Static).update(Text(""))
        if results:
            box.highlighted = 0  # the best match shows below at once

    @on(Input.Submitted, "#search-input")
    def _to_results(self) -> None:
        box = self.query_one("#search-results", OptionList)
        if box.option_count:
            box.focus()

    @on(OptionList.OptionHighlighted, "#search-results")
    @on(OptionList.OptionSelected, "#search-results")
    def _pick(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        if event.option_id is None:
            return
        item = self._results[int(event.option_id)]
        self.query_one("#search-detail", Static).update(Text(clean(item_text(item))))


class ReviewApp(App[None]):
    """A minimal app around :class:`ReviewScreen` (no vault, no writes)."""

    TITLE = "kapjournal review"

    def __init__(self, doc: ExportDocument, *, title: str = "") -> None:
        super().__init__()
        self.doc = doc
        self.file_title = title

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.doc, title=self.file_title))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's screenshot command would write the patient's text to an SVG file.
        for command in super().get_system_commands(screen):
            if "screenshot" not in command.title.lower():
                yield command

    def on_unmount(self) -> None:
        # Wipe the screen and scrollback before leaving (as the journal app does).
        from kapjournal.app import CLEAR_TERMINAL

        driver = self._driver
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.write(CLEAR_TERMINAL)
                driver.flush()


def run_review(doc: ExportDocument, *, title: str = "") -> None:
    ReviewApp(doc, title=title).run()
