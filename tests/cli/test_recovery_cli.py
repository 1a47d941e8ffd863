"""CLI: init --recovery-code, recover, recovery-code, backup --keep, restore, rekey, repair."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kapjournal.cli import main
from kapjournal.core import errors
from kapjournal.core.journal import Journal
from kapjournal.core.vault import format_recovery_code
from tests.conftest import PASSPHRASE

NEW = "a new passphrase here"
CODE_RE = re.compile(r"\b(?:[0-9A-Z]{4}-){6}[0-9A-Z]{4}\b")


def _run(args: list[str], input: str | None = None) -> Result:
    return CliRunner().invoke(main, args, input=input)


def _base(vault: Path, pw: Path) -> list[str]:
    return ["--vault", str(vault), "--passphrase-file", str(pw)]


def test_init_recovery_code_shown_once_and_opens_vault(
    vault_path: Path, passphrase_file: Path
) -> None:
    result = _run([*_base(vault_path, passphrase_file), "init", "--recovery-code"])
    assert result.exit_code == 0, result.output
    codes = CODE_RE.findall(result.stdout)
    assert len(codes) == 1
    Journal.unlock_with_recovery(vault_path, codes[0]).close()


def test_init_without_flag_has_no_recovery_slot(vault_path: Path, passphrase_file: Path) -> None:
    result = _run([*_base(vault_path, passphrase_file), "init"])
    assert result.exit_code == 0
    assert not CODE_RE.search(result.stdout)
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, "0000-" * 6 + "0000")


def test_recover_forces_new_passphrase_and_issues_new_code(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("remember me")
        code = j.vault.add_recovery_slot()
    result = _run(["--vault", str(vault_path), "recover"], input=f"{code}\n{NEW}\n{NEW}\n")
    assert result.exit_code == 0, result.output
    new_codes = CODE_RE.findall(result.stdout)
    assert len(new_codes) == 1 and new_codes[0] != code
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(vault_path, PASSPHRASE)
    with Journal.unlock(vault_path, NEW) as j:
        assert [x.id for x in j.entries()] == [e.id]
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, code)


def test_recover_wrong_code_is_calm_error(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.vault.add_recovery_slot()
    wrong = format_recovery_code(bytes(16))
    result = _run(["--vault", str(vault_path), "recover"], input=wrong + "\n")
    assert result.exit_code == 2
    assert "recovery code did not unlock" in result.stderr
    assert "Traceback" not in result.output
    Journal.unlock(vault_path, PASSPHRASE).close()


def test_recovery_code_command_replaces_and_removes(
    vault_path: Path, passphrase_file: Path
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    first = CODE_RE.findall(_run([*_base(vault_path, passphrase_file), "recovery-code"]).stdout)
    second = CODE_RE.findall(_run([*_base(vault_path, passphrase_file), "recovery-code"]).stdout)
    assert len(first) == len(second) == 1 and first != second
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, first[0])
    Journal.unlock_with_recovery(vault_path, second[0]).close()
    result = _run([*_base(vault_path, passphrase_file), "recovery-code", "--remove"])
    assert result.exit_code == 0
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, second[0])


def test_backup_keep_rotates_verified_backups(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("one")
    folder = tmp_path / "backups"
    folder.mkdir()
    unrelated = folder / "my-notes.txt"
    unrelated.write_text("not a backup")
    for _ in range(4):
        result = _run([*_base(vault_path, passphrase_file), "backup", "--keep", "2", str(folder)])
        assert result.exit_code == 0, result.output
    backups = sorted(p for p in folder.iterdir() if p.suffix == ".kapj")
    assert len(backups) == 2
    assert unrelated.exists()
    for b in backups:
        assert (b.stat().st_mode & 0o077) == 0
        with Journal.unlock(b, PASSPHRASE, readonly=True) as copy:
            assert copy.verify().ok


def test_restore_replaces_vault_and_keeps_old_copy(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        old = j.add_entry("in the backup")
        backup = j.vault.backup_to(tmp_path / "b.kapj")
        newer = j.add_entry("written after the backup")
    result = _run([*_base(vault_path, passphrase_file), "restore", str(backup)])
    assert result.exit_code == 0, result.output
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert [e.id for e in j.entries()] == [old.id]
    asides = list(vault_path.parent.glob("journal.kapj.before-restore-*"))
    assert len(asides) == 1
    with Journal.unlock(asides[0], PASSPHRASE, readonly=True) as j:
        assert newer.id in {e.id for e in j.entries()}


def test_restore_refuses_damaged_backup_and_changes_nothing(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("x")
        backup = j.vault.backup_to(tmp_path / "b.kapj")
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (b"junk" * 8, bytes.fromhex(e.id)))
    conn.close()
    before = vault_path.read_bytes()
    result = _run([*_base(vault_path, passphrase_file), "restore", str(backup)])
    assert result.exit_code == 2
    assert "did not pass verification" in result.stderr
    assert vault_path.read_bytes() == before
    assert not list(vault_path.parent.glob("*.before-restore-*"))


def test_restore_wrong_passphrase_changes_nothing(vault_path: Path, tmp_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("x")
        backup = j.vault.backup_to(tmp_path / "b.kapj")
    before = vault_path.read_bytes()
    result = _run(["--vault", str(vault_path), "restore", str(backup)], input="wrong one!\n")
    assert result.exit_code == 2
    assert vault_path.read_bytes() == before


def test_restore_refused_while_vault_open_elsewhere(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        backup = j.vault.backup_to(tmp_path / "b.kapj")
        result = _run([*_base(vault_path, passphrase_file), "restore", str(backup)])
        assert result.exit_code == 2
        assert "open elsewhere" in result.stderr


def test_verify_repair_quarantines_and_then_passes(vault_path: Path, passphrase_file: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        good = j.add_entry("good")
        bad = j.add_entry("bad")
    conn = sqlite3.connect(vault_path, isolation_level=None)
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (b"junk" * 8, bytes.fromhex(bad.id)))
    conn.close()
    failing = _run([*_base(vault_path, passphrase_file), "verify"])
    assert failing.exit_code == 1 and bad.id in failing.stdout
    repaired = _run([*_base(vault_path, passphrase_file), "verify", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert f"Quarantined damaged record {bad.id}" in repaired.stdout
    passing = _run([*_base(vault_path, passphrase_file), "verify"])
    assert passing.exit_code == 0 and "Quarantine holds 1 record" in passing.stdout
    conn = sqlite3.connect(vault_path)
    assert conn.execute("SELECT ct FROM quarantine").fetchone()[0] == b"junk" * 8
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert [e.id for e in j.entries()] == [good.id]


def test_rekey_cli_keeps_entries(vault_path: Path, passphrase_file: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        ids = {j.add_entry(f"e{i}").id for i in range(3)}
    result = _run([*_base(vault_path, passphrase_file), "rekey"])
    assert result.exit_code == 0, result.output
    assert "3 records were re-encrypted" in result.stdout
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert {e.id for e in j.entries()} == ids
        assert j.vault.header.key_id == 2


def test_backup_keep_never_prunes_the_vault_itself(tmp_path: Path, passphrase_file: Path) -> None:
    vault = tmp_path / "kapjournal-00000000-000000-000000.kapj"  # sorts before any backup
    Journal.create(vault, PASSPHRASE).close()
    for _ in range(2):
        result = _run([*_base(vault, passphrase_file), "backup", "--keep", "1", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert vault.exists()
    Journal.unlock(vault, PASSPHRASE).close()


def test_restore_into_missing_vault(tmp_path: Path, passphrase_file: Path) -> None:
    """Restoring after the vault file was lost works and needs no old copy."""
    vault = tmp_path / "v" / "journal.kapj"
    with Journal.create(vault, PASSPHRASE) as j:
        e = j.add_entry("saved by the backup")
        backup = j.vault.backup_to(tmp_path / "b.kapj")
    vault.unlink()
    result = _run([*_base(vault, passphrase_file), "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "kept as" not in result.stdout
    with Journal.unlock(vault, PASSPHRASE) as j:
        assert [x.id for x in j.entries()] == [e.id]


def test_recover_mistyped_code_at_a_terminal_is_asked_again(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Typed blind, 28 characters: a typo should not end the command and send the
    # person back to the shell, where a retyped code would land in the history.
    with Journal.create(vault_path, PASSPHRASE) as j:
        code = j.vault.add_recovery_slot()
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    monkeypatch.setattr("kapjournal.cli.recovery_cmds.interactive", lambda: True)
    result = _run(
        ["--vault", str(vault_path), "recover"],
        input=f"{typo}\n{code.lower().replace('-', ' ')}\n{NEW}\n{NEW}\n",
    )
    assert result.exit_code == 0, result.output
    assert "typo" in result.stderr and "Please type it again." in result.stderr
    Journal.unlock(vault_path, NEW).close()


def test_recover_code_tries_are_limited(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        code = j.vault.add_recovery_slot()
    wrong = format_recovery_code(bytes(16))
    monkeypatch.setattr("kapjournal.cli.recovery_cmds.interactive", lambda: True)
    result = _run(
        ["--vault", str(vault_path), "recover"], input=f"{wrong}\n{wrong}\n{wrong}\n{code}\n"
    )
    assert result.exit_code == 2
    assert result.stderr.count("Please type it again.") == 2
    assert "Traceback" not in result.output
    Journal.unlock(vault_path, PASSPHRASE).close()  # nothing changed


def test_recover_piped_code_gets_one_try(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        code = j.vault.add_recovery_slot()
    wrong = format_recovery_code(bytes(16))
    result = _run(["--vault", str(vault_path), "recover"], input=f"{wrong}\n{code}\n")
    assert result.exit_code == 2
    assert "type it again" not in result.stderr


def test_damaged_vault_message_names_restore_and_restore_keeps_the_damaged_file(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    # "Please restore a backup" alone leaves a worried person asking how.
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("kept in the backup")
    backup = tmp_path / "backup.kapj"
    assert _run([*_base(vault_path, passphrase_file), "backup", str(backup)]).exit_code == 0
    conn = sqlite3.connect(vault_path)
    conn.execute("UPDATE kapj_header SET data = '{not json' WHERE id = 1")
    conn.commit()
    conn.close()
    damaged = vault_path.read_bytes()
    listed = _run([*_base(vault_path, passphrase_file), "list"])
    assert listed.exit_code == 2
    assert "kapjournal restore BACKUP_FILE" in listed.stderr
    restored = _run([*_base(vault_path, passphrase_file), "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    kept = list(vault_path.parent.glob(vault_path.name + ".before-restore-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert [e.body for e in j.entries()] == ["kept in the backup"]
