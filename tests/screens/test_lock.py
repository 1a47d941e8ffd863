"""Locking by key and by idle timer: journal closed, journal screens gone."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from kapjournal.screens.base import JournalScreen
from kapjournal.screens.editor import EditorScreen
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.unlock import UnlockScreen
from tests.screens.tui_helpers import (
    SIZE,
    make_app,
    make_vault,
    settle,
    type_text,
    unlock,
    unlocked,
)


async def test_lock_key_closes_journal_and_returns_to_unlock(vault_path: Path) -> None:
    async with unlocked(vault_path, "secret words") as (app, pilot, journal):
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.journal is None
        assert journal.closed
        assert journal._cache == {}
        assert isinstance(app.screen, UnlockScreen)
        assert not any(isinstance(s, JournalScreen) for s in app.screen_stack)
        # Nothing of the journal is left in the widget tree.
        assert "secret words" not in app.export_screenshot()
        await unlock(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_auto_lock_after_short_idle(vault_path: Path) -> None:
    async with unlocked(vault_path, "x", idle_seconds=2.0) as (app, pilot, _):
        assert isinstance(app.screen, HomeScreen)
        # A key press counts as activity and restarts the idle clock.
        before = app._last_activity
        await pilot.press("down")
        assert app._last_activity > before
        assert app.journal is not None
        waited = 0.0
        while app.journal is not None and waited < 8:
            await pilot.pause(0.2)
            waited += 0.2
        await settle(pilot)
        assert app.journal is None
        assert isinstance(app.screen, UnlockScreen)
        assert waited >= 1.0  # not locked right away


async def test_auto_lock_keeps_unsaved_writing_as_draft(vault_path: Path) -> None:
    async with unlocked(vault_path, idle_seconds=1.5) as (app, pilot, _):
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        await type_text(pilot, "half a thought")
        waited = 0.0
        while app.journal is not None and waited < 8:
            await pilot.pause(0.2)
            waited += 0.2
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        drafts = app.journal.drafts()
        assert [d.body for d in drafts] == ["half a thought"]


def test_auto_lock_minutes_come_from_settings(vault_path: Path) -> None:
    from kapjournal.core.models import Settings

    app = make_app(vault_path)
    app.apply_settings(Settings(auto_lock_minutes=7))
    assert app.auto_lock_seconds == 7 * 60
    app.apply_settings(Settings(auto_lock_minutes=500))
    assert app.auto_lock_seconds == 60 * 60


async def test_lock_clipboard_stays_in_app_and_is_cleared(vault_path: Path) -> None:
    async with unlocked(vault_path, "x") as (app, pilot, _):
        written: list[str] = []
        app._driver.write = written.append  # type: ignore[union-attr,method-assign]
        app.copy_to_clipboard("private words")
        assert app.clipboard == "private words"
        assert not any("\x1b]52" in w for w in written)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.clipboard == ""


async def test_lock_closes_journal_even_if_index_save_fails(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected failure while sealing the search index must not keep keys in memory."""
    import kapjournal.core.index as index_module

    def broken(journal: object, *, save: bool = True) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(index_module, "drop_service", broken)
    async with unlocked(vault_path, "an entry") as (app, pilot, journal):
        with contextlib.suppress(RuntimeError):
            app.lock()
        assert app.journal is None  # at once: nothing in the UI can use it any more
        await settle(pilot)  # the sealing worker has finished (here: failed)
        assert journal.closed
        assert journal._cache == {}
        assert isinstance(app.screen, UnlockScreen)
        assert not app.locking


async def test_lock_seals_in_a_worker_with_a_locking_screen_and_can_skip(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow save never freezes the UI; Esc skips it and locking still completes."""
    import threading

    import kapjournal.core.index as index_module
    from kapjournal.screens.locking import LockingScreen

    started = threading.Event()
    skipped: list[bool] = []

    def slow(journal: object, *, save: bool = True, cancelled: object = None) -> None:
        started.set()
        assert callable(cancelled)
        for _ in range(500):  # at most 10 s; ends as soon as the user skips
            if cancelled():
                skipped.append(True)
                return
            threading.Event().wait(0.02)

    monkeypatch.setattr(index_module, "drop_service", slow)
    async with unlocked(vault_path, "an entry") as (app, pilot, journal):
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert started.wait(5)
        # the UI is live while the worker seals
        assert isinstance(app.screen, LockingScreen)
        assert app.locking and app.journal is None and not journal.closed
        assert "Locking" in app.export_screenshot()
        assert "an entry" not in app.export_screenshot()
        await pilot.press("ctrl+l")  # a second lock request is ignored
        await pilot.press("escape")
        await settle(pilot)
        assert skipped == [True]
        assert journal.closed
        assert isinstance(app.screen, UnlockScreen)
        assert not app.locking


async def test_lock_saves_the_index_image_off_the_ui_thread(vault_path: Path) -> None:
    import threading

    import kapjournal.core.index as index_module

    make_vault(vault_path, "kingfisher by the river")
    app = make_app(vault_path)
    threads: list[str] = []
    real = index_module.drop_service

    def spy(journal: object, **kw: object) -> None:
        threads.append(threading.current_thread().name)
        real(journal, **kw)  # type: ignore[arg-type]

    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        service = index_module.service_for(journal)
        service.ensure(save=False)
        assert service.dirty
        before = journal.vault.generation
        index_module.drop_service = spy  # type: ignore[assignment]
        try:
            await pilot.press("ctrl+l")
            await settle(pilot)
        finally:
            index_module.drop_service = real
        assert threads and threads[0] != threading.main_thread().name
        assert journal.closed and isinstance(app.screen, UnlockScreen)
    from kapjournal.core.journal import Journal
    from tests.screens.tui_helpers import PASSPHRASE

    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as again:
        assert again.vault.generation == before + 1  # the image was stored on lock
        loaded = index_module.service_for(again)
        loaded.ensure(save=False)
        assert loaded.source == "image"
        assert [r.id for r in loaded.search("kingfisher")]
        index_module.drop_service(again, save=False)


async def test_lock_quit_while_open_seals_then_exits(vault_path: Path) -> None:
    async with unlocked(vault_path, "an entry") as (app, pilot, journal):
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert journal.closed
    assert app.journal is None


async def test_lock_quit_while_locking_exits_when_the_lock_ends(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import kapjournal.core.index as index_module
    from kapjournal.screens.locking import LockingScreen

    started = threading.Event()

    def slow(journal: object, *, save: bool = True, cancelled: object = None) -> None:
        started.set()
        assert callable(cancelled)
        for _ in range(500):
            if cancelled():
                return
            threading.Event().wait(0.02)

    monkeypatch.setattr(index_module, "drop_service", slow)
    make_vault(vault_path, "an entry")
    app = make_app(vault_path)
    exited: list[bool] = []
    monkeypatch.setattr(app, "exit", lambda *a, **k: exited.append(True))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert started.wait(5)
        await pilot.press("ctrl+q")  # quitting while locking: wait for the lock, then exit
        await pilot.pause()
        assert isinstance(app.screen, LockingScreen) and exited == []
        await pilot.press("escape")
        await settle(pilot)
        assert journal.closed
        assert exited == [True]
        assert not isinstance(app.screen, UnlockScreen)


def test_terminal_alive_is_false_once_the_terminal_hangs_up() -> None:
    import os

    from kapjournal.app import _terminal_alive

    master, slave = os.openpty()
    try:
        assert _terminal_alive(slave)
        os.close(master)  # the terminal window closes
        master = -1
        assert not _terminal_alive(slave)
    finally:
        if master != -1:
            os.close(master)
        os.close(slave)
    assert not _terminal_alive(None)


async def test_lost_terminal_keeps_the_draft_closes_the_journal_and_exits(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapjournal.app as app_module
    from kapjournal.core.journal import Journal
    from kapjournal.core.models import Draft
    from tests.screens.tui_helpers import PASSPHRASE

    async with unlocked(vault_path, "x") as (app, pilot, journal):
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "words typed just before the window closed")
        monkeypatch.setattr(app_module, "_terminal_alive", lambda fd: False)
        app._check_terminal()
        await pilot.pause()
        assert journal.closed and app.journal is None
        assert app.return_code == 1
    with Journal.unlock(vault_path, PASSPHRASE) as reopened:
        drafts = reopened.all(Draft)
        assert any("just before the window closed" in d.body for d in drafts)


async def test_lock_says_when_unsaved_writing_could_not_be_kept(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A vault whose folder turned read-only: saving fails, and so does sealing the
    # draft at lock time. The lock must not claim "Your writing was kept".
    from kapjournal.core.errors import StoragePermission
    from kapjournal.core.journal import Journal
    from kapjournal.core.models import Draft

    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "words that cannot be written")
        real_save = Journal.save

        def refuse_drafts(self: Journal, model: object) -> object:
            if isinstance(model, Draft):
                raise StoragePermission()
            return real_save(self, model)  # type: ignore[arg-type]

        monkeypatch.setattr(Journal, "save", refuse_drafts)
        app.lock(reason="idle")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        messages = [str(n.message) for n in app._notifications]
        assert not any("was kept" in m for m in messages)
        assert any("could not be kept" in m for m in messages)

        # When sealing works, the calm message stays as it was.
        monkeypatch.setattr(Journal, "save", real_save)
        app._notifications.clear()
        await unlock(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "words that can be written")
        app.lock(reason="idle")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("Your writing was kept" in m for m in messages)
        assert not any("could not be kept" in m for m in messages)
