"""The timeline view model: sessions as milestones, and what belongs to each.

Completed sessions become milestones in date order. Under each milestone sit
the entries, guided answers, check-ins, scale results, appointments and
insights of its cycle (grouped with :class:`~kapjournal.core.cycles.CycleIndex`,
so explicit ``session_id`` links win, otherwise the date decides). Items from
before the first session sit before it; planned sessions are listed as
upcoming.

The model is plain data: the CLI prints it, the Timeline screen shows its
flattened :meth:`Timeline.rows`, and the appointment view reuses it. Building
it for a 3-year journal (10,000 entries) takes well under a second, but the
screen still does it in a worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kapjournal.core.change import (
    FIELD_LABELS,
    POINT_LABELS,
    POINTS,
    ChangeCalculator,
    SessionChange,
    format_delta,
)
from kapjournal.core.cycles import CycleIndex
from kapjournal.core.dates import parse_when
from kapjournal.core.errors import InvalidInput
from kapjournal.core.insights import follow_up_label
from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    DOSE_UNIT_LABELS,
    ROUTE_LABELS,
    ROUTES,
    SEVERITY_LABELS,
    Appointment,
    CheckIn,
    Entry,
    FollowUp,
    Insight,
    ScaleResult,
    Session,
    local_now,
)
from kapjournal.core.sanitize import clean_line

PACK_LABELS = {
    "prepare": "Preparation",
    "immediate": "Right after",
    "next_day": "Next day",
    "one_week": "A week on",
    "pre_therapy": "Before therapy",
}
CHECKIN_SHORT = {
    "mood": "mood",
    "anxiety": "anxiety",
    "sleep": "sleep",
    "hope": "hope",
    "connectedness": "connected",
}
ROUTE_ALIASES = {
    "lozenge": "sublingual_lozenge",
    "sublingual": "sublingual_lozenge",
    "esketamine": "intranasal_esketamine",
    "spravato": "intranasal_esketamine",
    "nasal": "intranasal_other",
}
TITLE_CHARS = 70


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class TimelineFilter:
    """What to show. Empty means everything."""

    since: datetime | None = None
    until: datetime | None = None
    since_session: int | None = None
    """Start at this session number (resolved when the timeline is built)."""
    until_session: int | None = None
    """End with this session's cycle."""
    tag: str | None = None
    route: str | None = None
    insights_only: bool = False

    @property
    def active(self) -> bool:
        """Whether anything is filtered out."""
        return self != TimelineFilter()

    def describe(self) -> str:
        """A short human summary, e.g. "since session 3 · #sleep · insights only"."""
        parts: list[str] = []
        if self.since_session is not None:
            parts.append(f"since session {self.since_session}")
        elif self.since is not None:
            parts.append(f"since {self.since:%Y-%m-%d}")
        if self.until_session is not None:
            parts.append(f"until session {self.until_session}")
        elif self.until is not None:
            parts.append(f"until {self.until:%Y-%m-%d}")
        if self.tag:
            parts.append(f"#{self.tag}")
        if self.route:
            parts.append(ROUTE_LABELS.get(self.route, self.route))
        if self.insights_only:
            parts.append("insights only")
        return " · ".join(parts) if parts else "everything"

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "since_session": self.since_session,
            "until_session": self.until_session,
            "tag": self.tag,
            "route": self.route,
            "insights_only": self.insights_only,
        }


_SESSION_REF = re.compile(r"^(?:session|s)\s*#?\s*(\d{1,4})$", re.IGNORECASE)


def parse_route(text: str) -> str:
    """A route code from what the user typed (code, unique prefix or a common word).

    Raises:
        InvalidInput: naming the accepted routes.
    """
    low = text.strip().lower().replace("-", "_").replace(" ", "_")
    if low in ROUTES:
        return low
    if low in ROUTE_ALIASES:
        return ROUTE_ALIASES[low]
    matches = [r for r in ROUTES if r.startswith(low)] if low else []
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(f"'{text.strip()}' is not a route. Use one of: {', '.join(ROUTES)}.")


def parse_bound(
    text: str, *, end: bool, now: Callable[[], datetime] = local_now
) -> tuple[datetime | None, int | None]:
    """Parse one date bound: a date expression or ``session N``.

    Returns:
        ``(moment, None)`` for a date, ``(None, N)`` for a session number.

    Raises:
        InvalidInput: when the text is neither.
    """
    raw = text.strip()
    match = _SESSION_REF.match(raw)
    if match:
        number = int(match.group(1))
        if number < 1:
            raise InvalidInput("Sessions are numbered from 1.")
        return None, number
    return parse_when(raw, now=now, end_of_day=end), None


def make_filter(
    *,
    since: str | None = None,
    until: str | None = None,
    tag: str | None = None,
    route: str | None = None,
    insights_only: bool = False,
    now: Callable[[], datetime] = local_now,
) -> TimelineFilter:
    """Build a filter from the texts a user typed (CLI options, filter bar).

    ``since`` and ``until`` accept anything :func:`parse_when` reads, plus
    ``session 3`` (optionally prefixed with "since").

    Raises:
        InvalidInput: with a message naming the part that could not be read.
    """
    since_at = until_at = None
    since_n = until_n = None
    if since:
        text = re.sub(r"^since\s+", "", since.strip(), flags=re.IGNORECASE)
        since_at, since_n = parse_bound(text, end=False, now=now)
    if until:
        text = re.sub(r"^until\s+", "", until.strip(), flags=re.IGNORECASE)
        until_at, until_n = parse_bound(text, end=True, now=now)
    if since_at and until_at and since_at > until_at:
        raise InvalidInput("The start date is after the end date.")
    if since_n and until_n and since_n > until_n:
        raise InvalidInput("The first session number is after the last one.")
    clean_tag = None
    if tag is not None and tag.strip():
        clean_tag = tag.strip().lstrip("#").lower()
        if not clean_tag or any(ch.isspace() for ch in clean_tag):
            raise InvalidInput(f"'{tag.strip()}' is not a tag (one word, e.g. #sleep).")
    return TimelineFilter(
        since=since_at,
        until=until_at,
        since_session=since_n,
        until_session=until_n,
        tag=clean_tag,
        route=parse_route(route) if route and route.strip() else None,
        insights_only=insights_only,
    )


_KEYWORDS = {"since", "from", "after", "until", "to", "before"}


def parse_filter_text(text: str, *, now: Callable[[], datetime] = local_now) -> TimelineFilter:
    """Parse the filter bar: ``since 2w until 2026-12-01 #sleep route:iv insights``.

    Words after ``since``/``from`` (or ``until``/``to``) up to the next
    keyword form a date or ``session N``; ``#tag`` or ``tag:x`` picks a tag;
    ``route:x`` a route; ``insights`` shows only insights.

    Raises:
        InvalidInput: for anything it cannot read, naming it.
    """
    since: list[str] | None = None
    until: list[str] | None = None
    tag: str | None = None
    route: str | None = None
    insights = False
    current: list[str] | None = None
    for word in text.split():
        low = word.lower()
        if low in ("since", "from", "after"):
            since = current = []
        elif low in ("until", "to", "before"):
            until = current = []
        elif word.startswith("#") or low.startswith("tag:"):
            if tag is not None:
                raise InvalidInput("Only one tag can be filtered at a time.")
            tag = word.split(":", 1)[1] if low.startswith("tag:") else word
            current = None
        elif low.startswith("route:"):
            route = word.split(":", 1)[1]
            current = None
        elif low in ("insights", "insight", "insights-only"):
            insights = True
            current = None
        elif current is not None:
            current.append(word)
        else:
            raise InvalidInput(
                f"'{word}' is not a filter. Try: since 2w, until 2026-12-01, "
                "since session 3, #tag, route:iv, insights."
            )
    if since is not None and not since:
        raise InvalidInput("'since' needs a date or a session, e.g. 'since 2w'.")
    if until is not None and not until:
        raise InvalidInput("'until' needs a date or a session, e.g. 'until session 5'.")
    return make_filter(
        since=" ".join(since) if since else None,
        until=" ".join(until) if until else None,
        tag=tag,
        route=route,
        insights_only=insights,
        now=now,
    )


# ---------------------------------------------------------------- view model


@dataclass(frozen=True)
class TimelineItem:
    """One thing on the timeline under a session (or before the first one)."""

    kind: str  # entry | guided | checkin | scale | insight | appointment
    id: str
    at: datetime
    title: str
    """One sanitised line."""
    session_id: str | None = None
    days_since: int | None = None
    tags: tuple[str, ...] = ()
    detail: str = ""
    pack_id: str | None = None
    entry_id: str | None = None
    """For an insight: the entry it was marked in."""
    follow_ups: tuple[FollowUp, ...] = ()
    bring_to_therapy: bool = False
    flagged: bool = False
    """For an entry: a question flagged for the next therapy appointment."""
    insight_count: int = 0
    """For an entry: how many insights were marked in it."""
    sort_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "at": self.at.isoformat(),
            "title": self.title,
            "days_since_session": self.days_since,
            "tags": list(self.tags),
        }
        if self.detail:
            data["detail"] = self.detail
        if self.pack_id:
            data["pack_id"] = self.pack_id
        if self.kind == "insight":
            data["entry_id"] = self.entry_id
            data["bring_to_therapy"] = self.bring_to_therapy
            data["follow_ups"] = [f.to_dict() for f in self.follow_ups]
        if self.kind in ("entry", "guided"):
            data["flagged_for_therapy"] = self.flagged
            data["insights"] = self.insight_count
        return data


@dataclass(frozen=True)
class Milestone:
    """A completed session and the items of its cycle."""

    session: Session
    number: int
    items: tuple[TimelineItem, ...]
    change: SessionChange

    @property
    def route_label(self) -> str:
        route = self.session.route
        return ROUTE_LABELS.get(route, route) if route else "route not recorded"

    @property
    def dose_text(self) -> str:
        return dose_text(self.session)

    @property
    def side_effects_text(self) -> str:
        return side_effects_text(self.session)

    @property
    def max_severity(self) -> int:
        """The highest side-effect rating (0 when none were recorded)."""
        values = [v for v in self.session.side_effects.values() if isinstance(v, int)]
        return max(values, default=0)

    def to_dict(self) -> dict[str, Any]:
        s = self.session
        return {
            "number": self.number,
            "id": s.id,
            "started_at": s.started_at.isoformat(),
            "route": s.route,
            "dose_value": s.dose_value,
            "dose_unit": s.dose_unit,
            "setting": s.setting,
            "side_effects": dict(s.side_effects),
            "side_effect_other": s.side_effect_other,
            "dissociation": s.dissociation,
            "change": self.change.to_dict(),
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class Row:
    """One line of the flattened timeline, for lists and plain text."""

    kind: str  # heading | session | upcoming | follow_up | an item kind
    depth: int
    text: str
    ref: str | None = None
    """The id of the model the row shows (session, entry, insight...)."""
    session_id: str | None = None
    item: TimelineItem | None = None
    milestone: Milestone | None = None


@dataclass(frozen=True)
class Timeline:
    """The whole view model."""

    lead: tuple[TimelineItem, ...]
    """Items from before the first (shown) session."""
    milestones: tuple[Milestone, ...]
    upcoming: tuple[Session, ...]
    filter: TimelineFilter
    checkins: tuple[CheckIn, ...] = ()
    """Check-ins in the date range, oldest first (for charts)."""
    built_at: datetime | None = None
    _rows: list[Row] = field(default_factory=list, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        return not (self.lead or self.milestones or self.upcoming)

    def milestone(self, session_id: str) -> Milestone | None:
        for m in self.milestones:
            if m.session.id == session_id:
                return m
        return None

    def items(self) -> Iterable[TimelineItem]:
        yield from self.lead
        for m in self.milestones:
            yield from m.items

    def insights(self) -> list[TimelineItem]:
        return [i for i in self.items() if i.kind == "insight"]

    def rows(self) -> list[Row]:
        """The timeline flattened into display rows (computed once)."""
        if not self._rows:
            self._rows.extend(_flatten(self))
        return self._rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "kapjournal.timeline/1",
            "filter": self.filter.to_dict(),
            "before_first_session": [i.to_dict() for i in self.lead],
            "sessions": [m.to_dict() for m in self.milestones],
            "upcoming": [
                {
                    "id": s.id,
                    "planned_for": s.started_at.isoformat(),
                    "route": s.route,
                    "dose_value": s.dose_value,
                    "dose_unit": s.dose_unit,
                }
                for s in self.upcoming
            ],
        }


def dose_text(session: Session) -> str:
    """The dose exactly as entered, with its unit (never calculated)."""
    if not session.dose_value:
        return "dose not recorded"
    unit = DOSE_UNIT_LABELS.get(session.dose_unit or "", session.dose_unit or "")
    return clean_line(f"{session.dose_value} {unit}".strip())


def side_effects_text(session: Session) -> str:
    """E.g. "nausea mild, dizziness moderate", or "none noted" / "not recorded"."""
    rated = [
        f"{name} {SEVERITY_LABELS[v] if 0 <= v < len(SEVERITY_LABELS) else v}"
        for name, v in session.side_effects.items()
        if isinstance(v, int) and v > 0
    ]
    if session.side_effect_other.strip():
        rated.append("other: " + clean_line(session.side_effect_other.strip())[:40])
    if rated:
        return ", ".join(rated)
    return "none noted" if session.side_effects else "not recorded"


def checkin_text(checkin: CheckIn) -> str:
    parts = [
        f"{label} {getattr(checkin, name)}"
        for name, label in CHECKIN_SHORT.items()
        if getattr(checkin, name) is not None
    ]
    return " · ".join(parts) if parts else "no scores"


def _short(text: str, limit: int = TITLE_CHARS) -> str:
    line = clean_line(text).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _within(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or at >= since) and (until is None or at <= until)


def _known_numbers(numbers: dict[str, int]) -> str:
    """The session numbers in use, for a message: "1 to 6" or "1, 3, 4"."""
    known = sorted(set(numbers.values()))
    if not known:
        return "none yet"
    if known == list(range(known[0], known[-1] + 1)):
        return f"{known[0]} to {known[-1]}" if len(known) > 1 else str(known[0])
    return ", ".join(str(n) for n in known)


def _prepared_for(
    session: Session | None,
    when: datetime,
    since: datetime | None,
    until: datetime | None,
    filt: TimelineFilter,
) -> bool:
    """An item written before "since session N" began but linked to that session or a later one.

    The preparation for session N belongs to its cycle (explicit links win), so
    "since session N" shows it under session N as the unfiltered timeline does.
    """
    return (
        filt.since_session is not None
        and session is not None
        and since is not None
        and session.started_at >= since
        and (until is None or when <= until)
    )


def assemble(
    *,
    sessions: Sequence[Session],
    entries: Sequence[Entry] = (),
    checkins: Sequence[CheckIn] = (),
    insights: Sequence[Insight] = (),
    scales: Sequence[ScaleResult] = (),
    appointments: Sequence[Appointment] = (),
    filt: TimelineFilter | None = None,
    hide_titles: bool = False,
    now: datetime | None = None,
) -> Timeline:
    """Build the timeline from already-loaded models (a pure function).

    Args:
        sessions: every session (planned, completed and cancelled).
        entries, checkins, insights, scales, appointments: the dated items.
        filt: what to show.
        hide_titles: privacy mode: replace entry and insight text with labels.
        now: the clock, for "upcoming".

    Returns:
        The :class:`Timeline`.

    Raises:
        InvalidInput: when the filter names a session number that does not exist.
    """
    filt = filt or TimelineFilter()
    index = CycleIndex(sessions)
    completed = list(index.sessions)
    numbers = {s.id: index.number_of(s) for s in completed}
    since, until = filt.since, filt.until
    if filt.since_session is not None or filt.until_session is not None:
        # Session numbers are the ones the timeline shows (a numbered course
        # keeps its numbers when a session in it was cancelled).
        position: dict[int, int] = {}
        for pos, s in enumerate(completed):
            position.setdefault(numbers[s.id], pos)
        for n in (filt.since_session, filt.until_session):
            if n is not None and n not in position:
                raise InvalidInput(
                    f"There is no session {n} (sessions logged: {_known_numbers(numbers)})."
                )
        if filt.since_session is not None:
            since = completed[position[filt.since_session]].started_at
        if filt.until_session is not None:
            nxt = position[filt.until_session] + 1
            until = (
                completed[nxt].started_at - timedelta(microseconds=1)
                if nxt < len(completed)
                else None
            )

    insight_counts: dict[str, int] = {}
    for ins in insights:
        if ins.entry_id:
            insight_counts[ins.entry_id] = insight_counts.get(ins.entry_id, 0) + 1
    entry_by_id = {e.id: e for e in entries}

    raw: list[TimelineItem] = []
    for e in entries:
        kind = "guided" if e.pack_id else "entry"
        detail = ""
        if e.pack_id:
            # The entry's own title is the writer's (privacy mode hides it).
            label = (
                _short(e.title, 30)
                if e.title and not hide_titles
                else PACK_LABELS.get(e.pack_id, e.pack_id)
            )
            answered = sum(1 for a in e.answers if a.value not in (None, "", [], ()))
            detail = f"{clean_line(label)} · {answered} answer{'s' if answered != 1 else ''}"
        if hide_titles:
            title = "Guided reflection" if e.pack_id else "Entry"
        elif e.pack_id:
            # The first written answer says more than the pack's title.
            written = [a.value for a in e.answers if isinstance(a.value, str) and a.value.strip()]
            title = _short(written[0]) if written else ""
        else:
            title = _short(e.first_line)
        raw.append(
            TimelineItem(
                kind=kind,
                id=e.id,
                at=e.created,
                title=title,
                session_id=e.session_id,
                tags=e.tags,
                detail=detail,
                pack_id=e.pack_id,
                flagged=e.flagged_for_therapy,
                insight_count=insight_counts.get(e.id, 0),
            )
        )
    for c in checkins:
        raw.append(
            TimelineItem(
                kind="checkin", id=c.id, at=c.at, title=checkin_text(c), session_id=c.session_id
            )
        )
    for sr in scales:
        raw.append(
            TimelineItem(
                kind="scale",
                id=sr.id,
                at=sr.at,
                title=f"{_short(sr.scale_name, 30)}: total {sr.total}",
                session_id=sr.session_id,
            )
        )
    for a in appointments:
        raw.append(
            TimelineItem(
                kind="appointment",
                id=a.id,
                at=a.at,
                title=("Therapy appointment" if a.kind == "therapy" else _short(a.kind, 30)),
            )
        )
    for ins in insights:
        source = entry_by_id.get(ins.entry_id) if ins.entry_id else None
        # An insight sits right after the entry it was marked in.
        sort_at = source.created + timedelta(microseconds=1) if source else ins.created
        link = ins.session_id or (source.session_id if source else None)
        raw.append(
            TimelineItem(
                kind="insight",
                id=ins.id,
                at=ins.created,
                title="(text hidden)" if hide_titles else _short(ins.text, 200),
                session_id=link,
                tags=ins.tags,
                entry_id=ins.entry_id,
                # Privacy mode: what each follow-up says is the writer's too.
                follow_ups=(
                    tuple(f.replace(text="") for f in ins.follow_ups)
                    if hide_titles
                    else ins.follow_ups
                ),
                bring_to_therapy=ins.bring_to_therapy,
                sort_at=sort_at,
            )
        )

    groups: dict[str | None, list[TimelineItem]] = {}
    for item in raw:
        when = item.sort_at or item.at
        session = index.session_for(when, item.session_id)
        if not _within(when, since, until) and not _prepared_for(session, when, since, until, filt):
            continue
        if filt.insights_only and item.kind != "insight":
            continue
        if filt.tag is not None and filt.tag not in item.tags:
            continue
        sid = session.id if session is not None else None
        if session is not None:
            item = replace(item, session_id=sid, days_since=index.days_since(item.at, session))
        else:
            item = replace(item, session_id=None)
        groups.setdefault(sid, []).append(item)
    for items in groups.values():
        items.sort(key=lambda i: (i.sort_at or i.at, i.kind))

    narrowing = filt.insights_only or filt.tag is not None
    calc = ChangeCalculator(checkins)
    milestones: list[Milestone] = []
    for s in completed:
        if filt.route is not None and s.route != filt.route:
            continue
        # "since session 3" means from that session on, even for later items
        # that are explicitly linked to an earlier session.
        if filt.since_session is not None and s.started_at < (since or s.started_at):
            continue
        if filt.until_session is not None and until is not None and s.started_at > until:
            continue
        items = groups.get(s.id, [])
        if narrowing and not items:
            continue
        if not items and not _within(s.started_at, since, until):
            continue
        milestones.append(
            Milestone(
                session=s,
                number=numbers[s.id],
                items=tuple(items),
                change=calc.for_session(s),
            )
        )
    lead = () if filt.route is not None else tuple(groups.get(None, []))

    moment = now or local_now()
    upcoming: tuple[Session, ...] = ()
    if not narrowing:
        upcoming = tuple(
            sorted(
                (
                    s
                    for s in sessions
                    if s.status == "planned"
                    and s.started_at >= moment - timedelta(hours=12)
                    and (filt.route is None or s.route == filt.route)
                    and _within(s.started_at, since, until)
                ),
                key=lambda s: s.started_at,
            )
        )
    shown_checkins = tuple(
        sorted((c for c in checkins if _within(c.at, since, until)), key=lambda c: c.at)
    )
    return Timeline(
        lead=lead,
        milestones=tuple(milestones),
        upcoming=upcoming,
        filter=filt,
        checkins=shown_checkins,
        built_at=moment,
    )


def build_timeline(
    journal: Journal,
    filt: TimelineFilter | None = None,
    *,
    hide_titles: bool = False,
) -> Timeline:
    """Build the timeline from a journal (decrypting what it needs; run in a worker).

    Raises:
        InvalidInput: when the filter names a session that does not exist.
    """
    return assemble(
        sessions=journal.all(Session),
        entries=journal.all(Entry),
        checkins=journal.all(CheckIn),
        insights=journal.all(Insight),
        scales=journal.all(ScaleResult),
        appointments=journal.all(Appointment),
        filt=filt,
        hide_titles=hide_titles,
        now=journal.now(),
    )


# ---------------------------------------------------------------- flat rows

_KIND_LABEL = {
    "entry": "",
    "guided": "",
    "checkin": "Check-in · ",
    "scale": "Scale · ",
    "appointment": "",
    "insight": "Insight: ",
}


def session_line(m: Milestone) -> str:
    s = m.session
    parts = [
        f"Session {m.number}",
        f"{s.started_at:%a %Y-%m-%d %H:%M}",
        m.route_label,
        m.dose_text,
        f"side effects: {m.side_effects_text}",
    ]
    if s.dissociation is not None:
        parts.append(f"dissociation {s.dissociation}/10")
    return " · ".join(parts)


def day_label(days: int) -> str:
    """E.g. "(day 2)" after a session, "(day before)" / "(3 days before)" for linked items."""
    if days >= 0:
        return f"(day {days})"
    return "(day before)" if days == -1 else f"({-days} days before)"


def item_line(item: TimelineItem) -> str:
    when = f"{item.at:%a %d %b %H:%M}"
    if item.days_since is not None:
        when += " " + day_label(item.days_since)
    text = _KIND_LABEL.get(item.kind, "") + item.title
    if item.kind == "guided" and item.detail:
        text = f"{item.detail} · {item.title}" if item.title else item.detail
    extras: list[str] = []
    low_title = item.title.lower()
    # Tags typed in the text already show in the title; list only the others.
    extra_tags = [t for t in item.tags if f"#{t.lower()}" not in low_title]
    if extra_tags:
        extras.append(" ".join(f"#{clean_line(t)}" for t in extra_tags))
    if item.insight_count:
        extras.append(f"[{item.insight_count} insight{'s' if item.insight_count > 1 else ''}]")
    if item.flagged:
        extras.append("[question for therapy]")
    if item.bring_to_therapy:
        extras.append("[bring to therapy]")
    tail = ("  " + "  ".join(extras)) if extras else ""
    return f"{when}  {text}{tail}"


def _flatten(tl: Timeline) -> list[Row]:
    rows: list[Row] = []

    def add_items(items: Sequence[TimelineItem], base: int, session_id: str | None) -> None:
        shown_entries = {i.id for i in items if i.kind in ("entry", "guided")}
        for item in items:
            depth = base + (1 if item.kind == "insight" and item.entry_id in shown_entries else 0)
            rows.append(Row(item.kind, depth, item_line(item), item.id, session_id, item=item))
            for follow in item.follow_ups:
                rows.append(
                    Row(
                        "follow_up",
                        depth + 1,
                        "↳ " + clean_line(follow_up_label(follow)),
                        item.id,
                        session_id,
                        item=item,
                    )
                )

    if tl.lead:
        rows.append(Row("heading", 0, "Before the first session"))
        add_items(tl.lead, 1, None)
    for m in tl.milestones:
        rows.append(Row("session", 0, session_line(m), m.session.id, m.session.id, milestone=m))
        add_items(m.items, 1, m.session.id)
    if tl.upcoming:
        rows.append(Row("heading", 0, "Upcoming"))
        for s in tl.upcoming:
            route = ROUTE_LABELS.get(s.route, s.route) if s.route else "route not set"
            rows.append(
                Row(
                    "upcoming",
                    1,
                    f"Planned · {s.started_at:%a %Y-%m-%d %H:%M} · {route}",
                    s.id,
                    s.id,
                )
            )
    return rows


def plain_text(tl: Timeline) -> str:
    """The timeline as readable plain text (for the CLI)."""
    if tl.empty:
        if tl.filter.active:
            return f"Nothing on the timeline matches ({tl.filter.describe()})."
        return "The timeline is empty. Log a session or write an entry to start it."
    lines: list[str] = []
    if tl.filter.active:
        lines.append(f"Showing: {tl.filter.describe()}")
        lines.append("")
    for row in tl.rows():
        if row.kind in ("session", "heading") and lines and lines[-1] != "":
            lines.append("")
        lines.append("  " * row.depth + row.text)
        if row.kind == "session" and row.milestone is not None:
            lines.extend("  " * (row.depth + 1) + c for c in change_lines(row.milestone.change))
    return "\n".join(lines)


def change_lines(change: SessionChange) -> list[str]:
    """Compact per-session change for plain text (only when there is something to say)."""
    if change.available == 0:
        return []
    if change.sparse:
        return [change.note]
    out = []
    for point in POINTS[1:]:
        if change.points.get(point) is None:
            continue
        deltas = ", ".join(
            f"{FIELD_LABELS[f].lower()} {format_delta(change.delta(point, f))}"
            for f in FIELD_LABELS
            if change.delta(point, f) is not None
        )
        if deltas:
            out.append(f"Change since before, {POINT_LABELS[point].lower()}: {deltas}")
    return out
