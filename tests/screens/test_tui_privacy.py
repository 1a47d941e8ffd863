"""Privacy as a careful user checks it, in the app: no network, no plaintext outside the vault.

tests/test_privacy.py covers the CLI in subprocesses; this drives the TUI itself
(first run, an entry, a draft, a check-in note, a search, lock and quit).
"""

from __future__ import annotations

import socket
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kapjournal.screens.checkin import CheckInScreen
from kapjournal.screens.editor import EditorScreen
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.search import SearchScreen
from kapjournal.screens.unlock import UnlockScreen
from tests.screens.tui_helpers import PASSPHRASE, SIZE, make_app, settle, type_text, unlock

MARKER = "zqxvelourmarker"


def _refuse_network(monkeypatch: pytest.MonkeyPatch, attempts: list[str]) -> None:
    """Any connection, bind or name lookup is recorded and refused.

    asyncio's in-process wake-up socketpair (AF_UNIX) is allowed: it never
    leaves the process.
    """

    def refuse(name: str) -> Any:
        def _refused(*args: object, **kwargs: object) -> Any:
            attempts.append(name)
            raise OSError(f"network access attempted: {name}")

        return _refused

    for name in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("getaddrinfo", "gethostbyname", "create_connection"):
        monkeypatch.setattr(socket, name, refuse(name))


def _files_with(root: Path, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


async def test_tui_privacy_first_hour_leaves_no_plaintext_and_no_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setattr(EditorScreen, "autosave_seconds", 0.2)
    attempts: list[str] = []
    _refuse_network(monkeypatch, attempts)
    vault = home / "journal" / "journal.kapj"

    app = make_app(vault)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#welcome-continue")
        await settle(pilot)
        app.screen.query_one("#create-passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#create-repeat", Input).value = PASSPHRASE
        await pilot.click("#create-submit")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, f"first entry {MARKER} #calm")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, f"draft only {MARKER}")
        for _ in range(30):  # the encrypted draft autosave
            await pilot.pause(0.1)
            if app.journal is not None and app.journal.drafts():
                break

        await pilot.press("ctrl+l")  # locks with the draft sealed
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        await pilot.press("escape")  # "decide later" on the offered draft
        await settle(pilot)

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        app.screen.query_one("#checkin-note", Input).value = f"note {MARKER}"
        await pilot.press("ctrl+s")
        await settle(pilot)

        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, MARKER)
        status = ""
        for _ in range(30):  # results come from a worker after a short pause
            await pilot.pause(0.1)
            status = str(app.screen.query_one("#search-status").render())
            if "match" in status:
                break
        assert "1 match" in status
        await pilot.press("ctrl+q")
        await settle(pilot)

    assert attempts == []
    for root in (home, tmp):
        assert _files_with(root, MARKER.encode()) == []
        assert _files_with(root, MARKER.encode("utf-16-le")) == []
    assert stat.S_IMODE(vault.parent.stat().st_mode) == 0o700
    for path in vault.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert sorted(p.name for p in vault.parent.iterdir()) == ["journal.kapj", "journal.kapj.lock"]
