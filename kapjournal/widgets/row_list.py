"""``RowList``: a virtualised one-line-per-row list with a cursor.

Only the rows on screen are rendered, so a list of 10,000+ rows opens and
scrolls in constant time (Textual's ``OptionList`` measures every option when
it is filled, which takes too long for a 3-year journal). The widget knows
nothing about the vault: it shows :class:`ListRow` values given by its parent
and posts :class:`RowList.Highlighted` and :class:`RowList.Selected`.

Keys: j/k or arrows move, g/G or home/end jump, page up/down, enter selects.
Mouse: click highlights, clicking the highlighted row (or double-click) selects,
the wheel scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class ListRow:
    """One row: already-sanitised text, a style name and an indent level."""

    text: str
    style: str = ""
    """A component class suffix, e.g. "session" for ``row-list--session``."""
    depth: int = 0
    marker: str = ""
    """A short symbol shown before the text (e.g. "◆" for an insight)."""


class RowList(ScrollView, can_focus=True):
    """A fast, keyboard- and mouse-driven list of one-line rows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "first", "Top", show=False),
        Binding("end,G", "last", "Bottom", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Open", show=True),
    ]
    """
    | Key | Action |
    | --- | --- |
    | j / down, k / up | Move the cursor |
    | g / home, G / end | First / last row |
    | page up / page down | Move a page |
    | enter | Select (open) the row |
    """

    COMPONENT_CLASSES = {
        "row-list--cursor",
        "row-list--heading",
        "row-list--session",
        "row-list--upcoming",
        "row-list--insight",
        "row-list--follow_up",
        "row-list--checkin",
        "row-list--muted",
        "row-list--marker",
    }

    DEFAULT_CSS = """
    RowList {
        background: $surface;
        height: 1fr;
        overflow-x: hidden;
        & > .row-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .row-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .row-list--heading { color: $text-muted; text-style: bold italic; }
        & > .row-list--session { color: $primary; text-style: bold; }
        & > .row-list--upcoming { color: $text-muted; text-style: italic; }
        & > .row-list--insight { color: $warning; }
        & > .row-list--follow_up { color: $text-muted; }
        & > .row-list--checkin { color: $text-muted; }
        & > .row-list--muted { color: $text-muted; }
        & > .row-list--marker { color: $accent; text-style: bold; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=True)
    """Index of the highlighted row."""

    class Highlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Message):
        """A row was chosen (enter or a second click)."""

        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(
        self,
        rows: Sequence[ListRow] = (),
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[ListRow] = rows
        self._row_styles: dict[str, Style] = {}

    # -- data ---------------------------------------------------------

    @property
    def rows(self) -> Sequence[ListRow]:
        return self._rows

    def set_rows(self, rows: Sequence[ListRow], cursor: int = 0) -> None:
        """Replace every row (cheap: nothing is measured or rendered up front)."""
        self._rows = rows
        self.virtual_size = Size(self.size.width, len(rows))
        self.cursor = self._clamp(cursor)
        self.scroll_to_cursor(animate=False, center=True)
        self.refresh()

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self._rows) - 1)) if self._rows else 0

    # -- rendering ----------------------------------------------------

    def notify_style_update(self) -> None:
        self._row_styles.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._row_styles.get(name)
        if style is None:
            style = self.get_component_rich_style(name, partial=True)
            self._row_styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        style = base
        if row.style:
            style = base + self._style(f"row-list--{row.style}")
        if index == self.cursor:
            style = style + self._style("row-list--cursor")
        segments = [Segment(" " + "  " * row.depth, style)]
        if row.marker:
            segments.append(Segment(row.marker + " ", style + self._style("row-list--marker")))
        segments.append(Segment(row.text, style))
        strip = Strip(segments).crop_extend(scroll_x, scroll_x + width, style)
        return strip

    # -- cursor -------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self._rows:
            self.post_message(self.Highlighted(self, new))

    def scroll_to_cursor(self, *, animate: bool = False, center: bool = False) -> None:
        if not self._rows:
            return
        self.scroll_to_region(
            Region(0, self.cursor, 1, 1), animate=animate, center=center, force=True
        )

    def move_to(self, index: int) -> None:
        """Put the cursor on a row and bring it into view."""
        self.cursor = self._clamp(index)
        self.scroll_to_cursor()

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._rows) - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if not 0 <= index < len(self._rows):
            return
        event.stop()
        if index == self.cursor or event.chain > 1:
            self.cursor = index
            self.post_message(self.Selected(self, index))
        else:
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self._rows))
