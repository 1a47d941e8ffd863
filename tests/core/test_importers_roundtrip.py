"""kapjournal-json: this project's own export read back in (needs core.export)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapjournal.core.errors import ImportFailed
from kapjournal.core.importers import apply_import, read_import
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry, Insight, new_id
from tests.conftest import PASSPHRASE

export = pytest.importorskip("kapjournal.core.export")
model = pytest.importorskip("kapjournal.core.export.model")


def _fill(journal: Journal) -> None:
    first = journal.add_entry("First entry #calm", tags=("calm",))
    journal.add_entry("Second entry")
    journal.save(Insight(id=new_id(), created=first.created, text="First", entry_id=first.id))
    journal.save(CheckIn(id=new_id(), at=first.created, mood=6))


def _export(journal: Journal, path: Path) -> Path:
    doc = model.build_document(journal, model.ExportOptions())
    path.write_bytes(export.render(doc, "json"))
    return path


def test_kapjournal_json_round_trip_into_new_and_same_vault(
    tmp_path: Path, journal: Journal
) -> None:
    _fill(journal)
    src = _export(journal, tmp_path / "export.json")
    fresh = Journal.create(tmp_path / "fresh.kapj", PASSPHRASE)
    try:
        summary = apply_import(fresh, read_import("kapjournal-json", src))
        assert (summary.entries, summary.insights, summary.duplicates) == (2, 1, 0)
        assert sorted(e.body for e in fresh.all(Entry)) == ["First entry #calm", "Second entry"]
        assert len(fresh.all(CheckIn)) == 1
        again = apply_import(fresh, read_import("kapjournal-json", src))
        assert again.entries == 0 and again.duplicates >= 2
        assert len(fresh.all(Entry)) == 2 and len(fresh.all(Insight)) == 1
    finally:
        fresh.close()
    back = apply_import(journal, read_import("kapjournal-json", src))
    assert back.entries == 0 and len(journal.all(Entry)) == 2


def test_kapjournal_json_bad_document_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "mine.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(ImportFailed, match=r"mine\.json"):
        read_import("kapjournal-json", bad)
