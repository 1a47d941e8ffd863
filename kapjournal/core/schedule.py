"""Treatment courses: planning session dates, boosters, progress ("session 3 of 6").

Planned sessions are ordinary ``Session`` records with ``status="planned"``
and a ``course_id``, so moving one is a single save that leaves the others
untouched. Dates come from dateutil's ``rrule`` (regular courses) or
explicit lists; boosters use ``relativedelta`` from an anchor, so a monthly
booster from 31 January lands on 28/29 February and then 31 March.

Times are wall-clock times in the given zone: "10:00 twice a week" stays
10:00 across a daylight-saving change when the zone is a real tz database
zone (``zoneinfo`` or ``dateutil.tz``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil import rrule
from dateutil import tz as du_tz
from dateutil.relativedelta import relativedelta

from kapjournal.core.dates import parse_when
from kapjournal.core.errors import InvalidInput
from kapjournal.core.journal import Journal
from kapjournal.core.models import Course, Session, local_now, new_id

MAX_COURSE_SESSIONS = 60
DEFAULT_TIME = time(10, 0)
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_TIMES_WORDS = {"once": 1, "twice": 2, "three times": 3, "thrice": 3, "four times": 4}


def local_zone() -> tzinfo:
    """The user's zone as a DST-aware tzinfo (not a fixed offset)."""
    zone = du_tz.tzlocal()
    return zone


def _at(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=zone)


def spread_weekdays(first: int, per_week: int) -> list[int]:
    """Weekdays for ``per_week`` sessions a week, starting on ``first``, evenly spaced.

    Twice a week from Tuesday gives Tuesday and Friday.
    """
    if not 1 <= per_week <= 7:
        raise InvalidInput("Sessions per week must be between 1 and 7.")
    return sorted({(first + (7 * k) // per_week) % 7 for k in range(per_week)})


def plan_dates(
    start: date,
    count: int,
    *,
    per_week: int | None = None,
    weekdays: Sequence[int] | None = None,
    every_days: int | None = None,
    at: time = DEFAULT_TIME,
    zone: tzinfo | None = None,
) -> list[datetime]:
    """Dates for a regular course.

    Args:
        start: the first day (the first session is on it, or on the first
            matching weekday after it when ``weekdays`` excludes it).
        count: how many sessions.
        per_week: sessions per week, spread evenly from ``start``'s weekday.
        weekdays: explicit weekdays (0 = Monday); overrides ``per_week``.
        every_days: a session every N days instead of weekly days.
        at: wall-clock time of each session.
        zone: time zone (default: local, DST-aware).

    Returns:
        ``count`` aware datetimes in order.

    Raises:
        InvalidInput: the numbers are out of range.
    """
    if not 1 <= count <= MAX_COURSE_SESSIONS:
        raise InvalidInput(f"A course has 1 to {MAX_COURSE_SESSIONS} sessions.")
    zone = zone or local_zone()
    dtstart = datetime.combine(start, at)
    if every_days is not None:
        if not 1 <= every_days <= 90:
            raise InvalidInput("'Every N days' must be between 1 and 90.")
        rule = rrule.rrule(rrule.DAILY, interval=every_days, count=count, dtstart=dtstart)
    else:
        days = list(weekdays) if weekdays else spread_weekdays(start.weekday(), per_week or 1)
        if not days or any(not 0 <= d <= 6 for d in days):
            raise InvalidInput("Weekdays must be mon..sun.")
        rule = rrule.rrule(
            rrule.WEEKLY,
            byweekday=[_RRULE_DAYS[d] for d in days],
            count=count,
            dtstart=dtstart,
        )
    # rrule works on naive wall-clock times; attaching the zone afterwards keeps
    # 10:00 at 10:00 on both sides of a DST change.
    return [d.replace(tzinfo=zone) for d in rule]


def booster_dates(
    anchor: datetime, count: int, *, every_months: int = 0, every_weeks: int = 0
) -> list[datetime]:
    """Booster dates after ``anchor``, each counted from the anchor (no drift at month ends).

    Raises:
        InvalidInput: no interval or a bad count.
    """
    if not 1 <= count <= 24:
        raise InvalidInput("Add 1 to 24 boosters at a time.")
    if every_months <= 0 and every_weeks <= 0:
        raise InvalidInput("Say how far apart the boosters are (weeks or months).")
    naive = anchor.replace(tzinfo=None)
    out = []
    for k in range(1, count + 1):
        step = relativedelta(months=every_months * k, weeks=every_weeks * k)
        out.append((naive + step).replace(tzinfo=anchor.tzinfo))
    return out


@dataclass(frozen=True)
class CourseSpec:
    """What a course-plan phrase said."""

    count: int
    start: date
    per_week: int | None = None
    every_days: int | None = None
    weekdays: tuple[int, ...] = ()
    at: time = DEFAULT_TIME


_SPEC_COUNT = re.compile(r"(\d{1,2})\s*(?:sessions?|infusions?|doses?)")
_SPEC_WEEK = re.compile(
    r"(once|twice|thrice|three times|four times|(\d)\s*(?:times|x))\s*(?:a|per)\s*week"
)
_SPEC_EVERY = re.compile(r"every\s+(\d{1,2})\s*days?")
_SPEC_FROM = re.compile(r"(?:from|starting|start)\s+(.+?)(?:\s+at\s+|$)")
_SPEC_AT = re.compile(r"\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_SPEC_ON = re.compile(r"\bon\s+(" + _DAY + r"(?:\s*(?:,|and)\s*" + _DAY + r")*)")


def parse_course_spec(text: str, *, now: Callable[[], datetime] = local_now) -> CourseSpec:
    """Read a phrase like "6 sessions, twice a week, from 2026-12-01 at 10:00".

    Also understood: "every 3 days", "weekly", "on mon and thu".

    Raises:
        InvalidInput: a message saying which part is missing.
    """
    low = " ".join(text.lower().replace(",", " , ").split()).replace(" , ", ", ")
    m = _SPEC_COUNT.search(low)
    if not m:
        raise InvalidInput(
            "Say how many sessions, e.g. '6 sessions, twice a week, from 2026-12-01'."
        )
    count = int(m.group(1))
    per_week: int | None = None
    every: int | None = None
    weekdays: tuple[int, ...] = ()
    if wm := _SPEC_WEEK.search(low):
        per_week = int(wm.group(2)) if wm.group(2) else _TIMES_WORDS[wm.group(1)]
    elif em := _SPEC_EVERY.search(low):
        every = int(em.group(1))
    elif "weekly" in low:
        per_week = 1
    if om := _SPEC_ON.search(low):
        names = re.findall(r"(mon|tue|wed|thu|fri|sat|sun)", om.group(1))
        weekdays = tuple(sorted({WEEKDAYS[n] for n in names}))
    if per_week is None and every is None and not weekdays:
        raise InvalidInput(
            "Say how often, e.g. 'twice a week', 'every 3 days' or 'on mon and thu'."
        )
    fm = _SPEC_FROM.search(low)
    if not fm:
        raise InvalidInput("Say when it starts, e.g. 'from 2026-12-01'.")
    start_text = fm.group(1).strip().rstrip(",")
    start = parse_when(start_text, now=now).date()
    at = DEFAULT_TIME
    if am := _SPEC_AT.search(low[fm.start() :]):
        hour, minute, ampm = int(am.group(1)), int(am.group(2) or 0), am.group(3)
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise InvalidInput("That time of day is not valid.")
        at = time(hour, minute)
    return CourseSpec(count, start, per_week, every, weekdays, at)


def dates_for_spec(spec: CourseSpec, zone: tzinfo | None = None) -> list[datetime]:
    return plan_dates(
        spec.start,
        spec.count,
        per_week=spec.per_week,
        weekdays=spec.weekdays or None,
        every_days=spec.every_days,
        at=spec.at,
        zone=zone,
    )


# ---------------------------------------------------------------- journal operations


def create_course(
    journal: Journal, title: str, dates: Sequence[datetime], rule: str = ""
) -> tuple[Course, list[Session]]:
    """Save a course and one planned ``Session`` per date, in one transaction.

    Raises:
        InvalidInput: no dates, too many, or duplicates.
    """
    ordered = sorted(dates)
    if not ordered:
        raise InvalidInput("A course needs at least one date.")
    if len(ordered) > MAX_COURSE_SESSIONS:
        raise InvalidInput(f"A course has at most {MAX_COURSE_SESSIONS} sessions.")
    if len(set(ordered)) != len(ordered):
        raise InvalidInput("Two planned sessions have the same date and time.")
    course = Course(
        id=new_id(),
        created=journal.now(),
        title=title.strip() or "Treatment course",
        planned_count=len(ordered),
        rule=rule,
    )
    sessions = [
        Session(
            id=new_id(),
            started_at=when,
            status="planned",
            series_index=i + 1,
            course_id=course.id,
        )
        for i, when in enumerate(ordered)
    ]
    with journal.transaction():
        journal.save(course)
        for s in sessions:
            journal.save(s)
    return course, sessions


def course_sessions(sessions: Iterable[Session], course_id: str) -> list[Session]:
    """A course's sessions (planned and completed, not cancelled) in date order."""
    return sorted(
        (s for s in sessions if s.course_id == course_id and s.status != "cancelled"),
        key=lambda s: s.started_at,
    )


def add_boosters(journal: Journal, course: Course, dates: Sequence[datetime]) -> list[Session]:
    """Append planned booster sessions to a course (numbering continues)."""
    existing = course_sessions(journal.all(Session), course.id)
    start_index = max((s.series_index or 0 for s in existing), default=0)
    boosters = [
        Session(
            id=new_id(),
            started_at=when,
            status="planned",
            series_index=start_index + i + 1,
            course_id=course.id,
        )
        for i, when in enumerate(sorted(dates))
    ]
    with journal.transaction():
        for s in boosters:
            journal.save(s)
        journal.save(course.replace(planned_count=len(existing) + len(boosters), ended=False))
    return boosters


def move_session(journal: Journal, session: Session, when: datetime) -> Session:
    """Move one planned session; no other session changes.

    Raises:
        InvalidInput: the session is not planned.
    """
    if session.status != "planned":
        raise InvalidInput("Only a planned session can be moved; edit a logged one instead.")
    return journal.save(session.replace(started_at=when))


def find_planned_match(
    sessions: Iterable[Session], when: datetime, window: timedelta = timedelta(hours=36)
) -> Session | None:
    """The planned session closest to ``when`` within ``window`` (to be completed by a log)."""
    candidates = [
        s for s in sessions if s.status == "planned" and abs(s.started_at - when) <= window
    ]
    return min(candidates, key=lambda s: abs(s.started_at - when), default=None)


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    done: int
    total: int
    next_planned: Session | None
    last_done: Session | None

    @property
    def label(self) -> str:
        """e.g. "session 3 of 6 done" or "not started (6 planned)"."""
        if self.last_done is None:
            return f"not started ({self.total} planned)"
        number = self.last_done.series_index or self.done
        return f"session {number} of {self.total}"

    @property
    def finished(self) -> bool:
        return self.next_planned is None and self.done > 0


def course_progress(course: Course, sessions: Iterable[Session], now: datetime) -> CourseProgress:
    """Where a course stands: sessions done, total, the next planned one."""
    mine = course_sessions(sessions, course.id)
    done = [s for s in mine if s.status == "completed"]
    planned = [s for s in mine if s.status == "planned"]
    upcoming = [s for s in planned if s.started_at >= now - timedelta(hours=12)]
    nxt = upcoming[0] if upcoming else (planned[0] if planned else None)
    return CourseProgress(
        course=course,
        done=len(done),
        total=max(course.planned_count, len(mine)),
        next_planned=nxt,
        last_done=done[-1] if done else None,
    )


def session_label(session: Session, sessions: Iterable[Session], course: Course | None) -> str:
    """ "session 3 of 6" within its course, or "session 3" without one."""
    if course is not None and session.series_index:
        total = max(course.planned_count, len(course_sessions(sessions, course.id)))
        return f"session {session.series_index} of {total}"
    if session.series_index:
        return f"session {session.series_index}"
    return "session"


def grace_hours(requested: int) -> int:
    """Session-mode grace period in hours: default 4, clamped to 1..8."""
    return max(1, min(8, requested or 4))


_BOOSTER = re.compile(
    r"^\s*(\d{1,2})\s*(?:boosters?)?\s*,?\s*every\s+(\d{1,2})?\s*(weeks?|months?)\s*$", re.I
)


def parse_booster_spec(text: str) -> tuple[int, int, int]:
    """Read "2, every 4 weeks" or "1 booster every month" as (count, weeks, months).

    Raises:
        InvalidInput: the phrase could not be read.
    """
    m = _BOOSTER.match(text)
    if not m:
        raise InvalidInput("Say how many and how far apart, e.g. '2, every 4 weeks'.")
    count, step, unit = int(m.group(1)), int(m.group(2) or 1), m.group(3).lower()
    return (count, step, 0) if unit.startswith("week") else (count, 0, step)
