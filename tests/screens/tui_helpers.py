"""Shared helpers for the app-shell Pilot tests (first run, unlock, home, editor...)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from kapjournal.app import KapJournalApp
from kapjournal.core.journal import Journal

PASSPHRASE = "correct horse battery"
FIXED_NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
DEMO_TODAY = date(2026, 11, 26)
SIZE = (100, 30)


def fixed_clock() -> datetime:
    return FIXED_NOW


def make_vault(path: Path, *bodies: str) -> Path:
    """A vault with a few entries, closed again (so the app can open it).

    The entries are stamped a minute apart in the hour before the app's fixed
    clock (not the wall clock), so what a test writes in the app is always the
    newest, whatever time of day the suite runs.
    """
    stamp = [FIXED_NOW - timedelta(hours=1)]
    with Journal.create(path, PASSPHRASE, now=lambda: stamp[0]) as journal:
        for body in bodies:
            journal.add_entry(body)
            stamp[0] += timedelta(minutes=1)
    return path


def make_app(vault: Path, **kwargs: object) -> KapJournalApp:
    kwargs.setdefault("clock", fixed_clock)
    return KapJournalApp(vault, **kwargs)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the UI catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    for ch in text:
        await pilot.press("enter" if ch == "\n" else ch)


async def unlock(pilot: Pilot[None], passphrase: str = PASSPHRASE) -> None:
    """Fill the passphrase field (typing is covered once in test_unlock) and submit."""
    await settle(pilot)
    field = pilot.app.screen.query_one("#unlock-passphrase", Input)
    field.value = passphrase
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


@contextlib.asynccontextmanager
async def unlocked(
    vault: Path, *bodies: str, **app_kwargs: object
) -> AsyncIterator[tuple[KapJournalApp, Any, Journal]]:
    """A vault with ``bodies`` as entries, opened and unlocked in the app at ``SIZE``:
    ``(app, pilot, journal)``."""
    make_vault(vault, *bodies)
    app = make_app(vault, **app_kwargs)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = app.journal
        assert journal is not None
        yield app, pilot, journal
