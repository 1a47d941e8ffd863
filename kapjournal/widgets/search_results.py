"""``SearchResults``: a list of search hits with highlighted snippets.

Knows nothing of the vault: it is given result objects and posts
``SearchResults.Chosen`` when the user presses enter on one. All user text is
made inert and rendered as plain ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kapjournal.core.index import SearchResult
from kapjournal.core.sanitize import clean, clean_line


def render_result(result: SearchResult, *, hide_text: bool = False) -> Text:
    """Two lines: date, session and title; then the snippet with matches highlighted.

    ``hide_text`` (privacy mode): the date and session only, no title or excerpt.
    """
    when = result.created.strftime("%a %d %b %Y")
    where = f"session {result.session_no}" if result.session_no else "no session"
    label = "insight" if result.kind == "insight" else ""
    head = Text(overflow="ellipsis", no_wrap=True)
    head.append(when, style="bold")
    head.append(f"  {where}", style="dim")
    if label:
        head.append(f"  {label}", style="italic")
    if hide_text:
        head.append("  (title hidden)", style="dim")
        hidden = Text("  (excerpt hidden: privacy mode)", style="dim")
        return Text("\n").join([head, hidden])
    snippet_text = clean(result.snippet)
    line = clean_line(result.first_line)
    # An untitled entry's first line is usually where its snippet starts: say it once.
    if not snippet_text.lstrip("\u2026 ").startswith(line[:30].rstrip("\u2026")):
        head.append("  " + line)
    snippet = Text("  " + snippet_text, overflow="ellipsis", no_wrap=True)
    for start, end in result.spans:
        snippet.stylize("reverse bold", start + 2, end + 2)
    return Text("\n").join([head, snippet])  # one line each: see the CSS below


class SearchResults(OptionList):
    """Search hits; arrows move, enter chooses."""

    DEFAULT_CSS = """
    SearchResults {
        height: 1fr;
        border: none;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    class Chosen(Message):
        """The user pressed enter on a result."""

        def __init__(self, result: SearchResult) -> None:
            self.result = result
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.results: list[SearchResult] = []

    def show(self, results: Sequence[SearchResult], *, hide_text: bool = False) -> None:
        """Replace the list, highlighting the first result (``hide_text``: privacy mode)."""
        self.results = list(results)
        self.clear_options()
        options = [
            Option(render_result(r, hide_text=hide_text), id=str(i)) for i, r in enumerate(results)
        ]
        self.add_options(options)
        if results:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.results):
            self.post_message(self.Chosen(self.results[index]))
