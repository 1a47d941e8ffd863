"""CLI defects found by trying every command as a new user (one calm sentence, exit 2)."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kapjournal.cli import main
from kapjournal.core import errors
from kapjournal.core.journal import Journal
from kapjournal.core.models import Answer, Session, new_id
from tests.conftest import PASSPHRASE

TOOL = Path(__file__).resolve().parents[2] / "tools" / "kapjournal-decrypt"


def _run(vault: Path, pw: Path, *args: str, input: str | None = None) -> Result:  # noqa: A002
    return CliRunner().invoke(
        main, ["--vault", str(vault), "--passphrase-file", str(pw), *args], input=input
    )


def _calm(result: Result) -> str:
    """The one line a user sees; fails if a traceback or a raw exception escaped."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.stderr


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make stat() of ``denied`` fail as it does inside a folder without search permission."""
    real_stat = Path.stat

    def stat(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat)


def test_cli_vault_in_unreadable_folder_is_calm(
    vault_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    _deny(monkeypatch, vault_path)
    for command in (["list"], ["search", "calm"], ["verify"], ["rekey"], ["recover"]):
        err = _calm(_run(vault_path, passphrase_file, *command, input="x\n"))
        assert "not allowed to look inside the folder" in err, command


def test_cli_init_in_unreadable_folder_is_calm(
    vault_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, vault_path)
    err = _calm(_run(vault_path, passphrase_file, "init"))
    assert f"not allowed to create a vault in {vault_path.parent}" in err
    assert not vault_path.parent.exists() or not any(vault_path.parent.iterdir())


def test_cli_unexpected_os_error_is_one_sentence(
    vault_path: Path, passphrase_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    dest = tmp_path / "locked" / "copy.kapj"
    _deny(monkeypatch, dest)
    err = _calm(_run(vault_path, passphrase_file, "backup", str(dest)))
    assert err.strip() == (
        f"kapjournal: kapjournal is not allowed to use this file or folder ({dest}). "
        "Check its permissions."
    )


def test_cli_missing_vault_names_path_and_init(tmp_path: Path, passphrase_file: Path) -> None:
    missing = tmp_path / "nowhere" / "journal.kapj"
    err = _calm(_run(missing, passphrase_file, "list"))
    assert str(missing) in err and "kapjournal init" in err


def test_cli_wrong_kind_of_id_reads_naturally(
    vault_path: Path, passphrase_file: Path, journal: Journal
) -> None:
    entry = journal.add_entry("a note")
    session_id = journal.save(Session(id=new_id(), started_at=journal.now())).id
    journal.close()
    err = _calm(_run(vault_path, passphrase_file, "show", session_id[:8]))
    assert f"{session_id[:8]} is a session, not an entry." in err
    err = _calm(_run(vault_path, passphrase_file, "session", "show", entry.id[:8]))
    assert f"{entry.id[:8]} is an entry, not a session." in err
    err = _calm(_run(vault_path, passphrase_file, "insight", "bring", entry.id[:8]))
    assert "is an entry, not an insight." in err


def test_kind_phrase_articles() -> None:
    from kapjournal.cli import kind_phrase

    assert kind_phrase("entry") == "an entry"
    assert kind_phrase("insight") == "an insight"
    assert kind_phrase("checkin") == "a check-in"
    assert kind_phrase("appointment") == "an appointment"
    assert kind_phrase("scale") == "a questionnaire result"


def test_cli_session_errors_name_the_options_typed(vault_path: Path, passphrase_file: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    args = ("session", "add", "--when", "garbage", "--side-effect", "nausea=9")
    err = _calm(_run(vault_path, passphrase_file, *args, "--vitals", "pre:abc"))
    assert "--when: 'garbage' is not a date" in err
    assert "--side-effect nausea:" in err
    assert "--vitals pre: bp:" in err
    for internal in ("started_at", "se_nausea", "v_pre_bp"):
        assert internal not in err


def test_cli_course_plan_without_a_plan_says_what_to_give(
    vault_path: Path, passphrase_file: Path
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    err = _calm(_run(vault_path, passphrase_file, "course", "plan"))
    assert "not both" not in err and "Give either a plan like" in err
    both = _run(vault_path, passphrase_file, "course", "plan", "6 sessions", "--dates", "2w")
    assert "not both" in _calm(both)


def test_cli_backup_to_new_folder_with_slash(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    folder = tmp_path / "backups"
    result = _run(vault_path, passphrase_file, "backup", f"{folder}/")
    assert result.exit_code == 0, result.output
    assert folder.is_dir()
    copies = list(folder.glob("kapjournal-*.kapj"))
    assert len(copies) == 1
    with Journal.unlock(copies[0], PASSPHRASE, readonly=True) as copy:
        assert copy.verify().ok


def test_cli_import_folder_for_file_format_is_named(
    vault_path: Path, passphrase_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    monkeypatch.chdir(tmp_path)
    err = _calm(_run(vault_path, passphrase_file, "import", ".", "--from", "jrnl-txt"))
    assert "Import of .: that is a folder; this format needs a file." in err
    err = _calm(_run(vault_path, passphrase_file, "import", "nope.txt", "--from", "jrnl-txt"))
    assert "Import of nope.txt: no such file." in err


def test_cli_import_summary_counts_in_good_english(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    source = tmp_path / "j.txt"
    source.write_text("[2026-10-01 09:00] Slept well @sleep*\nbody\n")
    result = _run(vault_path, passphrase_file, "import", str(source), "--from", "jrnl-txt")
    assert result.exit_code == 0, result.output
    assert "Imported 1 entry with 1 tag, 1 insight and 0 check-ins." in result.stdout
    again = _run(vault_path, passphrase_file, "import", str(source), "--from", "jrnl-txt")
    assert "Skipped 1 duplicate (same date and text)." in again.stdout


def test_cli_search_works_when_the_index_cannot_be_saved(
    vault_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("a steady walk by the river")
    from kapjournal.core import index

    def refuse(*args: object, **kwargs: object) -> bool:
        raise errors.StoragePermission()

    monkeypatch.setattr(index.SearchService, "save", refuse)
    result = _run(vault_path, passphrase_file, "search", "river")
    assert result.exit_code == 0, (result.output, result.exception)
    assert "a steady walk by the river" in result.stdout
    assert "The search index was not saved" in result.stderr


def test_cli_verify_failure_points_to_repair(vault_path: Path, passphrase_file: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        bad = j.add_entry("bad")
    conn = sqlite3.connect(vault_path, isolation_level=None)
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (b"junk" * 8, bytes.fromhex(bad.id)))
    conn.close()
    result = _run(vault_path, passphrase_file, "verify")
    assert result.exit_code == 1
    assert "kapjournal verify --repair" in result.stderr


def test_cli_rekey_and_restore_counts_singular(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("only one")
        backup = j.vault.backup_to(tmp_path / "b.kapj")
    rekeyed = _run(vault_path, passphrase_file, "rekey")
    assert "1 record was re-encrypted" in rekeyed.stdout
    restored = _run(vault_path, passphrase_file, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "Restored 1 record (1 entry)" in restored.stdout


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd="/",
    )


def test_decrypt_tool_bad_input_is_one_line(tmp_path: Path, passphrase_file: Path) -> None:
    vault = tmp_path / "v.kapj"
    Journal.create(vault, PASSPHRASE).close()
    not_vault = tmp_path / "notes.txt"
    not_vault.write_text("hello")
    cases = [
        ([str(tmp_path / "missing.kapj")], "cannot open"),
        ([str(not_vault)], "cannot open"),
        ([str(vault), "--passphrase-file", str(tmp_path / "nope")], "passphrase file"),
        ([str(vault), "--recovery-code", "--passphrase-file", str(passphrase_file)], "no recovery"),
    ]
    for args, words in cases:
        done = _tool(*args)
        assert done.returncode == 1, args
        assert "Traceback" not in done.stderr, done.stderr
        assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_import_kapjournal_json_counts_loose_insights_and_checkins(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    from kapjournal.core.models import CheckIn, Insight

    source_vault = tmp_path / "old" / "journal.kapj"
    with Journal.create(source_vault, PASSPHRASE) as j:
        entry = j.add_entry("the river was calm")
        j.save(Insight(id=new_id(), created=j.now(), text="the river", entry_id=entry.id))
        j.save(Insight(id=new_id(), created=j.now(), text="I can rest"))  # no entry
        j.save(CheckIn(id=new_id(), at=j.now(), mood=6))
        j.save(CheckIn(id=new_id(), at=j.now(), hope=4))
    export = tmp_path / "out.json"
    made = _run(
        source_vault,
        passphrase_file,
        "export",
        "--format",
        "json",
        "--plaintext",
        "-o",
        str(export),
    )
    assert made.exit_code == 0, made.output
    Journal.create(vault_path, PASSPHRASE).close()
    result = _run(vault_path, passphrase_file, "import", str(export), "--from", "kapjournal-json")
    assert result.exit_code == 0, result.output
    assert "Imported 1 entry with 0 tags, 2 insights and 2 check-ins." in result.stdout
    assert "other record" not in result.stdout
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert len(j.all(Insight)) == 2 and len(j.all(CheckIn)) == 2


def test_cli_import_encrypted_export_says_so(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    sealed = tmp_path / "visit.json.age"
    sealed.write_bytes(b"age-encryption.org/v1\n-> scrypt abc 18\nxyz\n--- abc\n\x00\x01\x02")
    err = _calm(
        _run(vault_path, passphrase_file, "import", str(sealed), "--from", "kapjournal-json")
    )
    assert "this export is encrypted" in err and "--plaintext" in err


def _pack(tmp_path: Path, question: str) -> Path:
    path = tmp_path / f"pack-{len(question)}.toml"
    path.write_text(
        'id = "clinic"\ntitle = "Clinic"\nphase = "any"\n'
        f'[[prompts]]\nid = "q"\ntext = "{question}"\n'
    )
    return path


def test_cli_pack_import_keeps_a_different_pack_with_the_same_id(tmp_path: Path) -> None:
    folder = tmp_path / "user"
    first, second = _pack(tmp_path, "What did you notice?"), _pack(tmp_path, "What else?")
    runner = CliRunner()
    done = runner.invoke(main, ["pack", "import", str(first), "--to", str(folder)])
    assert done.exit_code == 0 and f"into {folder}" in done.stdout
    again = runner.invoke(main, ["pack", "import", str(first), "--to", str(folder)])
    assert again.exit_code == 0 and "already in your prompts folder" in again.stdout
    refused = runner.invoke(main, ["pack", "import", str(second), "--to", str(folder)])
    assert "add --replace" in _calm(refused)
    assert (folder / "clinic.toml").read_bytes() == first.read_bytes()
    replaced = runner.invoke(
        main, ["pack", "import", str(second), "--to", str(folder), "--replace"]
    )
    assert replaced.exit_code == 0
    assert (folder / "clinic.toml").read_bytes() == second.read_bytes()


def test_cli_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kapjournal.cli import main; main()", "pack", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


def test_cli_due_lines_do_not_repeat_the_pack_name(
    vault_path: Path, passphrase_file: Path, journal: Journal
) -> None:
    from datetime import timedelta

    start = journal.now() - timedelta(hours=30)
    journal.save(Session(id=new_id(), started_at=start, route="im"))
    journal.close()
    result = _run(vault_path, passphrase_file, "due")
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if "The next day" in ln)
    day = f"{start:%a} {start.day} {start:%b}"
    assert line.startswith(f"  The next day  (session of {day}; due ")
    assert "Next day ·" not in result.stdout


def _ask(vault: Path, *args: str, input: str) -> Result:  # noqa: A002
    return CliRunner().invoke(main, ["--vault", str(vault), *args], input=input)


def test_cli_mistyped_passphrase_at_a_terminal_is_asked_again(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    monkeypatch.setattr("kapjournal.cli.interactive", lambda: True)
    result = _ask(
        vault_path, "add", "-m", "written before the typo", input=f"wrong\n{PASSPHRASE}\n"
    )
    assert result.exit_code == 0, result.output
    assert "please try again" in result.stderr
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert [e.body for e in j.entries()] == ["written before the typo"]
    rekeyed = _ask(vault_path, "rekey", input=f"wrong\n{PASSPHRASE}\n")
    assert rekeyed.exit_code == 0, rekeyed.output
    Journal.unlock(vault_path, PASSPHRASE, readonly=True).close()  # same passphrase still opens


def test_cli_passphrase_tries_are_limited(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    monkeypatch.setattr("kapjournal.cli.interactive", lambda: True)
    result = _ask(vault_path, "list", input="one\ntwo\nthree\n" + PASSPHRASE + "\n")
    err = _calm(result)
    assert err.count("please try again") == 2
    assert err.strip().endswith("That passphrase did not unlock the vault.")


def test_cli_passphrase_file_gets_one_try(
    vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    monkeypatch.setattr("kapjournal.cli.interactive", lambda: True)
    bad = tmp_path / "bad"
    bad.write_text("not it at all\n")
    bad.chmod(0o600)
    err = _calm(_run(vault_path, bad, "list"))
    assert "try again" not in err


def test_cli_add_at_a_terminal_says_busy_before_the_entry_is_typed(
    vault_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapjournal.cli.vault_cmds.interactive", lambda: True)
    with Journal.create(vault_path, PASSPHRASE):  # the app has it open
        err = _calm(_run(vault_path, passphrase_file, "add", input="a long entry\n"))
    assert "open elsewhere" in err and "Type your entry" not in err
    missing = vault_path.with_name("other.kapj")
    err = _calm(_run(missing, passphrase_file, "add", input="a long entry\n"))
    assert "kapjournal init" in err and "Type your entry" not in err
    ok = _run(vault_path, passphrase_file, "add", input="now it is free\n")
    assert ok.exit_code == 0 and "Type your entry" in ok.stderr


def test_cli_recovery_code_absent_is_said_before_asking(
    vault_path: Path, passphrase_file: Path
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    removed = _run(vault_path, passphrase_file, "recovery-code", "--remove")
    assert removed.exit_code == 0 and "has no recovery code; nothing was changed" in removed.stdout
    err = _calm(_run(vault_path, passphrase_file, "recover", input="AAAA\n"))
    assert "no recovery code" in err and "Recovery code" not in err


def test_cli_quoted_tilde_in_vault_means_home(
    tmp_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(
        main, ["--vault", "~/j.kapj", "--passphrase-file", str(passphrase_file), "init"]
    )
    assert result.exit_code == 0, result.output
    assert (home / "j.kapj").exists() and not (elsewhere / "~").exists()


def test_cli_search_help_example_does_what_it_says(vault_path: Path, passphrase_file: Path) -> None:
    import re
    import shlex

    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("steady breathing on the walk")
        j.add_entry("the breathing was steady again")
        j.add_entry("steady breathing at work")
    text = CliRunner().invoke(main, ["search", "--help"]).output
    example = re.search(r"(kapjournal search -- .+)", text)
    assert example is not None
    args = shlex.split(example.group(1))[1:]
    result = _run(vault_path, passphrase_file, args[0], "--json", *args[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout.count('"kind": "entry"') == 1  # the phrase, without "work"
    assert "on the walk" in result.stdout


def test_cli_documented_pack_filter_finds_a_shipped_pack(
    vault_path: Path, passphrase_file: Path
) -> None:
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = re.search(r"`(pack:[a-z_]+)`", readme)
    assert shown is not None
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry(
            "",
            title="The next day",
            pack_id="next_day",
            answers=(Answer(prompt_id="p", question="Q?", kind="text", value="rested"),),
        )
    result = _run(vault_path, passphrase_file, "search", shown.group(1))
    assert result.exit_code == 0 and "The next day" in result.stdout, result.output


def test_cli_insight_text_at_a_terminal_says_busy_before_typing(
    vault_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kapjournal.cli.timeline_cmds.interactive", lambda: True)
    with Journal.create(vault_path, PASSPHRASE):
        result = _run(vault_path, passphrase_file, "insight", "add", "--text", input="I can rest\n")
        err = _calm(result)
    assert "open elsewhere" in err and "Type the insight" not in err
    ok = _run(vault_path, passphrase_file, "insight", "add", "--text", input="I can rest\n")
    assert ok.exit_code == 0 and "Type the insight" in ok.stderr


def test_cli_help_lists_whole_summaries() -> None:
    from kapjournal.cli import load_all_commands

    load_all_commands()
    runner = CliRunner()
    pages = [runner.invoke(main, ["--help"]).output]
    for name, cmd in sorted(main.commands.items()):
        if hasattr(cmd, "commands"):
            pages.append(runner.invoke(main, [name, "--help"]).output)
    for page in pages:
        commands = page.split("Commands:", 1)[1]
        assert "..." not in commands, commands
    assert "choose a new\n" in pages[0] and "passphrase." in pages[0]


def test_cli_demo_open_elsewhere_is_left_in_place(tmp_path: Path) -> None:
    from kapjournal.core.demo import DEMO_PASSPHRASE, build_demo

    demo_vault = tmp_path / "demo.kapj"
    build_demo(demo_vault)
    with Journal.unlock(demo_vault, DEMO_PASSPHRASE):  # the app has it open
        err = _calm(CliRunner().invoke(main, ["demo", "--vault", str(demo_vault)]))
        assert "open elsewhere" in err and "Replacing" not in err
    assert demo_vault.exists()
    with Journal.unlock(demo_vault, DEMO_PASSPHRASE, readonly=True) as j:
        assert j.entries()


def test_cli_ambiguous_short_id_asks_for_more(
    vault_path: Path, passphrase_file: Path, journal: Journal
) -> None:
    from kapjournal.core.models import Entry

    for tail in ("1" * 28, "2" * 28):
        now = journal.now()
        journal.save(Entry(id="abcd" + tail, created=now, modified=now, body=f"note {tail[0]}"))
    journal.close()
    err = _calm(_run(vault_path, passphrase_file, "show", "abcd"))
    assert err.strip() == "kapjournal: More than one record id starts with 'abcd'; type more of it."
    shown = _run(vault_path, passphrase_file, "show", "abcd2")
    assert shown.exit_code == 0 and "note 2" in shown.stdout
    err = _calm(_run(vault_path, passphrase_file, "insight", "add", "abcd"))
    assert "type more of it" in err


def test_cli_secret_prompts_without_input_are_calm(tmp_path: Path) -> None:
    """No terminal and nothing on stdin: one sentence naming the script option, exit 2."""
    vault = tmp_path / "j.kapj"
    with Journal.create(vault, PASSPHRASE) as journal:
        journal.vault.add_recovery_slot()
    runner = CliRunner()
    for args, option in (
        (["--vault", str(vault), "list"], "--passphrase-file"),
        (["--vault", str(tmp_path / "new.kapj"), "init"], "--passphrase-file"),
        (["--vault", str(vault), "recover"], None),
    ):
        result = runner.invoke(main, args, input="")
        err = _calm(result)
        assert "Aborted" not in result.output and "GetPassWarning" not in result.output
        assert "was typed, so nothing was done" in err, args
        if option:
            assert option in err


def test_cli_review_asks_again_for_a_mistyped_export_passphrase(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapjournal.core.export import render
    from kapjournal.core.export.age import encrypt
    from kapjournal.core.export.model import ExportOptions, build_document

    journal.add_entry("Shared with the therapist.")
    shared = tmp_path / "share.json.age"
    data = render(build_document(journal, ExportOptions()), "json")
    shared.write_bytes(encrypt(data, passphrase="told in person"))
    monkeypatch.setattr("kapjournal.cli.interactive", lambda: True)
    result = CliRunner().invoke(
        main, ["review", str(shared), "--text"], input="told in persn\ntold in person\n"
    )
    assert result.exit_code == 0, result.output
    assert "did not open the export; please try again" in result.stderr
    assert "Shared with the therapist." in result.stdout
    # Piped input (no terminal) gets one try, as before.
    monkeypatch.setattr("kapjournal.cli.interactive", lambda: False)
    once = CliRunner().invoke(
        main, ["review", str(shared), "--text"], input="told in persn\ntold in person\n"
    )
    assert "does not open the export" in _calm(once)
