"""ScalePicker keys and PickOne choice."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kapjournal.widgets.pick_one import PickOne
from kapjournal.widgets.scale_picker import ScalePicker


class PickerApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ScalePicker("low end", "high end", id="sp")
        yield PickOne(["[b]bold?[/b]", "plain"], id="po")


async def test_scale_picker_keys_set_and_clear_value() -> None:
    app = PickerApp()
    async with app.run_test() as pilot:
        picker = app.query_one("#sp", ScalePicker)
        picker.focus()
        assert picker.value is None
        await pilot.press("right")
        assert picker.value == 5  # first arrow starts in the middle
        await pilot.press("right", "right")
        assert picker.value == 7
        await pilot.press("1", "0")
        assert picker.value == 10
        await pilot.press("end", "right")
        assert picker.value == 10
        await pilot.press("home", "left")
        assert picker.value == 0
        await pilot.press("backspace")
        assert picker.value is None
        rendered = str(picker.render())
        assert rendered.startswith("low end") and rendered.endswith("high end")


async def test_pick_one_shows_labels_as_plain_text() -> None:
    app = PickerApp()
    async with app.run_test() as pilot:
        po = app.query_one("#po", PickOne)
        po.focus()
        assert po.chosen is None
        await pilot.press("enter")
        assert po.chosen == "[b]bold?[/b]"
