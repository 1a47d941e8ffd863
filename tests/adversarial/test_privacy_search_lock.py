"""Privacy: search queries never reach disk; locking and quitting clear the terminal."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest
from textual.widgets import Input

from kapjournal.app import CLEAR_TERMINAL
from kapjournal.core.journal import Journal
from kapjournal.screens.search import SearchScreen
from kapjournal.screens.unlock import UnlockScreen
from tests.adversarial.helpers import run_cli, subprocess_env
from tests.screens.tui_helpers import PASSPHRASE, SIZE, make_app, settle, unlock
from tests.test_privacy import _files_containing, _needles


def _vault_with_words(path: Path) -> None:
    with Journal.create(path, PASSPHRASE) as j:
        for i in range(30):
            j.add_entry(f"ordinary river words {i} #walk")


def test_privacy_cli_search_query_never_reaches_disk(tmp_path: Path) -> None:
    marker = "kapquery" + uuid.uuid4().hex[:16]
    vault = tmp_path / "v" / "journal.kapj"
    _vault_with_words(vault)
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    tmpdir, home = tmp_path / "tmp", tmp_path / "home"
    tmpdir.mkdir()
    home.mkdir()
    env = subprocess_env(TMPDIR=str(tmpdir), HOME=str(home), XDG_DATA_HOME=str(home / "d"))
    base = ["--vault", str(vault), "--passphrase-file", str(pw)]
    queries = [
        [marker],  # no hit: builds and saves the sealed index image
        ["river", f"-{marker}"],  # a hit, with the marker as an exclusion
        ["--json", f'"{marker} river"'],
        [f"tag:{marker}", "since:2w"],
        [f"{marker}*", "OR", "river"],
    ]
    for query in queries:
        result = run_cli(*base, "search", *query, env=env)
        assert result.returncode == 0, (query, result.stderr)
        assert b"Traceback" not in result.stderr
    assert vault.with_name(vault.name + "-journal").exists() is False
    assert _files_containing([vault.parent, tmpdir, home], _needles(marker)) == []


async def test_privacy_tui_search_query_never_reaches_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = "kapquery" + uuid.uuid4().hex[:16]
    vault = tmp_path / "v" / "journal.kapj"
    _vault_with_words(vault)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        field = app.screen.query_one("#search-query", Input)
        for query in (f"river {marker}", f"river -{marker}", f"tag:{marker}"):
            field.value = query
            await pilot.press("enter")
            screen = app.screen
            for _ in range(50):  # until this query's results are on screen
                await pilot.pause(0.05)
                await app.workers.wait_for_complete()
                if screen._timer is None and screen._ready and screen._shown_seq == screen._seq:
                    break
            else:
                raise AssertionError(f"the search for {query!r} never finished")
        await pilot.press("ctrl+l")  # lock: the in-memory index is sealed into the vault
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
    assert _files_containing([vault.parent, tmpdir], _needles(marker)) == []


async def test_privacy_lock_and_quit_clear_screen_and_scrollback(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("secret words")
    app = make_app(vault_path)
    written: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        assert app._driver is not None
        app._driver.write = written.append  # type: ignore[method-assign]
        await unlock(pilot)
        assert CLEAR_TERMINAL not in written  # unlocking does not flash the screen
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert written.count(CLEAR_TERMINAL) == 1
        assert "\x1b[2J" in CLEAR_TERMINAL and "\x1b[3J" in CLEAR_TERMINAL
        await unlock(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert written.count(CLEAR_TERMINAL) == 2  # and once more on the way out


async def test_privacy_review_viewer_clears_terminal_and_offers_no_screenshot(
    tmp_path: Path,
) -> None:
    from kapjournal.core.export import render
    from kapjournal.core.export.jsonfmt import read_document
    from kapjournal.core.export.model import ExportOptions, build_document
    from kapjournal.screens.review import ReviewApp

    vault = tmp_path / "v" / "journal.kapj"
    _vault_with_words(vault)
    with Journal.unlock(vault, PASSPHRASE, readonly=True) as j:
        doc = read_document(render(build_document(j, ExportOptions()), "json"))
    app = ReviewApp(doc, title="share.json")
    written: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        assert app._driver is not None
        app._driver.write = written.append  # type: ignore[method-assign]
        await pilot.pause()
        titles = [c.title.lower() for c in app.get_system_commands(app.screen)]
        assert titles and not any("screenshot" in t for t in titles)
        assert CLEAR_TERMINAL not in written
    assert written.count(CLEAR_TERMINAL) == 1
