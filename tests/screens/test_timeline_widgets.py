"""The chart helpers and the virtualised row list used by the timeline."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import App, ComposeResult

from kapjournal.widgets.charts import (
    SeriesPoint,
    SessionBar,
    hbar,
    render_change_table,
    render_score_chart,
    render_session_bars,
    spark,
)
from kapjournal.widgets.row_list import ListRow, RowList


def test_spark_marks_missing_values() -> None:
    assert spark([0, 5, None, 10]) == "▁▅·█"


def test_hbar_fills_in_proportion() -> None:
    assert hbar(3, 3, 4) == "████"
    assert hbar(0, 3, 4) == "    "
    assert hbar(5, 10, 4) == "██  "
    assert len(hbar(1, 3, 7)) == 7


def test_score_chart_fits_the_box_and_marks_sessions() -> None:
    start = date(2026, 1, 1)
    points = [SeriesPoint(start + timedelta(days=d), float(d % 11)) for d in range(0, 90, 3)]
    markers = [start + timedelta(days=10), start + timedelta(days=40)]
    for width, height in ((76, 6), (150, 12)):
        text = render_score_chart(points, markers, width=width, height=height, title="Mood")
        lines = text.plain.split("\n")
        assert len(lines) == height
        assert all(len(line) <= width for line in lines)
        assert lines[-2].count("▲") == 2
        assert lines[-1].startswith("2026-01-01") and lines[-1].endswith("2026-03-29")


def test_score_chart_empty_says_so() -> None:
    text = render_score_chart([], [], width=40, height=5, title="Mood")
    assert "No check-ins" in text.plain


def test_session_bars_show_dose_route_effects_and_dissociation() -> None:
    bars = [
        SessionBar("#1 26-10-05", "IV", "0.5 mg/kg", 2, 6),
        SessionBar("#2 26-10-15", "IM", "50 mg", None, None),
    ]
    wide = render_session_bars(bars, 80).plain.split("\n")
    assert "moderate" in wide[1] and wide[1].rstrip().endswith("6")
    assert "not noted" in wide[2]
    narrow = render_session_bars(bars, 50).plain.split("\n")
    assert all(len(line) <= 50 for line in narrow)
    assert "0.5 mg/kg" in narrow[1]


def test_change_table_shows_values_and_changes() -> None:
    text = render_change_table(
        ["Before", "Day 0", "Day 1", "Day 7"],
        {"mood": "Mood"},
        {"mood": [4, 5, None, 8]},
        {"mood": ["—", "+1", "—", "+4"]},
        60,
    ).plain
    assert "5(+1)" in text and "8(+4)" in text and "—" in text


class RowsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RowList([ListRow(f"row {n}") for n in range(10_000)])


async def test_row_list_handles_ten_thousand_rows() -> None:
    app = RowsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.focus()
        await pilot.press("G")
        assert rows.cursor == 9_999
        assert rows.scroll_offset.y > 9_000
        await pilot.press("pageup")
        assert rows.cursor < 9_999
        await pilot.press("g", "j", "j")
        assert rows.cursor == 2
        rows.set_rows([ListRow("only one")])
        await pilot.pause()
        assert rows.cursor == 0 and rows.scroll_offset.y == 0
