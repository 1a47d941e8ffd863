"""Editor: autosaved encrypted drafts, offered back after unlock; discard asks first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from kapjournal.core.journal import Journal
from kapjournal.core.models import Draft
from kapjournal.screens.confirm import ConfirmModal
from kapjournal.screens.editor import EditorScreen
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.restore import RestoreDraftModal
from kapjournal.screens.unlock import UnlockScreen
from tests.screens.tui_helpers import (
    PASSPHRASE,
    SIZE,
    make_app,
    settle,
    type_text,
    unlock,
    unlocked,
)


@pytest.fixture(autouse=True)
def fast_autosave(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EditorScreen, "autosave_seconds", 0.2)


async def _wait_for_draft(pilot, app, body: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):
        await pilot.pause(0.1)
        if [d.body for d in app.journal.drafts()] == [body]:
            return


async def test_editor_autosaves_draft_and_offers_it_after_unlock(vault_path: Path) -> None:
    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "words worth keeping")
        await _wait_for_draft(pilot, app, "words worth keeping")
        (draft,) = app.journal.drafts()
        assert draft.body == "words worth keeping" and draft.target == "entry"

        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        assert isinstance(app.screen, RestoreDraftModal)
        await pilot.click("#restore-yes")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.query_one(TextArea).text == "words worth keeping"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [e.body for e in app.journal.entries()] == ["words worth keeping"]
        assert app.journal.drafts() == []


async def test_editor_draft_discard_needs_confirmation(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as journal:
        journal.save(Draft(id="ab" * 16, updated=journal.now(), body="left over"))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, RestoreDraftModal)
        await pilot.click("#restore-discard")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # no: back to the choice, draft kept
        await settle(pilot)
        assert isinstance(app.screen, RestoreDraftModal)
        assert len(app.journal.drafts()) == 1
        await pilot.click("#restore-discard")
        await settle(pilot)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.journal.drafts() == []


async def test_editor_escape_with_unsaved_text_asks(vault_path: Path) -> None:
    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "not sure yet")
        await _wait_for_draft(pilot, app, "not sure yet")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # keep writing
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.query_one(TextArea).text == "not sure yet"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.journal.entries() == []
        assert app.journal.drafts() == []  # discarding removes the draft too


async def test_editor_escape_without_changes_closes_at_once(vault_path: Path) -> None:
    async with unlocked(vault_path, "unchanged") as (app, pilot, _):
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_editor_empty_entry_is_not_saved(vault_path: Path) -> None:
    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "   ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.journal.entries() == []


async def test_editor_restored_draft_of_existing_entry_updates_it(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as journal:
        entry = journal.add_entry("original text")
        journal.save(
            Draft(id="cd" * 16, updated=journal.now(), entry_id=entry.id, body="edited text")
        )
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.click("#restore-yes")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.entry is not None and app.screen.entry.id == entry.id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [(e.id, e.body) for e in app.journal.entries()] == [(entry.id, "edited text")]
        assert app.journal.drafts() == []


async def test_editor_guided_entry_shows_answers_and_keeps_them(vault_path: Path) -> None:
    from textual.widgets import Static

    from kapjournal.core.models import Answer

    with Journal.create(vault_path, PASSPHRASE) as journal:
        journal.add_entry(
            "",
            title="After session 1",
            pack_id="immediate",
            answers=(Answer("keep", "One line to keep", "text", "[b]rest[/b] is allowed"),),
        )
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = str(app.screen.query_one("#editor-answers-text", Static).render())
        assert "One line to keep" in shown and "[b]rest[/b] is allowed" in shown
        await type_text(pilot, "a note")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (entry,) = app.journal.entries()
        assert entry.body == "a note" and entry.answers[0].value == "[b]rest[/b] is allowed"
