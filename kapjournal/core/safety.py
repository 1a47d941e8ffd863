"""Safety triggers and crisis resources (CLINICAL.md d).

The crisis screen opens when:

1. a scale pack's ``safety`` item scores above its lowest option;
2. the patient answers yes to one of our own ``safety = true`` yes/no
   questions (in the ``next_day`` and ``one_week`` packs);
3. a free-text answer contains a phrase from the short, reviewable list in
   ``kapjournal/data/risk_keywords.toml``. That list is a helper only; it is
   never described as detection.

Each trigger is logged as a ``SafetyEvent`` holding the kind of trigger and
the prompt or item id, never the text that matched. The numbers shown come
from ``kapjournal/data/crisis_resources.toml``, which records a source and a
last-checked date for each entry.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kapjournal.core.journal import Journal
from kapjournal.core.models import SafetyEvent, new_id
from kapjournal.core.prompts import PromptPack
from kapjournal.core.scales import ScalePack

_EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_COUNTRIES = frozenset(_EU.split(" "))
TRIGGER_KINDS = ("safety_item", "self_harm_question", "keyword")


@dataclass(frozen=True)
class Trigger:
    """Why the crisis screen should open: the kind and where (never the text)."""

    kind: str  # safety_item | self_harm_question | keyword
    detail: str  # "pack_id:prompt_id" or "scale_id:item_id"


@dataclass(frozen=True)
class CrisisResources:
    country: str
    name: str
    crisis_line: str
    crisis_name: str
    emergency: str
    source: str
    last_checked: str
    clinic_phone: str = ""


def _data(name: str) -> dict[str, Any]:
    raw = resources.files("kapjournal.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(raw)


@functools.cache
def _resource_table() -> dict[str, dict[str, str]]:
    table = _data("crisis_resources.toml")
    return {k: {kk: str(vv) for kk, vv in v.items()} for k, v in table.items()}


def known_countries() -> list[str]:
    """Country codes with their own entry (for the settings picker)."""
    return [k for k in _resource_table() if k not in ("EU", "DEFAULT")]


def resources_for(country: str, clinic_phone: str = "") -> CrisisResources:
    """Crisis line and emergency number for a country code (default entry if unknown).

    EU countries without an entry of their own get the EU-wide 112.
    """
    table = _resource_table()
    code = (country or "US").strip().upper()
    if code == "UK":
        code = "GB"
    key = code if code in table else ("EU" if code in EU_COUNTRIES else "DEFAULT")
    row = table[key]
    return CrisisResources(
        country=code,
        name=row.get("name", ""),
        crisis_line=row.get("crisis_line", ""),
        crisis_name=row.get("crisis_name", ""),
        emergency=row.get("emergency", ""),
        source=row.get("source", ""),
        last_checked=row.get("last_checked", ""),
        clinic_phone=clinic_phone.strip(),
    )


# ---------------------------------------------------------------- keyword list


def normalise(text: str) -> str:
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(low.split())


@dataclass(frozen=True)
class KeywordList:
    phrases: tuple[str, ...]
    exclude: tuple[str, ...]

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str]:
        alts = sorted((re.escape(normalise(p)) for p in self.phrases), key=len, reverse=True)
        return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])")

    @functools.cached_property
    def _exclude(self) -> re.Pattern[str] | None:
        if not self.exclude:
            return None
        alts = sorted((re.escape(normalise(p)) for p in self.exclude), key=len, reverse=True)
        return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])")

    def matches(self, text: str) -> bool:
        """True if any listed phrase appears (after removing excluded idioms)."""
        norm = normalise(text)
        if self._exclude is not None:
            norm = self._exclude.sub(" ", norm)
        return self._pattern.search(norm) is not None


@functools.cache
def keyword_list() -> KeywordList:
    """The shipped, reviewable list (``kapjournal/data/risk_keywords.toml``)."""
    data = _data("risk_keywords.toml")
    return KeywordList(
        phrases=tuple(str(p) for p in data.get("phrases", [])),
        exclude=tuple(str(p) for p in data.get("exclude", [])),
    )


def text_trigger(text: str, where: str) -> Trigger | None:
    """A ``keyword`` trigger if the text contains a listed phrase."""
    return Trigger("keyword", where) if keyword_list().matches(text) else None


def check_answers(pack: PromptPack, answers: Mapping[str, Any]) -> list[Trigger]:
    """Triggers raised by a pack's answers (safety yes/no questions and free text).

    Args:
        pack: the pack answered.
        answers: prompt id -> value (as stored by the guided flow).
    """
    out: list[Trigger] = []
    for prompt in pack.prompts:
        value = answers.get(prompt.id)
        if value is None:
            continue
        where = f"{pack.id}:{prompt.id}"
        if prompt.kind == "yesno" and prompt.safety and value is True:
            out.append(Trigger("self_harm_question", where))
        elif prompt.kind in ("text", "words"):
            text = " ".join(value) if isinstance(value, list) else str(value)
            trig = text_trigger(text, where)
            if trig is not None:
                out.append(trig)
    return out


def check_scale(pack: ScalePack, answers: Mapping[str, int]) -> list[Trigger]:
    """A ``safety_item`` trigger for each safety item answered above the lowest option."""
    lowest = pack.min_value
    return [
        Trigger("safety_item", f"{pack.id}:{item.id}")
        for item in pack.items
        if item.safety and item.id in answers and answers[item.id] > lowest
    ]


def log_triggers(
    journal: Journal, triggers: Iterable[Trigger], *, acknowledged: bool = False
) -> list[SafetyEvent]:
    """Save one ``SafetyEvent`` per trigger (kind and location only), in one transaction."""
    events = [
        SafetyEvent(
            id=new_id(),
            at=journal.now(),
            trigger=t.kind,
            detail=t.detail,
            acknowledged=acknowledged,
        )
        for t in triggers
    ]
    if events:
        with journal.transaction():
            for e in events:
                journal.save(e)
    return events


def acknowledge(journal: Journal, events: Iterable[SafetyEvent]) -> None:
    """Mark events as acknowledged (the user closed the crisis screen)."""
    with journal.transaction():
        for e in events:
            journal.save(e.replace(acknowledged=True))
