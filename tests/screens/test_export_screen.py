"""The Export screen in Pilot: preview, encrypted export, typed plaintext confirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.widgets import Input, RadioButton, SelectionList, Static

from kapjournal.core.export import age
from kapjournal.core.journal import Journal
from kapjournal.screens.confirm import ConfirmModal
from kapjournal.screens.export import ConfirmPlaintext, ExportScreen
from tests.export_sample import PRIVATE_TEXT, fill


class Harness(App[None]):
    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    def on_mount(self) -> None:
        self.push_screen(ExportScreen())


async def _settle(app: App[None], pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_export_screen_preview_and_encrypted_export(journal, tmp_path: Path) -> None:
    fill(journal)
    _, public = age.new_identity(datetime(2026, 1, 1, tzinfo=UTC))
    out = tmp_path / "share.html.age"
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        await pilot.press("f5")
        await _settle(app, pilot)
        preview = _text(screen, "#export-preview-text")
        assert "Will share: 4 entries, 3 sessions" in preview
        assert "A. Patient" in preview and PRIVATE_TEXT not in preview

        screen.query_one("#export-recipient", Input).value = "age1notakey"
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "age1" in _text(screen, "#export-status") and not out.exists()

        screen.query_one("#export-recipient", Input).value = public
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        # A key used for the first time is shown in full and needs a yes.
        assert isinstance(app.screen, ConfirmModal)
        assert public in str(app.screen.query_one("#confirm-message", Static).render())
        await pilot.press("y")
        await _settle(app, pilot)
        assert "Saved" in _text(screen, "#export-status"), _text(screen, "#export-status")
        assert out.read_bytes().startswith(age.AGE_MAGIC)
    assert journal.settings().therapist_recipient == public


async def test_export_screen_changed_key_needs_a_yes(journal, tmp_path: Path) -> None:
    fill(journal)
    _, old = age.new_identity(datetime(2026, 1, 1, tzinfo=UTC))
    _, new = age.new_identity(datetime(2026, 1, 2, tzinfo=UTC))
    journal.save_settings(journal.settings().replace(therapist_recipient=old))
    out = tmp_path / "share.html.age"
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        assert screen.query_one("#export-recipient", Input).value == old
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")  # the remembered key: no question
        await _settle(app, pilot)
        assert "Saved" in _text(screen, "#export-status") and out.exists()
        out.unlink()

        screen.query_one("#export-recipient", Input).value = new
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmModal)
        message = str(app.screen.query_one("#confirm-message", Static).render())
        assert old in message and new in message and "differs" in message
        await pilot.press("escape")  # no: nothing is written, the old key stays
        await _settle(app, pilot)
        assert app.screen is screen and not out.exists()
        assert "Nothing was written" in _text(screen, "#export-status")
    assert journal.settings().therapist_recipient == old


async def test_export_screen_plaintext_needs_typed_confirmation(journal, tmp_path: Path) -> None:
    fill(journal)
    out = tmp_path / "plain.html"
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        screen.query_one("#protect-plain", RadioButton).value = True
        await pilot.pause()
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmPlaintext)
        modal.query_one("#confirm-word", Input).value = "yes"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmPlaintext) and not out.exists()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not out.exists()
        assert "Nothing was written" in _text(screen, "#export-status")

        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#confirm-word", Input).value = "plaintext"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert out.exists()
        assert "NOT encrypted" in _text(screen, "#export-status")


async def test_export_screen_session_choice_limits_preview(journal) -> None:
    sample = fill(journal)
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        sessions = screen.query_one("#export-session-list", SelectionList)
        assert sessions.option_count == 3
        sessions.select(sample["sessions"][1].id)
        await pilot.press("f5")
        await _settle(app, pilot)
        assert "Will share: 1 entry, 1 session," in _text(screen, "#export-preview-text")
        screen.query_one("#export-hide", Input).value = "abc"
        await pilot.press("f5")
        await _settle(app, pilot)
        assert "ENTRY-ID:PARAGRAPH" in _text(screen, "#export-status")


async def test_export_screen_hide_paragraphs_by_picking_them(journal) -> None:
    from textual.widgets import OptionList

    from kapjournal.core.export.model import WITHHELD_PARAGRAPH, build_document
    from kapjournal.core.models import Entry
    from kapjournal.screens.hide_paragraphs import HideParagraphsModal

    sample = fill(journal)
    (private,) = [e for e in journal.all(Entry) if e.private]
    hostile = sample["hostile"]
    app = Harness(journal)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#export-hide", Input).value = "zzzzzzzz:1"  # typed, matches nothing
        await pilot.press("f6")
        await _settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, HideParagraphsModal)
        # Private entries are never offered; newest first.
        offered = [e.id for e in modal.entries]
        assert private.id not in offered and hostile.id in offered
        assert offered == sorted(offered, key=lambda i: journal.get(Entry, i).created, reverse=True)
        # The filter also looks in guided answers.
        modal.query_one("#hide-filter", Input).value = "stay curious"
        await pilot.pause()
        assert modal.query_one("#hide-entries", OptionList).option_count == 1
        assert modal._current is not None and modal._current.id == sample["prep"].id
        # Narrow to the hostile entry by a word, then tick its second paragraph.
        modal.query_one("#hide-filter", Input).value = "garden"
        await pilot.pause()
        entries = modal.query_one("#hide-entries", OptionList)
        assert entries.option_count == 1
        paragraphs = modal.query_one("#hide-paragraphs", SelectionList)
        assert paragraphs.option_count == 3
        assert "Second paragraph" in str(paragraphs.get_option_at_index(1).prompt)
        paragraphs.focus()
        await pilot.press("down", "space")
        await pilot.pause()
        assert "1 part(s) in 1 entry" in _text(modal, "#hide-count")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        field = screen.query_one("#export-hide", Input).value
        assert field.split() == [f"{hostile.id[:8]}:2", "zzzzzzzz:1"]  # typed item kept
        # The picked paragraph is withheld in the export; the others stay.
        screen.query_one("#export-hide", Input).value = f"{hostile.id[:8]}:2"
        doc = build_document(journal, screen.options())
        (exported,) = [e for e in doc.entries if e.id == hostile.id]
        assert "Second paragraph about the garden" not in exported.body
        assert WITHHELD_PARAGRAPH in exported.body and "tracker" in exported.body


async def test_hide_paragraphs_escape_keeps_the_form_as_it_was(journal) -> None:
    fill(journal)
    app = Harness(journal)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = app.screen
        screen.query_one("#export-hide", Input).value = "abcd1234:3"
        await pilot.press("f6")
        await _settle(app, pilot)
        modal = app.screen
        modal.query_one("#hide-paragraphs", SelectionList).focus()
        await pilot.press("space", "escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#export-hide", Input).value == "abcd1234:3"


def test_hide_paragraph_specs_use_short_ids_unless_a_prefix_is_shared() -> None:
    from kapjournal.screens.hide_paragraphs import hidden_to_specs, resolve_prefixes

    ids = ["aaaaaaaa11", "aaaaaaaa22", "bbbbbbbb33"]
    specs = hidden_to_specs({"aaaaaaaa22": frozenset({0, 2}), "bbbbbbbb33": frozenset({1})}, ids)
    assert specs == ["aaaaaaaa22:1", "aaaaaaaa22:3", "bbbbbbbb:2"]
    known, unknown = resolve_prefixes(
        {"bbbb": frozenset({1}), "aaaaaaaa": frozenset({0}), "cc": frozenset({4})}, ids
    )
    assert known == {"bbbbbbbb33": frozenset({1})}
    assert unknown == ["aaaaaaaa:1", "cc:5"]  # ambiguous or unknown: kept as typed


async def test_export_screen_shows_an_error_below_the_fold(journal, tmp_path: Path) -> None:
    """At a normal terminal size the status line is below the form's fold; a failed
    export (here: the file exists) must scroll it into view, not fail silently."""
    fill(journal)
    _, public = age.new_identity(datetime(2026, 1, 1, tzinfo=UTC))
    out = tmp_path / "share.html.age"
    out.write_bytes(b"an earlier export")
    app = Harness(journal)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        form = screen.query_one("#export-form")
        status = screen.query_one("#export-status", Static)
        screen.query_one("#export-recipient", Input).value = public
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.pause()
        assert not form.region.overlaps(status.region)  # starts out of view
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "already exists" in _text(screen, "#export-status")
        assert form.region.contains_region(status.region)
        assert out.read_bytes() == b"an earlier export"

        out.unlink()
        form.scroll_home(animate=False)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        await pilot.press("y")  # yes, this new key is the therapist's
        await _settle(app, pilot)
        assert "Saved" in _text(screen, "#export-status")
        assert form.region.contains_region(status.region)  # where the file went, in view


async def test_export_screen_leaves_the_preview_readable_at_80_columns(journal) -> None:
    fill(journal)
    app = Harness(journal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        # Was 58 + 20: the preview wrapped every two or three words.
        assert screen.query_one("#export-preview").size.width >= 28
        # The longest checkbox still fits in the narrower form.
        form = screen.query_one("#export-form")
        box = screen.query_one("#export-checkins")
        assert box.region.right <= form.region.right
    async with Harness(journal).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert pilot.app.screen.query_one("#export-form").outer_size.width == 58


async def test_hide_paragraphs_text_is_readable_at_80_columns(journal) -> None:
    """Each paragraph must be recognisable before it is ticked: at 80x24 the list had 20
    columns and cut every paragraph after a dozen letters."""
    fill(journal)
    app = Harness(journal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        modal = app.screen
        modal.query_one("#hide-filter", Input).value = "garden"
        await pilot.pause()
        paragraphs = modal.query_one("#hide-paragraphs", SelectionList)
        assert paragraphs.size.width >= 30
        # Wrapped, not cut: the list is taller than one line per paragraph.
        assert paragraphs.virtual_size.height > paragraphs.option_count
        entries = modal.query_one("#hide-entries")
        assert entries.virtual_size.height == entries.option_count  # one line per entry


async def test_export_screen_keeps_a_typed_file_name_when_format_changes(journal) -> None:
    from textual.widgets import Select

    fill(journal)
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        path = screen.query_one("#export-path", Input)
        assert path.value.endswith(".html.age")  # the suggestion follows the choices
        screen.query_one("#export-format", Select).value = "md"
        await pilot.pause()
        assert "kapjournal-export-" in path.value and path.value.endswith(".md.age")
        path.value = "/somewhere/for-dr-k.md.age"
        screen.query_one("#export-format", Select).value = "json"
        await pilot.pause()
        assert path.value == "/somewhere/for-dr-k.json.age"  # folder and name kept
        screen.query_one("#protect-plain", RadioButton).value = True
        await pilot.pause()
        assert path.value == "/somewhere/for-dr-k.json"
        path.value = "/somewhere/notes-for-thursday"
        screen.query_one("#export-format", Select).value = "html"
        await pilot.pause()
        assert path.value == "/somewhere/notes-for-thursday"  # no known ending: untouched


async def test_export_screen_passphrase_export(journal, tmp_path: Path) -> None:
    fill(journal)
    out = tmp_path / "share.json.age"
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        screen.query_one("#protect-pass", RadioButton).value = True
        await pilot.pause()
        assert screen.query_one("#export-pass1", Input).display
        assert not screen.query_one("#export-recipient", Input).display
        screen.query_one("#export-path", Input).value = str(out)
        screen.query_one("#export-pass1", Input).value = "short"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "at least 8" in _text(screen, "#export-status") and not out.exists()
        screen.query_one("#export-pass1", Input).value = "shared in person"
        screen.query_one("#export-pass2", Input).value = "shared in persn"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "differ" in _text(screen, "#export-status") and not out.exists()
        # Nothing typed was lost to the mistakes.
        assert screen.query_one("#export-pass1", Input).value == "shared in person"
        screen.query_one("#export-pass2", Input).value = "shared in person"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert "Saved" in _text(screen, "#export-status")
        assert screen.query_one("#export-pass1", Input).value == ""  # not kept on screen
    assert age.inspect_header(out.read_bytes()).needs_passphrase  # scrypt, not a key
    assert journal.settings().therapist_recipient == ""  # a passphrase is never remembered


async def test_export_screen_second_export_while_writing_is_held_back(
    journal, tmp_path: Path, monkeypatch
) -> None:
    """An impatient second ctrl+s (or F5) must not start a race that ends in a red
    'already exists; nothing was written' over an export that did succeed."""
    import threading

    import kapjournal.screens.export as export_screen

    fill(journal)
    release = threading.Event()
    real = export_screen.export_to_file

    def held(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(export_screen, "export_to_file", held)
    out = tmp_path / "share.html"
    app = Harness(journal)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        screen.query_one("#protect-plain", RadioButton).value = True
        await pilot.pause()
        screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#confirm-word", Input).value = "plaintext"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+s", "f5", "escape")  # while the first is still being written
        await pilot.pause()
        assert app.screen is screen  # no second confirmation, and not left mid-export
        release.set()
        await _settle(app, pilot)
        assert "Saved" in _text(screen, "#export-status"), _text(screen, "#export-status")
        assert out.exists()
