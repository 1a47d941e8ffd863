"""Safety triggers and crisis resources."""

from __future__ import annotations

import pytest

from kapjournal.core import safety
from kapjournal.core.journal import Journal
from kapjournal.core.models import SafetyEvent
from kapjournal.core.prompts import Prompt, PromptPack

PACK = PromptPack(
    "next_day",
    "Next day",
    "next_day",
    (
        Prompt("notes", "Anything else?"),
        Prompt("words", "Words", kind="words"),
        Prompt("thoughts", "Own safety question", kind="yesno", safety=True),
        Prompt("other_yes", "Did you sleep?", kind="yesno"),
    ),
)


@pytest.mark.parametrize(
    "text",
    [
        "I have a killer headache today",
        "This traffic is killing me",
        "I could kill for a coffee",
        "We watched Suicide Squad and laughed",
        "Read a leaflet about suicide prevention",
        "I felt like I might die laughing",
        "dying to see my sister",
        "the drums were killer",
    ],
)
def test_keyword_list_does_not_fire_on_ordinary_text(text: str) -> None:
    assert safety.text_trigger(text, "p:q") is None


@pytest.mark.parametrize(
    "text",
    [
        "Some part of me wants to... no. I want to die.",
        "I've been thinking I'd be better off dead",
        "I keep wanting to HURT   MYSELF",
        "thoughts of self-harm came back",
        "I don\u2019t want to be alive",
        "felt suicidal on Tuesday",
    ],
)
def test_keyword_list_fires_on_listed_phrases(text: str) -> None:
    assert safety.text_trigger(text, "p:q") == safety.Trigger("keyword", "p:q")


def test_check_answers_yes_to_our_safety_question_triggers() -> None:
    got = safety.check_answers(PACK, {"thoughts": True, "other_yes": True})
    assert got == [safety.Trigger("self_harm_question", "next_day:thoughts")]
    assert safety.check_answers(PACK, {"thoughts": False, "notes": "killer headache"}) == []


def test_check_answers_keyword_in_words_answer() -> None:
    got = safety.check_answers(PACK, {"words": ["suicidal", "tired"]})
    assert got == [safety.Trigger("keyword", "next_day:words")]


def test_log_triggers_stores_kind_and_place_never_text(journal: Journal) -> None:
    text = "I want to die"
    triggers = safety.check_answers(PACK, {"notes": text})
    events = safety.log_triggers(journal, triggers)
    stored = journal.all(SafetyEvent)
    assert stored == events and len(stored) == 1
    assert stored[0].trigger == "keyword" and stored[0].detail == "next_day:notes"
    assert text not in repr(stored[0].to_dict())
    safety.acknowledge(journal, stored)
    assert journal.all(SafetyEvent)[0].acknowledged


@pytest.mark.parametrize(
    ("country", "line", "emergency"),
    [
        ("US", "988", "911"),
        ("ca", "988", "911"),
        ("GB", "116 123", "999"),
        ("UK", "116 123", "999"),
        ("IE", "116 123", "112 or 999"),
        ("AU", "13 11 14", "000"),
        ("DE", "", "112"),
    ],
)
def test_resources_for_country(country: str, line: str, emergency: str) -> None:
    res = safety.resources_for(country, "+1 555 0100")
    assert res.crisis_line == line and res.emergency == emergency
    assert res.clinic_phone == "+1 555 0100"
    assert res.last_checked and (res.source.startswith("https://"))


def test_resources_for_unknown_country_falls_back_gently() -> None:
    res = safety.resources_for("ZZ")
    assert res.emergency == "your local emergency number"


def test_every_resource_entry_has_source_and_date() -> None:
    import tomllib
    from importlib import resources

    raw = resources.files("kapjournal.data").joinpath("crisis_resources.toml").read_text()
    for code, row in tomllib.loads(raw).items():
        assert row["last_checked"], code
        if code != "DEFAULT":
            assert row["source"].startswith("https://"), code
