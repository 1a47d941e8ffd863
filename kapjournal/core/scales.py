"""Scale packs: standard questionnaires added by a clinic or patient, and their scoring.

No instrument wording ships with kapjournal (CLINICAL.md c): a clinic adds,
for example, PHQ-9 from the official form as a TOML scale pack. This module
validates such a pack (attribution and licence are required), scores answers
(``sum`` or ``custom`` weighted sums, reverse-scored items), finds the band
for a total and flags safety items. Bands are for the therapist export only;
the app never shows them to the patient.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kapjournal.core.errors import InvalidInput
from kapjournal.core.models import ScaleResult, Session, new_id
from kapjournal.core.prompts import PackError, PackProblem, _ident, _text

if TYPE_CHECKING:
    from kapjournal.core.journal import Journal
    from kapjournal.core.safety import Trigger

MAX_ITEMS = 100
MAX_OPTIONS = 12


@dataclass(frozen=True)
class ScaleItem:
    id: str
    text: str
    safety: bool = False


@dataclass(frozen=True)
class ScaleOption:
    label: str
    value: int


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class Licence:
    terms: str
    url: str


@dataclass(frozen=True)
class ScalePack:
    """A validated scale pack. Item and option text is shown exactly as supplied."""

    id: str
    name: str
    version: str
    recall_period: str
    attribution: str
    licence: Licence
    items: tuple[ScaleItem, ...]
    options: tuple[ScaleOption, ...]
    scoring: str = "sum"  # sum | custom
    weights: tuple[tuple[str, int], ...] = ()  # custom: item id -> weight
    bands: tuple[Band, ...] = ()
    reverse_items: tuple[str, ...] = ()
    source: str = ""

    @property
    def min_value(self) -> int:
        return min(o.value for o in self.options)

    @property
    def max_value(self) -> int:
        return max(o.value for o in self.options)

    @property
    def safety_items(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items if i.safety)

    @property
    def credit(self) -> str:
        """The credit line shown on the form and in exports."""
        return f"{self.name}: {self.attribution} ({self.licence.terms}, {self.licence.url})"

    def possible_range(self) -> tuple[int, int]:
        lo = hi = 0
        for weight in self._weights().values():
            a, b = weight * self.min_value, weight * self.max_value
            lo += min(a, b)
            hi += max(a, b)
        return lo, hi

    def _weights(self) -> dict[str, int]:
        if self.scoring == "custom":
            return dict(self.weights)
        return {i.id: 1 for i in self.items}


@dataclass(frozen=True)
class ScaleScore:
    total: int
    band: str | None
    safety_flags: tuple[str, ...]  # safety items answered above the lowest option


def _p(file: str, message: str, item: str | None = None) -> PackError:
    return PackError(PackProblem(file, message, item))


def _int(value: Any, what: str, file: str, item: str | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _p(file, f"{what} must be a whole number", item)
    return value


def parse_scale(data: dict[str, Any], file: str) -> ScalePack:
    """Validate a decoded TOML table as a scale pack.

    Raises:
        PackError: naming the file, the item id and the problem. A pack without
            ``attribution`` or ``licence`` (terms and source URL) is rejected.
    """
    if data.get("type") != "scale":
        raise _p(file, "'type' must be \"scale\"")
    scale_id = _ident(data.get("id"), "'id'", file)
    name = _text(data, "name", file, limit=120)
    version = data.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool) or str(version) == "":
        raise _p(file, "'version' is missing")
    recall = _text(data, "recall_period", file, limit=200)
    attribution = data.get("attribution")
    if not isinstance(attribution, str) or not attribution.strip():
        raise _p(file, "'attribution' is missing: a scale pack must credit its authors")
    raw_licence = data.get("licence")
    if not isinstance(raw_licence, dict):
        raise _p(file, "'licence' is missing: give [licence] with 'terms' and 'url'")
    terms = raw_licence.get("terms")
    url = raw_licence.get("url")
    if not isinstance(terms, str) or not terms.strip():
        raise _p(file, "'licence.terms' is missing")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise _p(file, "'licence.url' must be the http(s) address of the licence or source")

    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _p(file, "the scale has no [[items]]")
    if len(raw_items) > MAX_ITEMS:
        raise _p(file, f"a scale may have at most {MAX_ITEMS} items")
    items: list[ScaleItem] = []
    for n, raw in enumerate(raw_items):
        if not isinstance(raw, dict) or "id" not in raw:
            raise _p(file, f"item number {n + 1} has no 'id'")
        iid = _ident(raw["id"], "an item id", file)
        text = _text(raw, "text", file, prompt_id=iid)
        safety = raw.get("safety", False)
        if not isinstance(safety, bool):
            raise _p(file, "'safety' must be true or false", iid)
        if any(i.id == iid for i in items):
            raise _p(file, "this item id is used twice", iid)
        items.append(ScaleItem(iid, text, safety))
    item_ids = {i.id for i in items}

    raw_options = data.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise _p(file, "'options' needs at least two entries")
    if len(raw_options) > MAX_OPTIONS:
        raise _p(file, f"at most {MAX_OPTIONS} options are allowed")
    options: list[ScaleOption] = []
    for raw in raw_options:
        if not isinstance(raw, dict):
            raise _p(file, "each option needs 'label' and 'value'")
        label = _text(raw, "label", file, limit=200)
        value = _int(raw.get("value"), "an option's 'value'", file)
        if any(o.value == value for o in options):
            raise _p(file, f"two options share the value {value}")
        options.append(ScaleOption(label, value))

    raw_scoring = data.get("scoring", "sum")
    weights: tuple[tuple[str, int], ...] = ()
    if isinstance(raw_scoring, str):
        method = raw_scoring
        if method == "custom":
            raise _p(file, "custom scoring needs a [scoring] table with 'weights'")
    elif isinstance(raw_scoring, dict):
        method = raw_scoring.get("method", "sum")
        if method == "custom":
            raw_weights = raw_scoring.get("weights")
            if not isinstance(raw_weights, dict) or not raw_weights:
                raise _p(file, "custom scoring needs 'weights' = { item_id = weight, ... }")
            for iid, w in raw_weights.items():
                if iid not in item_ids:
                    raise _p(file, "a scoring weight names an item that does not exist", iid)
                _int(w, "a weight", file, iid)
            weights = tuple((k, int(v)) for k, v in raw_weights.items())
    else:
        raise _p(file, "'scoring' must be \"sum\" or a [scoring] table")
    if method not in ("sum", "custom"):
        raise _p(file, f"'scoring' must be sum or custom (got {method!r})")

    reverse = data.get("reverse_items", [])
    if not isinstance(reverse, list) or not all(isinstance(r, str) for r in reverse):
        raise _p(file, "'reverse_items' must be a list of item ids")
    for rid in reverse:
        if rid not in item_ids:
            raise _p(file, "'reverse_items' names an item that does not exist", rid)

    pack = ScalePack(
        id=scale_id,
        name=name,
        version=str(version),
        recall_period=recall,
        attribution=attribution.strip(),
        licence=Licence(terms.strip(), url),
        items=tuple(items),
        options=tuple(sorted(options, key=lambda o: o.value)),
        scoring=method,
        weights=weights,
        reverse_items=tuple(reverse),
        source=file,
    )

    raw_bands = data.get("bands", [])
    if not isinstance(raw_bands, list):
        raise _p(file, "'bands' must be a list of {min, max, label}")
    bands: list[Band] = []
    for raw in raw_bands:
        if not isinstance(raw, dict):
            raise _p(file, "each band needs 'min', 'max' and 'label'")
        lo = _int(raw.get("min"), "a band's 'min'", file)
        hi = _int(raw.get("max"), "a band's 'max'", file)
        label = _text(raw, "label", file, limit=80)
        if lo > hi:
            raise _p(file, f"band '{label}' has min above max")
        bands.append(Band(lo, hi, label))
    bands.sort(key=lambda b: b.min)
    for a, b in zip(bands, bands[1:], strict=False):
        if b.min <= a.max:
            raise _p(file, f"bands '{a.label}' and '{b.label}' overlap")
    if bands:
        lo, hi = pack.possible_range()
        if bands[0].min > lo or bands[-1].max < hi:
            raise _p(file, f"the bands do not cover every possible total ({lo}-{hi})")
        for a, b in zip(bands, bands[1:], strict=False):
            if b.min != a.max + 1:
                raise _p(file, f"there is a gap between bands '{a.label}' and '{b.label}'")
    known = {
        "type",
        "id",
        "name",
        "version",
        "recall_period",
        "attribution",
        "licence",
        "items",
        "options",
        "scoring",
        "bands",
        "reverse_items",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise _p(file, f"unknown key(s): {', '.join(unknown)}")
    return dataclasses.replace(pack, bands=tuple(bands))


def score(pack: ScalePack, answers: Mapping[str, int]) -> ScaleScore:
    """Score a complete set of answers.

    Args:
        pack: the scale.
        answers: item id -> chosen option value (as shown on the form, before reversal).

    Returns:
        The total, its band (for the export only) and any raised safety items.

    Raises:
        InvalidInput: an item is unanswered, unknown, or has a value that is not an option.
    """
    allowed = {o.value for o in pack.options}
    for item_id in answers:
        if item_id not in {i.id for i in pack.items}:
            raise InvalidInput(f"'{item_id}' is not an item of {pack.name}.")
    missing = [i.id for i in pack.items if i.id not in answers]
    if missing:
        raise InvalidInput(f"Please answer every item ({len(missing)} left).")
    for item_id, value in answers.items():
        if isinstance(value, bool) or value not in allowed:
            raise InvalidInput(f"'{value}' is not one of the options for item '{item_id}'.")
    total = 0
    for item_id, weight in pack._weights().items():
        value = answers[item_id]
        if item_id in pack.reverse_items:
            value = pack.min_value + pack.max_value - value
        total += weight * value
    flags = tuple(i.id for i in pack.items if i.safety and answers[i.id] > pack.min_value)
    return ScaleScore(total=total, band=band_for(pack, total), safety_flags=flags)


def band_for(pack: ScalePack, total: int) -> str | None:
    """The band label for a total, or ``None`` when the pack has no bands."""
    for band in pack.bands:
        if band.min <= total <= band.max:
            return band.label
    return None


def record_result(
    journal: Journal, pack: ScalePack, answers: Mapping[str, int]
) -> tuple[ScaleResult, list[Trigger]]:
    """Score and save a completed scale, linked to the session whose cycle it falls in.

    Returns:
        The stored result and any safety triggers (the caller shows the crisis screen).

    Raises:
        InvalidInput: incomplete or invalid answers; nothing is saved.
    """
    from kapjournal.core.cycles import CycleIndex
    from kapjournal.core.safety import check_scale

    result = score(pack, answers)
    when = journal.now()
    session = CycleIndex(journal.all(Session)).session_for(when)
    stored = journal.save(
        ScaleResult(
            id=new_id(),
            at=when,
            scale_id=pack.id,
            scale_name=pack.name,
            version=pack.version,
            answers=dict(answers),
            total=result.total,
            session_id=session.id if session else None,
        )
    )
    return stored, check_scale(pack, answers)
