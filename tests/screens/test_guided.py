"""Pilot tests for the guided flow: progress, autosave, resume, finish, crisis screen."""

from __future__ import annotations

from kapjournal.core import guided
from kapjournal.core.journal import Journal
from kapjournal.core.models import Draft, Entry, SafetyEvent
from kapjournal.core.prompts import Prompt, PromptPack
from kapjournal.screens.crisis import CrisisScreen
from kapjournal.screens.guided import GuidedFlowScreen
from kapjournal.widgets.pick_one import PickOne
from kapjournal.widgets.scale_picker import ScalePicker
from tests.screens.harness import Harness

PACK = PromptPack(
    "next_day",
    "The next day",
    "next_day",
    (
        Prompt("stayed", "What stayed with you?", hint="A word is enough."),
        Prompt("sleep", "Sleep?", kind="scale", low_label="poor", high_label="deep"),
        Prompt("where", "Where?", kind="choice", choices=("home", "park")),
        Prompt("thoughts", "Safety question", kind="yesno", safety=True),
    ),
)


async def test_guided_shows_progress_and_autosaves_each_step(journal: Journal) -> None:
    app = Harness(journal, lambda: GuidedFlowScreen(PACK, "s1"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GuidedFlowScreen)
        assert str(screen.query_one("#guided-progress").render()) == "1 / 4"
        await pilot.press(*"the light")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert str(screen.query_one("#guided-progress").render()) == "2 / 4"
        (draft,) = journal.all(Draft)
        assert draft.answers == {"stayed": "the light"} and draft.position == 1
        await pilot.press("7", "ctrl+n")
        await pilot.pause()
        assert journal.all(Draft)[0].answers["sleep"] == 7


async def test_guided_resume_after_quitting_halfway(journal: Journal) -> None:
    app = Harness(journal, lambda: GuidedFlowScreen(PACK, "s1"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"warm", "ctrl+n")
        await pilot.pause()
        await pilot.press("4")
        await pilot.press("escape")  # leave on prompt 2 with an answer not yet "next"-ed
        await pilot.pause()
        assert not isinstance(app.screen, GuidedFlowScreen)
    draft = guided.find_draft(journal, "next_day", "s1")
    assert draft is not None and draft.position == 1
    assert draft.answers == {"stayed": "warm", "sleep": 4}

    app2 = Harness(journal, lambda: GuidedFlowScreen(PACK, "s1"))
    async with app2.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app2.screen
        assert isinstance(screen, GuidedFlowScreen)
        assert str(screen.query_one("#guided-progress").render()) == "2 / 4"
        assert screen.query_one(ScalePicker).value == 4
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.query_one("#guided-input").text == "warm"  # type: ignore[attr-defined]


async def test_guided_finish_stores_entry_and_skip_leaves_gap(journal: Journal) -> None:
    app = Harness(journal, lambda: GuidedFlowScreen(PACK, "s1"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"calm", "ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+o")  # skip sleep
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GuidedFlowScreen)
        screen.query_one(PickOne).focus()
        await pilot.press("enter")  # first choice: home
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen.query_one(PickOne).focus()
        await pilot.press("down", "enter")  # "no"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(app.screen, (GuidedFlowScreen, CrisisScreen))
    (entry,) = journal.all(Entry)
    assert entry.pack_id == "next_day" and entry.session_id == "s1"
    assert {a.prompt_id: a.value for a in entry.answers} == {
        "stayed": "calm",
        "sleep": None,
        "where": "home",
        "thoughts": False,
    }
    assert journal.all(Draft) == [] and journal.all(SafetyEvent) == []
    assert app.results == [entry.id]


async def test_guided_safety_answer_opens_crisis_screen_after_saving(journal: Journal) -> None:
    app = Harness(journal, lambda: GuidedFlowScreen(PACK, "s1"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("ctrl+o")
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GuidedFlowScreen)
        screen.query_one(PickOne).focus()
        await pilot.press("enter")  # "yes"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        # Saved before the crisis screen appeared.
        (entry,) = journal.all(Entry)
        assert entry.answers[-1].value is True
        (event,) = journal.all(SafetyEvent)
        assert event.trigger == "self_harm_question" and event.detail == "next_day:thoughts"
        numbers = str(app.screen.query_one("#crisis-numbers").render())
        assert "988" in numbers
        await pilot.press("escape")  # never dismissed by accident
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        await pilot.press("enter")  # the focused "I have read this" button
        await pilot.pause()
        assert not isinstance(app.screen, CrisisScreen)
    assert journal.all(SafetyEvent)[0].acknowledged


async def test_guided_keyword_in_text_opens_crisis_at_once(journal: Journal) -> None:
    app = Harness(journal, lambda: GuidedFlowScreen(PACK, None))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"i want to die", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        assert journal.all(Draft)[0].answers["stayed"] == "i want to die"
        (event,) = journal.all(SafetyEvent)
        assert event.trigger == "keyword" and "die" not in event.detail


async def test_guided_ordinary_text_does_not_open_crisis(journal: Journal) -> None:
    app = Harness(journal, lambda: GuidedFlowScreen(PACK, None))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"killer headache, this heat is killing me", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, GuidedFlowScreen)
    assert journal.all(SafetyEvent) == []
