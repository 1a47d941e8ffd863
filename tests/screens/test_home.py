"""Home screen: write, see, edit and delete entries; privacy mode; palette; features."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Settings
from kapjournal.screens import registry
from kapjournal.screens.confirm import ConfirmModal
from kapjournal.screens.editor import EditorScreen
from kapjournal.screens.home import HomeScreen
from kapjournal.widgets.entry_list import EntryList
from tests.screens.tui_helpers import (
    PASSPHRASE,
    SIZE,
    make_app,
    settle,
    type_text,
    unlock,
    unlocked,
)


def _row_texts(app) -> list[str]:  # type: ignore[no-untyped-def]
    entry_list = app.screen.query_one(EntryList)
    return [str(entry_list.get_option_at_index(i).prompt) for i in range(entry_list.option_count)]


async def test_home_write_entry_and_see_it_in_list(vault_path: Path) -> None:
    async with unlocked(vault_path, "an older entry") as (app, pilot, _):
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        await type_text(pilot, "Slept well #sleep\nMore.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        rows = _row_texts(app)
        assert len(rows) == 2
        # Newest first, date + first line.
        assert "Thu 26 Nov 2026" in rows[0]
        assert "Slept well #sleep" in rows[0]
        assert "an older entry" in rows[1]
        saved = [e for e in app.journal.entries() if e.body.startswith("Slept")][0]
        assert saved.tags == ("sleep",)
        assert saved.body == "Slept well #sleep\nMore."


async def test_home_open_and_edit_entry(vault_path: Path) -> None:
    async with unlocked(vault_path, "first version") as (app, pilot, _):
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        area = app.screen.query_one(TextArea)
        assert area.text == "first version"
        await type_text(pilot, " and an edit #edited")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        (entry,) = app.journal.entries()
        assert entry.body == "first version and an edit #edited"
        assert entry.tags == ("edited",)
        assert entry.modified >= entry.created
    with Journal.unlock(vault_path, PASSPHRASE) as journal:
        assert journal.entries()[0].body == "first version and an edit #edited"


async def test_home_delete_asks_and_escape_keeps_entry(vault_path: Path) -> None:
    async with unlocked(vault_path, "keep me", "delete me") as (app, pilot, _):
        # Entries made in the same instant sort by id order; find the target row.
        target = next(e for e in app.journal.entries() if e.body == "delete me")
        entry_list = app.screen.query_one(EntryList)
        entry_list.highlighted = next(
            i
            for i in range(entry_list.option_count)
            if entry_list.get_option_at_index(i).id == target.id
        )
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len(app.journal.entries()) == 2

        # Enter on the default (safe) button also keeps it.
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.journal.entries()) == 2

        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [e.body for e in app.journal.entries()] == ["keep me"]
        assert len(_row_texts(app)) == 1
    with Journal.unlock(vault_path, PASSPHRASE) as journal:
        assert journal.find(Entry, target.id) is None


async def test_home_privacy_mode_hides_titles(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as journal:
        journal.add_entry("a very private first line")
        journal.save_settings(Settings(privacy_mode=True))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        rows = _row_texts(app)
        assert rows and "private" not in rows[0] and "(title hidden)" in rows[0]


async def test_home_entry_text_is_shown_inert(vault_path: Path) -> None:
    async with unlocked(vault_path, "[bold]not markup[/bold] \x1b[31mred\x1b[0m") as (
        app,
        pilot,
        _,
    ):
        (row,) = _row_texts(app)
        assert "[bold]not markup[/bold]" in row
        assert "\x1b" not in row


async def test_home_palette_has_area_verb_commands(vault_path: Path) -> None:
    async with unlocked(vault_path, "x") as (app, pilot, _):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Entry: New", "Entry: Open", "Entry: Delete", "Vault: Lock now"):
            assert title in titles
        assert all(": " in t for t in titles)
        assert not any("Screenshot" in t for t in titles)


async def test_home_registry_feature_gets_key_palette_and_help(
    vault_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    feature = registry.Feature(
        "z", "Demo: Open", "A test screen", "kapjournal.screens.help:HelpScreen"
    )
    monkeypatch.setattr(registry, "FEATURES", [feature])
    async with unlocked(vault_path, "x") as (app, pilot, _):
        assert "Demo: Open" in [c.title for c in app.get_system_commands(app.screen)]
        from kapjournal.screens.help import help_sections

        assert ("z", "A test screen") in dict(help_sections())["More (from the journal list)"]
        await pilot.press("z")
        await settle(pilot)
        from kapjournal.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)


async def test_home_every_registered_feature_key_opens_its_screen(vault_path: Path) -> None:
    """Each registry key, punctuation included ("/" is Textual's "slash"), really fires."""
    from textual.keys import _character_to_key

    from kapjournal.screens.home import load_feature_screen

    async with unlocked(vault_path, "one entry") as (app, pilot, _):
        for feature in registry.FEATURES:
            key = feature.key
            if len(key) == 1 and not key.isalnum():
                key = _character_to_key(key)
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, load_feature_screen(feature)), feature.title
            while not isinstance(app.screen, HomeScreen):
                app.pop_screen()
                await settle(pilot)
