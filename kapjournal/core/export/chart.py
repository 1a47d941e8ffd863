"""A small, dependency-free inline SVG trend chart of weekly check-in averages.

Only numbers and fixed labels go into the SVG (all passed through
``html.escape``), so no user text can reach the markup. Session dates are
drawn as dashed vertical lines labelled S1, S2...; each series has its own
colour (Okabe-Ito, colour-blind safe) *and* dash pattern, so the chart
still reads in black-and-white print.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

from kapjournal.core.export.model import CHECKIN_LABELS, WeekRow
from kapjournal.core.models import CHECKIN_FIELDS

SERIES_STYLE: dict[str, tuple[str, str]] = {
    "mood": ("#0072b2", ""),
    "anxiety": ("#d55e00", "6 3"),
    "sleep": ("#009e73", "2 3"),
    "hope": ("#cc79a7", "9 3 2 3"),
    "connectedness": ("#8a6d00", "12 4"),
}
WIDTH, HEIGHT = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 34, 128, 22, 34


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def trend_svg(weeks: Sequence[WeekRow], sessions: Sequence[tuple[date, int]]) -> str:
    """Return an ``<svg>`` element (a string) or ``""`` when there are no check-ins."""
    if not weeks:
        return ""
    points = [w.week + timedelta(days=3) for w in weeks]
    days = points + [d for d, _ in sessions]
    start, end = min(days), max(days)
    if (end - start).days < 14:
        start, end = start - timedelta(days=7), end + timedelta(days=7)
    span = (end - start).days or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(d: date) -> float:
        return LEFT + (d - start).days / span * plot_w

    def y(v: float) -> float:
        return TOP + (10 - v) / 10 * plot_h

    first_week, last_week = weeks[0].week, weeks[-1].week
    title = "Weekly check-in averages (0 to 10)"
    desc = (
        f"Lines for mood, anxiety, sleep, hope and connectedness, one point per week from "
        f"{first_week:%d %b %Y} to {last_week:%d %b %Y}; dashed vertical lines mark "
        f"{len(sessions)} session(s). The same numbers are in the table below."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        'stroke="#8a8a8a" stroke-width="0.8"/>',
    ]
    for v in range(0, 11, 2):
        yy = _fmt(y(v))
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{yy}" y2="{yy}" stroke="#e3e3e3" '
            'stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{_fmt(y(v) + 3.5)}" text-anchor="end" '
            f'font-size="10" fill="#333">{v}</text>'
        )
    # x ticks: month starts, or weeks for short spans; at most ~8 labels
    ticks: list[date] = []
    if span > 70:
        d = date(start.year, start.month, 1)
        while d <= end:
            if d >= start:
                ticks.append(d)
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        fmt = "%b %Y" if span > 400 else "%b"
    else:
        d = start - timedelta(days=start.weekday())
        while d <= end:
            if d >= start:
                ticks.append(d)
            d += timedelta(days=7)
        fmt = "%d %b"
    step = max(1, -(-len(ticks) // 8))
    for t in ticks[::step]:
        xx = _fmt(x(t))
        out.append(
            f'<line x1="{xx}" x2="{xx}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" stroke="#555"/>'
        )
        out.append(
            f'<text x="{xx}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="10" '
            f'fill="#333">{escape(t.strftime(fmt))}</text>'
        )
    # sessions
    label_step = max(1, -(-len(sessions) // 24))
    for n, (day, number) in enumerate(sessions):
        xx = _fmt(x(day))
        out.append(
            f'<line x1="{xx}" x2="{xx}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#6b6b6b" '
            'stroke-width="1" stroke-dasharray="3 3"/>'
        )
        if n % label_step == 0:
            out.append(
                f'<text x="{xx}" y="{TOP - 6}" text-anchor="middle" font-size="9" '
                f'fill="#333">S{number}</text>'
            )
    # series
    for name in CHECKIN_FIELDS:
        colour, dash = SERIES_STYLE[name]
        path: list[str] = []
        dots: list[str] = []
        pen_down = False
        for w, day in zip(weeks, points, strict=True):
            value = w.averages.get(name)
            if value is None:
                pen_down = False
                continue
            px, py = _fmt(x(day)), _fmt(y(value))
            path.append(f"{'L' if pen_down else 'M'}{px} {py}")
            pen_down = True
            if len(weeks) <= 60:
                dots.append(f'<circle cx="{px}" cy="{py}" r="2.4" fill="{colour}"/>')
        if not path:
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"'
            f'{dash_attr} stroke-linejoin="round"/>'
        )
        out.extend(dots)
    # legend
    lx = LEFT + plot_w + 14
    for n, name in enumerate(CHECKIN_FIELDS):
        colour, dash = SERIES_STYLE[name]
        ly = TOP + 12 + n * 20
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" x2="{lx + 26}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
        out.append(
            f'<text x="{lx + 32}" y="{ly + 4}" font-size="11" fill="#222">'
            f"{escape(CHECKIN_LABELS[name])}</text>"
        )
    ly = TOP + 12 + len(CHECKIN_FIELDS) * 20
    out.append(
        f'<line x1="{lx + 13}" x2="{lx + 13}" y1="{ly - 7}" y2="{ly + 7}" stroke="#6b6b6b" '
        'stroke-dasharray="3 3"/>'
    )
    out.append(f'<text x="{lx + 32}" y="{ly + 4}" font-size="11" fill="#222">Session</text>')
    out.append("</svg>")
    return "\n".join(out)


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """A text chart on a fixed 0-10 scale (a space where a week has no value)."""
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(SPARK[min(len(SPARK) - 1, max(0, round(v / 10 * (len(SPARK) - 1))))])
    return "".join(out)
