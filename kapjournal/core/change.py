"""Per-session change: check-in scores around each session.

For every completed session this picks up to four check-ins:

* **before**: the last check-in in the 7 days before the session started;
* **same day**: the last check-in on the session's day, after it started;
* **next day**: the last check-in on the following day;
* **week later**: the check-in closest to 7 days after the start, within
  days 5 to 9.

Differences are shown as plain numbers against "before". The app never
calls a change better or worse (CLINICAL.md d); anxiety going up is shown as
``+2`` like any other field. When fewer than two of the four points exist, or
there is no "before", the change is marked too sparse to mean anything.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kapjournal.core.models import CHECKIN_FIELDS, CheckIn, Session

POINTS = ("before", "same_day", "next_day", "week_later")
POINT_LABELS = {
    "before": "Before",
    "same_day": "Same day",
    "next_day": "Next day",
    "week_later": "A week later",
}
FIELD_LABELS = {
    "mood": "Mood",
    "anxiety": "Anxiety",
    "sleep": "Sleep",
    "hope": "Hope",
    "connectedness": "Connected",
}
SPARSE_NOTE = "Too few check-ins around this session to read a change from them."
BEFORE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class SessionChange:
    """Check-in scores around one session."""

    session_id: str
    points: dict[str, CheckIn | None]
    """Point name (see :data:`POINTS`) to the check-in chosen for it, or ``None``."""

    @property
    def available(self) -> int:
        """How many of the four points have a check-in."""
        return sum(1 for p in self.points.values() if p is not None)

    @property
    def sparse(self) -> bool:
        """Too little data to read a change from."""
        return self.points.get("before") is None or self.available < 2

    @property
    def note(self) -> str:
        """A short caveat, or an empty string."""
        return SPARSE_NOTE if self.sparse else ""

    def value(self, point: str, field: str) -> int | None:
        """One score, or ``None`` when that point or field is missing."""
        checkin = self.points.get(point)
        if checkin is None:
            return None
        raw = getattr(checkin, field, None)
        return raw if isinstance(raw, int) else None

    def delta(self, point: str, field: str) -> int | None:
        """The difference from "before", or ``None`` when either side is missing."""
        start = self.value("before", field)
        end = self.value(point, field)
        if start is None or end is None or point == "before":
            return None
        return end - start

    def series(self, field: str) -> list[int | None]:
        """The four values of one field, in point order (for a small chart)."""
        return [self.value(p, field) for p in POINTS]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (scores and deltas per point)."""
        return {
            "session_id": self.session_id,
            "sparse": self.sparse,
            "note": self.note,
            "points": {
                p: (
                    None
                    if c is None
                    else {
                        "at": c.at.isoformat(),
                        "scores": {f: self.value(p, f) for f in CHECKIN_FIELDS},
                        "change": {f: self.delta(p, f) for f in CHECKIN_FIELDS},
                    }
                )
                for p, c in self.points.items()
            },
        }


class ChangeCalculator:
    """Finds the check-ins around sessions quickly (check-ins sorted once)."""

    def __init__(self, checkins: Iterable[CheckIn]) -> None:
        self.checkins: Sequence[CheckIn] = sorted(checkins, key=lambda c: c.at)
        self._times = [c.at for c in self.checkins]

    def _between(self, start: datetime, end: datetime) -> Sequence[CheckIn]:
        """Check-ins with start <= at < end."""
        lo = bisect.bisect_left(self._times, start)
        hi = bisect.bisect_left(self._times, end)
        return self.checkins[lo:hi]

    def for_session(self, session: Session) -> SessionChange:
        """The four points around one session."""
        t0 = session.started_at
        tz = t0.tzinfo
        day_start = datetime.combine(t0.date(), datetime.min.time(), tzinfo=tz)
        next_start = day_start + timedelta(days=1)
        next_end = day_start + timedelta(days=2)
        before = self._between(t0 - BEFORE_WINDOW, t0)
        same = self._between(t0, next_start)
        nxt = self._between(next_start, next_end)
        target = t0 + timedelta(days=7)
        week = self._between(day_start + timedelta(days=5), day_start + timedelta(days=10))
        week_pick = min(week, key=lambda c: abs((c.at - target).total_seconds())) if week else None
        return SessionChange(
            session_id=session.id,
            points={
                "before": before[-1] if before else None,
                "same_day": same[-1] if same else None,
                "next_day": nxt[-1] if nxt else None,
                "week_later": week_pick,
            },
        )


def session_changes(
    sessions: Iterable[Session], checkins: Iterable[CheckIn]
) -> dict[str, SessionChange]:
    """Change around every completed session, keyed by session id."""
    calc = ChangeCalculator(checkins)
    return {s.id: calc.for_session(s) for s in sessions if s.status == "completed"}


def format_delta(delta: int | None) -> str:
    """``+2``, ``-1``, ``0`` or an em dash for missing."""
    if delta is None:
        return "—"
    return f"{delta:+d}" if delta else "0"
