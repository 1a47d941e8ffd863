"""The bulk (rebuild) path of the search index: rows, chunks, segments, temp storage."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kapjournal.core import index as index_mod
from kapjournal.core.index import (
    SearchIndex,
    _doc_row,
    _entry_doc,
    _entry_row,
    _Linker,
    build_index,
)
from kapjournal.core.journal import Journal
from kapjournal.core.models import Answer, Entry, Session, new_id

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

ENTRY_DICTS: list[dict[str, Any]] = [
    {"body": "plain words only"},
    {"body": "\n\n  ## A heading line\nmore text", "tags": ["Grief", "calm"]},
    {"body": "", "title": "Only a title"},
    {"body": "   \n\t\n"},
    {"body": "tags in the #Body and #river too", "tags": ["river"]},
    {"body": "marker \x01 chars \x02 inside \x03 text", "title": "t\x01"},
    {"body": "linked", "session_id": "ab" * 16, "pack_id": "Integration-48H"},
    {"body": "x" * 500},
    {"body": "answered", "answers": [Answer("p1", "How?", "text", "gently").to_dict()]},
    {"body": "with \u202e bidi and \x1b[31m escape", "title": "\u0007bell"},
]


def _entry_dict(extra: dict[str, Any], i: int) -> dict[str, Any]:
    entry = Entry.new("placeholder", now=T0 + timedelta(hours=i))
    data = entry.to_dict()
    data.update(extra)
    return data


@pytest.mark.parametrize("extra", ENTRY_DICTS)
def test_entry_row_matches_the_model_path(extra: dict[str, Any]) -> None:
    data = _entry_dict(extra, 1)
    sessions = [Session(id=new_id(), started_at=T0 - timedelta(days=1), route="im")]
    fast = _entry_row(data, _Linker(sessions))
    slow = _doc_row(_entry_doc(Entry.from_dict(data)), _Linker(sessions))
    assert fast == slow


def test_entry_row_rejects_what_the_model_rejects() -> None:
    data = _entry_dict({"body": 5}, 1)
    with pytest.raises(Exception) as fast:
        _entry_row(data, _Linker(()))
    with pytest.raises(Exception) as slow:
        Entry.from_dict(data)
    assert type(fast.value) is type(slow.value)


def _texts(index: SearchIndex, query: str) -> list[tuple[str, str]]:
    return [(r.id, r.snippet) for r in index.search(query, limit=200)]


@pytest.fixture
def unordered(journal: Journal) -> Journal:
    """Sixty entries, several in the same millisecond, stored in random id order."""
    with journal.transaction():
        for i in range(60):
            when = T0 + timedelta(minutes=(i * 37) % 50)  # many share a moment
            journal.save(Entry.new(f"otter number {i} river w{i % 7}", now=when))
    return journal


def test_index_bulk_load_in_many_chunks_equals_one_by_one(
    monkeypatch: pytest.MonkeyPatch, unordered: Journal
) -> None:
    monkeypatch.setattr(index_mod, "BULK_CHUNK_MIN", 4)
    monkeypatch.setattr(index_mod, "BULK_CHUNKS", 15)
    bulk = build_index(unordered)
    single = SearchIndex()
    single.use_sessions(())
    for entry in unordered.entries():
        single.upsert(_entry_doc(entry))
    try:
        assert len(bulk) == len(single) == 60
        rowids = bulk._db().execute("SELECT count(DISTINCT rowid) FROM docs").fetchone()[0]
        assert rowids == 60  # same-millisecond entries got distinct row ids
        for query in ("otter", "river w3", '"number 17"', "w*", "w5 OR w6"):
            assert sorted(_texts(bulk, query)) == sorted(_texts(single, query))
        assert [r.id for r in bulk.search("otter", order="date", limit=60)] == [
            r.id for r in single.search("otter", order="date", limit=60)
        ]
        assert bulk.segments() == 1  # the chunks' segments were merged
    finally:
        bulk.close()
        single.close()


def test_index_bulk_load_merges_its_segments_so_edits_stay_cheap(
    monkeypatch: pytest.MonkeyPatch, unordered: Journal
) -> None:
    monkeypatch.setattr(index_mod, "BULK_CHUNK_MIN", 20)  # three chunks
    merges: list[str] = []
    index = build_index(unordered)
    try:
        assert index.segments() == 1
        config = dict(index._db().execute("SELECT k, v FROM fts_config").fetchall())
        assert config["automerge"] == 4 and config["crisismerge"] == 16
        assert config["hashsize"] == index_mod.DEFAULT_HASH_BYTES
        db = index._db()
        db.set_trace_callback(lambda sql: merges.append(sql) if "optimize" in sql else None)
        for i in range(20):
            index.upsert(_entry_doc(Entry.new(f"later {i} otter", now=T0)))
        assert merges == []
        assert len(index.search("otter", limit=200)) == 80
    finally:
        index.close()


def test_index_serialize_drops_free_pages() -> None:
    index = SearchIndex()
    index.use_sessions(())
    docs = [
        _entry_doc(Entry.new(f"otter {i} " + "long words " * 400, now=T0 + timedelta(hours=i)))
        for i in range(200)
    ]
    index.add_many(docs)
    try:
        for doc in docs[20:]:
            index.remove(doc.id)  # frees most pages (as merging segments does)
        db = index._db()
        free = db.execute("PRAGMA freelist_count").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        assert free * 10 > pages
        data = index.serialize(5)
        assert len(data) < (pages - free // 2) * 65536
        loaded, generation = SearchIndex.deserialize(data)
        assert generation == 5
        assert loaded._db().execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert len(loaded.search("otter", limit=200)) == 20
        loaded.close()
    finally:
        index.close()


def test_index_bulk_load_writer_failure_rolls_back(
    monkeypatch: pytest.MonkeyPatch, unordered: Journal
) -> None:
    monkeypatch.setattr(index_mod, "BULK_CHUNK_MIN", 10)
    monkeypatch.setattr(index_mod, "_INDEX_CHUNK", "INSERT INTO no_such_table SELECT ?")
    # the type can vary: SQLite reports errors per connection, and two threads share it
    with pytest.raises(sqlite3.Error):
        build_index(unordered)
    assert not [t for t in threading.enumerate() if t.name == "kapj-index-writer"]


def test_index_bulk_load_producer_failure_stops_the_writer(unordered: Journal) -> None:
    index = SearchIndex()

    def chunks() -> Any:
        yield [_entry_row(_entry_dict({"body": "first chunk"}, 1), _Linker(()))]
        raise RuntimeError("decoding failed")

    with pytest.raises(RuntimeError):
        index.bulk_load(chunks())
    assert len(index) == 0  # rolled back
    assert not [t for t in threading.enumerate() if t.name == "kapj-index-writer"]
    index.close()


def test_index_keeps_temporary_storage_in_memory(unordered: Journal) -> None:
    index = build_index(unordered)
    try:
        assert index._db().execute("PRAGMA temp_store").fetchone()[0] == 2
        loaded, _ = SearchIndex.deserialize(index.serialize(0))
        assert loaded._db().execute("PRAGMA temp_store").fetchone()[0] == 2
        loaded.close()
    finally:
        index.close()


def test_index_save_cancelled_stores_nothing(unordered: Journal) -> None:
    from kapjournal.core.errors import RecordNotFound
    from kapjournal.core.index import (
        IMAGE_ID,
        SaveCancelled,
        drop_service,
        load_image,
        service_for,
    )

    service = service_for(unordered)
    service.ensure(save=False)
    before = unordered.vault.generation
    with pytest.raises(SaveCancelled):
        service.save(cancelled=lambda: True)
    assert unordered.vault.generation == before
    with pytest.raises(RecordNotFound):
        unordered.vault.get(IMAGE_ID)
    assert service.dirty
    # dropping with a cancelled save never raises, and still drops the index
    drop_service(unordered, cancelled=lambda: True)
    assert unordered.vault.generation == before
    assert load_image(unordered.vault) is None
    assert not service.ready


def test_index_save_cancelled_midway_keeps_the_old_image(
    monkeypatch: pytest.MonkeyPatch, unordered: Journal
) -> None:
    from kapjournal.core.index import drop_service, load_image, service_for

    monkeypatch.setattr(index_mod, "IMAGE_PART_BYTES", 4096)  # many parts
    service = service_for(unordered)
    service.ensure(save=True)
    saved_at = unordered.vault.generation
    unordered.add_entry("a heron at dusk")
    calls: list[int] = []

    def after_three() -> bool:
        calls.append(1)
        return len(calls) > 3

    drop_service(unordered, cancelled=after_three)
    assert len(calls) == 4  # stopped at the fourth part
    assert unordered.vault.generation == saved_at + 1  # only the entry was added
    loaded = load_image(unordered.vault)
    assert loaded is not None
    index, fresh = loaded
    assert not fresh  # the previous image, now stale: refreshed at the next unlock
    assert index.search("heron") == []
    index.close()


def test_index_close_during_build_drops_the_built_index(
    monkeypatch: pytest.MonkeyPatch, unordered: Journal
) -> None:
    from kapjournal.core.errors import VaultLocked
    from kapjournal.core.index import service_for

    service = service_for(unordered)
    built: list[SearchIndex] = []
    real = index_mod.build_index

    def build_then_lock(journal: Journal, **kw: Any) -> SearchIndex:
        index = real(journal, **kw)
        built.append(index)
        service.close(save=False)  # the app locked while the worker was building
        return index

    monkeypatch.setattr(index_mod, "build_index", build_then_lock)
    with pytest.raises(VaultLocked):
        service.ensure(use_image=False, save=False)
    assert built and built[0].closed
    assert not service.ready


def test_index_serialize_compacts_once_after_a_merged_bulk_load(
    monkeypatch: pytest.MonkeyPatch, unordered: Journal
) -> None:
    monkeypatch.setattr(index_mod, "BULK_CHUNK_MIN", 20)  # several chunks: merged
    index = build_index(unordered)
    seen: list[str] = []
    index._db().set_trace_callback(seen.append)
    try:
        first = index.serialize(1)
        assert "VACUUM" in seen
        seen.clear()
        assert len(index.serialize(2)) == len(first)
        assert "VACUUM" not in seen  # nothing to drop the second time
    finally:
        index.close()
