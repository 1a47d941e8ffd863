"""The five-slider self check-in (mood, anxiety, sleep, hope, connectedness).

A tracking aid in the project's own words, not a validated scale: there are
no bands and no score. Each check-in is linked to the session whose cycle it
falls in (``core.cycles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kapjournal.core.cycles import CycleIndex
from kapjournal.core.errors import InvalidInput
from kapjournal.core.journal import Journal
from kapjournal.core.models import CHECKIN_FIELDS, CheckIn, Session, new_id


@dataclass(frozen=True)
class Slider:
    field: str
    question: str
    low: str  # what 0 means
    high: str  # what 10 means


SLIDERS: tuple[Slider, ...] = (
    Slider("mood", "How is your mood right now?", "very low", "very good"),
    Slider("anxiety", "How much anxiety is around today?", "none at all", "a great deal"),
    Slider("sleep", "How did you sleep last night?", "hardly at all", "deeply and well"),
    Slider("hope", "How hopeful do you feel about the days ahead?", "no hope", "very hopeful"),
    Slider(
        "connectedness",
        "How connected do you feel to the people around you?",
        "cut off",
        "closely connected",
    ),
)
assert tuple(s.field for s in SLIDERS) == CHECKIN_FIELDS


def parse_value(name: str, raw: object) -> int | None:
    """A 0-10 value, or None for skipped.

    Raises:
        InvalidInput: not a whole number from 0 to 10.
    """
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError as err:
        raise InvalidInput(f"{name}: please give a whole number from 0 to 10.") from err
    if not 0 <= value <= 10:
        raise InvalidInput(f"{name}: please give a whole number from 0 to 10.")
    return value


def record_checkin(
    journal: Journal,
    values: Mapping[str, object],
    *,
    note: str = "",
    at: datetime | None = None,
    source: str = "app",
) -> CheckIn:
    """Save a check-in linked to the session whose cycle contains it.

    Raises:
        InvalidInput: unknown field, out-of-range value, or nothing answered.
    """
    unknown = set(values) - set(CHECKIN_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown check-in field(s): {', '.join(sorted(unknown))}.")
    clean = {k: parse_value(k, v) for k, v in values.items()}
    if all(v is None for v in clean.values()) and not note.strip():
        raise InvalidInput("Nothing was filled in, so nothing was saved.")
    when = at or journal.now()
    session = CycleIndex(journal.all(Session)).session_for(when)
    checkin = CheckIn(
        id=new_id(),
        at=when,
        session_id=session.id if session else None,
        note=note.strip(),
        source=source,
        **clean,
    )
    return journal.save(checkin)
