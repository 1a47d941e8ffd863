"""CLI round trips: session add/list/show/edit/move, course plan/list, due, checkin, pack."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kapjournal.cli import main
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Course, Session
from tests.conftest import PASSPHRASE


@pytest.fixture
def run(vault_path: Path, passphrase_file: Path):  # type: ignore[no-untyped-def]
    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(
            main,
            ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file), *args],
            input=input,
            catch_exceptions=False,
        )

    assert invoke("init").exit_code == 0
    return invoke


def sessions(vault_path: Path) -> list[Session]:
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        return sorted(j.all(Session), key=lambda s: s.started_at)


def test_session_add_round_trip_keeps_dose_exactly(run, vault_path: Path) -> None:
    r = run(
        "session",
        "add",
        "--when",
        "yesterday 10:00",
        "--end",
        "11:40",
        "--route",
        "im",
        "--dose",
        "0.75",
        "--unit",
        "mg_per_kg",
        "--setting",
        "clinic",
        "--vitals",
        "pre:132/84,hr=71",
        "--vitals",
        "end:118/76,spo2=98",
        "--side-effect",
        "nausea=2",
        "--dissociation",
        "7",
        "--therapist-present",
    )
    assert r.exit_code == 0, r.output
    (s,) = sessions(vault_path)
    assert s.status == "completed" and s.dose_value == "0.75" and s.dose_unit == "mg_per_kg"
    assert [(v.when, v.bp_sys, v.bp_dia, v.hr, v.spo2) for v in s.vitals] == [
        ("pre", 132, 84, 71, None),
        ("end", 118, 76, None, 98),
    ]
    assert s.side_effects == {"nausea": 2} and s.dissociation == 7 and s.therapist_present
    assert s.ended_at is not None and (s.ended_at - s.started_at) == timedelta(minutes=100)
    shown = run("session", "show", s.id[:8])
    assert "BP 132/84" in shown.output and "nausea moderate (2)" in shown.output
    assert "0.75 mg/kg" in shown.output
    listed = run("session", "list")
    assert s.id[:8] in listed.output and "completed" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--dose", "-5"), "dose"),
        (("--dose", "lots"), "positive number"),
        (("--vitals", "pre:300/80"), "between 60 and 260"),
        (("--vitals", "pre:120-80"), "like 120/80"),
        (("--when", "+3d"), "future"),
        (("--dissociation", "12"), "between 0 and 10"),
        (("--side-effect", "sneezing=1"), "Unknown side effect"),
    ],
)
def test_session_add_rejects_bad_input_and_saves_nothing(run, vault_path, args, message) -> None:
    r = run("session", "add", *args)
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output
    assert sessions(vault_path) == []


def test_session_add_planned_may_be_in_future(run, vault_path: Path) -> None:
    assert run("session", "add", "--planned", "--when", "+10d").exit_code == 0
    assert sessions(vault_path)[0].status == "planned"


def test_course_plan_then_log_completes_planned_session(run, vault_path: Path) -> None:
    start = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    r = run("course", "plan", f"6 sessions, twice a week, from {start} at 10:00")
    assert r.exit_code == 0, r.output
    planned = sessions(vault_path)
    assert len(planned) == 6 and all(s.status == "planned" for s in planned)
    r = run(
        "session",
        "add",
        "--when",
        f"{start} 10:30",
        "--route",
        "iv",
        "--dose",
        "35",
        "--unit",
        "mg",
    )
    assert r.exit_code == 0, r.output
    assert "session 1 of 6" in r.output
    after = sessions(vault_path)
    assert len(after) == 6
    assert after[0].id == planned[0].id and after[0].status == "completed"
    assert after[0].series_index == 1 and after[0].dose_value == "35"
    listing = run("course", "list").output
    assert "session 1 of 6" in listing and "next: session 2" in listing


def test_course_plan_explicit_dates_and_move_one(run, vault_path: Path) -> None:
    r = run("course", "plan", "--dates", "2027-01-29 09:00,2027-01-31,2027-02-03")
    assert r.exit_code == 0, r.output
    before = sessions(vault_path)
    assert [s.started_at.strftime("%m-%d %H:%M") for s in before] == [
        "01-29 09:00",
        "01-31 10:00",
        "02-03 10:00",
    ]
    assert run("session", "move", before[1].id[:8], "2027-02-01 11:00").exit_code == 0
    after = {s.id: s for s in sessions(vault_path)}
    assert after[before[1].id].started_at.strftime("%m-%d %H:%M") == "02-01 11:00"
    assert after[before[0].id] == before[0] and after[before[2].id] == before[2]


def test_course_plan_needs_spec_or_dates(run) -> None:
    r = run("course", "plan")
    assert r.exit_code == 2 and "either" in r.output


def test_course_boosters_continue_numbering(run, vault_path: Path) -> None:
    run("course", "plan", "--dates", "2027-01-31,2027-02-02")
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        cid = j.all(Course)[0].id
    r = run("course", "boosters", cid[:8], "--count", "2", "--every-months", "1")
    assert r.exit_code == 0, r.output
    got = sessions(vault_path)
    assert [s.series_index for s in got] == [1, 2, 3, 4]
    assert [s.started_at.strftime("%m-%d") for s in got[2:]] == ["03-02", "04-02"]


def test_session_edit_changes_only_given_fields(run, vault_path: Path) -> None:
    run(
        "session",
        "add",
        "--when",
        "yesterday 10:00",
        "--dose",
        "2",
        "--unit",
        "lozenges",
        "--notes",
        "calm room",
    )
    (s,) = sessions(vault_path)
    r = run("session", "edit", s.id[:6], "--dissociation", "4", "--vitals", "40min:125/82")
    assert r.exit_code == 0, r.output
    (e,) = sessions(vault_path)
    assert e.dissociation == 4 and e.dose_value == "2" and e.notes == "calm room"
    assert [v.when for v in e.vitals] == ["40min"]
    bad = run("session", "edit", s.id[:6], "--dose", "0")
    assert bad.exit_code == 2 and sessions(vault_path)[0].dose_value == "2"


def test_due_lists_next_day_pack_after_logged_session(run) -> None:
    when = (datetime.now() - timedelta(hours=20)).strftime("%Y-%m-%d %H:%M")
    assert run("session", "add", "--when", when).exit_code == 0
    r = run("due")
    assert r.exit_code == 0 and "The next day" in r.output and "Due now" in r.output
    data = json.loads(run("due", "--json").output)
    assert "next_day" in [i["pack_id"] for i in data["due"]]


def test_due_is_quiet_right_after_a_session(run) -> None:
    when = (datetime.now() - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
    run("session", "add", "--when", when)
    r = run("due")
    assert "Quiet time" in r.output and "Due now" not in r.output


def test_checkin_with_options_links_to_session(run, vault_path: Path) -> None:
    run("session", "add", "--when", "yesterday 10:00")
    r = run("checkin", "--mood", "6", "--hope", "7")
    assert r.exit_code == 0, r.output
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        (c,) = j.all(CheckIn)
        (s,) = j.all(Session)
    assert (c.mood, c.hope, c.anxiety, c.session_id) == (6, 7, None, s.id)


def test_checkin_prompts_and_reasks_on_bad_value(run, vault_path: Path) -> None:
    r = run("checkin", input="5\n11\n3\n\n\n\n")
    assert r.exit_code == 0, r.output
    assert "whole number from 0 to 10" in r.output
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        (c,) = j.all(CheckIn)
    assert (c.mood, c.anxiety, c.sleep) == (5, 3, None)


def test_checkin_rejects_out_of_range(run) -> None:
    r = run("checkin", "--mood", "15")
    assert r.exit_code == 2 and "0 to 10" in r.output


def test_pack_check_and_import(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "b"\ntitle = "B"\nphase = "daily"\n[[prompts]]\nid = "q"\nkind = "x"\n')
    r = run("pack", "check", str(bad))
    assert r.exit_code == 2 and "bad.toml, prompt 'q'" in r.output
    good = tmp_path / "good.toml"
    good.write_text('id = "g"\ntitle = "G"\nphase = "any"\n[[prompts]]\nid = "q"\ntext = "Q?"\n')
    r = run("pack", "import", str(good), "--to", str(tmp_path / "user"))
    assert r.exit_code == 0 and (tmp_path / "user" / "g.toml").exists()
    assert run("pack", "list").exit_code == 0


def test_pack_focus_sets_settings_and_rejects_unknown(run, vault_path: Path) -> None:
    assert "Focus packs: none" in run("pack", "focus").output
    r = run("pack", "focus", "ptsd", "substance_use")
    assert r.exit_code == 0 and "ptsd, substance_use" in r.output
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert j.settings().focus_packs == ("ptsd", "substance_use")
    assert run("pack", "focus", "sadness").exit_code == 2


def test_appointment_makes_pre_therapy_due(run) -> None:
    when = (datetime.now() + timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    assert run("appointment", "add", when).exit_code == 0
    assert when[:10] in run("appointment", "list").output
    assert "Before therapy" in run("due").output


@pytest.mark.parametrize(
    ("country", "expected"), [("GB", "116 123"), ("AU", "13 11 14"), (None, "988")]
)
def test_crisis_prints_numbers_without_unlocking(country: str | None, expected: str) -> None:
    args = ["crisis"] + (["--country", country] if country else [])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and expected in r.output
