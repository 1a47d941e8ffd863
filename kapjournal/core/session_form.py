"""Validating what a user types for a session log (shared by the CLI and the form).

Every check returns or raises a message meant to sit beside the field:
dose must be a positive number (kept exactly as typed, never calculated),
blood pressure like ``120/80`` within plausible ranges, and a completed
session cannot start more than a day in the future.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapjournal.core.dates import parse_when
from kapjournal.core.errors import InvalidInput
from kapjournal.core.models import (
    DOSE_UNITS,
    ROUTES,
    SESSION_STATUSES,
    SETTINGS,
    SIDE_EFFECTS,
    VITALS_WHEN,
    Session,
    Vitals,
    local_now,
)

_DOSE = re.compile(r"^\d+(?:[.,]\d+)?$")
_BP = re.compile(r"^\s*(\d{2,3})\s*/\s*(\d{2,3})\s*$")
SYS_RANGE = (60, 260)
DIA_RANGE = (30, 160)
HR_RANGE = (25, 250)
SPO2_RANGE = (50, 100)
FUTURE_LIMIT = timedelta(days=1)


_DAY_AND_TIME = re.compile(
    r"^\s*(today|yesterday|tomorrow)\s+(?:at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?\.?m?\.?\s*$",
    re.IGNORECASE,
)


def parse_moment(text: str, *, now: Callable[[], datetime] = local_now) -> datetime:
    """Like ``dates.parse_when`` but also reads "yesterday 10:00", "today at 9.30"
    and "yesterday 9am".

    Raises:
        InvalidInput: the text is not a readable date/time.
    """
    m = _DAY_AND_TIME.match(text)
    # "yesterday 10:00", "today at 9.30", "yesterday 9am", "today 2:15 pm"
    if m and (m.group(3) is not None or m.group(4) is not None):
        day = parse_when(m.group(1), now=now)
        hour, minute = int(m.group(2)), int(m.group(3) or 0)
        half = (m.group(4) or "").lower()
        if half and not 1 <= hour <= 12:
            raise InvalidInput(f"'{text.strip()}' has a time that does not exist.")
        if half:
            hour = hour % 12 + (12 if half == "p" else 0)
        if hour > 23 or minute > 59:
            raise InvalidInput(f"'{text.strip()}' has a time that does not exist.")
        return day.replace(hour=hour, minute=minute)
    return parse_when(text, now=now)


class FieldError(InvalidInput):
    """Bad input for one named form field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def check_dose(text: str) -> str:
    """The dose exactly as typed, if it is a positive number.

    Raises:
        FieldError: empty, not a number, or zero.
    """
    raw = text.strip()
    if not raw:
        raise FieldError("dose", "Please enter the dose as a number, e.g. 56 or 0.5.")
    if not _DOSE.match(raw):
        raise FieldError("dose", "The dose must be a plain positive number, e.g. 56 or 0.5.")
    if float(raw.replace(",", ".")) <= 0:
        raise FieldError("dose", "The dose must be more than zero.")
    return raw


def check_choice(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise FieldError(field, f"Choose one of: {', '.join(allowed)}.")
    return value


def check_route(value: str) -> str:
    return check_choice("route", value, ROUTES)


def check_unit(value: str) -> str:
    return check_choice("dose_unit", value, DOSE_UNITS)


def check_setting(value: str) -> str:
    return check_choice("setting", value, SETTINGS)


def check_bp(text: str, field: str = "bp") -> tuple[int, int] | None:
    """Parse ``120/80``; ``None`` for empty.

    Raises:
        FieldError: wrong shape or implausible numbers.
    """
    if not text.strip():
        return None
    m = _BP.match(text)
    if not m:
        raise FieldError(field, "Write blood pressure like 120/80.")
    sys_, dia = int(m.group(1)), int(m.group(2))
    if not SYS_RANGE[0] <= sys_ <= SYS_RANGE[1]:
        raise FieldError(
            field, f"The first number should be between {SYS_RANGE[0]} and {SYS_RANGE[1]}."
        )
    if not DIA_RANGE[0] <= dia <= DIA_RANGE[1]:
        raise FieldError(
            field, f"The second number should be between {DIA_RANGE[0]} and {DIA_RANGE[1]}."
        )
    if dia >= sys_:
        raise FieldError(field, "The first number is usually the larger one; please check.")
    return sys_, dia


def _int_in(text: str, field: str, lo: int, hi: int, what: str) -> int | None:
    if not text.strip():
        return None
    try:
        value = int(text.strip())
    except ValueError as err:
        raise FieldError(field, f"{what} should be a whole number.") from err
    if not lo <= value <= hi:
        raise FieldError(field, f"{what} should be between {lo} and {hi}.")
    return value


def check_hr(text: str, field: str = "hr") -> int | None:
    return _int_in(text, field, *HR_RANGE, "Heart rate")


def check_spo2(text: str, field: str = "spo2") -> int | None:
    return _int_in(text, field, *SPO2_RANGE, "Oxygen saturation")


def check_dissociation(text: str) -> int | None:
    return _int_in(text, "dissociation", 0, 10, "Your rating")


def check_side_effect(name: str, text: str) -> int | None:
    if name not in SIDE_EFFECTS:
        raise FieldError("side_effects", f"Unknown side effect '{name}'.")
    return _int_in(text, f"se_{name}", 0, 3, f"{name.capitalize()}")


def vitals_from(
    when: str, bp: str = "", hr: str = "", spo2: str = "", prefix: str = ""
) -> Vitals | None:
    """One ``Vitals`` reading from form text; ``None`` if all empty."""
    check_choice(f"{prefix}when", when, VITALS_WHEN)
    pressure = check_bp(bp, f"{prefix}bp")
    rate = check_hr(hr, f"{prefix}hr")
    sat = check_spo2(spo2, f"{prefix}spo2")
    if pressure is None and rate is None and sat is None:
        return None
    return Vitals(
        when=when,
        bp_sys=pressure[0] if pressure else None,
        bp_dia=pressure[1] if pressure else None,
        hr=rate,
        spo2=sat,
    )


def check_start(text: str, *, completed: bool, now: Callable[[], datetime] = local_now) -> datetime:
    """When the session started.

    Raises:
        FieldError: unreadable, or a completed session more than a day ahead.
    """
    try:
        when = parse_moment(text, now=now)
    except InvalidInput as err:
        raise FieldError("started_at", err.user_message) from err
    if completed and when > now() + FUTURE_LIMIT:
        # Say how the text was read: "tue 10:00" means the coming Tuesday.
        read_as = f"{when:%a} {when.day} {when:%b %Y, %H:%M}"
        example = f"{now() - timedelta(days=2):%Y-%m-%d} 10:00"
        raise FieldError(
            "started_at",
            f"That reads as {read_as}: a completed session cannot be more than a day "
            f"in the future; plan it instead, or type the date, e.g. {example}.",
        )
    return when


def check_end(text: str, start: datetime) -> datetime | None:
    """When the session ended (empty: unknown); a bare time is on the start's day."""
    if not text.strip():
        return None
    try:
        when = parse_moment(text, now=lambda: start)
    except InvalidInput as err:
        raise FieldError("ended_at", err.user_message) from err
    if when < start:
        raise FieldError("ended_at", "The end is before the start.")
    if when - start > timedelta(hours=24):
        raise FieldError("ended_at", "The end is more than a day after the start.")
    return when


@dataclass(frozen=True)
class FormResult:
    """Validated fields, or the messages to show beside the fields that failed."""

    values: dict[str, object]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


VITALS_FORM_POINTS = ("pre", "40min", "end")


def form_fields(session: Session) -> dict[str, str]:
    """A session as the text fields of the form (the inverse of :func:`build_session`)."""
    out: dict[str, str] = {
        "started_at": session.started_at.strftime("%Y-%m-%d %H:%M"),
        "ended_at": session.ended_at.strftime("%Y-%m-%d %H:%M") if session.ended_at else "",
        "status": session.status,
        "route": session.route or "",
        "dose": session.dose_value or "",
        "dose_unit": session.dose_unit or "",
        "setting": session.setting or "",
        "support_person": session.support_person,
        "clinician": session.clinician,
        "therapist_present": "yes" if session.therapist_present else "no",
        "dissociation": "" if session.dissociation is None else str(session.dissociation),
        "notes": session.notes,
        "side_effect_other": session.side_effect_other,
    }
    for name in SIDE_EFFECTS:
        level = session.side_effects.get(name)
        out[f"se_{name}"] = "" if level is None else str(level)
    for v in session.vitals:
        if v.when in VITALS_FORM_POINTS:
            bp = f"{v.bp_sys}/{v.bp_dia}" if v.bp_sys and v.bp_dia else ""
            out[f"v_{v.when}_bp"] = bp
            out[f"v_{v.when}_hr"] = "" if v.hr is None else str(v.hr)
            out[f"v_{v.when}_spo2"] = "" if v.spo2 is None else str(v.spo2)
    return out


def build_session(
    fields: dict[str, str],
    base: Session,
    *,
    now: Callable[[], datetime] = local_now,
) -> FormResult:
    """Apply form text to a session; collect one message per failing field.

    Only keys present in ``fields`` change; everything else keeps ``base``'s value.
    ``values["session"]`` holds the new ``Session`` when there are no errors.
    """
    errors: dict[str, str] = {}
    changes: dict[str, object] = {}

    status = fields.get("status", base.status)
    if status not in SESSION_STATUSES:
        errors["status"] = f"Choose one of: {', '.join(SESSION_STATUSES)}."
    else:
        changes["status"] = status
    completed = status == "completed"
    start = base.started_at
    if "started_at" in fields or completed != (base.status == "completed"):
        text = fields.get("started_at", base.started_at.isoformat())
        try:
            start = check_start(text, completed=completed, now=now)
            changes["started_at"] = start
        except FieldError as err:
            errors[err.field] = err.user_message
    if "ended_at" in fields:
        try:
            changes["ended_at"] = check_end(fields["ended_at"], start)
        except FieldError as err:
            errors[err.field] = err.user_message
    checks: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("route", check_route),
        ("dose_unit", check_unit),
        ("setting", check_setting),
        ("dose", check_dose),
    )
    for key, check in checks:
        target = "dose_value" if key == "dose" else key
        if key not in fields:
            continue
        raw = fields[key].strip()
        if not raw:
            changes[target] = None
            continue
        try:
            changes[target] = check(raw)
        except FieldError as err:
            errors[err.field] = err.user_message
    for key in ("support_person", "clinician", "notes", "side_effect_other"):
        if key in fields:
            changes[key] = fields[key].strip()
    if "therapist_present" in fields:
        raw = fields["therapist_present"].strip().lower()
        if raw in ("yes", "y", "true", "1"):
            changes["therapist_present"] = True
        elif raw in ("no", "n", "false", "0", ""):
            changes["therapist_present"] = False
        else:
            errors["therapist_present"] = "Answer yes or no."
    if "dissociation" in fields:
        try:
            changes["dissociation"] = check_dissociation(fields["dissociation"])
        except FieldError as err:
            errors[err.field] = err.user_message
    effects = dict(base.side_effects)
    for name in SIDE_EFFECTS:
        key = f"se_{name}"
        if key not in fields:
            continue
        try:
            level = check_side_effect(name, fields[key])
        except FieldError as err:
            errors[err.field] = err.user_message
            continue
        if level is None:
            effects.pop(name, None)
        else:
            effects[name] = level
    changes["side_effects"] = effects
    vitals = {v.when: v for v in base.vitals}
    for point in VITALS_FORM_POINTS:
        keys = [f"v_{point}_{k}" for k in ("bp", "hr", "spo2")]
        if not any(k in fields for k in keys):
            continue
        old = form_fields(base)
        try:
            reading = vitals_from(
                point,
                fields.get(keys[0], old.get(keys[0], "")),
                fields.get(keys[1], old.get(keys[1], "")),
                fields.get(keys[2], old.get(keys[2], "")),
                prefix=f"v_{point}_",
            )
        except FieldError as err:
            errors[err.field] = err.user_message
            continue
        if reading is None:
            vitals.pop(point, None)
        else:
            vitals[point] = reading
    order = {w: i for i, w in enumerate(VITALS_WHEN)}
    changes["vitals"] = tuple(sorted(vitals.values(), key=lambda v: order.get(v.when, 99)))
    if errors:
        return FormResult({}, errors)
    return FormResult({"session": base.replace(**changes)}, {})


def build_new_session(
    fields: dict[str, str],
    sessions: list[Session],
    *,
    now: Callable[[], datetime] = local_now,
    force_new: bool = False,
) -> FormResult:
    """Validate a new session log; a completed one completes a nearby planned session.

    The planned session closest to the start (within a day and a half) is
    reused, keeping its id, course and number, unless ``force_new``. Otherwise
    a completed session gets the next number in the series.
    """
    from kapjournal.core.models import new_id
    from kapjournal.core.schedule import find_planned_match

    fields = dict(fields)
    fields.setdefault("started_at", "now")
    fields.setdefault("status", "completed")
    probe = build_session(fields, Session(id=new_id(), started_at=now(), status="planned"), now=now)
    if probe.errors:
        return probe
    started = probe.values["session"].started_at  # type: ignore[attr-defined]
    base = None
    if fields["status"] == "completed" and not force_new:
        base = find_planned_match(sessions, started)
    if base is None:
        number = sum(1 for s in sessions if s.status == "completed") + 1
        base = Session(
            id=probe.values["session"].id,  # type: ignore[attr-defined]
            started_at=started,
            status="planned",
            series_index=number if fields["status"] == "completed" else None,
        )
    return build_session(fields, base, now=now)
