"""Which prompt packs are due, overdue, upcoming or missed (CLINICAL.md a).

Due times count from each session's start (T0), never from the calendar:

========== ============================ ====================== ==========================
pack       opens                        due                    stale after
========== ============================ ====================== ==========================
prepare    T0 - 3 days (when scheduled) T0                     T0 + 1 h (then "late")
immediate  session end (default T0+2 h) 23:59 on the day       same as due
next_day   T0 + 18 h                    T0 + 36 h              T0 + 72 h
one_week   T0 + 6 d                     T0 + 8 d               next session (at most T0+14 d)
pre_therapy appointment - 24 h          the appointment        the appointment
one_month  last session + 1 month       + 7 days               + 28 days
three_month last session + 3 months     + 7 days               + 28 days
daily      today 00:00                  today 20:00            today 23:59
========== ============================ ====================== ==========================

"Last session" for the follow-ups means a completed session after which no
other session (completed, or planned in the future) starts within that month
(three months). Old cycles' packs stay available, labelled with their
session date. A stale pack is listed as missed for a week and never chased.
During the first 2 hours after a session starts nothing is pushed
(:attr:`DueList.quiet_until`); the packs can still be opened by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from kapjournal.core.journal import Journal
from kapjournal.core.models import Appointment, CheckIn, Entry, Session
from kapjournal.core.prompts import PHASE_LABELS, PackLibrary, PromptPack

QUIET_AFTER_T0 = timedelta(hours=2)
UPCOMING_HORIZON = timedelta(days=7)
KEEP_MISSED = timedelta(days=7)
LOOKBACK = timedelta(days=130)
PREPARE_OPENS = timedelta(days=3)
ONE_WEEK_LATEST = timedelta(days=14)
STATES = ("due", "overdue", "upcoming", "missed")


@dataclass(frozen=True)
class DueItem:
    """One pack for one session (or appointment, or day)."""

    pack_id: str
    title: str
    phase: str
    opens: datetime
    due: datetime
    stale: datetime
    state: str  # due | overdue | upcoming | missed
    session_id: str | None = None
    session_start: datetime | None = None
    appointment_id: str | None = None

    @property
    def label(self) -> str:
        """e.g. "Next day · session of Tue 1 Dec"."""
        where = PHASE_LABELS.get(self.phase, self.phase)
        if self.session_start is not None:
            s = self.session_start
            return f"{where} · session of {s:%a} {s.day} {s:%b}"
        return where


@dataclass
class DueList:
    due_now: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    upcoming: list[DueItem] = field(default_factory=list)
    missed: list[DueItem] = field(default_factory=list)
    quiet_until: datetime | None = None

    @property
    def pushed(self) -> list[DueItem]:
        """What the home screen shows now: nothing during the quiet window."""
        if self.quiet_until is not None:
            return []
        return self.due_now + self.overdue

    def open_items(self) -> list[DueItem]:
        """Everything that can be answered now, quiet window or not."""
        return self.due_now + self.overdue + self.missed

    def to_dict(self) -> dict[str, object]:
        def row(i: DueItem) -> dict[str, object]:
            return {
                "pack_id": i.pack_id,
                "title": i.title,
                "phase": i.phase,
                "state": i.state,
                "label": i.label,
                "opens": i.opens.isoformat(),
                "due": i.due.isoformat(),
                "stale": i.stale.isoformat(),
                "session_id": i.session_id,
                "appointment_id": i.appointment_id,
            }

        return {
            "quiet_until": self.quiet_until.isoformat() if self.quiet_until else None,
            "due": [row(i) for i in self.due_now],
            "overdue": [row(i) for i in self.overdue],
            "upcoming": [row(i) for i in self.upcoming],
            "missed": [row(i) for i in self.missed],
        }


def _end_of_day(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(23, 59, 59), tzinfo=moment.tzinfo)


def session_windows(
    session: Session, next_start: datetime | None
) -> dict[str, tuple[datetime, datetime, datetime]]:
    """(opens, due, stale) per phase for one session, following the table above."""
    t0 = session.started_at
    out: dict[str, tuple[datetime, datetime, datetime]] = {}
    out["prepare"] = (t0 - PREPARE_OPENS, t0, t0 + timedelta(hours=1))
    if session.status == "completed":
        ended = session.ended_at or t0 + timedelta(hours=2)
        due = max(_end_of_day(t0), ended + timedelta(hours=6))
        out["immediate"] = (ended, due, due)
        out["next_day"] = (
            t0 + timedelta(hours=18),
            t0 + timedelta(hours=36),
            t0 + timedelta(hours=72),
        )
        opens, due = t0 + timedelta(days=6), t0 + timedelta(days=8)
        # Stale at the next session, and never later than two weeks on (no chasing).
        stale = min(next_start or t0 + ONE_WEEK_LATEST, t0 + ONE_WEEK_LATEST)
        if stale > opens:
            out["one_week"] = (opens, min(due, stale), stale)
    return out


def _state(opens: datetime, due: datetime, stale: datetime, now: datetime) -> str | None:
    if now < opens:
        return "upcoming" if opens - now <= UPCOMING_HORIZON else None
    if now < due:
        return "due"
    if now < stale:
        return "overdue"
    if now - stale <= KEEP_MISSED:
        return "missed"
    return None


def _done(
    entries: Sequence[Entry],
    pack: PromptPack,
    session_id: str | None,
    opens: datetime,
    stale: datetime,
) -> bool:
    for e in entries:
        if e.pack_id != pack.id:
            continue
        if session_id is not None and e.session_id == session_id:
            return True
        # Unlinked answers count when written inside the window (prepare before logging).
        if e.session_id is None and opens <= e.created <= stale + KEEP_MISSED:
            return True
    return False


def compute_due(
    *,
    sessions: Iterable[Session],
    appointments: Iterable[Appointment],
    entries: Iterable[Entry],
    checkins: Iterable[CheckIn],
    library: PackLibrary,
    focus: Sequence[str],
    now: datetime,
) -> DueList:
    """Build the due list for ``now`` (a pure function of the records; easy to test).

    Args:
        sessions: all sessions (planned, completed, cancelled).
        appointments: therapy appointments.
        entries: journal entries (finished packs have ``pack_id``).
        checkins: self check-ins (they complete the daily check-in pack).
        library: loaded packs.
        focus: the chosen focus areas (``Settings.focus_packs``).
        now: the moment to evaluate at.

    Returns:
        A :class:`DueList`.
    """
    entry_list = list(entries)
    live = sorted((s for s in sessions if s.status != "cancelled"), key=lambda s: s.started_at)
    completed = [s for s in live if s.status == "completed"]
    # A later session (completed, or planned and still ahead) ends a cycle.
    future_planned = [s for s in live if s.status == "planned" and s.started_at >= now]
    boundaries = sorted([s.started_at for s in completed] + [s.started_at for s in future_planned])
    result = DueList()
    items: list[DueItem] = []

    def add(pack: PromptPack, w: tuple[datetime, datetime, datetime], **link: object) -> None:
        state = _state(*w, now)
        if state is None:
            return
        sid = link.get("session_id")
        if _done(entry_list, pack, sid if isinstance(sid, str) else None, w[0], w[2]):
            return
        items.append(
            DueItem(
                pack_id=pack.id,
                title=pack.title,
                phase=pack.phase,
                opens=w[0],
                due=w[1],
                stale=w[2],
                state=state,
                **link,  # type: ignore[arg-type]
            )
        )

    for s in live:
        if s.started_at < now - LOOKBACK:
            continue
        if s.status == "completed" and s.started_at <= now < s.started_at + QUIET_AFTER_T0:
            result.quiet_until = s.started_at + QUIET_AFTER_T0
        later = [b for b in boundaries if b > s.started_at]
        windows = session_windows(s, later[0] if later else None)
        for phase, w in windows.items():
            if phase == "prepare" and s.status == "planned":
                # Only the next planned session is worth preparing for.
                nxt = next((p for p in future_planned), None)
                if s.started_at >= now and (nxt is None or nxt.id != s.id):
                    continue
            for pack in library.for_phase(phase, focus):
                add(pack, w, session_id=s.id, session_start=s.started_at)
        if s.status == "completed":
            for phase, months in (("one_month", 1), ("three_month", 3)):
                end = s.started_at + relativedelta(months=months)
                if any(s.started_at < b <= end for b in boundaries):
                    continue
                w = (end, end + timedelta(days=7), end + timedelta(days=28))
                for pack in library.for_phase(phase, focus):
                    add(pack, w, session_id=s.id, session_start=s.started_at)

    for a in appointments:
        if not now - LOOKBACK <= a.at <= now + UPCOMING_HORIZON * 2:
            continue
        w = (a.at - timedelta(hours=24), a.at, a.at)
        for pack in library.for_phase("pre_therapy", focus):
            state = _state(*w, now)
            if state is None:
                continue
            if any(e.pack_id == pack.id and w[0] <= e.created <= w[2] for e in entry_list):
                continue
            items.append(
                DueItem(pack.id, pack.title, pack.phase, *w, state=state, appointment_id=a.id)
            )

    today = now.date()
    day_open = datetime.combine(today, time(0, 0), tzinfo=now.tzinfo)
    day_w = (day_open, datetime.combine(today, time(20, 0), tzinfo=now.tzinfo), _end_of_day(now))
    checked_in_today = any(c.at.astimezone(now.tzinfo).date() == today for c in checkins)
    for pack in library.for_phase("daily", focus):
        if pack.include_checkin and checked_in_today:
            continue
        if any(
            e.pack_id == pack.id and e.created.astimezone(now.tzinfo).date() == today
            for e in entry_list
        ):
            continue
        state = _state(*day_w, now)
        if state is not None and state != "missed":
            items.append(DueItem(pack.id, pack.title, pack.phase, *day_w, state=state))

    items.sort(key=lambda i: (i.due, i.pack_id))
    for i in items:
        {
            "due": result.due_now,
            "overdue": result.overdue,
            "upcoming": result.upcoming,
            "missed": result.missed,
        }[i.state].append(i)
    return result


def due_for_journal(journal: Journal, library: PackLibrary, now: datetime | None = None) -> DueList:
    """:func:`compute_due` over an unlocked journal's records."""
    settings = journal.settings()
    return compute_due(
        sessions=journal.all(Session),
        appointments=journal.all(Appointment),
        entries=journal.all(Entry),
        checkins=journal.all(CheckIn),
        library=library,
        focus=settings.focus_packs,
        now=now or journal.now(),
    )
