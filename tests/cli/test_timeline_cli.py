"""`kapjournal timeline` and `kapjournal insight ...` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kapjournal.cli.timeline_cmds as timeline_cmds
from kapjournal.cli import main
from kapjournal.core.journal import Journal
from kapjournal.core.models import Insight
from tests.conftest import PASSPHRASE
from tests.timeline_fixture import IDS, clock, fill


@pytest.fixture
def cli_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    with Journal.create(vault_path, PASSPHRASE, now=clock) as j:
        fill(j)
    real_open = timeline_cmds.open_journal

    def frozen_open(state: Any, *, readonly: bool = False) -> Journal:
        journal: Journal = real_open(state, readonly=readonly)
        journal.now = clock
        return journal

    monkeypatch.setattr(timeline_cmds, "open_journal", frozen_open)
    return vault_path


def run(vault: Path, pw: Path, *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(
        main, ["--vault", str(vault), "--passphrase-file", str(pw), *args], input=stdin
    )


def test_timeline_cli_prints_sessions_and_items(cli_vault: Path, passphrase_file: Path) -> None:
    result = run(cli_vault, passphrase_file, "timeline")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Before the first session") < out.index("Session 1 ·")
    assert out.index("Session 1 ·") < out.index("Session 2 ·") < out.index("Session 3 ·")
    assert "0.5 mg/kg" in out and "50 mg" in out and "2 lozenge(s)" in out
    assert "Check-in · mood 4 · anxiety 6" in out
    assert "Upcoming" in out


def test_timeline_cli_insights_since_session(cli_vault: Path, passphrase_file: Path) -> None:
    result = run(cli_vault, passphrase_file, "timeline", "--insights", "--since", "session 2")
    assert result.exit_code == 0, result.output
    assert "Showing: since session 2 · insights only" in result.output
    assert "Session 3 ·" in result.output
    assert "Session 1 ·" not in result.output
    assert "I can ask for help" in result.output
    assert "critical voice" not in result.output


def test_timeline_cli_json(cli_vault: Path, passphrase_file: Path) -> None:
    result = run(cli_vault, passphrase_file, "timeline", "--json", "--route", "iv")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["number"] for s in data["sessions"]] == [1]
    assert data["filter"]["route"] == "iv"
    assert data["before_first_session"] == []


def test_timeline_cli_bad_filter_is_a_calm_error(cli_vault: Path, passphrase_file: Path) -> None:
    result = run(cli_vault, passphrase_file, "timeline", "--since", "someday maybe")
    assert result.exit_code == 2
    assert "not a date I can read" in result.output
    assert "Traceback" not in result.output
    result = run(cli_vault, passphrase_file, "timeline", "--since", "session 12")
    assert result.exit_code == 2
    assert "no session 12" in result.output


def test_insight_cli_add_follow_up_and_list(cli_vault: Path, passphrase_file: Path) -> None:
    added = run(
        cli_vault,
        passphrase_file,
        "insight",
        "add",
        IDS["e_lozenge"],
        "--passage",
        "softer than the clinic",
        "-t",
        "home",
        "--bring",
    )
    assert added.exit_code == 0, added.output
    assert "linked to its session" in added.output
    with Journal.unlock(cli_vault, PASSPHRASE, readonly=True) as j:
        new = [i for i in j.all(Insight) if i.entry_id == IDS["e_lozenge"]]
    assert len(new) == 1 and new[0].tags == ("home",) and new[0].bring_to_therapy
    short = new[0].id[:10]
    fu = run(cli_vault, passphrase_file, "insight", "follow-up", short, "discussed", "--on", "1w")
    assert fu.exit_code == 0, fu.output
    listed = run(cli_vault, passphrase_file, "insight", "list", "--bring")
    assert listed.exit_code == 0, listed.output
    assert "softer than the clinic" in listed.output
    assert "from session 3 (2026-11-10)" in listed.output
    assert "Discussed in therapy on 2026-11-13" in listed.output
    assert "critical voice" not in listed.output  # not flagged


def test_insight_cli_rejects_wrong_record_kind(cli_vault: Path, passphrase_file: Path) -> None:
    result = run(cli_vault, passphrase_file, "insight", "add", IDS["s1"])
    assert result.exit_code == 2
    assert "not an entry" in result.output


def test_insight_cli_free_text_and_bring_off(cli_vault: Path, passphrase_file: Path) -> None:
    result = run(cli_vault, passphrase_file, "insight", "add", "--text", stdin="Slow down #pace\n")
    assert result.exit_code == 0, result.output
    off = run(cli_vault, passphrase_file, "insight", "bring", IDS["i_free"], "--off")
    assert off.exit_code == 0, off.output
    data = json.loads(run(cli_vault, passphrase_file, "insight", "list", "--json").output)
    texts = {i["text"]: i for i in data["insights"]}
    assert texts["Slow down #pace"]["tags"] == ["pace"]
    assert texts["Slow down #pace"]["session_number"] == 3
    assert texts["I can ask for help before things pile up."]["bring_to_therapy"] is False
