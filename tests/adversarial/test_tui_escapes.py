"""Terminal escape sequences stay inert in the TUI.

An entry, insight and session whose text holds OSC 52 (clipboard write), CSI
(clear screen), C1 controls and bidi overrides is shown on every screen; the
lines Textual would send to the terminal must hold none of those characters.
The saved text must stay exactly as written.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import Input, OptionList, TabbedContent, Tree

from kapjournal.core.export import render
from kapjournal.core.export.jsonfmt import read_document
from kapjournal.core.export.model import ExportOptions, build_document
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Insight, Session, new_id
from kapjournal.screens.editor import EditorScreen
from kapjournal.screens.home import HomeScreen
from kapjournal.screens.review import ReviewApp, ReviewScreen
from kapjournal.screens.search import SearchScreen
from kapjournal.screens.timeline import TimelineScreen
from kapjournal.widgets.safe_text_area import SafeTextArea
from tests.screens.tui_helpers import PASSPHRASE, make_app, settle, unlock

EVIL = (
    "osc \x1b]52;c;cHduZWQ=\x07 clear \x1b[2J\x1b[3J title \x1b]0;pwned\x1b\\ "
    "csi \x9b31m nel \x85 bidi \u202egnp.exe\u202c iso \u2066x\u2069 nul \x00 del \x7f cr \r."
)
# Every character a terminal could act on: C0 (but newline), DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def drawn(app: App[Any]) -> str:
    """Exactly the text of the lines Textual would write to the terminal."""
    update = app.screen._compositor.render_update(full=True)
    return "\n".join("".join(seg.text for seg in strip) for strip in update.strips)


def assert_inert(app: App[Any], where: str) -> str:
    text = drawn(app)
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not found, f"{where}: raw control characters reach the terminal: {found}"
    return text


def hostile_vault(path: Path) -> dict[str, str]:
    with Journal.create(path, PASSPHRASE) as j:
        session = Session(
            id=new_id(),
            started_at=j.now() - timedelta(days=1),
            ended_at=j.now() - timedelta(days=1) + timedelta(hours=1),
            route="im",
            clinician="dr " + EVIL,
            support_person="friend " + EVIL,
            side_effect_other="other " + EVIL,
            notes="notes zebrafinch " + EVIL,
        )
        j.save(session)
        entry = j.add_entry(
            "zebrafinch " + EVIL + "\nsecond line " + EVIL,
            title="title " + EVIL,
            tags=("t\x1b[2Jx", "bidi\u202e"),
            session_id=session.id,
        )
        insight = Insight(
            id=new_id(),
            created=j.now(),
            text="insight zebrafinch " + EVIL,
            entry_id=entry.id,
            session_id=session.id,
            tags=("i\x9bx",),
        )
        j.save(insight)
    return {"entry": entry.id, "body": entry.body, "title": entry.title}


async def test_tui_escapes_inert_on_home_editor_timeline_and_search(vault_path: Path) -> None:
    saved = hostile_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, HomeScreen)
        home = assert_inert(app, "home list")
        assert "title" in home and "\u241b" in home  # shown, as a visible symbol

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        editor = assert_inert(app, "editor")
        assert "zebrafinch" in editor and "second line" in editor
        area = app.screen.query_one("#editor-body", SafeTextArea)
        assert area.text == saved["body"].replace("\x85", "\n").replace("\r", "\n")
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert_inert(app, "timeline")
        shown = []
        for step in range(6):  # every row in turn fills the side panel
            await pilot.press("down" if step else "home")
            await pilot.pause()
            shown.append(assert_inert(app, f"timeline row {step}"))
        assert any("zebrafinch" in s for s in shown), "no hostile text reached the side panel"
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"zebrafinch")
        results = app.screen.query_one(OptionList)
        for _ in range(50):
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            if results.option_count:
                break
        assert results.option_count >= 2
        search = assert_inert(app, "search results")
        assert "zebrafinch" in search

    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        entry = j.get(Entry, saved["entry"])
        assert (entry.body, entry.title) == (saved["body"], saved["title"])  # never altered


async def test_tui_escapes_inert_in_review_of_hostile_export(vault_path: Path) -> None:
    hostile_vault(vault_path)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        data = render(build_document(j, ExportOptions(patient_label="pt " + EVIL)), "json")
    assert b"\\u001b" in data  # the export carries the text as written
    app = ReviewApp(read_document(data), title="share \x1b[2J.json")
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "zebrafinch" in assert_inert(app, "review summary")
        await pilot.press("2")
        assert screen.query_one(TabbedContent).active == "timeline"
        tree = screen.query_one("#timeline-tree", Tree)
        tree.focus()
        for step in range(5):
            await pilot.press("down" if step else "home")
            await pilot.press("enter")
            await pilot.pause()
            assert_inert(app, f"review timeline {step}")
        await pilot.press("slash")
        await pilot.pause()
        screen.query_one("#search-input", Input).value = "zebrafinch"
        await pilot.pause()
        results = screen.query_one("#search-results", OptionList)
        assert results.option_count >= 1
        results.highlighted = 0
        await pilot.pause()
        assert "zebrafinch" in assert_inert(app, "review search")
