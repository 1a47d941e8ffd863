"""Domain types: frozen dataclasses with ``to_dict`` / ``from_dict``.

Every model that is stored in the vault declares ``KIND`` (the plaintext
record kind) and has a hex ``id``. Dates are timezone-aware ``datetime``s,
serialised as ISO 8601 with offset. Field lists follow ``CLINICAL.md``.

``from_dict`` is tolerant of unknown keys (newer minor versions may add
fields) and strict about types, so a hostile import cannot smuggle in
surprising values.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar

from kapjournal.core.errors import InvalidInput

T = TypeVar("T", bound="Model")

ROUTES = (
    "iv",
    "im",
    "sublingual_lozenge",
    "oral",
    "intranasal_esketamine",
    "intranasal_other",
    "other",
)
ROUTE_LABELS = {
    "iv": "IV infusion",
    "im": "IM injection",
    "sublingual_lozenge": "Lozenge (sublingual)",
    "oral": "Oral",
    "intranasal_esketamine": "Nasal spray (esketamine)",
    "intranasal_other": "Nasal spray (other)",
    "other": "Other",
}
DOSE_UNITS = ("mg", "mg_per_kg", "lozenges", "sprays", "other")
DOSE_UNIT_LABELS = {
    "mg": "mg",
    "mg_per_kg": "mg/kg",
    "lozenges": "lozenge(s)",
    "sprays": "spray(s)",
    "other": "",
}
SETTINGS = ("clinic", "home_supervised", "home_telehealth", "other")
SETTING_LABELS = {
    "clinic": "Clinic",
    "home_supervised": "Home (supervised)",
    "home_telehealth": "Home (telehealth)",
    "other": "Other",
}
VITALS_WHEN = ("pre", "40min", "end", "other")
VITALS_WHEN_LABELS = {
    "pre": "before",
    "40min": "at 40 minutes",
    "end": "at the end",
    "other": "another time",
}
SIDE_EFFECTS = (
    "nausea",
    "vomiting",
    "dizziness",
    "sedation",
    "headache",
    "anxiety",
    "palpitations",
)
SEVERITY_LABELS = ("none", "mild", "moderate", "severe")
CHECKIN_FIELDS = ("mood", "anxiety", "sleep", "hope", "connectedness")
SESSION_STATUSES = ("planned", "completed", "cancelled")
SETTINGS_ID = "0" * 31 + "1"  # the one settings record has a fixed id


def new_id() -> str:
    """A random 16-byte id as 32 hex characters."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_now() -> datetime:
    return datetime.now().astimezone()


class Model:
    """Mixin: dict round-trip driven by the dataclass field types."""

    KIND: ClassVar[str] = ""
    SCHEMA_V: ClassVar[int] = 1

    def to_dict(self) -> dict[str, Any]:
        assert dataclasses.is_dataclass(self)
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls: type[T], data: Any) -> T:
        if not isinstance(data, dict):
            raise InvalidInput(f"{cls.__name__}: expected an object")
        kwargs: dict[str, Any] = {}
        for name, load, required in _field_specs(cls):  # type: ignore[arg-type]
            if name not in data:
                if required:
                    raise InvalidInput(f"{cls.__name__}: missing field '{name}'")
                continue
            kwargs[name] = load(data[name], f"{cls.__name__}.{name}")
        return cls(**kwargs)

    @classmethod
    def from_record(cls: type[T], data: Any) -> T:
        """Fast decode of a dict that this app wrote and the vault authenticated.

        The AEAD tag already proves the record came from ``to_dict`` of a typed
        model, so only what JSON cannot carry is converted (dates, nested
        models, tuples). Anything unexpected falls back to the validating
        :meth:`from_dict`, which is what imports and exports use.
        """
        if not isinstance(data, dict):
            return cls.from_dict(data)
        try:
            kwargs: dict[str, Any] = {}
            for name, conv in _fast_specs(cls):  # type: ignore[arg-type]
                if name in data:
                    value = data[name]
                    kwargs[name] = value if conv is None or value is None else conv(value)
            return cls(**kwargs)
        except (TypeError, ValueError, AttributeError, KeyError, InvalidInput):
            return cls.from_dict(data)

    def replace(self: T, **changes: Any) -> T:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


Loader = typing.Callable[[Any, str], Any]


@functools.cache
def _field_specs(cls: type) -> tuple[tuple[str, Loader, bool], ...]:
    """(name, loader, required) per field; built once per class."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            _loader(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


FastConv = typing.Callable[[Any], Any] | None


@functools.cache
def _fast_specs(cls: type) -> tuple[tuple[str, FastConv], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _fast_conv(hints[f.name])) for f in dataclasses.fields(cls))


def _aware(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo is not None else dt.astimezone()


def _fast_conv(tp: Any) -> FastConv:
    """A converter for trusted JSON values, or None when the value is used as is."""
    if tp is datetime:
        return _aware
    if tp is date:
        return date.fromisoformat
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _fast_conv(inner[0]) if len(inner) == 1 else None
    if origin is tuple:
        item = _fast_conv(args[0]) if args else None
        if item is None:
            return tuple
        return lambda value: tuple(item(v) for v in value)
    if isinstance(tp, type) and issubclass(tp, Model):
        return tp.from_record
    return None


def _dump(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


def _load_datetime(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: expected a date-time string")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{where}: not an ISO date-time") from err
    return dt if dt.tzinfo is not None else dt.astimezone()


def _load_date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: expected a date string")
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{where}: not an ISO date") from err


def _load_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise InvalidInput(f"{where}: expected true or false")


def _load_int(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidInput(f"{where}: expected a whole number")


def _load_float(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise InvalidInput(f"{where}: expected a number")


def _load_str(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    raise InvalidInput(f"{where}: expected text")


def _load_any(value: Any, where: str) -> Any:
    return value


_SIMPLE: dict[Any, Loader] = {
    datetime: _load_datetime,
    date: _load_date,
    bool: _load_bool,
    int: _load_int,
    float: _load_float,
    str: _load_str,
    Any: _load_any,
}


@functools.cache
def _loader(tp: Any) -> Loader:
    """Build a validating converter for one annotated type."""
    if tp in _SIMPLE:
        return _SIMPLE[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        optional = type(None) in args
        inner = [_loader(a) for a in args if a is not type(None)]

        def load_union(value: Any, where: str) -> Any:
            if value is None and optional:
                return None
            for load in inner:
                try:
                    return load(value, where)
                except InvalidInput:
                    continue
            raise InvalidInput(f"{where}: unexpected value")

        return load_union
    if origin is tuple:
        item = _loader(args[0] if args else Any)

        def load_tuple(value: Any, where: str) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise InvalidInput(f"{where}: expected a list")
            return tuple(item(v, where) for v in value)

        return load_tuple
    if origin is dict:
        val = _loader(args[1] if len(args) == 2 else Any)

        def load_dict(value: Any, where: str) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise InvalidInput(f"{where}: expected an object")
            return {str(k): val(v, where) for k, v in value.items()}

        return load_dict
    if isinstance(tp, type) and issubclass(tp, Model):
        model_cls = tp
        return lambda value, where: model_cls.from_dict(value)
    return _load_any


# ---------------------------------------------------------------- journal entries


@dataclass(frozen=True)
class Answer(Model):
    """One answer inside a guided pack entry."""

    prompt_id: str
    question: str
    kind: str  # text | scale | choice | words | yesno
    value: Any = None


def answer_value_text(value: Any) -> str:
    """A guided answer as people read it: lists joined, yes/no in words, '—' if skipped."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Entry(Model):
    """A journal entry: free writing, a completed guided pack, or a session fragment."""

    KIND: ClassVar[str] = "entry"

    id: str
    created: datetime
    modified: datetime
    body: str
    title: str = ""
    tags: tuple[str, ...] = ()
    session_id: str | None = None
    pack_id: str | None = None
    answers: tuple[Answer, ...] = ()
    source: str = "journal"  # journal | guided | fragment | import
    private: bool = False
    flagged_for_therapy: bool = False

    @property
    def first_line(self) -> str:
        if self.title:
            return self.title
        for line in self.body.splitlines():
            text = line.strip().lstrip("#").strip()
            if text:
                return text
        if self.answers:
            return self.answers[0].question
        return "(empty entry)"

    @classmethod
    def new(cls, body: str, *, now: datetime | None = None, **kw: Any) -> Entry:
        ts = now or local_now()
        return cls(id=new_id(), created=ts, modified=ts, body=body, **kw)


@dataclass(frozen=True)
class FollowUp(Model):
    """A later note on an insight: tried it, still true, discussed in therapy."""

    at: datetime
    kind: str  # tried | still_true | discussed | note
    text: str = ""


@dataclass(frozen=True)
class Insight(Model):
    """A marked insight: a whole entry or a passage of it."""

    KIND: ClassVar[str] = "insight"

    id: str
    created: datetime
    text: str
    entry_id: str | None = None
    session_id: str | None = None
    tags: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    bring_to_therapy: bool = False
    marked: bool = True  # include in the export summary


# ---------------------------------------------------------------- sessions


@dataclass(frozen=True)
class Vitals(Model):
    when: str = "pre"  # pre | 40min | end | other
    bp_sys: int | None = None
    bp_dia: int | None = None
    hr: int | None = None
    spo2: int | None = None


def vitals_text(v: Vitals) -> str:
    """'BP 128/82, HR 76, SpO2 98%' (only what was measured; '' when nothing was)."""
    bits = []
    if v.bp_sys and v.bp_dia:
        bits.append(f"BP {v.bp_sys}/{v.bp_dia}")
    if v.hr is not None:
        bits.append(f"HR {v.hr}")
    if v.spo2 is not None:
        bits.append(f"SpO2 {v.spo2}%")
    return ", ".join(bits)


@dataclass(frozen=True)
class Session(Model):
    """A ketamine dosing session, planned or completed (CLINICAL.md b)."""

    KIND: ClassVar[str] = "session"

    id: str
    started_at: datetime
    status: str = "completed"  # planned | completed | cancelled
    ended_at: datetime | None = None
    series_index: int | None = None
    course_id: str | None = None
    route: str | None = None
    dose_value: str | None = None  # exactly as entered, never calculated
    dose_unit: str | None = None
    setting: str | None = None
    support_person: str = ""
    clinician: str = ""
    therapist_present: bool = False
    vitals: tuple[Vitals, ...] = ()
    side_effects: dict[str, int] = field(default_factory=dict)
    side_effect_other: str = ""
    dissociation: int | None = None
    notes: str = ""
    insights: tuple[str, ...] = ()


@dataclass(frozen=True)
class Course(Model):
    """A planned treatment course (e.g. 6 sessions, twice a week)."""

    KIND: ClassVar[str] = "course"

    id: str
    created: datetime
    title: str
    planned_count: int
    rule: str = ""  # human description, e.g. "twice a week from 2026-12-01"
    ended: bool = False


@dataclass(frozen=True)
class Appointment(Model):
    """A therapy (integration) appointment."""

    KIND: ClassVar[str] = "appointment"

    id: str
    at: datetime
    kind: str = "therapy"
    notes: str = ""


# ---------------------------------------------------------------- check-ins & scales


@dataclass(frozen=True)
class CheckIn(Model):
    """The five 0-10 self check-in sliders (a tracking aid, not a scale)."""

    KIND: ClassVar[str] = "checkin"

    id: str
    at: datetime
    mood: int | None = None
    anxiety: int | None = None
    sleep: int | None = None
    hope: int | None = None
    connectedness: int | None = None
    session_id: str | None = None
    note: str = ""
    source: str = "app"  # app | pack | import


@dataclass(frozen=True)
class ScaleResult(Model):
    """Answers to a scale pack (e.g. a clinic-supplied PHQ-9) with its total."""

    KIND: ClassVar[str] = "scale"

    id: str
    at: datetime
    scale_id: str
    scale_name: str
    version: str
    answers: dict[str, int]
    total: int
    session_id: str | None = None


@dataclass(frozen=True)
class SafetyEvent(Model):
    """The crisis screen was shown. Logged so it appears in the export."""

    KIND: ClassVar[str] = "safety_event"

    id: str
    at: datetime
    trigger: str  # safety_item | self_harm_question | keyword
    detail: str = ""  # item id or pack id, never the matched text
    acknowledged: bool = False


# ---------------------------------------------------------------- drafts & settings


@dataclass(frozen=True)
class Draft(Model):
    """Autosaved, encrypted work in progress (an entry or a guided pack)."""

    KIND: ClassVar[str] = "draft"

    id: str
    updated: datetime
    target: str = "entry"  # entry | pack | session, checkin (a form sealed on lock)
    entry_id: str | None = None  # the entry being edited, if any
    body: str = ""
    title: str = ""
    pack_id: str | None = None
    session_id: str | None = None
    position: int = 0
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings(Model):
    """User settings, stored sealed like everything else (one record)."""

    KIND: ClassVar[str] = "settings"

    id: str = SETTINGS_ID
    auto_lock_minutes: int = 5
    theme: str = "textual-dark"
    country: str = "US"
    clinic_phone: str = ""
    focus_packs: tuple[str, ...] = ()
    session_grace_hours: int = 4
    last_appointment: datetime | None = None
    privacy_mode: bool = False
    patient_label: str = ""
    therapist_recipient: str = ""
    welcomed: bool = False


MODEL_KINDS: dict[str, type[Model]] = {
    m.KIND: m
    for m in (
        Entry,
        Insight,
        Session,
        Course,
        Appointment,
        CheckIn,
        ScaleResult,
        SafetyEvent,
        Draft,
        Settings,
    )
}
