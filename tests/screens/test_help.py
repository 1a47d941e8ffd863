"""Help lists every key binding; no-colour mode is honoured."""

from __future__ import annotations

from pathlib import Path

from kapjournal.app import KapJournalApp
from kapjournal.screens.editor import EditorScreen
from kapjournal.screens.help import HelpScreen, format_key, help_sections
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.settings import SettingsScreen
from tests.screens.tui_helpers import SIZE, make_app, make_vault, settle


def test_help_format_key() -> None:
    assert format_key("ctrl+l") == "Ctrl+L"
    assert format_key("n") == "n"
    assert format_key("delete") == "Delete"
    assert format_key("f1") == "F1"
    assert format_key("question_mark") == "?"


def test_help_lists_every_binding() -> None:
    listed = {keys for _, rows in help_sections() for keys, _ in rows}
    joined = " / ".join(listed)
    for owner in (KapJournalApp, HomeScreen, EditorScreen, SettingsScreen):
        for binding in owner.BINDINGS:
            assert format_key(binding.key) in joined, (owner.__name__, binding.key)


async def test_help_opens_with_f1_and_question_mark(vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        app.set_focus(None)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_app_respects_no_color(vault_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    make_vault(vault_path)
    app = make_app(vault_path)
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        svg = app.export_screenshot()
    # Monochrome output: no saturated theme colours (textual-dark primary is #0178D4).
    assert "#0178d4" not in svg.lower()
