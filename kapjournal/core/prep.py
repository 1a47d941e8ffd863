"""The "Prepare for my appointment" summary: everything since the last appointment.

Collects the sessions, insights and check-in averages since the date the user
set as their last appointment (``Settings.last_appointment``, else the latest
logged therapy appointment), plus what they
flagged to bring: entries flagged as questions and insights marked "bring to
therapy" (those stay listed, whatever their date, until the flag is
cleared). Averages are shown as numbers only; nothing is called better or
worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kapjournal.core.journal import Journal
from kapjournal.core.models import CHECKIN_FIELDS, Appointment, CheckIn, Entry, Insight
from kapjournal.core.timeline import Milestone, TimelineFilter, build_timeline

COMPARE_WINDOW = timedelta(days=14)
THERAPY_PROMPTS = ("for_therapy", "bring", "questions")
"""Guided prompts whose answers are meant for the next appointment."""
MIN_CHECKINS = 2


@dataclass(frozen=True)
class ScoreShift:
    """Average check-in scores before and since the last appointment."""

    field: str
    before: float | None
    since: float | None
    values_since: tuple[int, ...]

    @property
    def delta(self) -> float | None:
        if self.before is None or self.since is None:
            return None
        return self.since - self.before


@dataclass(frozen=True)
class AppointmentPrep:
    since: datetime | None
    milestones: tuple[Milestone, ...]
    insights: tuple[Insight, ...]
    """Insights written since the last appointment, oldest first."""
    bring: tuple[Insight, ...]
    """Insights flagged "bring to therapy" (any date)."""
    questions: tuple[Entry, ...]
    """Entries flagged as questions for therapy (any date)."""
    shifts: tuple[ScoreShift, ...]
    checkins_before: int
    checkins_since: int
    reflections: tuple[tuple[Entry, str], ...] = ()
    """Answers written for therapy in guided reflections since the appointment:
    (entry, answer text)."""

    @property
    def sparse(self) -> bool:
        """Too few check-ins on either side to compare averages."""
        return self.checkins_before < MIN_CHECKINS or self.checkins_since < MIN_CHECKINS


def _mean(checkins: list[CheckIn], field: str) -> float | None:
    values = [getattr(c, field) for c in checkins if getattr(c, field) is not None]
    return sum(values) / len(values) if values else None


def last_appointment(journal: Journal) -> datetime | None:
    """The last therapy appointment: the date set in Settings, else the latest
    logged therapy appointment that has already started."""
    chosen = journal.settings().last_appointment
    if chosen is not None:
        return chosen
    now = journal.now()
    past = [a.at for a in journal.all(Appointment) if a.kind == "therapy" and a.at <= now]
    return max(past, default=None)


def prepare(journal: Journal, since: datetime | None = None) -> AppointmentPrep:
    """Gather what to bring to the next appointment.

    Args:
        journal: the unlocked journal.
        since: override for the last appointment (default: from Settings).
            With no date at all, everything is included.

    Returns:
        The :class:`AppointmentPrep`.
    """
    if since is None:
        since = last_appointment(journal)
    tl = build_timeline(journal, TimelineFilter(since=since))
    milestones = tuple(m for m in tl.milestones if since is None or m.session.started_at >= since)
    all_insights = sorted(journal.all(Insight), key=lambda i: i.created)
    recent = tuple(i for i in all_insights if since is None or i.created >= since)
    bring = tuple(i for i in all_insights if i.bring_to_therapy)
    questions = tuple(
        sorted(
            (e for e in journal.all(Entry) if e.flagged_for_therapy),
            key=lambda e: e.created,
        )
    )
    reflections = tuple(
        (e, a.value.strip())
        for e in sorted(journal.all(Entry), key=lambda e: e.created)
        if e.pack_id and (since is None or e.created >= since)
        for a in e.answers
        if a.prompt_id in THERAPY_PROMPTS and isinstance(a.value, str) and a.value.strip()
    )
    checkins = sorted(journal.all(CheckIn), key=lambda c: c.at)
    if since is None:
        before: list[CheckIn] = []
        after = checkins
    else:
        before = [c for c in checkins if since - COMPARE_WINDOW <= c.at < since]
        after = [c for c in checkins if c.at >= since]
    shifts = tuple(
        ScoreShift(
            field=f,
            before=_mean(before, f),
            since=_mean(after, f),
            values_since=tuple(getattr(c, f) for c in after if getattr(c, f) is not None),
        )
        for f in CHECKIN_FIELDS
    )
    return AppointmentPrep(
        since=since,
        milestones=milestones,
        insights=recent,
        bring=bring,
        questions=questions,
        reflections=reflections,
        shifts=shifts,
        checkins_before=len(before),
        checkins_since=len(after),
    )
