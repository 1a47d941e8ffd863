"""The query language: parsing, quoting, clear errors, and a property test."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kapjournal.core.errors import QueryError
from kapjournal.core.index import SearchIndex
from kapjournal.core.query import MAX_ATOMS, BadQuery, Filter, Term, parse

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def p(text: str):  # noqa: ANN201 - test helper
    return parse(text, now=clock)


def test_parse_words_are_all_required() -> None:
    q = p("grief walk")
    assert [c.atoms[0].text for c in q.clauses] == ["grief", "walk"]  # type: ignore[union-attr]
    assert q.fts_match() == '"grief" AND "walk"'


def test_parse_phrase_prefix_or_and_exclude() -> None:
    q = p('"inner child" grat* calm OR peace -work')
    assert q.fts_match() == '"inner child" AND "grat"* AND ("calm" OR "peace") NOT ("work")'


def test_parse_quotes_inside_words_are_escaped() -> None:
    q = p('say"hi" NEAR(x) title:foo ^a')
    match = q.fts_match()
    assert match is not None
    # every user fragment is inside a double-quoted FTS string
    assert '"say"' in match and '"hi"' in match and '"NEAR(x)"' in match
    assert '"title:foo"' in match and '"^a"' in match


def test_parse_unclosed_quote_is_forgiven() -> None:
    q = p('"walk in the')
    assert q.fts_match() == '"walk in the"'


def test_parse_punctuation_only_terms_are_dropped() -> None:
    assert p("... -- * ???").empty
    assert p("-").empty


def test_parse_and_not_keywords() -> None:
    assert p("calm AND peace").fts_match() == '"calm" AND "peace"'
    assert p("calm NOT work").fts_match() == '"calm" NOT ("work")'


def test_parse_lowercase_or_is_a_word() -> None:
    assert p("this or that").fts_match() == '"this" AND "or" AND "that"'


def test_parse_filters_are_normalised() -> None:
    q = p("tag:#Grief session:3 route:lozenge is:insight pack:Integration")
    filters = {a.key: a.value for c in q.clauses for a in c.atoms if isinstance(a, Filter)}
    assert filters == {
        "tag": "grief",
        "session": 3,
        "route": ("sublingual_lozenge",),
        "is": "insight",
        "pack": "integration",
    }
    assert q.fts_match() is None


def test_parse_quoted_filter_value() -> None:
    q = p('tag:"inner child" walk')
    atom = q.clauses[0].atoms[0]
    assert isinstance(atom, Filter) and atom.value == "inner child"
    assert q.fts_match() == '"walk"'


def test_parse_dates_use_the_clock() -> None:
    q = p("since:2w to:2026-11-19 from:2026-01-01")
    values = {a.key: a.value for c in q.clauses for a in c.atoms if isinstance(a, Filter)}
    assert values["since"] == datetime(2026, 11, 6, tzinfo=UTC).timestamp()
    assert values["from"] == datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert values["to"] > datetime(2026, 11, 19, 23, 59, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "bad", "words"),
    [
        ("grief session:three", "session:three", "session"),
        ("route:moon walk", "route:moon", "route"),
        ("is:sad", "is:sad", "insight"),
        ("since:whenever", "since:whenever", "date"),
        ("walk tag:", "tag:", "needs a value"),
        ("calm OR", "OR", "both sides"),
        ("OR calm", "OR", "both sides"),
        ("calm OR -work", "-work", "OR"),
        ("calm OR tag:x", "calm OR tag:x", "filter"),
        ("tags:grief", "tags:", "tag:"),
    ],
)
def test_parse_errors_point_at_the_bad_part(text: str, bad: str, words: str) -> None:
    with pytest.raises(BadQuery) as info:
        p(text)
    err = info.value
    assert isinstance(err, QueryError)
    assert text[err.start : err.end] == bad
    assert words in err.user_message


def test_parse_colon_words_that_are_not_filters_are_text() -> None:
    q = p("10:30 note:call")
    assert q.fts_match() == '"10:30" AND "note:call"'


def test_parse_too_many_parts_is_a_query_error() -> None:
    with pytest.raises(QueryError):
        p(" ".join(f"w{i}" for i in range(MAX_ATOMS + 1)))
    with pytest.raises(QueryError):
        p("x" * 5000)


def test_parse_filter_or_filter_builds_sql() -> None:
    q = p("tag:a OR tag:b -session:2")
    where, params = q.sql_filters("d")
    assert " OR " in where and "NOT COALESCE" in where
    assert params == ["a", "b", 2]


def test_parse_highlight_terms_skip_excluded() -> None:
    q = p("calm -work")
    assert [t.text for t in q.highlight_terms()] == ["calm"]
    assert all(isinstance(t, Term) for t in q.highlight_terms())


# ---------------------------------------------------------------- property test

_INDEX = SearchIndex()
_ALPHABET = st.sampled_from(
    list("abcXYZ é\"*-:()^+.#OR ANDNOT\t\n\\'{}[]%_")
    + ["OR", "tag:", "session:", "route:", "is:", "pack:", "since:", "to:", "from:"]
)


def _run(text: str) -> None:
    try:
        q = parse(text, now=clock)
    except QueryError:
        return
    db = _INDEX._conn
    assert db is not None
    where, params = q.sql_filters("d")
    extra = f" AND {where}" if where else ""
    match, exclude = q.fts_match(), q.fts_exclude()
    # Run the exact statements the index runs, without its safety net.
    if match is not None:
        db.execute(
            "SELECT d.rowid FROM fts JOIN docs d ON d.rowid = fts.rowid "
            f"WHERE fts MATCH ?{extra} ORDER BY fts.rank LIMIT 5",
            [match, *params],
        ).fetchall()
    if exclude is not None:
        db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", [exclude]).fetchall()
    if where:
        db.execute(f"SELECT d.rowid FROM docs d WHERE {where}", params).fetchall()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
@example('"')
@example('-"')
@example('tag:"')
@example("since:99999y")
@example("to:0")
@example("session:99999999999999999999")
@example("from:31/31/31")
def test_parse_any_text_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        _run(text)
    except sqlite3.Error as err:  # pragma: no cover - the failure we are looking for
        pytest.fail(f"sqlite error for {text!r}: {err}")


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=20).map("".join))
def test_parse_query_like_text_gives_a_query_or_a_query_error(text: str) -> None:
    _run(text)


def test_parse_hashtag_is_a_tag_filter() -> None:
    q = p("#Grief -#work calm")
    assert [(type(c.atoms[0]).__name__, c.negated) for c in q.clauses] == [
        ("Filter", False),
        ("Filter", True),
        ("Term", False),
    ]
    assert [c.atoms[0].value for c in q.clauses[:2]] == ["grief", "work"]  # type: ignore[union-attr]
    # Not a tag's shape: still searched as text.
    assert all(isinstance(c.atoms[0], Term) for c in p("#1 #gri* a#b").clauses)
