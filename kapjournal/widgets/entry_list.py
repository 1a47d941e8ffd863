"""``EntryList``: a selectable list of dated one-line items, newest first.

Reusable and vault-agnostic: the parent passes ``EntryRow`` values (already
sanitised text) and hears ``EntryList.Opened`` / ``EntryList.DeleteRequested``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class EntryRow:
    """One row: an id, a date label and a one-line summary (plain text)."""

    id: str
    when: str
    summary: str
    tags: tuple[str, ...] = ()


class EntryList(OptionList):
    """Entries as date + first line. Enter opens, Delete asks to delete."""

    BINDINGS = [
        Binding("delete", "request_delete", "Delete", show=False),
    ]

    DEFAULT_CSS = """
    EntryList {
        height: 1fr;
        border: none;
        padding: 0 1;
    }
    """

    @dataclass
    class Opened(Message):
        """The user chose an entry (enter or click)."""

        entry_list: EntryList
        entry_id: str

        @property
        def control(self) -> EntryList:
            return self.entry_list

    @dataclass
    class DeleteRequested(Message):
        """The user asked to delete the highlighted entry."""

        entry_list: EntryList
        entry_id: str

        @property
        def control(self) -> EntryList:
            return self.entry_list

    _rows: Sequence[EntryRow] = ()
    _hide: bool = False

    def set_rows(self, rows: Sequence[EntryRow], *, hide_summaries: bool = False) -> None:
        """Replace the rows, keeping the highlight on the same id when possible."""
        self._rows = list(rows)
        self._hide = hide_summaries
        self._render_rows()

    def on_resize(self) -> None:
        if self._rows:
            self._render_rows()

    def _line(self, row: EntryRow, width: int) -> Text:
        text = Text(no_wrap=True)
        text.append(row.when, style="bold")
        text.append("  ")
        if self._hide:
            text.append("(title hidden)", style="dim")
            return text
        # Text(...) never parses markup, so user text stays inert.
        room = max(10, width - len(row.when) - 2)
        summary = row.summary
        tags = " ".join(f"#{t}" for t in row.tags if f"#{t}" not in summary)
        if tags and len(summary) + len(tags) + 2 <= room:
            text.append(summary)
            text.append("  " + tags, style="dim")
        else:
            text.append(summary if len(summary) <= room else summary[: room - 1] + "\u2026")
        return text

    def _render_rows(self) -> None:
        rows = self._rows
        current = self.highlighted_id
        width = self.scrollable_content_region.width or 80
        self.clear_options()
        options = [Option(self._line(row, width - 1), id=row.id) for row in rows]
        self.add_options(options)
        if not options:
            return
        index = 0
        if current is not None:
            for i, row in enumerate(rows):
                if row.id == current:
                    index = i
                    break
        self.highlighted = index

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Opened(self, event.option.id))

    def action_request_delete(self) -> None:
        entry_id = self.highlighted_id
        if entry_id is not None:
            self.post_message(self.DeleteRequested(self, entry_id))
