"""Unlock screen: wrong then right passphrase, calm modals for broken vaults."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from kapjournal.core.journal import Journal
from kapjournal.screens.error import ErrorModal
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.unlock import WRONG_PASSPHRASE, UnlockScreen
from tests.screens.tui_helpers import (
    PASSPHRASE,
    SIZE,
    make_app,
    make_vault,
    settle,
    type_text,
    unlock,
)


async def test_unlock_wrong_then_right_passphrase(vault_path: Path) -> None:
    make_vault(vault_path, "first entry")
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, "not the passphrase")
        assert isinstance(app.screen, UnlockScreen)
        assert app.journal is None
        message = str(app.screen.query_one("#unlock-message", Static).render())
        assert message == WRONG_PASSPHRASE
        field = app.screen.query_one("#unlock-passphrase", Input)
        assert field.value == "" and field.password and app.focused is field

        # Typed key by key, as a person would.
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.journal is not None and not app.journal.closed


async def test_unlock_empty_passphrase_asks_gently(vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "type your passphrase" in str(
            app.screen.query_one("#unlock-message", Static).render()
        )


async def test_unlock_not_a_vault_shows_modal_with_way_back(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.kapj"
    bogus.write_text("just some text, not a vault\n")
    app = make_app(bogus)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The header is checked in the background as soon as the screen shows.
        assert isinstance(app.screen, ErrorModal)
        assert "not a kapjournal vault" in str(
            app.screen.query_one("#error-message", Static).render()
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
    assert bogus.read_text() == "just some text, not a vault\n"


async def test_unlock_vault_open_elsewhere_shows_modal(vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path)
    holder: Journal | None = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # Opened in another window after this screen showed its prompt.
            holder = Journal.unlock(vault_path, PASSPHRASE)
            await unlock(pilot)
            assert isinstance(app.screen, ErrorModal)
            assert "open elsewhere" in str(app.screen.query_one("#error-message", Static).render())
            assert app.journal is None
    finally:
        if holder is not None:
            holder.close()


async def test_unlock_shows_demo_passphrase(vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, demo_passphrase="demodemo")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "demodemo" in str(app.screen.query_one("#unlock-demo", Static).render())


async def test_unlock_warnings_become_notifications(vault_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_vault(vault_path)
    monkeypatch.setattr(
        Journal, "warnings", property(lambda self: ["Key-derivation strength was raised."])
    )
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert any("strength was raised" in str(n.message) for n in app._notifications)


async def test_unlock_damaged_header_shows_modal_and_quit_works(vault_path: Path) -> None:
    import sqlite3

    make_vault(vault_path, "kept")
    conn = sqlite3.connect(vault_path)
    conn.execute("UPDATE kapj_header SET data = '{not json' WHERE id = 1")
    conn.commit()
    conn.close()
    before = vault_path.read_bytes()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "damaged" in str(app.screen.query_one("#error-title", Static).render())
        await pilot.click("#error-quit")
        await settle(pilot)
    assert app.journal is None
    assert vault_path.read_bytes() == before  # never repaired or overwritten


async def test_unlock_vault_open_elsewhere_said_before_the_passphrase(vault_path: Path) -> None:
    # docs/tui.md: a vault open in another window is reported as soon as the
    # screen shows, so nobody types a passphrase and waits for the key first.
    make_vault(vault_path)
    holder = Journal.unlock(vault_path, PASSPHRASE)
    try:
        app = make_app(vault_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ErrorModal)
            assert "open elsewhere" in str(app.screen.query_one("#error-message", Static).render())
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, UnlockScreen)
            holder.close()  # closed in the other window: now the passphrase opens it
            await unlock(pilot)
            assert isinstance(app.screen, HomeScreen)
    finally:
        holder.close()
