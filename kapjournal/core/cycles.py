"""Which session cycle a dated item belongs to.

A session's cycle runs from its start (T0) until the next completed
session starts. Items that carry an explicit ``session_id`` belong to that
session; others are placed by time. Items before the first session belong
to no cycle (``None``). Timeline, export and the due list all use this, so
the grouping is identical everywhere.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import datetime

from kapjournal.core.models import Session


def completed_sessions(sessions: Iterable[Session]) -> list[Session]:
    """Completed sessions in start order."""
    return sorted((s for s in sessions if s.status == "completed"), key=lambda s: s.started_at)


class CycleIndex:
    """Fast lookup of the session cycle for a moment in time."""

    def __init__(self, sessions: Iterable[Session]) -> None:
        self.sessions: Sequence[Session] = completed_sessions(sessions)
        self._starts = [s.started_at for s in self.sessions]
        self._by_id = {s.id: s for s in self.sessions}

    def session_for(self, when: datetime, session_id: str | None = None) -> Session | None:
        """The session whose cycle contains ``when`` (explicit links win)."""
        if session_id is not None and session_id in self._by_id:
            return self._by_id[session_id]
        pos = bisect.bisect_right(self._starts, when)
        return self.sessions[pos - 1] if pos else None

    def days_since(self, when: datetime, session: Session) -> int:
        """Whole days from the session's start to ``when`` (0 on the day itself)."""
        return (when.astimezone(session.started_at.tzinfo).date() - session.started_at.date()).days

    def number_of(self, session: Session) -> int:
        """1-based position among completed sessions (series_index if recorded)."""
        if session.series_index:
            return session.series_index
        return self._starts.index(session.started_at) + 1
