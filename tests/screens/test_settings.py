"""Settings: validated fields with messages beside them, sealed and applied."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static, Switch

from kapjournal.core.journal import Journal
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.settings import SettingsScreen, parse_whole
from tests.screens.tui_helpers import (
    PASSPHRASE,
    settle,
    unlocked,
)


def test_settings_parse_whole_bounds() -> None:
    assert parse_whole("5", 1, 60, "minutes") == (5, "")
    assert parse_whole("0", 1, 60, "minutes")[0] is None
    assert parse_whole("61", 1, 60, "minutes")[0] is None
    value, msg = parse_whole("soon", 1, 60, "minutes")
    assert value is None and "whole number" in msg


async def test_settings_invalid_auto_lock_is_explained_and_not_saved(vault_path: Path) -> None:
    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        field = app.screen.query_one("#set-auto-lock", Input)
        field.value = "90"
        await pilot.pause()
        assert "between 1 and 60" in str(
            app.screen.query_one("#set-auto-lock-msg", Static).render()
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert app.journal.settings().auto_lock_minutes == 5


async def test_settings_save_persists_and_applies(vault_path: Path) -> None:
    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#set-auto-lock", Input).value = "12"
        screen.query_one("#set-theme", Select).value = "kapjournal-high-contrast"
        screen.query_one("#set-country", Select).value = "UK"
        screen.query_one("#set-clinic-phone", Input).value = "+44 20 0000 0000"
        screen.query_one("#set-privacy", Switch).value = True
        screen.query_one("#set-grace", Input).value = "6"
        screen.query_one("#set-patient-label", Input).value = "R."
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.auto_lock_seconds == 12 * 60
        assert app.theme == "kapjournal-high-contrast"
    with Journal.unlock(vault_path, PASSPHRASE) as journal:
        s = journal.settings()
        assert (s.auto_lock_minutes, s.theme, s.country) == (12, "kapjournal-high-contrast", "UK")
        assert (s.clinic_phone, s.privacy_mode, s.session_grace_hours, s.patient_label) == (
            "+44 20 0000 0000",
            True,
            6,
            "R.",
        )


async def test_settings_back_undoes_theme_preview(vault_path: Path) -> None:
    async with unlocked(vault_path) as (app, pilot, _):
        before = app.theme
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#set-theme", Select).value = "nord"
        await pilot.pause()
        assert app.theme == "nord"
        await pilot.press("escape")
        await settle(pilot)
        assert app.theme == before
