"""Scale packs: validation, scoring, reverse items, bands, safety items.

Uses a made-up questionnaire with the shape of a clinic-supplied one; no
real instrument wording is used anywhere in the repository.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from kapjournal.core import safety, scales
from kapjournal.core.errors import InvalidInput
from kapjournal.core.prompts import PackError

MADE_UP = """
type = "scale"
id = "weather4"
name = "Inner Weather Check (made up for tests)"
version = "0.1"
recall_period = "the last three days"
attribution = "Written for kapjournal's tests; not a real instrument."
licence = { terms = "CC0", url = "https://example.org/weather4" }
reverse_items = ["sun"]

[[items]]
id = "fog"
text = "Fogginess"

[[items]]
id = "rain"
text = "Rain"

[[items]]
id = "sun"
text = "Sunshine"

[[items]]
id = "storm"
text = "Storm warnings"
safety = true

[[options]]
label = "not at all"
value = 0
[[options]]
label = "a little"
value = 1
[[options]]
label = "a lot"
value = 2
[[options]]
label = "all the time"
value = 3

[[bands]]
min = 0
max = 3
label = "calm"
[[bands]]
min = 4
max = 8
label = "changeable"
[[bands]]
min = 9
max = 12
label = "stormy"
"""


def data(text: str = MADE_UP) -> dict[str, Any]:
    return tomllib.loads(text)


def test_parse_scale_reads_the_made_up_pack() -> None:
    pack = scales.parse_scale(data(), "weather4.toml")
    assert pack.safety_items == ("storm",)
    assert pack.possible_range() == (0, 12)
    assert "CC0" in pack.credit and "example.org" in pack.credit


@pytest.mark.parametrize("key", ["attribution", "licence"])
def test_parse_scale_rejects_missing_attribution_or_licence(key: str) -> None:
    raw = data()
    del raw[key]
    with pytest.raises(PackError, match=key):
        scales.parse_scale(raw, "weather4.toml")


def test_parse_scale_rejects_licence_without_url() -> None:
    raw = data()
    raw["licence"] = {"terms": "CC0"}
    with pytest.raises(PackError, match="licence.url"):
        scales.parse_scale(raw, "weather4.toml")


def test_parse_scale_rejects_overlapping_and_gapped_bands() -> None:
    raw = data()
    raw["bands"][1]["min"] = 3
    with pytest.raises(PackError, match="overlap"):
        scales.parse_scale(raw, "w.toml")
    raw = data()
    raw["bands"][1]["min"] = 5
    with pytest.raises(PackError, match="gap"):
        scales.parse_scale(raw, "w.toml")
    raw = data()
    raw["bands"][2]["max"] = 10
    with pytest.raises(PackError, match="cover"):
        scales.parse_scale(raw, "w.toml")


def test_parse_scale_rejects_unknown_reverse_item() -> None:
    raw = data()
    raw["reverse_items"] = ["moon"]
    with pytest.raises(PackError) as info:
        scales.parse_scale(raw, "w.toml")
    assert info.value.problem.prompt_id == "moon"


def test_score_sums_with_reverse_items_and_finds_band() -> None:
    pack = scales.parse_scale(data(), "w.toml")
    # sun=3 reversed to 0
    result = scales.score(pack, {"fog": 1, "rain": 2, "sun": 3, "storm": 0})
    assert result.total == 3 and result.band == "calm" and result.safety_flags == ()
    result = scales.score(pack, {"fog": 3, "rain": 3, "sun": 0, "storm": 1})
    assert result.total == 10 and result.band == "stormy" and result.safety_flags == ("storm",)


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "calm"), (3, "calm"), (4, "changeable"), (8, "changeable"), (9, "stormy"), (12, "stormy")],
)
def test_band_for_edges(total: int, band: str) -> None:
    assert scales.band_for(scales.parse_scale(data(), "w.toml"), total) == band


def test_band_for_without_bands_is_none() -> None:
    raw = data()
    del raw["bands"]
    assert scales.band_for(scales.parse_scale(raw, "w.toml"), 5) is None


def test_score_custom_weights() -> None:
    raw = data()
    del raw["bands"]
    raw["scoring"] = {"method": "custom", "weights": {"fog": 2, "storm": 1}}
    pack = scales.parse_scale(raw, "w.toml")
    assert scales.score(pack, {"fog": 3, "rain": 3, "sun": 3, "storm": 1}).total == 7


def test_score_rejects_incomplete_or_invalid_answers() -> None:
    pack = scales.parse_scale(data(), "w.toml")
    with pytest.raises(InvalidInput, match="every item"):
        scales.score(pack, {"fog": 1})
    with pytest.raises(InvalidInput, match="not one of the options"):
        scales.score(pack, {"fog": 7, "rain": 0, "sun": 0, "storm": 0})


def test_check_scale_triggers_only_above_lowest_option() -> None:
    pack = scales.parse_scale(data(), "w.toml")
    assert safety.check_scale(pack, {"storm": 0}) == []
    assert safety.check_scale(pack, {"storm": 1}) == [
        safety.Trigger("safety_item", "weather4:storm")
    ]


def test_record_result_links_session_and_flags_safety(journal) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from kapjournal.core.models import ScaleResult, Session, new_id

    now = datetime(2026, 12, 3, 9, tzinfo=UTC)
    journal.now = lambda: now
    s = journal.save(Session(id=new_id(), started_at=now - timedelta(days=1)))
    pack = scales.parse_scale(data(), "w.toml")
    stored, triggers = scales.record_result(
        journal, pack, {"fog": 1, "rain": 1, "sun": 3, "storm": 2}
    )
    assert stored.total == 4 and stored.session_id == s.id and stored.at == now
    assert journal.all(ScaleResult) == [stored]
    assert [t.detail for t in triggers] == ["weather4:storm"]
    with pytest.raises(InvalidInput):
        scales.record_result(journal, pack, {"fog": 1})
    assert len(journal.all(ScaleResult)) == 1
