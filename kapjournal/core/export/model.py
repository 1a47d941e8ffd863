"""The export document: what the patient chose to share, ready for any renderer.

:func:`build_document` turns a :class:`~kapjournal.core.journal.Journal` and
:class:`ExportOptions` (selection and redaction) into one
:class:`ExportDocument`. The HTML, Markdown, JSON and PDF writers render that
document, and review mode reads a JSON export back into the same type, so
every format shows the same content.

Rules enforced here, not in the renderers:

* entries marked private are never exported, nor insights taken from them;
  drafts and settings (apart from the patient label) never leave the vault;
* redacted fields are removed from the models themselves, so no writer can
  leak them by accident;
* grouping by session cycle uses :class:`~kapjournal.core.cycles.CycleIndex`,
  the same grouping as the timeline.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kapjournal import __version__
from kapjournal.core.cycles import CycleIndex
from kapjournal.core.errors import InvalidInput, KapError
from kapjournal.core.export.options import REDACTABLE as REDACTABLE  # re-exported
from kapjournal.core.export.options import SESSION_DETAIL_FIELDS as SESSION_DETAIL_FIELDS
from kapjournal.core.export.options import parse_hidden as parse_hidden
from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    CHECKIN_FIELDS,
    DOSE_UNIT_LABELS,
    ROUTE_LABELS,
    SETTING_LABELS,
    SEVERITY_LABELS,
    Answer,
    Appointment,
    CheckIn,
    Entry,
    Insight,
    Model,
    SafetyEvent,
    ScaleResult,
    Session,
    answer_value_text,
    vitals_text,
)
from kapjournal.core.models import VITALS_WHEN_LABELS as VITALS_WHEN_LABELS

SCHEMA_VERSION = 1
FORMAT_NAME = "kapjournal-export"
WITHHELD_PARAGRAPH = "[paragraph withheld by the patient]"
WITHHELD_ANSWER = "[answer withheld by the patient]"

PACK_LABELS: dict[str, str] = {
    "prepare": "Before the session",
    "immediate": "Right after",
    "next_day": "Next day",
    "one_week": "One week on",
    "pre_therapy": "Before therapy",
}
CYCLE_PACKS = ("prepare", "immediate", "next_day", "one_week")
TRIGGER_LABELS = {
    "safety_item": "Safety item on a questionnaire",
    "self_harm_question": "Answered yes to the self-harm question",
    "keyword": "Words in free text (keyword helper)",
}
CHECKIN_LABELS = {
    "mood": "Mood",
    "anxiety": "Anxiety",
    "sleep": "Sleep",
    "hope": "Hope",
    "connectedness": "Connectedness",
}
CHECKIN_NOTE = (
    "The five check-in sliders (0-10) are kapjournal's own tracking aid, "
    "not a validated scale, so they have no bands."
)
DISCLAIMER = (
    "Written by the patient in kapjournal, a private journal that supports treatment "
    "and does not replace the care team. Nobody monitors it live, and it is a personal "
    "record, not a clinical assessment. In an emergency, call local emergency services."
)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class ScaleInfo:
    """What the export needs to know about an instrument: bands and credit."""

    name: str
    bands: tuple[Band, ...] = ()
    credit: str = ""

    def band_for(self, total: int) -> str | None:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        return None


_SPITZER_CREDIT = (
    "PHQ-9 and GAD-7: created by Robert L. Spitzer, Janet B. W. Williams, Kurt Kroenke "
    "and colleagues with an educational grant from Pfizer Inc.; public domain."
)
#: Bands from the instruments' published scoring (CLINICAL.md c). Scale packs
#: loaded at run time may add more through ``build_document(scale_info=...)``.
DEFAULT_SCALES: dict[str, ScaleInfo] = {
    "phq9": ScaleInfo(
        "PHQ-9",
        (
            Band(0, 4, "minimal"),
            Band(5, 9, "mild"),
            Band(10, 14, "moderate"),
            Band(15, 19, "moderately severe"),
            Band(20, 27, "severe"),
        ),
        _SPITZER_CREDIT,
    ),
    "gad7": ScaleInfo(
        "GAD-7",
        (
            Band(0, 4, "minimal"),
            Band(5, 9, "mild"),
            Band(10, 14, "moderate"),
            Band(15, 21, "severe"),
        ),
        _SPITZER_CREDIT,
    ),
}


def scale_key(scale_id: str) -> str:
    """Normalise a scale id: ``PHQ-9``, ``phq_9`` and ``phq9`` are one key."""
    return re.sub(r"[^a-z0-9]", "", scale_id.lower())


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class ExportOptions:
    """The patient's choices. Empty ``session_ids`` means every session."""

    since: datetime | None = None
    until: datetime | None = None
    session_ids: frozenset[str] = frozenset()
    insights_only: bool = False
    include_checkins: bool = True
    include_sessions: bool = True
    redact: frozenset[str] = frozenset()
    hidden_paragraphs: Mapping[str, frozenset[int]] = field(default_factory=dict)
    patient_label: str | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.redact) - set(REDACTABLE))
        if unknown:
            raise InvalidInput(
                f"Unknown field to withhold: {', '.join(unknown)}. "
                f"Choose from: {', '.join(REDACTABLE)}."
            )
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("The start date is after the end date.")

    @property
    def effective_redactions(self) -> frozenset[str]:
        if self.include_sessions:
            return self.redact
        return self.redact | SESSION_DETAIL_FIELDS


# ---------------------------------------------------------------- summary rows


@dataclass(frozen=True)
class SessionRow:
    session: Session
    number: int
    route: str
    dose: str
    setting: str
    dissociation: str
    side_effects: tuple[str, ...]  # rated 2 (moderate) or higher


@dataclass(frozen=True)
class ScoreRow:
    at: datetime
    scale: str
    total: int
    band: str | None


@dataclass(frozen=True)
class WeekRow:
    week: date  # Monday
    count: int
    averages: dict[str, float | None]


@dataclass(frozen=True)
class SafetyRow:
    at: datetime
    trigger: str
    acknowledged: bool


@dataclass(frozen=True)
class InsightRow:
    insight: Insight
    session_date: date | None
    session_number: int | None


@dataclass(frozen=True)
class QuestionRow:
    at: datetime
    text: str
    source: str  # "entry" | "insight"
    session_date: date | None


@dataclass(frozen=True)
class PackRow:
    session: Session
    number: int
    done: dict[str, bool]


@dataclass(frozen=True)
class Item:
    """One entry or insight in the body, tagged with its cycle position."""

    at: datetime
    kind: str  # "entry" | "insight"
    model: Entry | Insight
    pack: str | None
    days_since: int | None
    paragraphs: tuple[str, ...]
    title: str = ""
    answers: tuple[Answer, ...] = ()
    tags: tuple[str, ...] = ()
    flagged: bool = False

    @property
    def when(self) -> str:
        text = day_time_text(self.at)
        return text if self.days_since is None else f"{text} · day {self.days_since}"


def _item(
    at: datetime,
    kind: str,
    model: Entry | Insight,
    pack: str | None,
    days_since: int | None,
    paragraphs: tuple[str, ...],
    title: str = "",
    answers: tuple[Answer, ...] = (),
    tags: tuple[str, ...] = (),
    flagged: bool = False,
) -> Item:
    """``Item(...)`` for the body loop (one per exported entry): the same frozen object,
    built with one attribute dictionary instead of one frozen ``__setattr__`` per field."""
    item = object.__new__(Item)
    object.__setattr__(item, "__dict__", {
        "at": at, "kind": kind, "model": model, "pack": pack, "days_since": days_since,
        "paragraphs": paragraphs, "title": title, "answers": answers, "tags": tags,
        "flagged": flagged,
    })  # fmt: skip
    return item


@dataclass(frozen=True)
class Cycle:
    session: Session | None
    number: int | None
    items: tuple[Item, ...]

    @property
    def log(self) -> tuple[tuple[str, str], ...]:
        """The session's own record under its heading (see :func:`session_log`)."""
        return session_log(self.session) if self.session is not None else ()

    @property
    def heading(self) -> str:
        if self.session is None:
            return "Before the first session"
        label = f"Session {self.number}" if self.number else "Session"
        return f"{label}: {self.session.started_at:%a %d %b %Y}"


def session_log(s: Session) -> tuple[tuple[str, str], ...]:
    """``(label, text)`` lines of what the patient recorded about one session beyond the
    summary table: vitals, who was there, and the session notes. Empty when there is
    nothing, or when the patient withheld it (the session is already redacted)."""
    rows: list[tuple[str, str]] = []
    measured = [
        f"{VITALS_WHEN_LABELS.get(v.when, v.when)}: {text}"
        for v in s.vitals
        if (text := vitals_text(v))
    ]
    if measured:
        rows.append(("Vitals", "; ".join(measured)))
    people = []
    if s.support_person.strip():
        people.append(f"support person: {s.support_person.strip()}")
    if s.clinician.strip():
        people.append(f"clinician: {s.clinician.strip()}")
    if s.therapist_present:
        people.append("a therapist was present")
    if people:
        rows.append(("With", "; ".join(people)))
    if s.notes.strip():
        rows.append(("Session notes", s.notes.strip()))
    return tuple(rows)


# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class ExportDocument:
    """Everything one export contains. Derived views are computed on demand."""

    exported_at: datetime
    patient_label: str
    since: date | None
    until: date | None
    insights_only: bool
    include_checkins: bool
    include_sessions: bool
    redacted: tuple[str, ...]
    sessions: tuple[Session, ...]
    entries: tuple[Entry, ...]
    insights: tuple[Insight, ...]
    checkins: tuple[CheckIn, ...]
    scales: tuple[ScaleResult, ...]
    safety_events: tuple[SafetyEvent, ...]
    appointments: tuple[Appointment, ...]
    scale_info: dict[str, ScaleInfo] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)  # session id -> number in the course
    pack_titles: dict[str, str] = field(default_factory=dict)  # titles of non-core packs
    schema_version: int = SCHEMA_VERSION
    app_version: str = __version__

    # -- derived -------------------------------------------------------

    @functools.cached_property
    def cycles(self) -> CycleIndex:
        return CycleIndex(self.sessions)

    def pack_label(self, pack_id: str) -> str:
        return PACK_LABELS.get(pack_id) or self.pack_titles.get(pack_id) or pack_id

    def is_redacted(self, name: str) -> bool:
        return name in self.redacted

    @property
    def date_range(self) -> tuple[date | None, date | None]:
        """The chosen range, or the span of the exported items when open-ended."""
        moments = [s.started_at for s in self.sessions]
        moments += [e.created for e in self.entries]
        moments += [i.created for i in self.insights]
        moments += [c.at for c in self.checkins] + [s.at for s in self.scales]
        moments += [s.at for s in self.safety_events]
        first = min(moments).date() if moments else None
        last = max(moments).date() if moments else None
        return (self.since or first, self.until or last)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "sessions": len(self.sessions),
            # Completed sessions: the ones the summary lists (the rest are planned or cancelled).
            "sessions_held": len(self.cycles.sessions),
            "entries": len(self.entries),
            "insights": len(self.insights),
            "checkins": len(self.checkins),
            "scales": len(self.scales),
            "safety_events": len(self.safety_events),
            "appointments": len(self.appointments),
        }

    def _number(self, session: Session) -> int | None:
        if session.id in self.numbers:
            return self.numbers[session.id]
        try:
            return self.cycles.number_of(session)
        except ValueError:
            return session.series_index

    @functools.cached_property
    def session_rows(self) -> tuple[SessionRow, ...]:
        rows = []
        for s in self.cycles.sessions:
            rows.append(
                SessionRow(
                    session=s,
                    number=self._number(s) or 0,
                    route=self._withheld("route") or ROUTE_LABELS.get(s.route or "", "—"),
                    dose=self._withheld("dose") or _dose_text(s),
                    setting=self._withheld("setting") or SETTING_LABELS.get(s.setting or "", "—"),
                    dissociation=self._withheld("dissociation")
                    or ("—" if s.dissociation is None else f"{s.dissociation}/10"),
                    side_effects=(("withheld",) if self.is_redacted("side_effects") else ())
                    or _notable_side_effects(s),
                )
            )
        return tuple(rows)

    def _withheld(self, name: str) -> str:
        return "withheld" if self.is_redacted(name) else ""

    @functools.cached_property
    def score_rows(self) -> tuple[ScoreRow, ...]:
        rows = []
        for r in sorted(self.scales, key=lambda r: r.at):
            info = self.scale_info.get(scale_key(r.scale_id))
            rows.append(
                ScoreRow(
                    at=r.at,
                    scale=info.name if info else r.scale_name,
                    total=r.total,
                    band=info.band_for(r.total) if info else None,
                )
            )
        return tuple(rows)

    @functools.cached_property
    def week_rows(self) -> tuple[WeekRow, ...]:
        buckets: dict[date, list[CheckIn]] = defaultdict(list)
        for c in self.checkins:
            day = c.at.date()
            buckets[day - timedelta(days=day.weekday())].append(c)
        rows = []
        for week in sorted(buckets):
            group = buckets[week]
            averages: dict[str, float | None] = {}
            for name in CHECKIN_FIELDS:
                values = [v for v in (getattr(c, name) for c in group) if v is not None]
                averages[name] = round(sum(values) / len(values), 1) if values else None
            rows.append(WeekRow(week, len(group), averages))
        return tuple(rows)

    @functools.cached_property
    def safety_rows(self) -> tuple[SafetyRow, ...]:
        return tuple(
            SafetyRow(e.at, TRIGGER_LABELS.get(e.trigger, e.trigger), e.acknowledged)
            for e in sorted(self.safety_events, key=lambda e: e.at)
        )

    def _session_of(self, when: datetime, session_id: str | None) -> Session | None:
        return self.cycles.session_for(when, session_id)

    @functools.cached_property
    def marked_insights(self) -> tuple[InsightRow, ...]:
        rows = []
        for i in sorted(self.insights, key=lambda i: i.created):
            if not i.marked:
                continue
            s = self._session_of(i.created, i.session_id)
            rows.append(
                InsightRow(i, s.started_at.date() if s else None, self._number(s) if s else None)
            )
        return tuple(rows)

    @functools.cached_property
    def questions(self) -> tuple[QuestionRow, ...]:
        rows = []
        for e in self.entries:
            if e.flagged_for_therapy:
                s = self._session_of(e.created, e.session_id)
                rows.append(
                    QuestionRow(
                        e.created, e.first_line, "entry", s.started_at.date() if s else None
                    )
                )
        for i in self.insights:
            if i.bring_to_therapy:
                s = self._session_of(i.created, i.session_id)
                rows.append(
                    QuestionRow(i.created, i.text, "insight", s.started_at.date() if s else None)
                )
        return tuple(sorted(rows, key=lambda r: r.at))

    @functools.cached_property
    def pack_rows(self) -> tuple[PackRow, ...]:
        if self.insights_only:
            # No entries are shared, so nothing can be said about which packs were done
            # (a table of dashes would tell the clinician that none were).
            return ()
        done: dict[str, set[str]] = defaultdict(set)
        for e in self.entries:
            if e.pack_id in CYCLE_PACKS:
                s = self._session_of(e.created, e.session_id)
                if s is not None:
                    done[s.id].add(e.pack_id)
        return tuple(
            PackRow(s, self._number(s) or 0, {p: p in done[s.id] for p in CYCLE_PACKS})
            for s in self.cycles.sessions
        )

    @functools.cached_property
    def groups(self) -> tuple[Cycle, ...]:
        """Entries (or insights, in an insights-only export) by session cycle, in date order."""
        items: list[tuple[datetime, Model, str]] = [(e.created, e, "entry") for e in self.entries]
        if self.insights_only:
            items += [(i.created, i, "insight") for i in self.insights]
        items.sort(key=lambda t: t[0])
        by_session: dict[str | None, list[Item]] = defaultdict(list)
        order: list[str | None] = []
        sessions: dict[str | None, Session | None] = {None: None}
        session_for, days_since = self.cycles.session_for, self.cycles.days_since
        packs: dict[str, str] = {}
        for at, model, kind in items:
            s = session_for(at, model.session_id)  # type: ignore[attr-defined]
            key = s.id if s else None
            if key not in by_session:
                order.append(key)
                sessions[key] = s
            days = days_since(at, s) if s else None
            if isinstance(model, Entry):
                pack = None
                if model.pack_id:
                    pack = packs.get(model.pack_id)
                    if pack is None:
                        pack = packs[model.pack_id] = self.pack_label(model.pack_id)
                item = _item(
                    at,
                    kind,
                    model,
                    pack,
                    days,
                    split_paragraphs(model.body),
                    model.title,
                    model.answers,
                    model.tags,
                    model.flagged_for_therapy,
                )
            else:
                assert isinstance(model, Insight)
                item = _item(
                    at, kind, model, None, days, split_paragraphs(model.text), "", (), model.tags
                )
            by_session[key].append(item)
        out = []
        for key in order:
            s = sessions[key]
            out.append(Cycle(s, self._number(s) if s else None, tuple(by_session[key])))
        out.sort(key=lambda c: c.items[0].at)
        return tuple(out)

    @property
    def credits(self) -> tuple[str, ...]:
        seen: list[str] = []
        for r in self.scales:
            info = self.scale_info.get(scale_key(r.scale_id))
            if info and info.credit and info.credit not in seen:
                seen.append(info.credit)
        if self.checkins:
            seen.append(CHECKIN_NOTE)
        return tuple(seen)

    def models(self) -> list[Model]:
        """Every model in the export, ready to be saved into another vault."""
        out: list[Model] = []
        out += self.sessions
        out += self.entries
        out += self.insights
        out += self.checkins
        out += self.scales
        out += self.safety_events
        out += self.appointments
        return out


def plural_count(count: int, word: str, plural: str | None = None) -> str:
    """'1 session', '3 sessions', '2 entries'."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def summary_counts(doc: ExportDocument) -> str:
    """The summary's one-line tally, shared by the Markdown and plain-text renderers."""
    return " · ".join(
        [
            plural_count(len(doc.session_rows), "session"),
            plural_count(len(doc.entries), "entry", "entries"),
            plural_count(len(doc.marked_insights), "marked insight"),
            plural_count(len(doc.questions), "question") + " for the appointment",
            plural_count(len(doc.safety_rows), "crisis-screen event"),
        ]
    )


# English names, as strftime gives them in the C locale the app runs in, spelled
# out because strftime is the slowest step of a 10,000-entry render (~2 us each).
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(value: date | datetime) -> str:
    """``05 Oct 2026``: ``value.strftime("%d %b %Y")`` without strftime."""
    if value.year < 1000:  # strftime's own padding rules for tiny years
        return value.strftime("%d %b %Y")
    return f"{value.day:02d} {_MONTHS[value.month]} {value.year}"


def day_time_text(value: datetime) -> str:
    """``Mon 05 Oct 2026, 21:40``: ``value.strftime("%a %d %b %Y, %H:%M")``, faster."""
    if value.year < 1000:
        return value.strftime("%a %d %b %Y, %H:%M")
    return (
        f"{_WEEKDAYS[value.weekday()]} {value.day:02d} {_MONTHS[value.month]} {value.year}, "
        f"{value.hour:02d}:{value.minute:02d}"
    )


def range_text(doc: ExportDocument) -> str:
    """'05 Oct 2026 to 25 Oct 2026' (the chosen range, or the span of the items)."""
    start, end = doc.date_range
    if start is None or end is None:
        return "no dated items"
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


def _dose_text(s: Session) -> str:
    if not s.dose_value:
        return "—"
    unit = DOSE_UNIT_LABELS.get(s.dose_unit or "", s.dose_unit or "")
    return f"{s.dose_value} {unit}".strip()


#: Shown for a session logged without any side-effect ratings.
NOT_RECORDED = "not recorded"


def _notable_side_effects(s: Session) -> tuple[str, ...]:
    if not s.side_effects and not s.side_effect_other:
        return (NOT_RECORDED,)  # nothing rated is not the same as "none"
    out = []
    for name, rating in sorted(s.side_effects.items()):
        if isinstance(rating, int) and rating >= 2:
            label = SEVERITY_LABELS[min(rating, 3)]
            shown = s.side_effect_other if name == "other" and s.side_effect_other else name
            out.append(f"{shown} ({label})")
    return tuple(out)


_PARA_SPLIT = re.compile(r"\n[ \t]*\n")


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs are separated by a blank line; numbering for hiding starts at 1."""
    if "\n" not in text:
        return (text,) if text.strip() else ()  # one line, one paragraph
    # Without a space or tab before a line break, a blank line is exactly "\n\n";
    # str.split is then the same split as the pattern, at a fraction of the cost.
    plain = " \n" not in text and "\t\n" not in text
    parts = [p.strip("\n") for p in (text.split("\n\n") if plain else _PARA_SPLIT.split(text))]
    return tuple(p for p in parts if p.strip())


# ---------------------------------------------------------------- building


def _load_library() -> Any:
    from kapjournal.core.prompts import load_library

    try:
        return load_library()
    except (OSError, KapError):
        return None


def installed_scale_info(library: Any = None) -> dict[str, ScaleInfo]:
    """Bands and credit lines of the scale packs installed on this device.

    A broken pack file is skipped (the prompt library reports it elsewhere).
    """
    library = library or _load_library()
    if library is None:
        return {}
    return {
        scale_key(pack.id): ScaleInfo(
            pack.name, tuple(Band(b.min, b.max, b.label) for b in pack.bands), pack.credit
        )
        for pack in library.scales.values()
    }


def _redact_session(s: Session, redact: frozenset[str]) -> Session:
    changes: dict[str, Any] = {}
    if "dose" in redact:
        changes.update(dose_value=None, dose_unit=None)
    if "route" in redact:
        changes["route"] = None
    if "setting" in redact:
        changes.update(setting=None, support_person="")
    if "side_effects" in redact:
        changes.update(side_effects={}, side_effect_other="")
    if "vitals" in redact:
        changes["vitals"] = ()
    if "dissociation" in redact:
        changes["dissociation"] = None
    if "session_notes" in redact:
        changes["notes"] = ""
    if "clinician" in redact:
        changes.update(clinician="", therapist_present=False)
    return s.replace(**changes) if changes else s


@dataclass(frozen=True)
class HideablePart:
    """A paragraph or a guided answer that can be withheld (``question`` only for answers)."""

    index: int  # 0-based; people see index + 1
    text: str
    question: str = ""


def hideable_parts(entry: Entry) -> list[HideablePart]:
    """The parts of an entry that can be hidden one by one.

    Numbering: the body's paragraphs first, then the guided answers in order.
    Skipped answers keep their number but are not listed, since there is
    nothing in them to hide.
    """
    paragraphs = split_paragraphs(entry.body)
    parts = [HideablePart(n, p) for n, p in enumerate(paragraphs)]
    for n, answer in enumerate(entry.answers, start=len(paragraphs)):
        if answer.value in (None, "", [], ()):
            continue
        parts.append(HideablePart(n, answer_value_text(answer.value), answer.question))
    return parts


def _hide(entry: Entry, hidden: frozenset[int]) -> Entry:
    """Replace the chosen paragraphs and guided answers with a 'withheld' line."""
    paragraphs = split_paragraphs(entry.body)
    total = len(paragraphs) + len(entry.answers)
    bad = sorted(n + 1 for n in hidden if n >= total)
    if bad:
        what = f"{len(paragraphs)} paragraph(s)"
        if entry.answers:
            what += f" and {len(entry.answers)} answer(s), numbered after the paragraphs"
        raise InvalidInput(
            f"Entry {entry.id[:8]} has {what}; there is no paragraph {bad[0]} to hide."
        )
    changes: dict[str, Any] = {}
    if any(n < len(paragraphs) for n in hidden):
        changes["body"] = "\n\n".join(
            WITHHELD_PARAGRAPH if n in hidden else p for n, p in enumerate(paragraphs)
        )
    if any(n >= len(paragraphs) for n in hidden):
        changes["answers"] = tuple(
            a.replace(kind="text", value=WITHHELD_ANSWER) if n in hidden else a
            for n, a in enumerate(entry.answers, start=len(paragraphs))
        )
    return entry.replace(**changes) if changes else entry


def _resolve_hidden(
    hidden: Mapping[str, frozenset[int]], entries: Iterable[Entry]
) -> dict[str, frozenset[int]]:
    ids = [e.id for e in entries]
    out: dict[str, frozenset[int]] = {}
    for prefix, paras in hidden.items():
        matches = [i for i in ids if i.startswith(prefix)]
        if len(matches) != 1:
            raise InvalidInput(
                f"No exported entry id starts with '{prefix}'."
                if not matches
                else f"More than one entry id starts with '{prefix}'; type more of it."
            )
        out[matches[0]] = out.get(matches[0], frozenset()) | paras
    return out


def build_document(
    journal: Journal,
    options: ExportOptions,
    *,
    scale_info: Mapping[str, ScaleInfo] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportDocument:
    """Select and redact what the patient chose to share.

    Raises:
        InvalidInput: for an unknown session, entry or paragraph in the options.
    """
    note = progress or (lambda _stage: None)
    note("Reading the journal")
    kinds = [Session, Entry, Insight, SafetyEvent, Appointment]
    if options.include_checkins:
        kinds += [CheckIn, ScaleResult]
    journal.preload(*kinds)  # one pass over the vault
    all_sessions = journal.all(Session)
    all_entries = journal.all(Entry)
    cycles = CycleIndex(all_sessions)
    since, until, wanted = options.since, options.until, options.session_ids
    missing = sorted(wanted - {s.id for s in all_sessions})
    if missing:
        raise InvalidInput(f"No session with id {missing[0][:8]}.")
    in_range = functools.partial(_in_range, options)
    keep = _keeper(options, cycles)

    redact = options.effective_redactions
    private_ids = {e.id for e in all_entries if e.private}
    entries: list[Entry] = []
    if not options.insights_only:
        entries = sorted(
            (e for e in all_entries if not e.private and keep(e.created, e.session_id)),
            key=lambda e: e.created,
        )
    hidden = _resolve_hidden(options.hidden_paragraphs, entries)
    if hidden or "tags" in redact:
        entries = [
            (_hide(e, hidden[e.id]) if e.id in hidden else e).replace(
                tags=() if "tags" in redact else e.tags
            )
            for e in entries
        ]

    note("Selecting insights")
    insights = []
    for i in sorted(journal.all(Insight), key=lambda i: i.created):
        if i.entry_id in private_ids or not keep(i.created, i.session_id):
            continue
        if "tags" in redact:
            i = i.replace(tags=())
        if "follow_ups" in redact:
            i = i.replace(follow_ups=())
        insights.append(i)
    insight_ids = {i.id for i in insights}

    # Sessions in range, plus the sessions whose cycles the exported items belong to.
    owners = {
        owner.id
        for when, sid in [(e.created, e.session_id) for e in entries]
        + [(i.created, i.session_id) for i in insights]
        if (owner := cycles.session_for(when, sid)) is not None
    }
    sessions = []
    for s in sorted(all_sessions, key=lambda s: s.started_at):
        chosen = in_range(s.started_at) and (not wanted or s.id in wanted)
        if not chosen and s.id not in owners:
            continue
        s = _redact_session(s, redact)
        if s.insights:
            s = s.replace(insights=tuple(x for x in s.insights if x in insight_ids))
        sessions.append(s)

    checkins: list[CheckIn] = []
    scales: list[ScaleResult] = []
    if options.include_checkins:
        checkins = sorted(
            (c for c in journal.all(CheckIn) if keep(c.at, c.session_id)), key=lambda c: c.at
        )
        if "checkin_notes" in redact:
            checkins = [c.replace(note="") if c.note else c for c in checkins]
        scales = sorted(
            (r for r in journal.all(ScaleResult) if keep(r.at, r.session_id)), key=lambda r: r.at
        )
    safety = sorted((e for e in journal.all(SafetyEvent) if in_range(e.at)), key=lambda e: e.at)
    appointments = sorted(
        (a for a in journal.all(Appointment) if in_range(a.at)), key=lambda a: a.at
    )
    if "appointment_notes" in redact:
        appointments = [a.replace(notes="") for a in appointments]

    label = options.patient_label
    if label is None:
        label = journal.settings().patient_label
    used = {scale_key(r.scale_id) for r in scales}
    unknown_packs = {e.pack_id for e in entries if e.pack_id and e.pack_id not in PACK_LABELS}
    library = _load_library() if (scale_info is None and used) or unknown_packs else None
    pack_titles = {}
    if library is not None:
        pack_titles = {
            pid: library.packs[pid].title for pid in unknown_packs if pid in library.packs
        }
    info = dict(DEFAULT_SCALES)
    if scale_info is None and used:
        scale_info = installed_scale_info(library)
    if scale_info:
        info.update({scale_key(k): v for k, v in scale_info.items()})
    note("Building the summary")
    return ExportDocument(
        exported_at=journal.now(),
        patient_label=label.strip(),
        since=since.date() if since else None,
        until=until.date() if until else None,
        insights_only=options.insights_only,
        include_checkins=options.include_checkins,
        include_sessions=options.include_sessions,
        redacted=tuple(sorted(redact)),
        sessions=tuple(sessions),
        entries=tuple(entries),
        insights=tuple(insights),
        checkins=tuple(checkins),
        scales=tuple(scales),
        safety_events=tuple(safety),
        appointments=tuple(appointments),
        scale_info={k: v for k, v in info.items() if k in used},
        numbers={s.id: cycles.number_of(s) for s in sessions if s.status == "completed"},
        pack_titles=pack_titles,
    )


def shareable_entries(journal: Journal, options: ExportOptions) -> list[Entry]:
    """The entries an export with these options would include in full, newest first.

    For choosing paragraphs to hide: private entries, entries outside the dates
    or sessions, and everything when only insights are shared, are left out.
    """
    if options.insights_only:
        return []
    keep = _keeper(options, CycleIndex(journal.all(Session)))
    return sorted(
        (e for e in journal.all(Entry) if not e.private and keep(e.created, e.session_id)),
        key=lambda e: e.created,
        reverse=True,
    )


def _keeper(options: ExportOptions, cycles: CycleIndex) -> Callable[[datetime, str | None], bool]:
    """Whether an item dated ``when`` (linked to ``session_id``) is inside the chosen
    dates and sessions; the one selection rule for exports and the hiding picker."""
    wanted = options.session_ids

    def keep(when: datetime, session_id: str | None) -> bool:
        if not _in_range(options, when):
            return False
        if not wanted:
            return True
        s = cycles.session_for(when, session_id)
        return s is not None and s.id in wanted

    return keep


def _in_range(options: ExportOptions, when: datetime) -> bool:
    return (options.since is None or when >= options.since) and (
        options.until is None or when <= options.until
    )
