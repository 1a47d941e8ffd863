"""Pilot tests for defects found walking the patient's journey (QA): due list,
help per screen, empty packs, check-in, keyword check on free entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.widgets import OptionList

from kapjournal.core.journal import Journal
from kapjournal.core.models import Session
from kapjournal.core.prompts import Prompt, PromptPack
from kapjournal.screens.due import DueScreen
from kapjournal.screens.guided import GuidedFlowScreen
from tests.screens.harness import Harness
from tests.screens.tui_helpers import unlocked

SMALL_PACK = PromptPack(
    "next_day",
    "The next day",
    "next_day",
    (
        Prompt("stayed", "What stayed with you?"),
        Prompt("sleep", "Sleep?", kind="scale", low_label="poor", high_label="deep"),
        Prompt("thoughts", "Safety question", kind="yesno", safety=True),
    ),
)


async def test_due_screen_enter_opens_first_pack_without_arrow_keys(journal: Journal) -> None:
    # The list starts with a heading row: Enter must still open something at once.
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        olist = app.screen.query_one("#due-list", OptionList)
        assert olist.highlighted is not None
        assert not olist.get_option_at_index(olist.highlighted).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GuidedFlowScreen)


async def test_due_screen_keeps_highlight_when_coming_back(journal: Journal) -> None:
    t0 = datetime.now(UTC) - timedelta(hours=20)
    journal.save(Session(id="a" * 32, started_at=t0, status="completed"))
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        olist = screen.query_one("#due-list", OptionList)
        target = olist.get_option_index("pack-one_week")
        olist.highlighted = target
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GuidedFlowScreen)
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert olist.highlighted == target


async def test_help_lists_the_keys_of_the_screen_it_was_opened_from(journal: Journal) -> None:
    from kapjournal.core.prompts import load_library
    from kapjournal.screens.help import HelpScreen, help_sections
    from kapjournal.screens.timeline import TimelineScreen

    pack = load_library().packs["immediate"]
    app = Harness(journal, lambda: GuidedFlowScreen(pack, None))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        guided_screen = app.screen
        title, rows = help_sections(guided_screen)[0]
        assert title == "On this screen"
        # ctrl+f is hidden from the footer: help is the only place that tells it.
        assert "Ctrl+F" in [keys for keys, _ in rows]
        app.push_screen(HelpScreen(guided_screen))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    # Every key of the timeline (several are not in its footer) is in its help.
    timeline_rows = help_sections(TimelineScreen())[0][1]
    listed = {key for keys, _ in timeline_rows for key in keys.split(" / ")}
    assert {"u", "b", "f", "m", "i", "c", "/", "Escape"} <= listed


async def test_help_from_check_in_explains_the_scales(vault_path) -> None:  # type: ignore[no-untyped-def]
    from kapjournal.screens.checkin import CheckInScreen
    from kapjournal.screens.help import HelpScreen, help_sections
    from tests.screens.tui_helpers import settle

    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        title, rows = help_sections(app.screen.context)[0]
        keys = [k for k, _ in rows]
        assert title == "On this screen" and "0-9" in keys and "Ctrl+S" in keys


async def test_guided_pack_with_every_prompt_skipped_saves_no_entry(journal: Journal) -> None:
    from kapjournal.core.models import Draft, Entry

    pack = SMALL_PACK
    app = Harness(journal, lambda: GuidedFlowScreen(pack, None))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in pack.prompts:
            await pilot.press("ctrl+n")  # "Next" with nothing typed, then "Save"
            await pilot.pause()
        assert not isinstance(app.screen, GuidedFlowScreen)
        assert app.results == [None]
    assert journal.all(Entry) == []
    assert journal.all(Draft) == []


async def test_guided_pack_with_one_answer_is_still_saved(journal: Journal) -> None:
    from kapjournal.core.models import Entry

    pack = SMALL_PACK
    app = Harness(journal, lambda: GuidedFlowScreen(pack, None))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"calm")
        for _ in pack.prompts:
            await pilot.press("ctrl+n")
            await pilot.pause()
    (entry,) = journal.all(Entry)
    assert entry.pack_id == "next_day" and "calm" in entry.body


async def test_checkin_escape_after_setting_a_slider_asks_before_discarding(
    journal: Journal,
) -> None:
    from kapjournal.core.models import CheckIn
    from kapjournal.screens.checkin import CheckInScreen
    from kapjournal.screens.confirm import ConfirmModal

    app = Harness(journal, CheckInScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("6", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # escape in the question keeps the check-in
        await pilot.pause()
        assert app.screen is screen
        assert screen.values()["mood"] == 6
        await pilot.press("ctrl+s")
        await pilot.pause()
    (saved,) = journal.all(CheckIn)
    assert saved.mood == 6


async def test_checkin_escape_with_nothing_set_leaves_at_once(journal: Journal) -> None:
    from kapjournal.screens.checkin import CheckInScreen

    app = Harness(journal, CheckInScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CheckInScreen)
        assert app.results == [None]


async def test_editor_entry_with_a_listed_phrase_opens_crisis_screen_after_saving(
    journal: Journal,
) -> None:
    from kapjournal.core.models import Entry, SafetyEvent
    from kapjournal.screens.crisis import CrisisScreen
    from kapjournal.screens.editor import EditorScreen

    app = Harness(journal, EditorScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#editor-body").text = "Some days I want to die."  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
        (entry,) = journal.all(Entry)  # saved first, whatever the screen does
        assert entry.body == "Some days I want to die."
        (event,) = journal.all(SafetyEvent)
        assert event.trigger == "keyword" and event.detail == "entry"
        assert "die" not in repr(event.to_dict())  # never the matched text
        await pilot.click("#crisis-ack")
        await pilot.pause()
        assert journal.all(SafetyEvent)[0].acknowledged


async def test_editor_saving_an_old_entry_again_does_not_reopen_crisis_screen(
    journal: Journal,
) -> None:
    from kapjournal.core.models import SafetyEvent
    from kapjournal.screens.crisis import CrisisScreen
    from kapjournal.screens.editor import EditorScreen

    old = journal.add_entry("Last month I felt suicidal.")
    app = Harness(journal, lambda: EditorScreen(entry=old))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*" Better now.", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CrisisScreen)
    assert journal.all(SafetyEvent) == []


async def test_editor_ordinary_entry_does_not_open_crisis_screen(journal: Journal) -> None:
    from kapjournal.core.models import SafetyEvent
    from kapjournal.screens.crisis import CrisisScreen
    from kapjournal.screens.editor import EditorScreen

    app = Harness(journal, EditorScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"Walked by the river.", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, CrisisScreen)
    assert journal.all(SafetyEvent) == []


async def test_checkin_note_with_a_listed_phrase_opens_crisis_screen(journal: Journal) -> None:
    from textual.widgets import Input

    from kapjournal.core.models import CheckIn, SafetyEvent
    from kapjournal.screens.checkin import CheckInScreen
    from kapjournal.screens.crisis import CrisisScreen

    app = Harness(journal, CheckInScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        app.screen.query_one("#checkin-note", Input).value = "feel like ending my life"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CrisisScreen)
    assert len(journal.all(CheckIn)) == 1
    (event,) = journal.all(SafetyEvent)
    assert event.detail == "checkin:note"


async def test_session_form_filled_in_survives_a_lock(vault_path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input, TextArea

    from kapjournal.core.models import Draft
    from kapjournal.core.models import Session as SessionModel
    from kapjournal.screens.restore import RestoreDraftModal
    from kapjournal.screens.session_form import SessionFormScreen
    from kapjournal.screens.unlock import UnlockScreen
    from tests.screens.tui_helpers import settle, unlock

    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SessionFormScreen)
        form.query_one("#f-started_at", Input).value = "2026-11-26 08:00"
        form.query_one("#f-dose", Input).value = "56"
        form.query_one("#f-v_pre_bp", Input).value = "128/82"
        form.query_one("#form-notes", TextArea).text = "Music helped a lot."
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        await settle(pilot)
        assert isinstance(app.screen, RestoreDraftModal)
        await pilot.click("#restore-yes")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SessionFormScreen)
        assert form.query_one("#f-started_at", Input).value == "2026-11-26 08:00"
        assert form.query_one("#f-dose", Input).value == "56"
        assert form.query_one("#f-v_pre_bp", Input).value == "128/82"
        assert form.query_one("#form-notes", TextArea).text == "Music helped a lot."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SessionFormScreen)
        journal = app.journal
        assert journal is not None
        (session,) = journal.all(SessionModel)
        assert session.dose_value == "56" and session.notes == "Music helped a lot."
        assert journal.all(Draft) == []  # the draft goes once the session is saved


async def test_session_form_untouched_leaves_no_draft_on_lock(journal: Journal) -> None:
    from kapjournal.core.models import Draft
    from kapjournal.screens.session_form import SessionFormScreen

    app = Harness(journal, SessionFormScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionFormScreen)
        screen.before_lock()
    assert journal.all(Draft) == []


async def test_lock_with_a_screen_on_top_of_a_feature_screen_does_not_crash(
    vault_path,  # type: ignore[no-untyped-def]
) -> None:
    # Locking pops every screen; the feature screen under the top one was "resumed"
    # on the way and read the (already closed) journal: VaultLocked ended the app.
    from kapjournal.screens import registry
    from kapjournal.screens.help import HelpScreen
    from kapjournal.screens.unlock import UnlockScreen
    from tests.screens.tui_helpers import SIZE, make_app, make_vault, settle, unlock

    make_vault(vault_path, "one entry")
    app = make_app(vault_path)
    keys = [f.key for f in registry.FEATURES if f.key in ("l", "g", "t", "a", "c")]
    assert len(keys) == 5
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            feature_screen = app.screen
            app.action_help()  # any screen on top
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert app.is_running and app.return_code is None, (key, feature_screen)
            assert isinstance(app.screen, UnlockScreen)
            await unlock(pilot)


async def test_home_footer_shows_help_and_lock_at_100_and_80_columns(vault_path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets._footer import FooterKey

    from tests.screens.tui_helpers import make_app, make_vault, settle, unlock

    make_vault(vault_path, "one entry")
    for width, height in ((100, 30), (80, 24)):
        app = make_app(vault_path)
        async with app.run_test(size=(width, height)) as pilot:
            await unlock(pilot)
            await settle(pilot)
            visible = {
                k.key
                for k in app.screen.query(FooterKey)
                if k.region.width and k.region.right <= width - 12  # left of "^p palette"
            }
            assert {"f1", "ctrl+l", "n"} <= visible, (width, visible)


async def test_editor_typing_y_after_a_stray_escape_keeps_the_writing(journal: Journal) -> None:
    from textual.widgets import TextArea

    from kapjournal.screens.confirm import ConfirmModal
    from kapjournal.screens.editor import EditorScreen

    app = Harness(journal, EditorScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        editor = app.screen
        await pilot.press(*"Long day. ")
        await pilot.press("escape")  # a stray escape...
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press(*"yesterday")  # ...and typing on does not throw it away
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor
        assert editor.query_one("#editor-body", TextArea).text == "Long day. "


async def test_confirm_delete_entry_still_accepts_y(journal: Journal) -> None:
    from kapjournal.screens.confirm import ConfirmModal

    app = Harness(journal, lambda: ConfirmModal("Delete this entry?", "Gone for good."))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]


async def test_home_delete_question_names_the_entry_unless_privacy_mode(vault_path) -> None:  # type: ignore[no-untyped-def]
    from kapjournal.screens.confirm import ConfirmModal
    from tests.screens.tui_helpers import PASSPHRASE, make_app, make_vault, settle, unlock

    make_vault(vault_path, "Dinner with Maya")
    for privacy in (False, True):
        with Journal.unlock(vault_path, PASSPHRASE) as j:
            j.save_settings(j.settings().replace(privacy_mode=privacy))
        app = make_app(vault_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await unlock(pilot)
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)
            shown = app.screen._message
            assert ("Dinner with Maya" in shown) is not privacy
            await pilot.press("escape")
            await settle(pilot)


def test_due_labels_do_not_repeat_the_pack_title() -> None:
    from kapjournal.screens.due import _without_repeat

    assert _without_repeat("Right after", "Right after", "immediate") == ""
    assert (
        _without_repeat("Right after", "Right after · session of Thu 26 Nov", "immediate")
        == "session of Thu 26 Nov"
    )
    assert _without_repeat("The next day", "Next day · session of Tue 1 Dec", "next_day") == (
        "Next day · session of Tue 1 Dec"
    )


async def test_due_screen_rows_read_without_repeats(journal: Journal) -> None:
    app = Harness(journal, DueScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        olist = app.screen.query_one("#due-list", OptionList)
        rows = [str(olist.get_option_at_index(i).prompt) for i in range(olist.option_count)]
        assert "  Right after" in rows and "  Getting ready · Before the session" in rows
        assert not any("Right after · Right after" in r for r in rows)


async def test_sessions_plan_course_typo_keeps_the_text_and_says_why(journal: Journal) -> None:
    from textual.widgets import DataTable, Input, Static

    from kapjournal.screens.sessions import AskModal, SessionsScreen

    app = Harness(journal, SessionsScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        sessions_screen = app.screen
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(*"3 sessions weekly", "enter")
        await pilot.pause()
        # Still asking, with the text kept and a message under it (no toast to miss,
        # and the next keys do not land on the sessions list: "e" opened an edit).
        modal = app.screen
        assert isinstance(modal, AskModal)
        field = modal.query_one("#ask-input", Input)
        assert field.value == "3 sessions weekly"
        assert str(modal.query_one("#ask-error", Static).render()).strip()
        field.value = "3 sessions, once a week, from 2027-01-30 at 9:00"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is sessions_screen
        assert sessions_screen.query_one("#sessions-table", DataTable).row_count == 3


async def test_settings_escape_after_typing_asks_before_dropping_it(vault_path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    from kapjournal.screens.confirm import ConfirmModal
    from kapjournal.screens.settings import SettingsScreen
    from tests.screens.tui_helpers import make_app, make_vault, settle, unlock

    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await settle(pilot)
        settings_screen = app.screen
        assert isinstance(settings_screen, SettingsScreen)
        settings_screen.query_one("#set-clinic-phone", Input).value = "+44 20 7946 0000"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert app.screen is settings_screen
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.journal is not None
        assert app.journal.settings().clinic_phone == "+44 20 7946 0000"


async def test_unlock_points_to_the_recovery_code_after_a_few_wrong_tries(vault_path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Static

    from kapjournal.screens.unlock import WRONG_PASSPHRASE, UnlockScreen
    from tests.screens.tui_helpers import make_app, make_vault, unlock

    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        messages = []
        for _ in range(3):
            await unlock(pilot, "not it at all")
            assert isinstance(app.screen, UnlockScreen)
            messages.append(str(app.screen.query_one("#unlock-message", Static).render()))
        assert messages[0] == messages[1] == WRONG_PASSPHRASE
        assert "kapjournal recover" in messages[2]


async def test_idle_lock_shows_an_unacknowledged_crisis_screen_again(vault_path) -> None:  # type: ignore[no-untyped-def]
    # CLINICAL.md (d): the crisis screen is never closed automatically. The idle
    # lock still closes the journal; the screen comes back over the unlock screen.
    from kapjournal.screens.crisis import CrisisScreen
    from kapjournal.screens.unlock import UnlockScreen
    from tests.screens.tui_helpers import PASSPHRASE, make_app, make_vault, settle, unlock

    make_vault(vault_path)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        j.save_settings(j.settings().replace(country="UK", clinic_phone="0123 456"))
    app = make_app(vault_path, idle_seconds=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.push_screen(CrisisScreen([]))
        await settle(pilot)
        waited = 0.0
        while app.journal is not None and waited < 8:
            await pilot.pause(0.2)
            waited += 0.2
        await settle(pilot)
        assert app.journal is None
        shown = app.screen
        assert isinstance(shown, CrisisScreen)
        assert isinstance(app.screen_stack[-2], UnlockScreen)
        numbers = str(shown.query_one("#crisis-numbers").render())
        assert "116 123" in numbers and "0123 456" in numbers  # the patient's own numbers
        await pilot.click("#crisis-ack")  # drawn and clickable, not just on the stack
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)


async def test_manual_lock_from_the_crisis_screen_goes_to_unlock(vault_path) -> None:  # type: ignore[no-untyped-def]
    from kapjournal.screens.crisis import CrisisScreen
    from kapjournal.screens.unlock import UnlockScreen
    from tests.screens.tui_helpers import make_app, make_vault, settle, unlock

    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.push_screen(CrisisScreen([]))
        await settle(pilot)
        await pilot.press("ctrl+l")  # the person chose to lock (e.g. someone walked in)
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)


async def test_scale_escape_after_answering_asks_first(journal: Journal) -> None:
    import tomllib

    from kapjournal.core import scales
    from kapjournal.core.models import ScaleResult
    from kapjournal.screens.confirm import ConfirmModal
    from kapjournal.screens.scale import ScaleScreen
    from tests.core.test_scales import MADE_UP

    pack = scales.parse_scale(tomllib.loads(MADE_UP), "weather4.toml")
    app = Harness(journal, lambda: ScaleScreen(pack))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("down", "enter", "ctrl+n")  # first item answered
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # keep answering
        await pilot.pause()
        assert app.screen is screen and screen.answers == {"fog": 1}
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.results == [None]
    assert journal.all(ScaleResult) == []


async def test_session_form_vitals_messages_readable_at_80_columns(journal: Journal) -> None:
    from textual.widgets import Input, Static

    from kapjournal.screens.session_form import SessionFormScreen

    app = Harness(journal, SessionFormScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#f-v_pre_hr", Input).value = "fast"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = screen.query_one("#err-v_pre", Static)
        assert "whole number" in str(message.render())
        # Beside three fields it had 6 columns and took 7 lines, one word-piece each.
        assert message.region.width >= 50 and message.region.height <= 2
        untouched = screen.query_one("#err-v_40min", Static)
        assert untouched.region.height == 0  # no blank line where there is nothing to say


async def test_settings_session_mode_hours_say_what_they_do_and_refuse_zero(
    vault_path,  # type: ignore[no-untyped-def]
) -> None:
    # The setting only sets how long session mode keeps the journal open, and 0
    # silently meant 4 hours (schedule.grace_hours), not "no grace".
    from textual.widgets import Input, Label, Static

    from kapjournal.screens.settings import SettingsScreen
    from tests.screens.tui_helpers import make_app, make_vault, settle, unlock

    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        labels = " ".join(str(w.render()) for w in screen.query(Label))
        assert "Session mode" in labels and "session day" not in labels
        screen.query_one("#set-grace", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # not saved
        assert "between 1 and 8" in str(screen.query_one("#set-grace-msg", Static).render())


async def test_session_mode_checklist_fits_whole_at_80x24(journal: Journal) -> None:
    from textual.widgets import SelectionList

    from kapjournal.core import checklist
    from kapjournal.screens.session_mode import SessionModeScreen

    app = Harness(journal, SessionModeScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one(".mode--title").region.y >= 0  # the title was scrolled off
        items = screen.query_one("#mode-checklist", SelectionList)
        room = items.content_region.width - 4  # the tick box and its gap
        longest = max(len(i.text) for i in checklist.items_for("home_supervised"))
        assert longest <= room, (longest, room)  # no item cut with an ellipsis
        start = screen.query_one("#mode-start")
        assert start.region.bottom <= 23  # above the footer


async def test_session_mode_footer_says_what_escape_does_now(journal: Journal) -> None:
    from textual.widgets._footer import FooterKey

    from kapjournal.core.models import Entry
    from kapjournal.screens.session_mode import SessionModeScreen

    def escape_label() -> str:
        (key,) = [k for k in app.screen.query(FooterKey) if k.key == "escape"]
        return key.description

    app = Harness(journal, SessionModeScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert escape_label() == "Back"  # before Start nothing locks
        await pilot.press("enter")  # Start
        await pilot.pause()
        assert escape_label() == "Leave (locks)"
        await pilot.press("i", *"blue", "escape")  # escape while writing keeps it
        await pilot.pause()
        assert app.screen is screen and app.locked == 0
        assert [e.body for e in journal.all(Entry)] == ["blue"]
        await pilot.press("i")
        await pilot.pause()
        assert escape_label() == "Stop writing (kept)"
        await pilot.press("escape", "escape")  # stop writing, then leave
        await pilot.pause()
        assert app.locked == 1


async def test_lock_at_the_end_of_session_mode_says_why(vault_path) -> None:  # type: ignore[no-untyped-def]
    from kapjournal.screens.unlock import UnlockScreen
    from tests.screens.tui_helpers import make_app, make_vault, settle, unlock

    make_vault(vault_path)
    app = make_app(vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        app.lock(reason="session_grace_over")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        said = [str(n.message) for n in app._notifications]
        assert any("Session mode" in m and "fragments are kept" in m for m in said)


async def test_checkin_started_survives_a_lock(vault_path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    from kapjournal.core.models import CheckIn, Draft
    from kapjournal.screens.checkin import CheckInScreen
    from kapjournal.screens.restore import RestoreDraftModal
    from kapjournal.screens.unlock import UnlockScreen
    from kapjournal.widgets.scale_picker import ScalePicker
    from tests.screens.tui_helpers import settle, unlock

    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        screen.query_one("#checkin-mood", ScalePicker).value = 4
        screen.query_one("#checkin-sleep", ScalePicker).value = 7
        screen.query_one("#checkin-note", Input).value = "Slept better after the walk."
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        await settle(pilot)
        assert isinstance(app.screen, RestoreDraftModal)
        await pilot.click("#restore-yes")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        assert screen.query_one("#checkin-mood", ScalePicker).value == 4
        assert screen.query_one("#checkin-sleep", ScalePicker).value == 7
        assert screen.query_one("#checkin-anxiety", ScalePicker).value is None
        assert screen.query_one("#checkin-note", Input).value == "Slept better after the walk."
        await pilot.press("ctrl+s")
        await settle(pilot)
        journal = app.journal
        assert journal is not None
        (checkin,) = journal.all(CheckIn)
        assert checkin.mood == 4 and checkin.sleep == 7 and checkin.anxiety is None
        assert journal.all(Draft) == []  # the draft goes once the check-in is saved


async def test_checkin_untouched_leaves_no_draft_on_lock(vault_path) -> None:  # type: ignore[no-untyped-def]
    from kapjournal.core.journal import Journal
    from kapjournal.core.models import Draft
    from kapjournal.screens.checkin import CheckInScreen
    from tests.conftest import PASSPHRASE
    from tests.screens.tui_helpers import settle

    async with unlocked(vault_path) as (app, pilot, _):
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert j.all(Draft) == []
