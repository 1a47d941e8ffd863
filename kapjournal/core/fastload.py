"""Bulk decoding of authenticated vault records into models.

Opening a whole journal (``Journal.all``, exports) decodes thousands of
records. Each was written by ``Journal.save`` (``json.dumps(model.to_dict())``)
and authenticated by the vault's AEAD tag, so it is trusted data of a known
shape. This module turns such a payload into a model with as little work per
record as possible while giving exactly what ``Model.from_record(json.loads(b))``
gives:

* JSON is parsed with orjson, which gives the same values as the standard
  library's ``json.loads`` except for integers beyond 64 bits (orjson makes them floats). So
  when a field that can hold a number (``int``, ``float``, ``Any``, a mapping,
  or a nested model with such a field) is not empty, that record is parsed
  again with ``json``. Entries without guided answers and insights, nearly
  every record of a journal, never need that.
* A record whose keys are exactly the model's fields, in order (every record
  the current version wrote), gets its dates, tuples and nested models
  converted in place and becomes the new object's attribute dictionary; the
  dataclass ``__init__`` would only copy the same values one by one. Anything
  else (an older record missing a newer field, a conversion that fails) goes
  through ``Model.from_record`` and so, when needed, the validating
  ``from_dict``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson

from kapjournal.core.errors import InvalidInput
from kapjournal.core.models import Model, _aware, _fast_specs

Decoder = Callable[[bytes], Model]

_NUMBERLESS = (str, bool, datetime, date, type(None))


def _can_hold_number(tp: Any) -> bool:
    """Whether a value of this type may contain a JSON number (checked conservatively)."""
    if tp in _NUMBERLESS:
        return False
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType, tuple):
        return any(_can_hold_number(a) for a in typing.get_args(tp) if a is not Ellipsis)
    if isinstance(tp, type) and issubclass(tp, Model) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return any(_can_hold_number(hints[f.name]) for f in dataclasses.fields(tp))
    return True  # int, float, Any, dict, anything unknown


_NUMERIC: dict[type, tuple[str, ...]] = {}


def numeric_fields(cls: type[Model]) -> tuple[str, ...]:
    """Fields of ``cls`` whose values may contain a number (where orjson and json differ:
    integers beyond 64 bits when reading, the spelling of some floats when writing)."""
    found = _NUMERIC.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _NUMERIC[cls] = tuple(
            f.name
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if _can_hold_number(hints[f.name])
        )
    return found


def _is_tuple(tp: Any) -> bool:
    """``tuple[...]`` or ``tuple[...] | None``: fields whose converter builds a tuple."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return len(inner) == 1 and _is_tuple(inner[0])
    return typing.get_origin(tp) is tuple


def _plain_dataclass(cls: type) -> bool:
    """True when an instance is fully described by its ``__dict__`` of fields."""
    return (
        dataclasses.is_dataclass(cls)
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
        and all(f.init for f in dataclasses.fields(cls))
    )


_DECODERS: dict[type[Model], Decoder] = {}


def decoder(cls: type[Model]) -> Decoder:
    """A function from a record payload (JSON bytes) to a ``cls`` instance.

    Raises (from the returned function) ``InvalidInput`` or ``ValueError`` for a
    payload that is not a valid ``cls``, exactly as ``from_record`` would.
    """
    found = _DECODERS.get(cls)
    if found is None:
        found = _DECODERS[cls] = _build(cls)
    return found


def _build(cls: type[Model]) -> Decoder:
    from_record = cls.from_record
    if not _plain_dataclass(cls):
        return lambda data: from_record(json.loads(data))
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = tuple(f.name for f in fields)
    numeric = numeric_fields(cls)
    specs = _fast_specs(cls)  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    # Timestamps (models._aware, written out below), tuples (an empty JSON list is
    # simply ``()``), and the rest (nested models...) through their converter.
    stamps = tuple(name for name, conv in specs if conv is _aware)
    tuples = tuple(
        (name, conv) for name, conv in specs if conv is not None and _is_tuple(hints[name])
    )
    others = tuple(
        (name, conv)
        for name, conv in specs
        if conv is not None and conv is not _aware and not _is_tuple(hints[name])
    )
    fast_loads, slow_loads, fast_error = orjson.loads, json.loads, orjson.JSONDecodeError
    parse_stamp = datetime.fromisoformat
    new = object.__new__
    set_attr = object.__setattr__

    def decode(data: bytes) -> Model:
        try:
            raw = fast_loads(data)
        except fast_error:
            raw = slow_loads(data)  # NaN, huge exponents: the standard library decides
        else:
            if type(raw) is not dict or any(map(raw.get, numeric)):
                raw = slow_loads(data)
        if type(raw) is dict and tuple(raw) == names:
            try:
                for name in stamps:
                    value = raw[name]
                    if value is not None:
                        stamp = parse_stamp(value)
                        raw[name] = stamp if stamp.tzinfo is not None else stamp.astimezone()
                for name, conv in tuples:
                    value = raw[name]
                    if type(value) is list and not value:
                        raw[name] = ()
                    elif value is not None:
                        raw[name] = conv(value)
                for name, conv in others:
                    value = raw[name]
                    if value is not None:
                        raw[name] = conv(value)
            except (TypeError, ValueError, AttributeError, KeyError, InvalidInput):
                return from_record(slow_loads(data))  # a fresh copy: raw is half converted
            obj = new(cls)
            set_attr(obj, "__dict__", raw)
            return obj
        return from_record(raw)

    return decode
