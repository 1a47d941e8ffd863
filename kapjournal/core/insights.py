"""Insights: marking an entry (or a passage of it) and following it up later.

An insight always links back to where it came from: the entry it was marked
in (if any) and the session cycle that entry belongs to (an explicit
``session_id`` on the entry wins, otherwise its date decides, via
:class:`~kapjournal.core.cycles.CycleIndex`). Follow-ups are appended, never
rewritten, so the lineage session -> insight -> follow-ups stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from kapjournal.core.cycles import CycleIndex
from kapjournal.core.errors import InvalidInput
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, FollowUp, Insight, Session, new_id
from kapjournal.core.tags import extract_tags

FOLLOW_UP_KINDS = ("tried", "still_true", "discussed", "note")
FOLLOW_UP_LABELS = {
    "tried": "Tried it",
    "still_true": "Still true?",
    "discussed": "Discussed in therapy",
    "note": "Note",
}
MAX_INSIGHT_CHARS = 20_000
_WS = re.compile(r"\s+")


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Lower-case, strip ``#`` and blanks, drop duplicates (keeping order).

    Raises:
        InvalidInput: for a tag containing spaces or commas.
    """
    seen: dict[str, None] = {}
    for raw in tags:
        tag = raw.strip().lstrip("#").strip().lower()
        if not tag:
            continue
        if any(ch.isspace() for ch in tag) or "," in tag:
            raise InvalidInput(f"A tag cannot contain spaces or commas: '{raw.strip()}'.")
        seen.setdefault(tag, None)
    return tuple(seen)


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


def passage_in(entry: Entry, passage: str) -> bool:
    """Whether ``passage`` occurs in the entry (ignoring differences in spacing)."""
    needle = _squash(passage)
    if not needle:
        return False
    haystacks = [entry.body, entry.title]
    for answer in entry.answers:
        if isinstance(answer.value, str):
            haystacks.append(answer.value)
    return any(needle in _squash(h) for h in haystacks)


def entry_text(entry: Entry) -> str:
    """The whole text of an entry: its body, or its written answers for a guided entry."""
    if entry.body.strip():
        return entry.body.strip()
    parts = [str(a.value).strip() for a in entry.answers if isinstance(a.value, str)]
    return "\n\n".join(p for p in parts if p) or entry.first_line


def session_of_entry(journal: Journal, entry: Entry) -> Session | None:
    """The session cycle an entry belongs to (explicit link first, else by date)."""
    return CycleIndex(journal.all(Session)).session_for(entry.created, entry.session_id)


def mark_insight(
    journal: Journal,
    entry: Entry,
    *,
    passage: str | None = None,
    tags: Iterable[str] = (),
    bring_to_therapy: bool = False,
) -> Insight:
    """Mark a whole entry, or a passage of it, as an insight and save it.

    Tags given explicitly are merged with ``#tags`` typed in the marked text.

    Args:
        journal: the unlocked journal.
        entry: the entry the insight comes from.
        passage: the selected part of the entry; ``None`` marks the whole entry.
        tags: extra tags (with or without ``#``).
        bring_to_therapy: flag it for the next therapy appointment.

    Returns:
        The saved :class:`Insight`.

    Raises:
        InvalidInput: when the passage is empty, too long or not part of the entry.
    """
    if passage is not None:
        if not passage.strip():
            raise InvalidInput("The selected passage is empty; select some text first.")
        if not passage_in(entry, passage):
            raise InvalidInput("That passage is not part of the entry, so it was not marked.")
        text = passage.strip()
    else:
        text = entry_text(entry)
    if len(text) > MAX_INSIGHT_CHARS:
        raise InvalidInput("That passage is very long; please select a shorter part.")
    all_tags = normalise_tags([*tags, *extract_tags(text)])
    session = session_of_entry(journal, entry)
    insight = Insight(
        id=new_id(),
        created=journal.now(),
        text=text,
        entry_id=entry.id,
        session_id=session.id if session is not None else None,
        tags=all_tags,
        bring_to_therapy=bring_to_therapy,
    )
    return journal.save(insight)


def add_insight_text(
    journal: Journal,
    text: str,
    *,
    session_id: str | None = None,
    tags: Iterable[str] = (),
    bring_to_therapy: bool = False,
) -> Insight:
    """Save a free-standing insight (not marked in an entry).

    Without ``session_id`` it joins the cycle of the session running now.

    Raises:
        InvalidInput: for empty text or an unknown session.
    """
    body = text.strip()
    if not body:
        raise InvalidInput("The insight is empty; nothing was saved.")
    if len(body) > MAX_INSIGHT_CHARS:
        raise InvalidInput("That insight is very long; please shorten it.")
    index = CycleIndex(journal.all(Session))
    if session_id is not None and all(s.id != session_id for s in index.sessions):
        raise InvalidInput("No completed session has that id.")
    session = index.session_for(journal.now(), session_id)
    insight = Insight(
        id=new_id(),
        created=journal.now(),
        text=body,
        session_id=session.id if session is not None else None,
        tags=normalise_tags([*tags, *extract_tags(body)]),
        bring_to_therapy=bring_to_therapy,
    )
    return journal.save(insight)


def add_follow_up(
    journal: Journal,
    insight: Insight,
    kind: str,
    text: str = "",
    *,
    at: datetime | None = None,
) -> Insight:
    """Append a follow-up to an insight and save it.

    For ``discussed``, ``at`` is the day it was discussed in therapy (default
    now); for the other kinds it is when the note was written.

    Raises:
        InvalidInput: for an unknown kind, an empty free-text note or a date in
            the future for ``discussed``.
    """
    if kind not in FOLLOW_UP_KINDS:
        choices = ", ".join(FOLLOW_UP_KINDS)
        raise InvalidInput(f"A follow-up is one of: {choices}.")
    note = text.strip()
    if kind == "note" and not note:
        raise InvalidInput("The note is empty; nothing was added.")
    if len(note) > MAX_INSIGHT_CHARS:
        raise InvalidInput("That note is very long; please shorten it.")
    now = journal.now()
    when = at or now
    if kind == "discussed" and when.date() > now.date():
        raise InvalidInput("That therapy date is in the future; add it after the appointment.")
    follow = FollowUp(at=when, kind=kind, text=note)
    updated = insight.replace(follow_ups=(*insight.follow_ups, follow))
    return journal.save(updated)


def set_bring_to_therapy(journal: Journal, insight: Insight, value: bool) -> Insight:
    """Set or clear the "bring to therapy" flag."""
    if insight.bring_to_therapy == value:
        return insight
    return journal.save(insight.replace(bring_to_therapy=value))


def insights_for_entry(journal: Journal, entry_id: str) -> list[Insight]:
    """Insights marked in one entry, oldest first."""
    found = [i for i in journal.all(Insight) if i.entry_id == entry_id]
    return sorted(found, key=lambda i: i.created)


def follow_up_label(follow: FollowUp) -> str:
    """One line describing a follow-up, e.g. "Discussed in therapy on 2026-11-03"."""
    base = FOLLOW_UP_LABELS.get(follow.kind, follow.kind)
    if follow.kind == "discussed":
        base = f"{base} on {follow.at:%Y-%m-%d}"
    else:
        base = f"{base} ({follow.at:%Y-%m-%d})"
    return f"{base}: {follow.text}" if follow.text else base
