"""JSON export: write a versioned document and read it back (review mode, import).

The layout is documented in ``docs/export-schema.json``. ``summary`` is
written for readers without kapjournal; :func:`read_document` ignores it and
recomputes everything from the records, so a tampered summary cannot
disagree with the data it claims to summarise.

Reading treats the file as hostile: size and nesting are capped before
``json.loads``, every record goes through the models' validating
``from_dict``, and any failure becomes :class:`ReviewFileInvalid` with a
calm message (never a traceback, never file content).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import operator
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import orjson

from kapjournal.core.errors import InvalidInput, ReviewFileInvalid
from kapjournal.core.export.model import (
    FORMAT_NAME,
    REDACTABLE,
    SCHEMA_VERSION,
    Band,
    ExportDocument,
    ScaleInfo,
)
from kapjournal.core.fastload import numeric_fields
from kapjournal.core.models import (
    Appointment,
    CheckIn,
    Entry,
    Insight,
    Model,
    SafetyEvent,
    ScaleResult,
    Session,
)

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
MAX_RECORDS = 500_000
M = TypeVar("M", bound=Model)

_LISTS: tuple[tuple[str, type[Model]], ...] = (
    ("sessions", Session),
    ("entries", Entry),
    ("insights", Insight),
    ("checkins", CheckIn),
    ("scales", ScaleResult),
    ("safety_events", SafetyEvent),
    ("appointments", Appointment),
)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def document_to_dict(doc: ExportDocument) -> dict[str, Any]:
    """The JSON-ready form of a document (see docs/export-schema.json)."""
    return {**_head(doc), **{name: [m.to_dict() for m in getattr(doc, name)] for name, _ in _LISTS}}


def _head(doc: ExportDocument) -> dict[str, Any]:
    start, end = doc.date_range
    return {
        "format": FORMAT_NAME,
        "schema_version": doc.schema_version,
        "app_version": doc.app_version,
        "exported_at": doc.exported_at.isoformat(),
        "patient_label": doc.patient_label,
        "range": {"since": _iso(doc.since), "until": _iso(doc.until)},
        "selection": {
            "insights_only": doc.insights_only,
            "include_checkins": doc.include_checkins,
            "include_sessions": doc.include_sessions,
            "redacted": list(doc.redacted),
        },
        "scale_info": {
            key: {
                "name": info.name,
                "credit": info.credit,
                "bands": [{"min": b.low, "max": b.high, "label": b.label} for b in info.bands],
            }
            for key, info in doc.scale_info.items()
        },
        "session_numbers": dict(doc.numbers),
        "pack_titles": dict(doc.pack_titles),
        "summary": {
            "first_day": _iso(start),
            "last_day": _iso(end),
            "counts": doc.counts,
            "scores": [
                {"at": r.at.isoformat(), "scale": r.scale, "total": r.total, "band": r.band}
                for r in doc.score_rows
            ],
            "weekly_checkins": [
                {"week": w.week.isoformat(), "count": w.count, "averages": w.averages}
                for w in doc.week_rows
            ],
        },
    }


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _default(value: Any) -> Any:
    """Let the C JSON encoder handle models directly (same output as ``to_dict``)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Model):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    raise TypeError(f"cannot serialise {type(value).__name__}")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)


def _encoder_for(cls: type[Model]) -> Callable[[Model], bytes]:
    """One record as compact UTF-8 JSON, byte-identical to ``_ENCODER.encode(model)``.

    orjson writes dataclasses, dates and strings exactly as the standard encoder
    configured above does. Numbers are the exception (orjson stops at 64-bit
    integers and spells some floats differently, ``1e-7`` for ``1e-07``), so a
    record with anything in a field that can hold a number goes through the
    standard encoder. That leaves orjson the plain entries and insights, which
    are nearly all of an export.
    """
    numeric = numeric_fields(cls)
    dumps, std = orjson.dumps, _ENCODER.encode
    get: Callable[[Model], Any]
    if len(numeric) > 1:
        get = operator.attrgetter(*numeric)  # a tuple of the values
    elif numeric:
        one = operator.attrgetter(numeric[0])  # the value itself
        get = lambda model: (one(model),)  # noqa: E731
    else:
        get = lambda model: ()  # noqa: E731

    def encode(model: Model) -> bytes:
        if not any(get(model)):
            try:
                return dumps(model)
            except TypeError:  # orjson.JSONEncodeError: e.g. a lone surrogate
                pass
        return std(model).encode("utf-8")

    return encode


def write_document(doc: ExportDocument) -> bytes:
    """Serialise to UTF-8 JSON bytes: compact, one record per line."""
    parts = [b"{"]
    for key, value in _head(doc).items():
        parts.append(f"{_ENCODER.encode(key)}:{_ENCODER.encode(value)},".encode())
    for n, (name, cls) in enumerate(_LISTS):
        encode = _encoder_for(cls)
        records = b",\n".join([encode(m) for m in getattr(doc, name)])
        end = b"" if n == len(_LISTS) - 1 else b","
        body = b"[\n" + records + b"\n]" if records else b"[]"
        parts.append(b'"' + name.encode() + b'":' + body + end)
    parts.append(b"}")
    return b"\n".join(parts)


# ---------------------------------------------------------------- reading

_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(data: bytes) -> int:
    """Maximum nesting of ``[]``/``{}`` outside strings, without parsing."""
    stripped = _STRINGS.sub(b"", data)
    steps = (1 if b in b"[{" else -1 for b in _BRACKETS.findall(stripped))
    return max(itertools.accumulate(steps, initial=0))


def _fail(reason: str) -> ReviewFileInvalid:
    return ReviewFileInvalid(f"This file is not a readable kapjournal export: {reason}.")


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"'{where}' should be an object")
    return value


def _opt_date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as err:
        raise _fail(f"'{where}' is not a date") from err


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"'{where}' should be true or false")
    return value


def _scale_info(raw: Any) -> dict[str, ScaleInfo]:
    out = {}
    for key, value in _obj(raw, "scale_info").items():
        item = _obj(value, "scale_info")
        bands = []
        for b in item.get("bands", []):
            b = _obj(b, "bands")
            lo, hi, label = b.get("min"), b.get("max"), b.get("label")
            if not (isinstance(lo, int) and isinstance(hi, int) and isinstance(label, str)):
                raise _fail("a scale band is malformed")
            bands.append(Band(lo, hi, label))
        name, credit = item.get("name", key), item.get("credit", "")
        if not isinstance(name, str) or not isinstance(credit, str):
            raise _fail("scale information is malformed")
        out[str(key)] = ScaleInfo(name, tuple(bands), credit)
    return out


def _models(raw: dict[str, Any], name: str, cls: type[M]) -> tuple[M, ...]:
    items = raw.get(name, [])
    if not isinstance(items, list):
        raise _fail(f"'{name}' should be a list")
    seen: set[str] = set()
    out = []
    for n, item in enumerate(items, 1):
        try:
            model = cls.from_dict(item)
        except InvalidInput as err:
            raise _fail(f"record {n} in '{name}' is invalid ({err.user_message})") from None
        model_id = getattr(model, "id", "")
        if not isinstance(model_id, str) or not re.fullmatch(r"[0-9a-f]{32}", model_id):
            raise _fail(f"record {n} in '{name}' has a malformed id")
        if model_id in seen:
            raise _fail(f"record {n} in '{name}' repeats an id")
        seen.add(model_id)
        out.append(model)
    return tuple(out)


def read_document(data: bytes, *, max_bytes: int = MAX_BYTES) -> ExportDocument:
    """Parse and validate a JSON export (already decrypted) into a document.

    Raises:
        ReviewFileInvalid: when the file is too large, too deeply nested, not
            JSON, not a kapjournal export, from a newer schema, or has any
            invalid record.
    """
    if len(data) > max_bytes:
        raise _fail(f"it is larger than {max_bytes // (1024 * 1024)} MB")
    if json_depth(data) > MAX_DEPTH:
        raise _fail("it is nested too deeply")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _fail("it is not valid JSON") from None
    raw = _obj(raw, "document")
    if raw.get("format") != FORMAT_NAME:
        raise _fail("it is not a kapjournal export")
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail("its schema version is missing")
    if version > SCHEMA_VERSION:
        raise ReviewFileInvalid(
            "This export was made by a newer version of kapjournal; please update to read it."
        )
    total = sum(len(v) for k, v in raw.items() if isinstance(v, list))
    if total > MAX_RECORDS:
        raise _fail("it has too many records")
    try:
        exported_at = datetime.fromisoformat(raw.get("exported_at"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _fail("'exported_at' is not a date-time") from None
    if exported_at.tzinfo is None:
        exported_at = exported_at.astimezone()
    rng = _obj(raw.get("range", {}), "range")
    sel = _obj(raw.get("selection", {}), "selection")
    redacted = sel.get("redacted", [])
    if not isinstance(redacted, list) or not all(
        isinstance(r, str) and r in REDACTABLE for r in redacted
    ):
        raise _fail("'selection.redacted' lists unknown fields")
    label = raw.get("patient_label", "")
    if not isinstance(label, str):
        raise _fail("'patient_label' should be text")
    numbers = _obj(raw.get("session_numbers", {}), "session_numbers")
    if not all(
        isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_RECORDS
        for v in numbers.values()
    ):
        raise _fail(f"'session_numbers' should hold whole numbers from 1 to {MAX_RECORDS}")
    titles = _obj(raw.get("pack_titles", {}), "pack_titles")
    if not all(isinstance(v, str) for v in titles.values()):
        raise _fail("'pack_titles' should hold text")
    lists = {name: _models(raw, name, cls) for name, cls in _LISTS}
    app_version = raw.get("app_version", "")
    return ExportDocument(
        exported_at=exported_at,
        patient_label=label,
        since=_opt_date(rng.get("since"), "range.since"),
        until=_opt_date(rng.get("until"), "range.until"),
        insights_only=_bool(sel.get("insights_only", False), "insights_only"),
        include_checkins=_bool(sel.get("include_checkins", True), "include_checkins"),
        include_sessions=_bool(sel.get("include_sessions", True), "include_sessions"),
        redacted=tuple(redacted),
        scale_info=_scale_info(raw.get("scale_info", {})),
        numbers={str(k): int(v) for k, v in numbers.items()},
        pack_titles={str(k): str(v) for k, v in titles.items()},
        schema_version=version,
        app_version=app_version if isinstance(app_version, str) else "",
        **lists,  # type: ignore[arg-type]
    )


def document_models(doc: ExportDocument) -> list[Model]:
    """The records of a document, for an importer to save into a vault."""
    return doc.models()
