"""First run: welcome with the disclaimer, passphrase twice with a hint, vault created."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from kapjournal.core.journal import Journal
from kapjournal.screens.create import CreateScreen
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.welcome import WelcomeScreen
from kapjournal.widgets.strength_meter import StrengthMeter
from tests.screens.tui_helpers import SIZE, make_app, settle, type_text


def _message(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#create-message", Static).render())


async def test_first_run_welcome_then_create_vault(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        disclaimer = str(app.screen.query_one("#welcome-disclaimer", Static).render())
        assert "does not replace your care team" in disclaimer
        assert "emergency" in disclaimer
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CreateScreen)

        # Too short: a hint, no vault.
        await type_text(pilot, "short")
        meter = app.screen.query_one(StrengthMeter)
        assert meter.score == 0 and "at least 8" in meter.message
        await pilot.press("enter")  # to the repeat field
        await pilot.press("enter")
        await settle(pilot)
        assert "at least 8" in _message(app)
        assert not vault_path.exists()

        # Long enough but the two differ.
        first = app.screen.query_one("#create-passphrase", Input)
        first.value = "blue river lantern"
        first.focus()
        await pilot.pause()
        assert app.screen.query_one(StrengthMeter).score >= 2
        await pilot.press("enter")
        second = app.screen.query_one("#create-repeat", Input)
        second.value = "blue river lantren"
        await pilot.press("enter")
        await settle(pilot)
        assert "different" in _message(app)
        assert app.screen.query_one("#create-repeat", Input).value == ""
        assert not vault_path.exists()

        await type_text(pilot, "blue river lantern")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.journal is not None
        assert vault_path.exists()
        assert app.screen.query_one("#home-empty").display
    # The app closed the journal on exit; the passphrase opens the new vault.
    with Journal.unlock(vault_path, "blue river lantern") as journal:
        assert journal.entries() == []
