"""The FTS5 index: ranking, filters, keeping in step, the sealed image, leaks."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kapjournal.core.errors import QueryError, VaultLocked
from kapjournal.core.index import (
    IMAGE_ID,
    IMAGE_KIND,
    IMAGE_PART_KIND,
    BuildCancelled,
    IndexNotReady,
    SearchService,
    _part_id,
    build_index,
    drop_service,
    service_for,
)
from kapjournal.core.journal import Journal
from kapjournal.core.models import Answer, Entry, Insight, Session, new_id
from tests.conftest import PASSPHRASE

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
def corpus(journal: Journal) -> dict[str, str]:
    """A small fixed journal: two sessions, five entries, one insight."""
    s1 = journal.save(Session(id=new_id(), started_at=T0, route="im"))
    s2 = journal.save(
        Session(id=new_id(), started_at=T0 + timedelta(days=30), route="sublingual_lozenge")
    )
    ids: dict[str, str] = {"s1": s1.id, "s2": s2.id}

    def add(key: str, body: str, days: int, **kw: object) -> None:
        journal.now = lambda: T0 + timedelta(days=days)
        ids[key] = journal.add_entry(body, **kw).id

    add("before", "Nervous before starting; the grief feels heavy.", -3)
    add("walk", "A long walk in the park with my sister. Gratitude.", 2, tags=("family",))
    add("title", "Some notes.", 5, title="Grief and the river")
    add("work", "Work was stressful but I noticed the grief less.", 33, pack_id="integration-48h")
    add(
        "guided",
        "",
        35,
        pack_id="preparation",
        answers=(Answer("p1", "What do you hope for?", "text", "More gratitude and ease"),),
    )
    journal.now = clock
    insight = Insight(
        id=new_id(), created=T0 + timedelta(days=3), text="Walking helps", entry_id=ids["walk"]
    )
    journal.save(insight)
    ids["insight"] = insight.id
    return ids


def ready(journal: Journal) -> SearchService:
    service = service_for(journal)
    service.ensure()
    return service


def found(service: SearchService, query: str, **kw: object) -> list[str]:
    return [r.id for r in service.search(query, now=clock, **kw)]


def test_index_words_stemming_and_accents(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    assert set(found(service, "walking")) == {corpus["insight"], corpus["walk"]}
    journal.add_entry("Coffee at the café with Zoë")
    assert len(found(service, "cafe zoe")) == 1


def test_index_ranking_title_weight_and_recency_tie_break(
    journal: Journal, corpus: dict[str, str]
) -> None:
    service = ready(journal)
    hits = found(service, "grief")
    assert hits[0] == corpus["title"]  # the title counts three times
    assert set(hits) == {corpus["title"], corpus["before"], corpus["work"]}
    # identical text: the newer one wins the tie
    journal.now = lambda: T0 + timedelta(days=100)
    old = journal.add_entry("zebra crossing").id
    journal.now = lambda: T0 + timedelta(days=200)
    new = journal.add_entry("zebra crossing").id
    assert found(service, "zebra") == [new, old]


def test_index_very_common_words_rank_the_newest_window(
    monkeypatch: pytest.MonkeyPatch, journal: Journal, corpus: dict[str, str]
) -> None:
    from kapjournal.core import index as index_mod

    service = ready(journal)
    assert found(service, "grief")[0] == corpus["title"]  # best bm25, not the newest
    monkeypatch.setattr(index_mod, "RANK_WINDOW", 2)
    hits = found(service, "grief")
    assert set(hits) == {corpus["title"], corpus["work"]}  # the two newest of three
    assert found(service, "grief tag:family") == []
    assert set(found(service, "grief -river")) == {corpus["work"], corpus["before"]}


def test_index_date_order(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    assert found(service, "grief", order="date") == [
        corpus["work"],
        corpus["title"],
        corpus["before"],
    ]


def test_index_phrase_prefix_or_exclude(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    assert found(service, '"walk in the park"') == [corpus["walk"]]
    assert found(service, '"park in the walk"') == []
    assert set(found(service, "grat*")) == {corpus["walk"], corpus["guided"]}
    assert set(found(service, "river OR sister")) == {corpus["title"], corpus["walk"]}
    assert set(found(service, "grief -work")) == {corpus["title"], corpus["before"]}


def test_index_filters(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    assert found(service, "tag:family") == [corpus["walk"]]
    assert set(found(service, "session:1")) == {
        corpus["walk"],
        corpus["title"],
        corpus["insight"],
    }
    assert set(found(service, "session:2")) == {corpus["work"], corpus["guided"]}
    assert set(found(service, "route:lozenge")) == {corpus["work"], corpus["guided"]}
    assert set(found(service, "is:insight")) == {corpus["walk"], corpus["insight"]}
    assert found(service, "pack:integration") == [corpus["work"]]
    assert found(service, "grief from:2026-01-04 to:2026-01-10") == [corpus["title"]]
    assert set(found(service, "since:2026-02-01")) == {corpus["work"], corpus["guided"]}
    assert corpus["walk"] not in found(service, "-tag:family")
    assert set(found(service, "-session:1 grief")) == {corpus["work"], corpus["before"]}


def test_index_answers_are_searchable(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    assert found(service, "ease") == [corpus["guided"]]


def test_index_result_fields_and_highlight_spans(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    [hit] = service.search("sister", now=clock)
    assert hit.entry_id == corpus["walk"] and hit.kind == "entry"
    assert hit.session_no == 1 and hit.session_id == corpus["s1"] and hit.route == "im"
    assert hit.created == T0 + timedelta(days=2)
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["sister"]
    assert "\x01" not in hit.snippet and "\x02" not in hit.snippet
    assert hit.to_dict()["highlights"] == [list(hit.spans[0])]
    [insight] = service.search("helps", now=clock)
    assert insight.kind == "insight" and insight.entry_id == corpus["walk"]


def test_index_bad_query_raises_query_error(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    with pytest.raises(QueryError):
        service.search("route:moon")
    assert service.search("") == []
    assert service.search('"" ... ---') == []


def test_index_control_characters_are_inert_in_snippets(journal: Journal) -> None:
    journal.add_entry("alpha \x1b[31mred\x01 \x02 beta")
    service = ready(journal)
    [hit] = service.search("beta")
    assert "\x1b" not in hit.snippet and "\x01" not in hit.snippet
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["beta"]


def test_index_follows_journal_changes(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    entry = journal.add_entry("a heron by the water")
    assert found(service, "heron") == [entry.id]
    journal.update_entry(entry, body="an egret by the water")
    assert found(service, "heron") == []
    assert found(service, "egret") == [entry.id]
    journal.delete(entry)
    assert found(service, "egret") == []
    # insights flip the is:insight flag of their entry
    journal.delete_id(Insight, corpus["insight"])
    assert found(service, "is:insight") == []
    # a new earlier session renumbers everything after it
    journal.save(Session(id=new_id(), started_at=T0 - timedelta(days=10), route="iv"))
    assert set(found(service, "session:1")) == {corpus["before"]}
    assert set(found(service, "route:im")) == {corpus["walk"], corpus["title"]}
    assert service.dirty
    db = service.index._conn
    assert db is not None
    db.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 1)")


def test_index_same_moment_entries_and_date_moves(journal: Journal) -> None:
    service = ready(journal)
    journal.now = lambda: T0
    a = journal.add_entry("twin heron")
    b = journal.add_entry("twin heron")
    assert set(found(service, "twin")) == {a.id, b.id}
    moved = journal.update_entry(a, created=T0 + timedelta(days=9))
    assert found(service, "twin", order="date") == [moved.id, b.id]
    assert found(service, "heron from:2026-01-05") == [moved.id]
    db = service.index._conn
    assert db is not None
    db.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 1)")


def test_index_changes_during_build_are_applied(journal: Journal, corpus: dict[str, str]) -> None:
    service = service_for(journal)
    added: list[str] = []

    def progress(done: int, total: int) -> None:
        if not added:
            added.append(journal.add_entry("kingfisher").id)

    service.ensure(progress=progress, use_image=False)
    assert found(service, "kingfisher") == added


def test_index_build_can_be_cancelled(journal: Journal) -> None:
    with journal.transaction():
        for i in range(600):
            journal.add_entry(f"entry {i}")
    with pytest.raises(BuildCancelled):
        build_index(journal, cancelled=lambda: True)


def test_index_recent_list_from_image(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    items = service.recent()
    assert [i.id for i in items][:2] == [corpus["guided"], corpus["work"]]
    assert items[2].first_line == "Grief and the river"


def test_index_image_is_saved_and_loaded_fresh(
    vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    service = ready(journal)
    assert service.source == "rebuild"
    record = journal.vault.get(IMAGE_ID)
    assert record.kind == IMAGE_KIND
    drop_service(journal)
    journal.close()
    with Journal.unlock(vault_path, PASSPHRASE) as again:
        loaded = ready(again)
        assert loaded.source == "image"
        assert found(loaded, "sister") == [corpus["walk"]]
        again.now = lambda: T0 + timedelta(days=4)
        added = again.add_entry("a kestrel")
        assert found(loaded, "kestrel session:1") == [added.id]
        drop_service(again)


def test_index_stale_image_is_refreshed_with_only_the_changes(
    vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    ready(journal)
    drop_service(journal)
    # changes made while no index listened (like `kapjournal add` in another process)
    journal.add_entry("an otter in the river")
    journal.update_entry(journal.get(Entry, corpus["walk"]), body="A swim with my brother.")
    journal.delete_id(Entry, corpus["before"])
    journal.save(Insight(id=new_id(), created=NOW, text="Rivers calm me", entry_id=corpus["work"]))
    journal.save(Session(id=new_id(), started_at=T0 - timedelta(days=10), route="iv"))
    journal.close()
    with Journal.unlock(vault_path, PASSPHRASE) as again:
        service = ready(again)
        assert service.source == "refresh"
        assert len(found(service, "otter")) == 1
        assert found(service, "sister") == []
        assert found(service, "brother") == [corpus["walk"]]
        assert corpus["before"] not in found(service, "grief")
        assert corpus["work"] in found(service, "is:insight")
        assert set(found(service, "session:2")) == {corpus["walk"], corpus["title"]} | {
            corpus["insight"]
        }
        drop_service(again)
    with Journal.unlock(vault_path, PASSPHRASE) as third:
        service = ready(third)
        assert service.source == "image"  # the refreshed image was saved
        assert len(found(service, "otter")) == 1
        drop_service(third)


def test_index_stale_image_with_many_changes_is_rebuilt(
    monkeypatch: pytest.MonkeyPatch, journal: Journal, corpus: dict[str, str]
) -> None:
    from kapjournal.core import index as index_mod

    ready(journal)
    drop_service(journal)
    monkeypatch.setattr(index_mod, "REFRESH_FLOOR", 0)
    for i in range(5):
        journal.add_entry(f"pelican {i}")
    service = ready(journal)
    assert service.source == "rebuild"
    assert len(found(service, "pelican")) == 5


def test_index_changed_index_is_saved_on_drop(
    vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    ready(journal)
    journal.add_entry("a badger at dusk")
    drop_service(journal, save=True)
    journal.close()
    with Journal.unlock(vault_path, PASSPHRASE) as again:
        service = ready(again)
        assert service.source == "image"
        assert len(found(service, "badger")) == 1
        drop_service(again)


def test_index_damaged_image_is_rebuilt(
    vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    service = ready(journal)
    stamp = journal.vault.generation
    # a well-sealed record whose bytes are not a database
    journal.vault.put(IMAGE_KIND, b"not a database" * 10, record_id=IMAGE_ID)
    assert journal.vault.generation == stamp + 1
    drop_service(journal, save=False)
    service = ready(journal)
    assert service.source == "rebuild"
    assert found(service, "sister") == [corpus["walk"]]


def test_index_image_in_many_parts_round_trips_and_shrinks(
    monkeypatch: pytest.MonkeyPatch, vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    from kapjournal.core import index as index_mod

    monkeypatch.setattr(index_mod, "IMAGE_PART_BYTES", 4096)
    service = ready(journal)
    parts = journal.vault.count(IMAGE_PART_KIND)
    assert parts > 3
    drop_service(journal)
    # a smaller image afterwards leaves no stale parts behind
    monkeypatch.setattr(index_mod, "IMAGE_PART_BYTES", 64 * 1024)
    journal.add_entry("a wren")
    service = ready(journal)
    assert service.source == "refresh"
    assert journal.vault.count(IMAGE_PART_KIND) < parts
    drop_service(journal)
    journal.close()
    with Journal.unlock(vault_path, PASSPHRASE) as again:
        loaded = ready(again)
        assert loaded.source == "image"
        assert len(found(loaded, "wren")) == 1
        drop_service(again)


def test_index_part_from_another_save_is_rejected(journal: Journal, corpus: dict[str, str]) -> None:
    ready(journal)
    drop_service(journal)
    stamp = journal.vault.generation
    original = journal.vault.get(_part_id(0)).plaintext
    forged = os.urandom(16) + original[16:]  # same bytes, another save's tag
    with journal.vault.transaction():
        journal.vault.put(IMAGE_PART_KIND, forged, record_id=_part_id(0))
    assert journal.vault.generation == stamp + 1
    # header generation is now one behind; make it look fresh again
    from kapjournal.core.index import _read_image_header

    header = _read_image_header(journal.vault)
    assert header is not None
    header["generation"] = journal.vault.generation
    journal.vault.put(IMAGE_KIND, json.dumps(header).encode(), record_id=IMAGE_ID)
    service = ready(journal)
    assert service.source == "rebuild"
    assert found(service, "sister") == [corpus["walk"]]


def test_index_readonly_journal_searches_without_saving(
    vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    journal.close()
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as ro:
        service = ready(ro)
        assert service.source == "rebuild"
        assert found(service, "sister") == [corpus["walk"]]
        assert service.save() is False


def test_index_is_dropped_on_lock(journal: Journal, corpus: dict[str, str]) -> None:
    service = ready(journal)
    index = service.index
    drop_service(journal, save=False)
    assert index.closed
    with pytest.raises(IndexNotReady):
        index.search("grief")
    journal.close()
    with pytest.raises(VaultLocked):
        service.search("grief")


def test_index_connection_is_memory_only(journal: Journal, corpus: dict[str, str]) -> None:
    index = ready(journal).index
    assert index._conn is not None
    rows = index._conn.execute("PRAGMA database_list").fetchall()
    assert [(name, path) for _, name, path in rows] == [("main", "")]


def test_index_no_plaintext_in_vault_file_after_image_save(
    vault_path: Path, journal: Journal
) -> None:
    marker = "zq" + os.urandom(6).hex() + "marker"
    for i in range(40):
        journal.add_entry(f"entry {i} mentions {marker} in passing", title=f"{marker} title")
    journal.save(Insight(id=new_id(), created=NOW, text=f"insight {marker}"))
    service = ready(journal)
    image = service.index.serialize(0)
    assert marker.encode() in image  # the test could fail: the image holds the text
    del image
    assert service.source == "rebuild"
    assert journal.vault.get(IMAGE_ID).kind == IMAGE_KIND  # the image was stored
    drop_service(journal, save=True)
    journal.close()
    for path in vault_path.parent.iterdir():
        data = path.read_bytes()
        assert marker.encode() not in data, path.name
        assert marker.encode("utf-16-le") not in data, path.name


def test_index_unsaved_rebuild_is_saved_on_lock(
    vault_path: Path, journal: Journal, corpus: dict[str, str]
) -> None:
    service = service_for(journal)
    service.ensure(save=False)  # what the app does in its worker
    assert service.source == "rebuild" and service.dirty
    assert journal.vault.count(IMAGE_KIND) == 0
    drop_service(journal, save=True)  # on lock, in the thread that writes
    journal.close()
    with Journal.unlock(vault_path, PASSPHRASE) as again:
        assert ready(again).source == "image"
        drop_service(again)


def test_index_snippet_markers_become_spans() -> None:
    from kapjournal.core.index import _spans

    text, spans = _spans("\x03a \x01walk\x02\nin the \x01park\x02\x1b\x03")
    assert text == "\u2026a walk in the park\u241b\u2026"
    assert [text[a:b] for a, b in spans] == ["walk", "park"]


def test_index_hashtag_is_the_tag_filter(journal: Journal, corpus: dict[str, str]) -> None:
    # docs/search.md: "#family" works like tag:family (not a search for the word).
    journal.now = lambda: T0 + timedelta(days=4)
    mention = journal.add_entry("My family came up again today.").id
    journal.now = clock
    service = ready(journal)
    assert found(service, "#family") == found(service, "tag:family") == [corpus["walk"]]
    assert mention in found(service, "family")
    assert set(found(service, "-#family grat*")) == {corpus["guided"]}
