"""``SafeTextArea``: a ``TextArea`` that never sends control characters to the terminal.

Textual's ``TextArea`` draws the document as it is, so an ESC, C1 control or
bidi override in an entry (pasted, imported or hostile) would reach the
terminal raw. The text itself must stay exactly as written, so only the
rendered lines are filtered: such characters are dropped from each drawn line.
Textual measures them as zero cells wide, so dropping them keeps the cursor,
selection and wrapping where Textual expects them.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import TextArea

from kapjournal.core.sanitize import drop_unsafe, has_unsafe


def inert_strip(strip: Strip) -> Strip:
    """``strip`` with terminal-active characters removed (cheap when there are none)."""
    segments = list(strip)
    if not any(has_unsafe(seg.text) for seg in segments):
        return strip
    cleaned = [Segment(drop_unsafe(seg.text), seg.style, seg.control) for seg in segments]
    return Strip(cleaned, strip.cell_length)


class SafeTextArea(TextArea):
    """A ``TextArea`` whose drawn lines hold no raw control characters."""

    def render_line(self, y: int) -> Strip:
        return inert_strip(super().render_line(y))
