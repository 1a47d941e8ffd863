"""The search query language: parsing user text into an AST, then into FTS5 and SQL.

Language (documented for users in ``docs/search.md``):

* ``grief walk`` -- every word must match (stemmed, accents folded);
* ``"exact phrase"`` -- the words in this order;
* ``grat*`` -- any word starting with ``grat``;
* ``calm OR peace`` -- either side (``OR`` in capitals binds tighter than the
  implicit AND, so ``a OR b c`` means ``(a or b) and c``);
* ``-work`` -- leave out entries containing this (also ``-"a phrase"``, ``-tag:x``);
* filters ``tag:``, ``session:N``, ``route:``, ``is:insight``, ``pack:``,
  ``from:``, ``to:``, ``since:``; a value with spaces can be quoted
  (``tag:"inner child"``).

User text never reaches FTS5 or SQL unquoted: every word becomes a
double-quoted FTS5 string (quotes doubled), every filter value a bound SQL
parameter. Anything that cannot be understood raises :class:`BadQuery` (a
:class:`~kapjournal.core.errors.QueryError`) whose message names the bad part
and whose ``start``/``end`` point at it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kapjournal.core.dates import parse_when
from kapjournal.core.errors import InvalidInput, QueryError
from kapjournal.core.models import ROUTE_LABELS, ROUTES

_CONTROLS = re.compile("[\x00-\x1f\x7f]")
# A word written as a #tag (the shape core/tags.py finds in entries) is the
# tag filter: "#grief" is "tag:grief".
_HASHTAG = re.compile(r"#[^\W\d_][\w-]{0,48}")
MAX_QUERY_CHARS = 1000
MAX_ATOMS = 64

FILTER_KEYS = ("tag", "session", "route", "is", "pack", "from", "to", "since")
IS_VALUES = ("insight",)
ROUTE_ALIASES: dict[str, tuple[str, ...]] = {
    **{r: (r,) for r in ROUTES},
    "lozenge": ("sublingual_lozenge",),
    "sublingual": ("sublingual_lozenge",),
    "troche": ("sublingual_lozenge",),
    "nasal": ("intranasal_esketamine", "intranasal_other"),
    "intranasal": ("intranasal_esketamine", "intranasal_other"),
    "esketamine": ("intranasal_esketamine",),
    "spravato": ("intranasal_esketamine",),
    "infusion": ("iv",),
    "injection": ("im",),
}


KEY_SHIFT = 8


def date_key_ms(ms: int) -> int:
    """Index row id for a moment in milliseconds since the epoch.

    Shifted to leave room for several documents written in the same millisecond.
    """
    return ms << KEY_SHIFT


def date_key(when: datetime) -> int:
    """Index row id for a moment: row id order is date order."""
    return date_key_ms(int(when.timestamp() * 1000))


class BadQuery(QueryError):
    """A query error that knows which characters of the query are at fault."""

    def __init__(self, message: str, start: int, end: int) -> None:
        self.start = start
        self.end = end
        super().__init__(message)


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Term:
    """A word, prefix or phrase to find in the text."""

    text: str
    phrase: bool = False
    prefix: bool = False
    start: int = 0
    end: int = 0

    def fts(self) -> str:
        """This term as one safely quoted FTS5 string."""
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + "*" if self.prefix else quoted


@dataclass(frozen=True)
class Filter:
    """A metadata filter with its value already checked and normalised."""

    key: str
    value: Any
    raw: str = ""
    start: int = 0
    end: int = 0


Atom = Term | Filter


@dataclass(frozen=True)
class Clause:
    """One AND-ed part of the query: a single atom or atoms joined by OR."""

    atoms: tuple[Atom, ...]
    negated: bool = False

    @property
    def is_text(self) -> bool:
        return isinstance(self.atoms[0], Term)


@dataclass(frozen=True)
class Query:
    """A parsed query."""

    clauses: tuple[Clause, ...] = ()
    source: str = ""

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def has_text(self) -> bool:
        """True when some word must match (so results can be ranked and highlighted)."""
        return any(c.is_text and not c.negated for c in self.clauses)

    def fts_match(self) -> str | None:
        """The FTS5 MATCH expression for the words that must match (None if none).

        Excluded words are folded in with ``NOT`` when there is something to
        subtract from; otherwise see :meth:`fts_exclude`.
        """
        positive = [_clause_fts(c) for c in self.clauses if c.is_text and not c.negated]
        if not positive:
            return None
        expr = " AND ".join(positive)
        negative = self.fts_exclude()
        return f"{expr} NOT {negative}" if negative else expr

    def fts_exclude(self) -> str | None:
        """An FTS5 expression matching everything that must be left out (None if none)."""
        negative = [_clause_fts(c) for c in self.clauses if c.is_text and c.negated]
        if not negative:
            return None
        return "(" + " OR ".join(negative) + ")"

    def sql_filters(self, alias: str = "d") -> tuple[str, list[Any]]:
        """A WHERE fragment (joined with AND) and its parameters for the filters.

        Column names follow the ``docs`` table of :mod:`kapjournal.core.index`.
        """
        parts: list[str] = []
        params: list[Any] = []
        for clause in self.clauses:
            if clause.is_text:
                continue
            sub: list[str] = []
            for atom in clause.atoms:
                assert isinstance(atom, Filter)
                sql, args = _filter_sql(atom, alias)
                sub.append(sql)
                params.extend(args)
            joined = sub[0] if len(sub) == 1 else "(" + " OR ".join(sub) + ")"
            parts.append(f"NOT COALESCE({joined}, 0)" if clause.negated else joined)
        return " AND ".join(parts), params

    def highlight_terms(self) -> list[Term]:
        return [
            a
            for c in self.clauses
            if c.is_text and not c.negated
            for a in c.atoms
            if isinstance(a, Term)
        ]


def _clause_fts(clause: Clause) -> str:
    parts = [a.fts() for a in clause.atoms if isinstance(a, Term)]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _filter_sql(f: Filter, a: str) -> tuple[str, list[Any]]:
    if f.key == "tag":
        return f"EXISTS (SELECT 1 FROM tags t WHERE t.rid = {a}.rowid AND t.tag = ?)", [f.value]
    if f.key == "session":
        return f"{a}.session_no = ?", [f.value]
    if f.key == "route":
        marks = ",".join("?" * len(f.value))
        return f"{a}.route IN ({marks})", list(f.value)
    if f.key == "is":
        return f"{a}.is_insight = 1", []
    if f.key == "pack":
        return f"substr({a}.pack, 1, ?) = ?", [len(f.value), f.value]
    # Row ids are date keys (see date_key), so date bounds are row id ranges.
    if f.key in ("from", "since"):
        return f"{a}.rowid >= ?", [date_key_ms(int(f.value * 1000))]
    if f.key == "to":
        return f"{a}.rowid < ?", [date_key_ms(int(f.value * 1000) + 1)]
    raise AssertionError(f.key)  # pragma: no cover - parse only makes known keys


# ---------------------------------------------------------------- lexing


@dataclass
class _Token:
    text: str
    start: int
    end: int
    quoted: bool = False
    negated: bool = False
    key: str | None = None  # filter key when the token is key:value
    prefix: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _has_word_chars(text: str) -> bool:
    """Whether the unicode61 tokenizer would find any token in ``text``."""
    return any(
        unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co" for ch in text
    )


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """Read a quoted string starting after the opening quote; forgive a missing close."""
    close = text.find('"', pos)
    if close == -1:
        return text[pos:], len(text)
    return text[pos:close], close + 1


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        if text[i] == '"':
            body, i = _read_quoted(text, i + 1)
            prefix = i < n and text[i] == "*"
            while i < n and text[i] == "*":
                i += 1
            tokens.append(_Token(body, start, i, quoted=True, negated=negated, prefix=prefix))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        word = text[i:j]
        key, sep, value = word.partition(":")
        if sep and key and key.lower() in FILTER_KEYS:
            if not value and j < n and text[j] == '"':
                value, j = _read_quoted(text, j + 1)
                tokens.append(
                    _Token(value, start, j, quoted=True, negated=negated, key=key.lower())
                )
            else:
                tokens.append(_Token(value, start, j, negated=negated, key=key.lower()))
            i = j
            continue
        if sep and key and value and key.isalpha():
            import difflib  # only for the "did you mean" hint

            close = difflib.get_close_matches(key.lower(), FILTER_KEYS, n=1, cutoff=0.75)
            if close:
                raise BadQuery(
                    f"'{key}:' is not a filter I know. Did you mean '{close[0]}:'?",
                    start,
                    start + len(key) + (1 if negated else 0) + 1,
                )
        if _HASHTAG.fullmatch(word):
            tokens.append(_Token(word[1:], start, j, negated=negated, key="tag"))
            i = j
            continue
        prefix = word.endswith("*")
        tokens.append(_Token(word.rstrip("*"), start, j, negated=negated, prefix=prefix))
        i = j
    return tokens


# ---------------------------------------------------------------- parsing


def parse(text: str, *, now: Callable[[], datetime] | None = None) -> Query:
    """Parse what the user typed into a :class:`Query`.

    Args:
        text: the query as typed.
        now: clock for relative dates such as ``since:2w`` (injectable for tests).

    Returns:
        The parsed query (possibly empty).

    Raises:
        BadQuery: a ``QueryError`` naming the part that could not be understood.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(
            f"That search is too long; keep it under {MAX_QUERY_CHARS} characters.",
            MAX_QUERY_CHARS,
            len(text),
        )
    # NUL ends an FTS5 string early; controls are never meant. Same length, so
    # error positions still point into what the user typed.
    tokens = _lex(_CONTROLS.sub(" ", text))
    groups: list[list[_Token]] = []
    pending_or: _Token | None = None
    for tok in tokens:
        if not tok.quoted and tok.key is None and not tok.negated and tok.text == "OR":
            if not groups or pending_or is not None:
                raise BadQuery(
                    "OR needs something on both sides, like 'calm OR peace'.", tok.start, tok.end
                )
            pending_or = tok
            continue
        if not tok.quoted and tok.key is None and not tok.negated and not tok.prefix:
            if tok.text == "AND":
                continue  # the implicit default
            if tok.text == "NOT":
                tok.extra["not_keyword"] = True
        if pending_or is not None:
            groups[-1].append(tok)
            pending_or = None
        else:
            groups.append([tok])
    if pending_or is not None:
        raise BadQuery(
            "OR needs something on both sides, like 'calm OR peace'.",
            pending_or.start,
            pending_or.end,
        )
    # "NOT x" means "-x"
    merged: list[list[_Token]] = []
    negate_next = False
    for group in groups:
        if len(group) == 1 and group[0].extra.get("not_keyword"):
            negate_next = True
            continue
        if negate_next:
            if len(group) > 1:
                raise BadQuery(
                    "NOT can't be combined with OR; exclude words one at a time.",
                    group[0].start,
                    group[-1].end,
                )
            group[0].negated = True
            negate_next = False
        merged.append(group)
    clauses: list[Clause] = []
    count = 0
    clock = now
    for group in merged:
        if len(group) > 1 and any(t.negated for t in group):
            bad = next(t for t in group if t.negated)
            raise BadQuery("An excluded word (-word) can't be part of OR.", bad.start, bad.end)
        atoms: list[Atom] = []
        for tok in group:
            atom = _atom(tok, text, clock)
            if atom is not None:
                atoms.append(atom)
        if not atoms:
            continue
        kinds = {isinstance(a, Term) for a in atoms}
        if len(kinds) > 1:
            raise BadQuery(
                "OR can join words, or filters, but not a word with a filter.",
                group[0].start,
                group[-1].end,
            )
        count += len(atoms)
        if count > MAX_ATOMS:
            raise BadQuery(
                f"That search has too many parts; use at most {MAX_ATOMS} words and filters.",
                atoms[0].start,
                len(text),
            )
        clauses.append(Clause(tuple(atoms), negated=group[0].negated))
    return Query(tuple(clauses), source=text)


def _atom(tok: _Token, text: str, now: Callable[[], datetime] | None) -> Atom | None:
    if tok.key is None:
        if not _has_word_chars(tok.text):
            return None
        phrase = tok.quoted and len(tok.text.split()) > 1
        return Term(tok.text, phrase=phrase, prefix=tok.prefix, start=tok.start, end=tok.end)
    return _filter(tok, text[tok.start : tok.end], now)


def _filter(tok: _Token, shown: str, now: Callable[[], datetime] | None) -> Filter:
    key, raw = tok.key or "", tok.text.strip()

    def bad(message: str) -> BadQuery:
        return BadQuery(message, tok.start, tok.end)

    if not raw:
        examples = {
            "tag": "tag:grief",
            "session": "session:3",
            "route": "route:im",
            "is": "is:insight",
            "pack": "pack:next_day",
            "from": "from:2026-01-01",
            "to": "to:2026-03-31",
            "since": "since:2w",
        }
        raise bad(f"'{key}:' needs a value, for example {examples[key]}.")
    if key == "tag":
        value = raw.lstrip("#").lower()
        if not value:
            raise bad(f"'{shown}' has no tag name after the #.")
        return Filter(key, value, raw, tok.start, tok.end)
    if key == "session":
        cleaned = raw.lstrip("#")
        if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) < 1 or len(cleaned) > 6:
            raise bad(f"'{shown}': a session is given by its number, like session:3.")
        return Filter(key, int(cleaned), raw, tok.start, tok.end)
    if key == "route":
        routes = ROUTE_ALIASES.get(raw.lower().replace("-", "_"))
        if routes is None:
            names = ", ".join(ROUTES)
            raise bad(f"'{shown}' is not a route I know. Routes: {names}.")
        return Filter(key, routes, raw, tok.start, tok.end)
    if key == "is":
        if raw.lower() not in IS_VALUES:
            raise bad(f"'{shown}' is not something I can filter on; try is:insight.")
        return Filter(key, raw.lower(), raw, tok.start, tok.end)
    if key == "pack":
        return Filter(key, raw.lower(), raw, tok.start, tok.end)
    # from / to / since
    try:
        if now is None:
            when = parse_when(raw, end_of_day=(key == "to"))
        else:
            when = parse_when(raw, now=now, end_of_day=(key == "to"))
    except InvalidInput as err:
        raise bad(f"In '{shown}': {err.user_message}") from err
    except (ValueError, OverflowError, TypeError) as err:
        raise bad(
            f"'{shown}' is not a date I can read. Try 2026-01-31, 'yesterday' or '2w'."
        ) from err
    return Filter(key, when.timestamp(), raw, tok.start, tok.end)


def describe_routes() -> str:
    """Route names and labels for help text."""
    return ", ".join(f"{r} ({ROUTE_LABELS[r]})" for r in ROUTES)
