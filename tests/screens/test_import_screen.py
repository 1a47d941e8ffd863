"""Import screen in Pilot: preview first, then import; errors are calm."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Button, Input, Static

from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Insight
from kapjournal.screens.import_ import ImportScreen
from kapjournal.screens.registry import FEATURES

JRNL_TXT = """\
[2024-01-05 09:12] Slept badly. @anxious
Breathing helped.

[2024-01-06 20:00] Session day *
Saw the ocean. @session
"""


class Harness(App[None]):
    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    def on_mount(self) -> None:
        self.push_screen(ImportScreen())


def summary_text(app: App[None]) -> str:
    return str(app.screen.query_one("#import-summary", Static).render())


async def test_import_screen_previews_then_imports(tmp_path: Path, journal: Journal) -> None:
    src = tmp_path / "journal.txt"
    src.write_text(JRNL_TXT)
    app = Harness(journal)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(src)
        await pilot.click("#import-preview")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Would import 2 entries with 2 tags, 1 insight " in summary_text(app)
        assert journal.all(Entry) == []
        confirm = app.screen.query_one("#import-confirm", Button)
        assert not confirm.disabled
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Imported 2 entries" in summary_text(app)
        assert len(journal.all(Entry)) == 2 and len(journal.all(Insight)) == 1
        assert confirm.disabled
        # A second preview of the same file finds only duplicates and offers nothing.
        await pilot.click("#import-preview")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Skipped 2 duplicates" in summary_text(app)
        assert "nothing new" in summary_text(app)
        assert app.screen.query_one("#import-confirm", Button).disabled


async def test_import_screen_shows_errors_without_writing(tmp_path: Path, journal: Journal) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"[2024-01-05 09:12] ok\n\xff\n")
    app = Harness(journal)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "type the path" in summary_text(app)
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "bad.txt, line 2: not valid UTF-8" in summary_text(app)
        assert app.screen.query_one("#import-confirm", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert journal.all(Entry) == []


async def test_import_screen_changing_path_requires_new_preview(
    tmp_path: Path, journal: Journal
) -> None:
    src = tmp_path / "journal.txt"
    src.write_text(JRNL_TXT)
    app = Harness(journal)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#import-path", Input)
        field.value = str(src)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query_one("#import-confirm", Button).disabled
        field.value = str(src) + "x"
        await pilot.pause()
        assert app.screen.query_one("#import-confirm", Button).disabled


def test_import_feature_is_registered() -> None:
    feature = next(f for f in FEATURES if f.screen.endswith(":ImportScreen"))
    assert feature.key == "i" and feature.title.startswith("Import:")
