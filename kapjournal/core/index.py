"""Full-text search: an in-memory SQLite FTS5 index, its sealed image, and queries.

The index lives only in a ``:memory:`` SQLite connection (never a file, never
ATTACH) and is dropped on lock. To make unlock fast for big journals it can be
saved as one sealed vault record of kind ``search_index``: the bytes of
``Connection.serialize()``, encrypted like every other record. On the next
unlock :meth:`SearchService.ensure` loads it with ``deserialize()`` when it is
fresh, and otherwise rebuilds from the records (call it from a worker).

Freshness. The vault bumps ``generation`` on every committed transaction,
including the one that stores the image. The image therefore records the
generation ``G`` its content reflects and is written in a transaction of its
own, so it is fresh exactly when ``vault.generation == G + 1``. Any later save
(from the app, or ``kapjournal add`` in another process) makes it stale.

Queries go through :mod:`kapjournal.core.query`; results are found in two
stages (top row ids first, then snippets for just those rows) so long result
lists never pay for a snippet per hit.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kapjournal.core.cycles import CycleIndex
from kapjournal.core.errors import (
    InvalidInput,
    KapError,
    QueryError,
    RecordDamaged,
    RecordNotFound,
    VaultLocked,
)
from kapjournal.core.journal import Change, Journal
from kapjournal.core.models import Answer, Entry, Insight, Session
from kapjournal.core.query import KEY_SHIFT, Query, date_key, parse
from kapjournal.core.sanitize import clean, clean_line
from kapjournal.core.tags import extract_tags
from kapjournal.core.vault import DamagedRecord, Vault

IMAGE_KIND = "search_index"
IMAGE_PART_KIND = "search_index_part"
# Fixed record ids, so each saved image replaces the previous one in place:
# one small header record plus the image in parts of IMAGE_PART_BYTES.
IMAGE_ID = bytes.fromhex("000000000000000000000000005ea4c8")
_PART_PREFIX = bytes.fromhex("0000000000000000000000005ea5")
IMAGE_PART_BYTES = 1024 * 1024  # cache-sized: loads ~1.5x faster than 8 MiB parts
_TAG_BYTES = 16
IMAGE_FORMAT = "kapj-search-5"
INDEXED_KINDS = ("entry", "insight")
# Above this share of changed records, rebuilding beats patching a stale image.
REFRESH_LIMIT = 0.25
REFRESH_FLOOR = 200
TOKENIZER = "porter unicode61 remove_diacritics 2"
FIRST_LINE_CHARS = 120
SNIPPET_TOKENS = 24
RANK_WINDOW = 5_000
_OPEN, _CLOSE, _ELLIPSIS = "\x01", "\x02", "\x03"

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    entry_id TEXT,
    created REAL NOT NULL,
    created_iso TEXT NOT NULL,
    first_line TEXT NOT NULL,
    link_sid TEXT,
    session_id TEXT,
    session_no INTEGER,
    route TEXT,
    pack TEXT,
    is_insight INTEGER NOT NULL DEFAULT 0,
    -- the text last, so reading metadata never walks overflow pages
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    answers TEXT NOT NULL,
    tags TEXT NOT NULL
);
CREATE INDEX docs_entry ON docs(entry_id);
CREATE TABLE revs (
    id TEXT PRIMARY KEY, rev INTEGER NOT NULL, is_session INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE tags (rid INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE INDEX tags_tag ON tags(tag, rid);
CREATE INDEX tags_rid ON tags(rid);
CREATE VIRTUAL TABLE fts USING fts5(
    title, body, answers, tags, content = 'docs', content_rowid = 'rowid',
    tokenize = '{TOKENIZER}'
);
INSERT INTO fts(fts, rank) VALUES ('rank', 'bm25(3.0, 1.0, 1.0, 2.0)');
"""


# Row ids follow creation time (query.date_key), so "newest first" is simply
# rowid order: FTS5 walks its doclists backwards and stops after LIMIT rows.
_KEY_SHIFT = KEY_SHIFT
_date_key = date_key


class IndexNotReady(KapError):
    user_message = "The search index is still being built; try again in a moment."


@dataclass(frozen=True)
class SearchResult:
    """One hit. ``snippet`` is plain text; ``spans`` mark the matched parts in it."""

    id: str
    kind: str  # "entry" | "insight"
    entry_id: str | None  # the entry to open (the entry itself, or the insight's entry)
    created: datetime
    first_line: str
    session_no: int | None
    session_id: str | None
    route: str | None
    snippet: str
    spans: tuple[tuple[int, int], ...]
    score: float | None  # bm25 (lower is better); None for date-only lists

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "entry_id": self.entry_id,
            "date": self.created.isoformat(),
            "first_line": self.first_line,
            "session": self.session_no,
            "session_id": self.session_id,
            "route": self.route,
            "snippet": self.snippet,
            "highlights": [list(s) for s in self.spans],
            "score": self.score,
        }


@dataclass(frozen=True)
class ListItem:
    """What the home list needs before every entry is decrypted."""

    id: str
    created: datetime
    first_line: str


# ---------------------------------------------------------------- documents


def _answer_text(answers: Iterable[Answer]) -> str:
    parts: list[str] = []
    for answer in answers:
        value = answer.value
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list | tuple):
            parts.extend(str(v) for v in value if isinstance(v, str))
    return "\n".join(parts)


def _inert(text: str) -> str:
    """Keep the snippet marker characters out of indexed text (cheap when absent)."""
    if _OPEN in text or _CLOSE in text or _ELLIPSIS in text:
        for ch in (_OPEN, _CLOSE, _ELLIPSIS):
            text = text.replace(ch, "\ufffd")
    return text


def _tags(given: Iterable[str], text: str) -> list[str]:
    found = extract_tags(text) if "#" in text else []
    return list(dict.fromkeys([t.lower() for t in given] + found))


def _first_line(text: str) -> str:
    line = clean_line(text[: FIRST_LINE_CHARS + 1]).strip()
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1] + "\u2026"


@dataclass
class _Doc:
    id: str
    kind: str
    entry_id: str | None
    created: datetime
    first_line: str
    link_sid: str | None
    pack: str | None
    title: str
    body: str
    answers: str
    tags: list[str]


def _entry_doc(entry: Entry) -> _Doc:
    return _Doc(
        id=entry.id,
        kind="entry",
        entry_id=entry.id,
        created=entry.created,
        first_line=_first_line(entry.first_line),
        link_sid=entry.session_id,
        pack=entry.pack_id.lower() if entry.pack_id else None,
        title=_inert(entry.title),
        body=_inert(entry.body),
        answers=_inert(_answer_text(entry.answers)),
        tags=_tags(entry.tags, entry.body),
    )


def _insight_doc(insight: Insight) -> _Doc:
    return _Doc(
        id=insight.id,
        kind="insight",
        entry_id=insight.entry_id,
        created=insight.created,
        first_line=_first_line(insight.text or "(insight)"),
        link_sid=insight.session_id,
        pack=None,
        title="",
        body=_inert(insight.text),
        answers="",
        tags=_tags(insight.tags, insight.text),
    )


class _Linker:
    """Session number and route for a moment, via the shared session cycles."""

    def __init__(self, sessions: Iterable[Session]) -> None:
        self.cycles = CycleIndex(sessions)
        self._numbers: dict[str, int] = {}

    def link(
        self, created: datetime, link_sid: str | None
    ) -> tuple[str | None, int | None, str | None]:
        session = self.cycles.session_for(created, link_sid)
        if session is None:
            return None, None, None
        number = self._numbers.get(session.id)
        if number is None:
            number = self._numbers[session.id] = self.cycles.number_of(session)
        return session.id, number, session.route


_MARKS = re.compile(f"([{_OPEN}{_CLOSE}{_ELLIPSIS}])")
_BLANKS = str.maketrans("\n\r\t", "   ")


def _spans(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Strip snippet markers, returning plain one-line text and highlight spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    for part in _MARKS.split(raw):
        if part == _OPEN:
            opened = length
        elif part == _CLOSE:
            if opened is not None and length > opened:
                spans.append((opened, length))
            opened = None
        elif part == _ELLIPSIS:
            out.append("\u2026")
            length += 1
        elif part:
            out.append(part.translate(_BLANKS))
            length += len(part)
    # clean() swaps each unsafe character for one visible one, so spans stay valid.
    return clean("".join(out)), tuple(spans)


def _lead(text: str, words: int = SNIPPET_TOKENS) -> str:
    parts = text.split()
    lead = " ".join(parts[:words])
    return clean(lead + ("\u2026" if len(parts) > words else ""))


# ---------------------------------------------------------------- the index


def _no_temp_files(conn: sqlite3.Connection) -> None:
    """Keep SQLite's temporary storage in memory.

    With the default, VACUUM and big sorts spill the index's plaintext into
    deleted files under /var/tmp (seen with strace): SECURITY.md forbids that.
    """
    conn.execute("PRAGMA temp_store = MEMORY")


class SearchIndex:
    """The in-memory FTS5 index. Thread-safe: every method holds one lock."""

    def __init__(self, conn: sqlite3.Connection | None = None) -> None:
        self._lock = threading.RLock()
        if conn is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            # Rows carry ~1-2 KB of text: big pages pack them with less waste,
            # which makes the image (and the memory peak when loading it) smaller.
            conn.execute("PRAGMA page_size = 65536")
            _no_temp_files(conn)
            conn.executescript(_SCHEMA)
            conn.execute("INSERT INTO meta VALUES ('format', ?)", (IMAGE_FORMAT,))
            conn.execute("INSERT INTO meta VALUES ('generation', -1)")
        self._conn: sqlite3.Connection | None = conn
        self._linker: _Linker | None = None
        self._compact = False  # VACUUM before the next serialize (see bulk_load)

    # -- lifecycle ----------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        """Drop the index (and every piece of text in it)."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
            self._conn = None
            self._linker = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise IndexNotReady("The search index was closed (the journal is locked).")
        return self._conn

    def __len__(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT count(*) FROM docs").fetchone()[0])

    # -- building -----------------------------------------------------

    def use_sessions(self, sessions: Iterable[Session]) -> None:
        """Link new documents with these sessions (existing links are already right)."""
        with self._lock:
            self._linker = _Linker(sessions)

    def set_sessions(self, sessions: Iterable[Session]) -> None:
        """Use these sessions for session numbers and routes, relinking every document."""
        with self._lock:
            self._linker = _Linker(sessions)
            db = self._db()
            rows = db.execute(
                "SELECT rowid, created_iso, link_sid, session_id, session_no, route FROM docs"
            ).fetchall()
            updates = []
            for rowid, iso, link_sid, *old in rows:
                new = self._linker.link(datetime.fromisoformat(iso), link_sid)
                if tuple(old) != new:  # rows carry their text: rewrite only what moved
                    updates.append((*new, rowid))
            with self._tx(db):
                db.executemany(
                    "UPDATE docs SET session_id = ?, session_no = ?, route = ? WHERE rowid = ?",
                    updates,
                )

    @staticmethod
    @contextlib.contextmanager
    def _tx(db: sqlite3.Connection) -> Any:
        db.execute("BEGIN")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _insert(
        self, db: sqlite3.Connection, doc: _Doc, rowid: int | None = None, *, bulk: bool = False
    ) -> None:
        values, _ = _doc_row(doc, self._linker or _Linker(()))
        key = values[0] if rowid is None else rowid
        tags_text = values[-1]
        while True:
            try:
                db.execute(_INSERT_DOC, (key, *values[1:]))
                break
            except sqlite3.IntegrityError:
                if (
                    rowid is not None
                    or not db.execute("SELECT 1 FROM docs WHERE rowid = ?", (key,)).fetchone()
                ):
                    raise
                key += 1  # same millisecond as another doc: the next slot keeps date order
        new_rowid = key
        if not bulk:  # a bulk load indexes everything at the end, in rowid order
            db.execute(
                "INSERT INTO fts (rowid, title, body, answers, tags) VALUES (?, ?, ?, ?, ?)",
                (key, doc.title, doc.body, doc.answers, tags_text),
            )
        if doc.tags:
            db.executemany(
                "INSERT INTO tags (rid, tag) VALUES (?, ?)", [(new_rowid, t) for t in doc.tags]
            )

    def add_many(self, docs: Iterable[_Doc]) -> None:
        """Insert documents in one transaction (see :meth:`bulk_load`)."""
        with self._lock:
            linker = self._linker or _Linker(())
            self.bulk_load([[_doc_row(doc, linker) for doc in docs]])

    def bulk_load(self, chunks: Iterable[list[_Row]]) -> None:
        """Load an empty index from chunks of rows, in one transaction.

        The caller's thread produces the chunks (decryption, decoding: Python
        work that holds the GIL) and stores each in ``docs``; a helper thread
        then indexes that chunk with one statement, tokenising in SQLite
        without the GIL while the next chunk is decoded: the two overlap.
        FTS5 writes one segment per run of ascending row ids, so each chunk is
        sorted; journals stored in date order continue one run across chunks.
        Merging is off meanwhile; one 'optimize' at the end merges the
        segments (without VACUUM: that would copy the whole database in
        memory; the first :meth:`serialize` drops the free pages).
        """
        with self._lock:
            db = self._db()
            config = "INSERT INTO fts(fts, rank) VALUES (?, ?)"
            db.execute(config, ("automerge", 0))
            db.execute(config, ("crisismerge", 64))
            db.execute(config, ("hashsize", BULK_HASH_BYTES))
            writer = _FtsWriter(db)
            db.execute("BEGIN")
            try:
                # Which row ids each chunk holds; dropped before the commit.
                db.execute(
                    "CREATE TABLE bulk_keys "
                    "(c INTEGER NOT NULL, k INTEGER NOT NULL, PRIMARY KEY (c, k)) WITHOUT ROWID"
                )
                used: set[int] = set()
                for number, chunk in enumerate(chunks):
                    rows = _with_unique_keys(chunk, used)
                    del chunk
                    # Waits (without the GIL) while the writer indexes the chunk before.
                    db.executemany(_INSERT_DOC, [values for values, _ in rows])
                    tags = [(values[0], tag) for values, row_tags in rows for tag in row_tags]
                    if tags:
                        db.executemany("INSERT INTO tags (rid, tag) VALUES (?, ?)", tags)
                    db.executemany(
                        "INSERT INTO bulk_keys VALUES (?, ?)",
                        [(number, values[0]) for values, _ in rows],
                    )
                    writer.put(number)
                    del rows, tags
                writer.finish()
                db.execute("DROP TABLE bulk_keys")
                self._refresh_insight_flags(db, None)
            except BaseException:
                writer.abort()
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            self._compact = True  # the pages of bulk_keys (and of merged segments) are free
            if _segment_count(db) > 1:
                # One segment per chunk. Left alone, the first few small edits
                # would merge them (FTS5 keeps them all on level 0), one edit
                # paying for most of it: merge them now, in this worker.
                db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            db.execute(config, ("automerge", 4))
            db.execute(config, ("crisismerge", 16))
            db.execute(config, ("hashsize", DEFAULT_HASH_BYTES))

    def segments(self) -> int:
        """How many FTS5 segments the index has (merging state, for tests and benchmarks)."""
        with self._lock:
            return _segment_count(self._db())

    def _refresh_insight_flags(self, db: sqlite3.Connection, entry_ids: list[str] | None) -> None:
        flag = "EXISTS (SELECT 1 FROM docs i WHERE i.kind = 'insight' AND i.entry_id = docs.id)"
        # Only rows whose flag changes are rewritten (each row carries its text).
        sql = f"UPDATE docs SET is_insight = {flag} WHERE kind = 'entry' AND is_insight != {flag}"
        if entry_ids is None:
            db.execute(sql)
        elif entry_ids:
            db.execute(sql + f" AND id IN ({','.join('?' * len(entry_ids))})", entry_ids)

    def upsert(self, doc: _Doc) -> None:
        """Insert or replace one document (its row id changes only with its date)."""
        with self._lock:
            db = self._db()
            with self._tx(db):
                row = db.execute(
                    "SELECT rowid, entry_id FROM docs WHERE id = ?", (doc.id,)
                ).fetchone()
                touched = [e for e in (doc.entry_id,) if e and doc.kind == "insight"]
                rowid = None
                if row is not None:
                    old = int(row[0])
                    if old >> _KEY_SHIFT == _date_key(doc.created) >> _KEY_SHIFT:
                        rowid = old
                    if doc.kind == "insight" and row[1]:
                        touched.append(row[1])
                    self._remove_row(db, old)
                self._insert(db, doc, rowid)
                if doc.kind == "entry":
                    touched.append(doc.id)
                self._refresh_insight_flags(db, touched)

    def remove(self, doc_id: str) -> None:
        with self._lock:
            db = self._db()
            with self._tx(db):
                row = db.execute(
                    "SELECT rowid, kind, entry_id FROM docs WHERE id = ?", (doc_id,)
                ).fetchone()
                if row is None:
                    return
                self._remove_row(db, int(row[0]))
                if row[1] == "insight" and row[2]:
                    self._refresh_insight_flags(db, [row[2]])

    @staticmethod
    def _remove_row(db: sqlite3.Connection, rowid: int) -> None:
        db.execute(
            "INSERT INTO fts (fts, rowid, title, body, answers, tags) "
            "SELECT 'delete', rowid, title, body, answers, tags FROM docs WHERE rowid = ?",
            (rowid,),
        )
        db.execute("DELETE FROM tags WHERE rid = ?", (rowid,))
        db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))

    # -- image --------------------------------------------------------

    def set_revisions(self, docs: dict[bytes, int], sessions: dict[bytes, int]) -> None:
        """Record which record revisions the index reflects (stored in the image)."""
        with self._lock:
            db = self._db()
            with self._tx(db):
                db.execute("DELETE FROM revs")
                db.executemany(
                    "INSERT INTO revs VALUES (?, ?, 0)", [(k.hex(), v) for k, v in docs.items()]
                )
                db.executemany(
                    "INSERT INTO revs VALUES (?, ?, 1)",
                    [(k.hex(), v) for k, v in sessions.items()],
                )

    def revisions(self) -> tuple[dict[str, int], dict[str, int]]:
        """``(documents, sessions)``: hex id to revision, as of the last save."""
        with self._lock:
            rows = self._db().execute("SELECT id, rev, is_session FROM revs").fetchall()
        docs = {k: v for k, v, is_session in rows if not is_session}
        sessions = {k: v for k, v, is_session in rows if is_session}
        return docs, sessions

    def serialize(self, generation: int) -> bytes:
        """The whole database as bytes, stamped with the vault generation it reflects.

        Free and half-empty pages (left by FTS5 merging segments) would be
        saved too: after a bulk load's merge, or when free pages are more than
        a tenth of the database, VACUUM drops them first (~4% smaller image
        after a rebuild; 0.8 s at 100,000 entries, paid on lock in a worker).
        """
        with self._lock:
            db = self._db()
            db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (generation,))
            free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
            if self._compact or free * 10 > int(db.execute("PRAGMA page_count").fetchone()[0]):
                db.execute("VACUUM")
                self._compact = False
            _release_free_memory()  # before the copy, not on top of freed pages
            return db.serialize()

    @classmethod
    def deserialize(cls, data: bytes | bytearray) -> tuple[SearchIndex, int]:
        """Load an image; returns the index and the generation it was stamped with.

        Raises:
            InvalidInput: when the bytes are not an index image of this format.
        """
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        try:
            conn.deserialize(data)
            _no_temp_files(conn)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") != IMAGE_FORMAT or not isinstance(meta.get("generation"), int):
                raise InvalidInput("The saved search index has an unknown format.")
            conn.execute("SELECT count(*) FROM fts WHERE fts MATCH '\"a\"'").fetchone()
        except (sqlite3.Error, InvalidInput) as err:
            conn.close()
            raise InvalidInput("The saved search index could not be read.") from err
        return cls(conn), int(meta["generation"])

    # -- querying -----------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        limit: int = 50,
        order: str = "rank",
        now: Callable[[], datetime] | None = None,
    ) -> list[SearchResult]:
        """Run a query.

        Args:
            query: text in the query language, or an already parsed ``Query``.
            limit: at most this many results.
            order: ``"rank"`` (bm25, newest first on ties) or ``"date"`` (newest first).
            now: clock for relative date filters.

        Returns:
            Results, best first. An empty query gives an empty list.

        Raises:
            QueryError: when the query cannot be understood.
        """
        parsed = query if isinstance(query, Query) else parse(query, now=now)
        if parsed.empty or limit <= 0:
            return []
        match = parsed.fts_match()
        exclude = parsed.fts_exclude()
        where, params = parsed.sql_filters("d")
        with self._lock:
            db = self._db()
            try:
                if match is not None:
                    ids = self._stage_one_text(db, match, where, params, limit, order)
                    return self._with_snippets(db, ids, match)
                if where == "" and exclude is None:
                    return []
                ids = self._stage_one_filters(db, exclude, where, params, limit)
                return self._with_leads(db, ids)
            except sqlite3.OperationalError as err:
                # Quoting makes this unreachable for parsed input; never show SQL to a user.
                raise QueryError("That search could not be run; try simpler words.") from err

    @staticmethod
    def _stage_one_text(
        db: sqlite3.Connection,
        match: str,
        where: str,
        params: list[Any],
        limit: int,
        order: str,
    ) -> list[tuple[int, float | None]]:
        extra = f" AND {where}" if where else ""
        source = "fts JOIN docs d ON d.rowid = fts.rowid" if where else "fts"
        if order == "date":
            sql = (
                f"SELECT fts.rowid, NULL FROM {source} WHERE fts MATCH ?{extra} "
                "ORDER BY fts.rowid DESC LIMIT ?"
            )
            return [(int(r), s) for r, s in db.execute(sql, [match, *params, limit])]
        # bm25 costs a few microseconds per hit. A word found in most entries has
        # an inverse document frequency near zero, so its scores barely differ;
        # scoring only the newest RANK_WINDOW hits keeps such searches fast at
        # the price of older hits for very common words (docs/search.md).
        probe = db.execute(
            f"SELECT fts.rowid FROM {source} WHERE fts MATCH ?{extra} "
            "ORDER BY fts.rowid DESC LIMIT 1 OFFSET ?",
            [match, *params, RANK_WINDOW - 1],
        ).fetchone()
        window, bound = ("", []) if probe is None else (" AND fts.rowid >= ?", [probe[0]])
        sql = (
            f"SELECT fts.rowid, fts.rank FROM {source} WHERE fts MATCH ?{extra}{window} "
            "ORDER BY fts.rank, fts.rowid DESC LIMIT ?"
        )
        return [(int(r), s) for r, s in db.execute(sql, [match, *params, *bound, limit])]

    @staticmethod
    def _stage_one_filters(
        db: sqlite3.Connection,
        exclude: str | None,
        where: str,
        params: list[Any],
        limit: int,
    ) -> list[tuple[int, float | None]]:
        conds = [where] if where else []
        args = list(params)
        if exclude is not None:
            conds.append("d.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(exclude)
        sql = (
            f"SELECT d.rowid FROM docs d WHERE {' AND '.join(conds)} ORDER BY d.rowid DESC LIMIT ?"
        )
        return [(int(r[0]), None) for r in db.execute(sql, [*args, limit])]

    def _with_snippets(
        self, db: sqlite3.Connection, ids: list[tuple[int, float | None]], match: str
    ) -> list[SearchResult]:
        if not ids:
            return []
        # Stage two: one pass over the match, snippets for the chosen rows only.
        wanted = [rowid for rowid, _ in ids]
        marks = ",".join("?" * len(wanted))
        snippets = dict(
            db.execute(
                f"SELECT rowid, snippet(fts, -1, '{_OPEN}', '{_CLOSE}', '{_ELLIPSIS}', "
                f"{SNIPPET_TOKENS}) FROM fts WHERE fts MATCH ? AND rowid BETWEEN ? AND ? "
                # "+rowid": a plain filter, not 50 separate FTS5 lookups (slow for prefixes)
                f"AND +rowid IN ({marks})",
                [match, min(wanted), max(wanted), *wanted],
            ).fetchall()
        )
        results = []
        for rowid, score in ids:
            raw = snippets.get(rowid)
            text, spans = _spans(raw or "")
            if not text:
                body = db.execute("SELECT body FROM docs WHERE rowid = ?", (rowid,)).fetchone()
                text, spans = _lead(body[0] if body else ""), ()
            results.append(self._result(db, rowid, score, text, spans))
        return results

    def _with_leads(
        self, db: sqlite3.Connection, ids: list[tuple[int, float | None]]
    ) -> list[SearchResult]:
        results = []
        for rowid, score in ids:
            body = db.execute("SELECT body FROM docs WHERE rowid = ?", (rowid,)).fetchone()
            text = _lead(body[0] if body else "").replace("\n", " ")
            results.append(self._result(db, rowid, score, text, ()))
        return results

    @staticmethod
    def _result(
        db: sqlite3.Connection,
        rowid: int,
        score: float | None,
        snippet: str,
        spans: tuple[tuple[int, int], ...],
    ) -> SearchResult:
        row = db.execute(
            "SELECT id, kind, entry_id, created_iso, first_line, session_no, session_id, route "
            "FROM docs WHERE rowid = ?",
            (rowid,),
        ).fetchone()
        return SearchResult(
            id=row[0],
            kind=row[1],
            entry_id=row[2],
            created=datetime.fromisoformat(row[3]),
            first_line=row[4],
            session_no=row[5],
            session_id=row[6],
            route=row[7],
            snippet=snippet,
            spans=spans,
            score=score,
        )

    def recent(self, limit: int | None = None) -> list[ListItem]:
        """Entries newest first with date and first line (for the home list)."""
        with self._lock:
            sql = "SELECT id, created_iso, first_line FROM docs WHERE kind = 'entry' "
            sql += "ORDER BY rowid DESC"
            args: tuple[Any, ...] = ()
            if limit is not None:
                sql += " LIMIT ?"
                args = (limit,)
            return [
                ListItem(r[0], datetime.fromisoformat(r[1]), r[2])
                for r in self._db().execute(sql, args)
            ]

    def newest_entries(self, limit: int) -> list[ListItem]:
        """The ``limit`` newest entries, ordered exactly like decrypted entries would be.

        Newest first by creation time, ties broken by id (descending), so the
        result does not depend on the order documents were indexed in. Row ids
        only keep millisecond buckets in order, so every row from the bucket
        before the last one kept is read too, and the few rows sorted in Python.
        """
        with self._lock:
            db = self._db()
            row = db.execute(
                "SELECT rowid FROM docs WHERE kind = 'entry' ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (max(0, limit - 1),),
            ).fetchone()
            sql = "SELECT id, created_iso, first_line FROM docs WHERE kind = 'entry'"
            args: tuple[Any, ...] = ()
            if row is not None:
                sql += " AND rowid >= ?"
                args = ((((int(row[0]) >> _KEY_SHIFT) - 1) << _KEY_SHIFT),)
            items = [
                ListItem(r[0], datetime.fromisoformat(r[1]), r[2]) for r in db.execute(sql, args)
            ]
        items.sort(key=lambda item: (item.created, item.id), reverse=True)
        return items[:limit]


# ---------------------------------------------------------------- the service


Cancelled = Callable[[], bool]
Progress = Callable[[int, int], None]


class BuildCancelled(Exception):
    """A rebuild stopped because its worker was cancelled."""


class SaveCancelled(KapError):
    """Sealing the image stopped early; nothing of it was stored."""

    user_message = "The search index was not saved; it is rebuilt at the next unlock."


class SearchService:
    """The search index of one unlocked journal: load or build, keep in step, save, drop.

    Get it with :func:`service_for`. ``ensure()`` is blocking (decrypt + build
    or load): call it from a worker. Changes saved through the journal while the
    index is being built are queued and applied afterwards.
    """

    def __init__(self, journal: Journal) -> None:
        self._journal_ref = weakref.ref(journal)
        self._lock = threading.RLock()
        self._build_lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._building = False
        self._pending: list[Change] = []
        self._closed = False
        self.dirty = False
        self.source = ""  # "image" | "rebuild" after ensure()
        journal.subscribe(self._on_change)

    @property
    def journal(self) -> Journal:
        journal = self._journal_ref()
        if journal is None or journal.closed:
            self.close(save=False)
            raise VaultLocked()
        return journal

    @property
    def ready(self) -> bool:
        return self._index is not None and not self._index.closed

    @property
    def index(self) -> SearchIndex:
        """The ready index.

        Raises:
            IndexNotReady: before ``ensure()`` has finished.
        """
        self.journal  # noqa: B018 - raises VaultLocked after lock
        if self._index is None:
            raise IndexNotReady()
        return self._index

    # -- keeping in step ----------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.kind not in ("entry", "insight", "session"):
            return
        with self._lock:
            if self._index is None:
                if self._building:
                    self._pending.append(change)
                return
            self._apply(self._index, change)
            self.dirty = True

    def _apply(self, index: SearchIndex, change: Change) -> None:
        if change.kind == "session":
            index.set_sessions(self.journal.all(Session))
            return
        if change.action == "deleted" or change.model is None:
            index.remove(change.id)
        elif isinstance(change.model, Entry):
            index.upsert(_entry_doc(change.model))
        elif isinstance(change.model, Insight):
            index.upsert(_insight_doc(change.model))

    # -- loading and building -----------------------------------------

    def ensure(
        self,
        *,
        use_image: bool = True,
        save: bool = True,
        cancelled: Cancelled | None = None,
        progress: Progress | None = None,
        entries: list[Entry] | None = None,
    ) -> SearchIndex:
        """Make the index ready: load the image (refreshing it if stale), else rebuild.

        Blocking; call from a worker thread. ``save=True`` stores a refreshed or
        rebuilt image at once; only do that where nothing else writes the vault
        meanwhile (the CLI). The app passes ``save=False``: the vault is not
        safe to write from two threads, so the image is saved on lock instead.
        ``entries``: every entry already decrypted, used if a rebuild is needed
        (see :func:`build_index`).

        Raises:
            BuildCancelled: when ``cancelled()`` turned true during a rebuild.
            VaultLocked: when the journal was locked meanwhile.
        """
        with self._build_lock:
            return self._ensure(use_image, save, cancelled, progress, entries)

    def _ensure(
        self,
        use_image: bool,
        save: bool,
        cancelled: Cancelled | None,
        progress: Progress | None,
        entries: list[Entry] | None,
    ) -> SearchIndex:
        with self._lock:
            if self._index is not None:
                return self._index
            self._building = True
        try:
            start_generation = self.journal.vault.generation
            loaded = self._load_image() if use_image else None
            index: SearchIndex | None = None
            source = "image"
            if loaded is not None:
                index, fresh = loaded
                if fresh:
                    index.use_sessions(self.journal.all(Session))  # for documents added later
                else:
                    source = "refresh"
                    if not _refresh(self.journal, index):
                        index.close()
                        index = None
            if index is None:
                index = build_index(
                    self.journal, cancelled=cancelled, progress=progress, entries=entries
                )
                source = "rebuild"
            with self._lock:
                if self._closed:  # locked while building: drop what was built
                    index.close()
                    raise VaultLocked()
                for change in self._pending:
                    self._apply(index, change)
                changed = bool(self._pending)
                self._pending.clear()
                self._index = index
                self.source = source
                # A refreshed or rebuilt index is worth saving; without save=True
                # it is saved when the journal locks (drop_service).
                self.dirty = changed or source != "image"
            if source != "image" and save and not changed:
                self.save(generation=start_generation)
            return index
        finally:
            with self._lock:
                self._building = False
                self._pending.clear()

    def _load_image(self) -> tuple[SearchIndex, bool] | None:
        """The stored image and whether it is fresh; None when missing or damaged."""
        return load_image(self.journal.vault)

    def save(self, *, generation: int | None = None, cancelled: Cancelled | None = None) -> bool:
        """Seal the index as the image records. Returns False when nothing was saved.

        Call it from the thread that saves entries (on lock, or at the end of a
        command) so no change is half applied. ``generation`` is the vault
        generation the content reflects (default: the current one).

        Raises:
            SaveCancelled: when ``cancelled()`` turned true (nothing was stored).
        """
        with self._lock:
            image = self._image(generation)
        if image is None:
            return False
        _write_image(self.journal.vault, *image, cancelled=cancelled)
        del image
        self.dirty = False
        return True

    def _image(self, generation: int | None) -> tuple[bytes, int] | None:
        """The serialized index and its generation stamp, or None when there is nothing
        to save (read-only vault, no index, or something saved since ``generation``)."""
        journal = self.journal
        vault = journal.vault
        if vault.readonly or self._index is None:
            return None
        current = vault.generation
        stamp = current if generation is None else generation
        if stamp != current:
            return None  # something was saved meanwhile: this image would be stale
        self._index.set_revisions(vault.revisions(INDEXED_KINDS), vault.revisions([Session.KIND]))
        return self._index.serialize(stamp), stamp

    def search(self, query: str | Query, **kw: Any) -> list[SearchResult]:
        return self.index.search(query, **kw)

    def recent(self, limit: int | None = None) -> list[ListItem]:
        return self.index.recent(limit)

    def close(self, *, save: bool = False, cancelled: Cancelled | None = None) -> None:
        """Drop the index, saving the image first when asked and it changed.

        The index is serialized, then dropped, and only then sealed and stored,
        so the memory peak holds one copy of it, not two. Saving never raises:
        a failed or cancelled save leaves the previous image (stale, so it is
        refreshed or rebuilt at the next unlock).
        """
        image = None
        journal = None
        with self._lock:
            self._closed = True
            if save and self.dirty and self._index is not None:
                journal = self._journal_ref()
                if journal is not None and not journal.closed:
                    with contextlib.suppress(KapError):
                        image = self._image(None)
            if self._index is not None:
                self._index.close()
            self._index = None
            ref = self._journal_ref()
            if ref is not None:
                ref.unsubscribe(self._on_change)
            del ref
        if image is not None and journal is not None:
            with contextlib.suppress(KapError):
                _write_image(journal.vault, *image, cancelled=cancelled)
                self.dirty = False


def load_image(vault: Vault) -> tuple[SearchIndex, bool] | None:
    """The stored image and whether it is fresh; None when missing or damaged.

    Fresh means nothing was saved since the image was: it reflects every record.
    """
    header = _read_image_header(vault)
    if header is None:
        return None
    size, parts, tag = header["size"], header["parts"], bytes.fromhex(header["tag"])
    buf = bytearray(size)
    offset = 0
    for i in range(parts):
        try:
            record = vault.get(_part_id(i))
        except (RecordNotFound, RecordDamaged, InvalidInput):
            return None
        plain = record.plaintext
        del record  # decrypted one part at a time: the peak stays near one image
        if plain[: len(tag)] != tag or offset + len(plain) - len(tag) > size:
            return None  # a part from another save
        view = memoryview(plain)[len(tag) :]
        buf[offset : offset + len(view)] = view
        offset += len(view)
        del view, plain
    if offset != size:
        return None
    try:
        index, generation = SearchIndex.deserialize(buf)
    except InvalidInput:
        return None
    finally:
        del buf
    if generation != header["generation"]:
        index.close()
        return None
    return index, vault.generation == generation + 1


def newest_from_image(journal: Journal, limit: int) -> list[ListItem] | None:
    """The newest entries from the sealed image, decrypting only what changed since.

    A fresh image is used as it is; a stale one is brought up to date in
    memory (only records saved since are decrypted; nothing is written, so this
    works read-only). Returns None when there is no usable image or so much
    changed that decrypting every entry is cheaper: the caller then does that.
    The loaded index is dropped before returning.
    """
    loaded = load_image(journal.vault)
    if loaded is None:
        return None
    index, fresh = loaded
    try:
        if not fresh and not _refresh(journal, index):
            return None
        return index.newest_entries(limit)
    finally:
        index.close()


def _part_id(i: int) -> bytes:
    return _PART_PREFIX + i.to_bytes(2, "big")


def _read_image_header(vault: Vault) -> dict[str, Any] | None:
    try:
        record = vault.get(IMAGE_ID)
        header = json.loads(record.plaintext)
    except (RecordNotFound, RecordDamaged, InvalidInput, ValueError):
        return None
    if (
        record.kind != IMAGE_KIND
        or not isinstance(header, dict)
        or header.get("format") != IMAGE_FORMAT
        or not all(isinstance(header.get(k), int) for k in ("generation", "size", "parts"))
        or not isinstance(header.get("tag"), str)
    ):
        return None
    return header


def _write_image(
    vault: Vault, data: bytes, generation: int, *, cancelled: Cancelled | None = None
) -> None:
    """Store the image as a header and sealed parts, in one transaction.

    Each part starts with a random tag that the header names, so parts of two
    different saves can never be stitched together. Parts are sealed one at a
    time, so saving never holds more than one extra part in memory.

    Raises:
        SaveCancelled: when ``cancelled()`` turns true (checked before each
            part); the transaction is rolled back and the old image stays.
    """
    old = _read_image_header(vault)
    tag = os.urandom(_TAG_BYTES)
    view = memoryview(data)
    parts = max(1, -(-len(data) // IMAGE_PART_BYTES))
    header = {
        "format": IMAGE_FORMAT,
        "generation": generation,
        "size": len(data),
        "parts": parts,
        "tag": tag.hex(),
    }
    try:
        with vault.transaction():
            for i in range(parts):
                if cancelled is not None and cancelled():
                    raise SaveCancelled()
                chunk = tag + view[i * IMAGE_PART_BYTES : (i + 1) * IMAGE_PART_BYTES]
                vault.put(IMAGE_PART_KIND, chunk, record_id=_part_id(i))
                del chunk
            for i in range(parts, old["parts"] if old else 0):
                with contextlib.suppress(RecordNotFound):
                    vault.delete(_part_id(i))
            vault.put(IMAGE_KIND, json.dumps(header).encode(), record_id=IMAGE_ID)
    finally:
        view.release()


def _fast_entry(data: Any) -> Entry:
    """``Entry.from_dict`` without per-field validation for well-formed records.

    Anything unexpected falls back to the validating path (which raises on bad data).
    """
    try:
        created = datetime.fromisoformat(data["created"])
        body, title = data["body"], data.get("title", "")
        tags, answers = data.get("tags", []), data.get("answers", [])
        if (
            created.tzinfo is not None
            and isinstance(data["id"], str)
            and isinstance(body, str)
            and isinstance(title, str)
            and isinstance(tags, list)
            and all(isinstance(t, str) for t in tags)
            and not answers
        ):
            return Entry(
                id=data["id"],
                created=created,
                modified=created,
                body=body,
                title=title,
                tags=tuple(tags),
                session_id=_opt_str(data.get("session_id")),
                pack_id=_opt_str(data.get("pack_id")),
            )
    except (KeyError, TypeError, ValueError):
        pass
    return Entry.from_dict(data)


def _opt_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError("expected text")


def _refresh(journal: Journal, index: SearchIndex) -> bool:
    """Bring a stale image up to date by decrypting only what changed.

    The image lists the revision of every record it reflects; the vault's
    plaintext columns give the current ones. Returns False when so much
    changed that a full rebuild is the better deal.
    """
    vault = journal.vault
    current = {k.hex(): v for k, v in vault.revisions(INDEXED_KINDS).items()}
    sessions_now = {k.hex(): v for k, v in vault.revisions([Session.KIND]).items()}
    stored, sessions_then = index.revisions()
    changed = [k for k, v in current.items() if stored.get(k) != v]
    removed = [k for k in stored if k not in current]
    if len(changed) + len(removed) > max(REFRESH_FLOOR, REFRESH_LIMIT * len(current)):
        return False
    if sessions_now != sessions_then:
        index.set_sessions(journal.all(Session))  # renumber only when sessions changed
    else:
        index.use_sessions(journal.all(Session))
    for doc_id in removed:
        index.remove(doc_id)
    for doc_id in changed:
        try:
            record = vault.get(bytes.fromhex(doc_id))
            data = json.loads(record.plaintext)
            doc = (
                _entry_doc(_fast_entry(data))
                if record.kind == Entry.KIND
                else _insight_doc(Insight.from_dict(data))
            )
        except (RecordNotFound, RecordDamaged, InvalidInput, ValueError):
            index.remove(doc_id)
            continue
        index.upsert(doc)
    return True


def build_index(
    journal: Journal,
    *,
    cancelled: Cancelled | None = None,
    progress: Progress | None = None,
    entries: list[Entry] | None = None,
) -> SearchIndex:
    """Decrypt entries, insights and sessions and build a fresh index.

    ``entries``: every entry, already decrypted (``kapjournal import`` has
    them in the journal's cache); then no entry record is decrypted again.

    Raises:
        BuildCancelled: when ``cancelled()`` turns true (checked every 500 entries).
    """
    index = SearchIndex()
    linker = _Linker(journal.all(Session))
    index._linker = linker
    insights = journal.all(Insight)
    count = journal.vault.count(Entry.KIND) if entries is None else len(entries)
    total = count + len(insights)
    size = max(BULK_CHUNK_MIN, -(-count // BULK_CHUNKS))

    def rows() -> Iterable[_Row | None]:
        if entries is not None:
            yield from (_doc_row(_entry_doc(entry), linker) for entry in entries)
            return
        for rec in journal.vault.iter_records([Entry.KIND]):
            row = None
            if not isinstance(rec, DamagedRecord):
                with contextlib.suppress(InvalidInput, ValueError):
                    row = _entry_row(json.loads(rec.plaintext), linker)
            del rec  # the plaintext bytes go as soon as the row is built
            yield row

    def chunks() -> Iterable[list[_Row]]:
        chunk: list[_Row] = []
        for done, row in enumerate(rows(), start=1):
            if row is not None:
                chunk.append(row)
            if done % 500 == 0:
                if cancelled is not None and cancelled():
                    raise BuildCancelled()
                if progress is not None:
                    progress(done, total)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        chunk.extend(_doc_row(_insight_doc(insight), linker) for insight in insights)
        yield chunk
        if progress is not None:
            progress(total, total)

    try:
        index.bulk_load(chunks())
    except BaseException:
        index.close()
        raise
    return index


# ---------------------------------------------------------------- bulk loading

# A row for bulk_load: the ``docs`` values (row id first) and the document's tags.
_Row = tuple[tuple[Any, ...], list[str]]
_INSERT_DOC = "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INDEX_CHUNK = (
    "INSERT INTO fts (rowid, title, body, answers, tags) "
    "SELECT d.rowid, d.title, d.body, d.answers, d.tags "
    "FROM bulk_keys b JOIN docs d ON d.rowid = b.k WHERE b.c = ? ORDER BY b.k"
)
# FTS5 flushes its in-memory term lists to a new segment at this size (the
# default is 1 MiB, which leaves hundreds of small segments at 100k entries).
BULK_HASH_BYTES = 64 * 1024 * 1024
DEFAULT_HASH_BYTES = 1024 * 1024
BULK_CHUNK_MIN = 500
BULK_CHUNKS = 8  # at most about this many chunks, so unordered input gives few segments


def _doc_row(doc: _Doc, linker: _Linker) -> _Row:
    sid, number, route = linker.link(doc.created, doc.link_sid)
    values = (
        _date_key(doc.created),
        doc.id,
        doc.kind,
        doc.entry_id,
        doc.created.timestamp(),
        doc.created.isoformat(),
        doc.first_line,
        doc.link_sid,
        sid,
        number,
        route,
        doc.pack,
        1 if doc.kind == "insight" else 0,
        doc.title,
        doc.body,
        doc.answers,
        " ".join(doc.tags),
    )
    return values, doc.tags


def _entry_row(data: Any, linker: _Linker) -> _Row:
    """The bulk-load row of a decoded entry record, without building model objects.

    Gives exactly what ``_doc_row(_entry_doc(Entry.from_dict(data)))`` gives
    (tested); anything but a plain well-formed entry takes that validating path.

    Raises:
        InvalidInput: when the record is not a valid entry.
    """
    try:
        created = datetime.fromisoformat(data["created"])
        entry_id, body, title = data["id"], data["body"], data.get("title", "")
        tags, answers = data.get("tags", []), data.get("answers", [])
        session_id, pack_id = data.get("session_id"), data.get("pack_id")
        plain = (
            created.tzinfo is not None
            and isinstance(entry_id, str)
            and isinstance(body, str)
            and isinstance(title, str)
            and isinstance(tags, list)
            and all(isinstance(t, str) for t in tags)
            and not answers
            and (session_id is None or isinstance(session_id, str))
            and (pack_id is None or isinstance(pack_id, str))
        )
    except (KeyError, TypeError, ValueError):
        plain = False
    if not plain:
        return _doc_row(_entry_doc(Entry.from_dict(data)), linker)
    sid, number, route = linker.link(created, session_id)
    row_tags = _tags(tags, body)
    return (
        (
            _date_key(created),
            entry_id,
            "entry",
            entry_id,
            created.timestamp(),
            created.isoformat(),
            _first_line(title or _body_first_line(body)),
            session_id,
            sid,
            number,
            route,
            pack_id.lower() if pack_id else None,
            0,
            _inert(title),
            _inert(body),
            "",
            " ".join(row_tags),
        ),
        row_tags,
    )


def _body_first_line(body: str) -> str:
    """``Entry.first_line`` for an entry without title or answers."""
    for line in body.splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            return text
    return "(empty entry)"


def _with_unique_keys(chunk: list[_Row], used: set[int]) -> list[_Row]:
    """The chunk in row-id order; a row id already taken moves to the next free one."""
    chunk.sort(key=lambda row: int(row[0][0]))
    out: list[_Row] = []
    for values, tags in chunk:
        key = values[0]
        if key in used:
            while key in used:
                key += 1  # same millisecond as another doc: the next slot keeps date order
            values = (key, *values[1:])
        used.add(key)
        out.append((values, tags))
    return out


def _segment_count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(DISTINCT segid) FROM fts_idx").fetchone()[0])


def _release_free_memory() -> None:
    """Hand freed memory back to the system (glibc only) before a big allocation.

    Freed pages (VACUUM's copy of the index, a rebuild's decoded records) stay
    with the process otherwise, and the copy made by ``serialize()`` comes on
    top of them: at 100,000 entries that is hundreds of MiB at the peak.
    """
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the allocator keeps the pages, nothing else changes


class _FtsWriter:
    """A helper thread that indexes stored chunks while the caller decodes the next.

    Each chunk is one SQL statement: SQLite tokenises it without holding the
    GIL. It uses the caller's connection inside the caller's transaction;
    SQLite serialises the two threads' statements on that connection (its
    serialized threading mode). A failure still raises in the caller's thread,
    though its exact ``sqlite3.Error`` subclass can be the other thread's:
    SQLite keeps one error code per connection.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._queue: queue.Queue[int | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="kapj-index-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            number = self._queue.get()
            if number is None:
                return
            if self._error is not None or self._stop:
                continue
            try:
                self._db.execute(_INDEX_CHUNK, (number,))
            except BaseException as err:  # handed to the caller's thread
                self._error = err

    def put(self, number: int) -> None:
        """Index chunk ``number`` (its row ids are in ``bulk_keys``)."""
        self._raise_failure()
        self._queue.put(number)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        """Re-raise the writer's failure here, always as an ``sqlite3.Error``.

        With two threads on one connection the module can lose the error code
        (the other thread's next call resets it) and report a SystemError
        instead; callers handle database failures as ``sqlite3.Error``.
        """
        err = self._error
        if err is None:
            return
        if isinstance(err, sqlite3.Error) or not isinstance(err, Exception):
            raise err
        raise sqlite3.OperationalError("the search index could not be written") from err

    def abort(self) -> None:
        self._stop = True
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


_SERVICES: weakref.WeakKeyDictionary[Journal, SearchService] = weakref.WeakKeyDictionary()
_SERVICES_LOCK = threading.Lock()


def service_for(journal: Journal) -> SearchService:
    """The one search service of this journal (created on first use)."""
    with _SERVICES_LOCK:
        service = _SERVICES.get(journal)
        if service is None or service._index is None and service._journal_ref() is None:
            service = _SERVICES[journal] = SearchService(journal)
        return service


def drop_service(
    journal: Journal, *, save: bool = True, cancelled: Cancelled | None = None
) -> None:
    """Call on lock, before ``journal.close()``: saves the image if it changed, then drops it.

    Blocking (sealing a big index takes seconds): the app calls it from a
    worker. ``cancelled()`` turning true abandons the save at the next part.
    """
    with _SERVICES_LOCK:
        service = _SERVICES.pop(journal, None)
    if service is not None:
        service.close(save=save, cancelled=cancelled)
