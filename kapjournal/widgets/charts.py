"""Small text charts that read well from 80x24 up: scores over time, per-session bars.

The widgets take plain numbers and labels (they know nothing of the vault)
and draw with block characters, so they look the same in every terminal and
in snapshot tests. Nothing here judges a value: bars show sizes, not
"better" or "worse".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"
SPARKS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[int | None], top: int = 10) -> str:
    """A tiny sparkline; missing values are shown as a middle dot."""
    out = []
    for v in values:
        if v is None:
            out.append("·")
        else:
            level = round(max(0, min(v, top)) / top * (len(SPARKS) - 1))
            out.append(SPARKS[level])
    return "".join(out)


def hbar(value: float, top: float, width: int) -> str:
    """A horizontal bar of ``width`` cells filled in proportion, in eighths."""
    if width <= 0 or top <= 0:
        return ""
    eighths = round(max(0.0, min(value, top)) / top * width * 8)
    full, part = divmod(eighths, 8)
    partial = "▏▎▍▌▋▊▉"[part - 1] if part else ""
    return ("█" * full + partial).ljust(width)


@dataclass(frozen=True)
class SeriesPoint:
    day: date
    value: float


class ScoreChart(Widget):
    """Check-in scores over time as columns, with session days marked ▲ below."""

    DEFAULT_CSS = """
    ScoreChart {
        height: 1fr;
        min-height: 5;
        padding: 0 1;
        color: $accent;
        & > .score-chart--axis { color: $text-muted; }
        & > .score-chart--marker { color: $primary; text-style: bold; }
        & > .score-chart--title { color: $text; text-style: bold; }
    }
    """
    COMPONENT_CLASSES = {"score-chart--axis", "score-chart--marker", "score-chart--title"}

    title: reactive[str] = reactive("")
    """Shown on the first line, e.g. "Mood (0-10), daily average"."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._points: list[SeriesPoint] = []
        self._markers: list[date] = []
        self._top = 10.0

    def set_data(
        self,
        points: Sequence[SeriesPoint],
        markers: Sequence[date],
        *,
        title: str = "",
        top: float = 10.0,
    ) -> None:
        """Replace the series and the session days to mark."""
        self._points = sorted(points, key=lambda p: p.day)
        self._markers = sorted(markers)
        self._top = top
        self.title = title
        self.refresh()

    def render(self) -> Text:
        width = max(0, self.content_region.width)
        height = max(0, self.content_region.height)
        return render_score_chart(
            self._points,
            self._markers,
            width=width,
            height=height,
            title=self.title,
            top=self._top,
            axis_style=self.get_component_rich_style("score-chart--axis", partial=True),
            marker_style=self.get_component_rich_style("score-chart--marker", partial=True),
            title_style=self.get_component_rich_style("score-chart--title", partial=True),
        )


def render_score_chart(
    points: Sequence[SeriesPoint],
    markers: Sequence[date],
    *,
    width: int,
    height: int,
    title: str = "",
    top: float = 10.0,
    axis_style: object = "",
    marker_style: object = "",
    title_style: object = "",
) -> Text:
    """Draw the chart as ``height`` lines of ``width`` cells."""
    text = Text(no_wrap=True, overflow="crop")
    if height <= 0 or width <= 0:
        return text
    lines_left = height
    if title:
        text.append(title[:width], style=title_style)  # type: ignore[arg-type]
        lines_left -= 1
        if lines_left:
            text.append("\n")
    if not points:
        if lines_left:
            text.append("No check-ins in this range yet."[:width], style=axis_style)  # type: ignore[arg-type]
        return text
    gutter = 3
    plot_w = max(1, width - gutter)
    body_h = max(1, lines_left - 2)
    first = min(points[0].day, markers[0] if markers else points[0].day)
    last = max(points[-1].day, markers[-1] if markers else points[-1].day)
    span = max(1, (last - first).days + 1)
    cols = plot_w

    def col_of(day: date) -> int:
        return min(cols - 1, (day - first).days * cols // span)

    # Each column covers one or more days (or one day spreads over several
    # columns when the range is short), so the chart always fills the width.
    by_day: dict[int, list[float]] = {}
    for p in points:
        if first <= p.day <= last:
            by_day.setdefault((p.day - first).days, []).append(p.value)
    means: list[float | None] = []
    for c in range(cols):
        lo = c * span // cols
        hi = max(lo + 1, (c + 1) * span // cols)
        values = [v for d in range(lo, hi) for v in by_day.get(d, [])]
        means.append(sum(values) / len(values) if values else None)
    marks = {col_of(d) for d in markers if first <= d <= last}
    for row in range(body_h):
        # Row 0 is the top line of the plot.
        label = ""
        if row == 0:
            label = f"{int(top)}"
        elif row == body_h - 1:
            label = "0"
        text.append(label.rjust(gutter - 1) + "┤", style=axis_style)  # type: ignore[arg-type]
        cells = []
        floor = (body_h - 1 - row) * 8
        for mean in means:
            if mean is None:
                cells.append(" ")
                continue
            level = round(mean / top * body_h * 8)
            fill = max(0, min(8, level - floor))
            if fill == 0 and row == body_h - 1 and mean >= 0:
                cells.append("▁")  # a zero still shows that a check-in exists
            else:
                cells.append(BLOCKS[fill])
        text.append("".join(cells))
        text.append("\n")
    axis = "".join("▲" if c in marks else "─" for c in range(cols))
    text.append(" " * (gutter - 1) + "└", style=axis_style)  # type: ignore[arg-type]
    for ch in axis:
        text.append(ch, style=marker_style if ch == "▲" else axis_style)  # type: ignore[arg-type]
    if lines_left >= 2:
        left = f"{first:%Y-%m-%d}"
        right = f"{last:%Y-%m-%d}"
        legend = "▲ session"
        line = left
        room = gutter + cols - len(left) - len(right)
        if room >= len(legend) + 2:
            pad = room - len(legend)
            line = left + " " * (pad // 2) + legend + " " * (pad - pad // 2) + right
        elif room > 0:
            line = left + " " * room + right
        text.append("\n")
        text.append(line[:width], style=axis_style)  # type: ignore[arg-type]
    return text


@dataclass(frozen=True)
class SessionBar:
    """One session's row in :class:`SessionBars`."""

    label: str  # e.g. "#3 11-10"
    route: str
    dose: str
    severity: int | None  # highest side-effect rating 0-3, None when not recorded
    dissociation: int | None  # 0-10


SEVERITY_WORDS = ("none", "mild", "moderate", "severe")


def render_session_bars(
    bars: Sequence[SessionBar],
    width: int,
    *,
    severity_style: object = "",
    dissociation_style: object = "",
) -> Text:
    """Side effects (0-3) and dissociation (0-10) per session, beside dose and route."""
    text = Text(no_wrap=True, overflow="crop")
    if not bars:
        text.append("No sessions logged in this range.")
        return text
    label_w = max(len(b.label) for b in bars)
    route_w = min(12, max(len("Route"), *(len(b.route) for b in bars)))
    dose_w = min(14, max(len("Dose"), *(len(b.dose) for b in bars)))
    room = max(0, width - (label_w + route_w + dose_w + 3))
    show_words = room - 14 >= 6
    bar_w = min(10, (room - 14) // 2) if show_words else max(2, min(10, (room - 6) // 2))
    sev_w = bar_w + 1 + (9 if show_words else 1)
    header = (
        "".ljust(label_w)
        + " "
        + "Route".ljust(route_w)
        + " "
        + "Dose".ljust(dose_w)
        + " "
        + ("Side effects" if sev_w >= 12 else "Effects").ljust(sev_w)[:sev_w]
        + (" Dissociation" if bar_w + 3 >= 12 else " Dissoc.")
    )
    text.append(header[:width] + "\n", style="bold")
    for i, b in enumerate(bars):
        line = Text(no_wrap=True)
        line.append(b.label.ljust(label_w) + " ")
        line.append(b.route[:route_w].ljust(route_w) + " ")
        line.append(b.dose[:dose_w].ljust(dose_w) + " ")
        if b.severity is None:
            sev = "·".ljust(bar_w) + " " + ("not noted" if show_words else "-")
        else:
            word = SEVERITY_WORDS[b.severity] if 0 <= b.severity <= 3 else str(b.severity)
            tail = word.ljust(9) if show_words else str(b.severity)
            sev = hbar(b.severity, 3, bar_w) + " " + tail
        line.append(sev, style=severity_style)  # type: ignore[arg-type]
        line.append(" ")
        if b.dissociation is None:
            dis = "·".ljust(bar_w) + " -"
        else:
            dis = hbar(b.dissociation, 10, bar_w) + f" {b.dissociation}"
        line.append(dis, style=dissociation_style)  # type: ignore[arg-type]
        line.truncate(width)
        text.append_text(line)
        if i < len(bars) - 1:
            text.append("\n")
    return text


class SessionBars(ScrollView):
    """Per-session side-effect severity and dissociation beside dose and route.

    A line-API scroll view: only the visible sessions are drawn, so a course of
    200 sessions costs the same as one of 5.
    """

    DEFAULT_CSS = """
    SessionBars {
        height: 1fr;
        padding: 0 1;
        overflow-x: hidden;
        & > .session-bars--severity { color: $warning; }
        & > .session-bars--dissociation { color: $accent; }
    }
    """
    COMPONENT_CLASSES = {"session-bars--severity", "session-bars--dissociation"}

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._bars: list[SessionBar] = []
        self._lines: list[Text] = []
        self._lines_width = -1

    def set_bars(self, bars: Sequence[SessionBar]) -> None:
        self._bars = list(bars)
        self._lines_width = -1
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._bars) + 1)
        self.refresh()

    def _ensure_lines(self, width: int) -> list[Text]:
        if width != self._lines_width:
            text = render_session_bars(
                self._bars,
                width,
                severity_style=self.get_component_rich_style(
                    "session-bars--severity", partial=True
                ),
                dissociation_style=self.get_component_rich_style(
                    "session-bars--dissociation", partial=True
                ),
            )
            self._lines = list(text.split("\n", allow_blank=True))
            self._lines_width = width
        return self._lines

    def notify_style_update(self) -> None:
        self._lines_width = -1
        super().notify_style_update()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._bars) + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        lines = self._ensure_lines(width)
        base = self.rich_style
        if index >= len(lines):
            return Strip.blank(width, base)
        segments = list(lines[index].render(self.app.console))
        return Strip(segments).apply_style(base).crop_extend(0, width, base)


FIELDS = ("mood", "anxiety", "sleep", "hope", "connectedness")


def render_change_table(
    labels: Sequence[str],
    field_labels: dict[str, str],
    values: dict[str, list[int | None]],
    deltas: dict[str, list[str]],
    width: int,
) -> Text:
    """Scores at the four points around a session, their change, and a sparkline."""
    text = Text(no_wrap=True, overflow="crop")
    name_w = max(len(v) for v in field_labels.values()) + 1
    col_w = 7
    header = " " * name_w + "".join(lab[: col_w - 1].ljust(col_w) for lab in labels)
    text.append(header[:width] + "\n", style="bold")
    for i, (f, label) in enumerate(field_labels.items()):
        row = values.get(f, [])
        cells = []
        for j, v in enumerate(row):
            if v is None:
                cells.append("—".ljust(col_w))
            elif j == 0:
                cells.append(str(v).ljust(col_w))
            else:
                cells.append(f"{v}({deltas[f][j]})".ljust(col_w))
        line = label.ljust(name_w) + "".join(cells) + " " + spark(row)
        text.append(line[:width])
        if i < len(field_labels) - 1:
            text.append("\n")
    return text
