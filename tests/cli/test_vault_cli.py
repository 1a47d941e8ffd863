"""CLI vault commands, through click's CliRunner and through real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kapjournal.cli import main
from tests.conftest import PASSPHRASE


def run(vault: Path, pw: Path, *args: str, input: str | None = None):  # noqa: A002
    return CliRunner().invoke(
        main, ["--vault", str(vault), "--passphrase-file", str(pw), *args], input=input
    )


def test_cli_init_add_list_show(vault_path: Path, passphrase_file: Path) -> None:
    assert run(vault_path, passphrase_file, "init").exit_code == 0
    res = run(vault_path, passphrase_file, "add", input="Slept badly #sleep\nbut calmer\n")
    assert res.exit_code == 0, res.output
    assert run(vault_path, passphrase_file, "add", "-m", "second note").exit_code == 0
    listing = run(vault_path, passphrase_file, "list")
    lines = listing.output.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("second note")  # newest first
    short_id = lines[1].split()[0]
    shown = run(vault_path, passphrase_file, "show", short_id)
    assert "Slept badly #sleep\nbut calmer" in shown.output
    assert "Tags: sleep" in shown.output


def test_cli_list_limit(vault_path: Path, passphrase_file: Path) -> None:
    run(vault_path, passphrase_file, "init")
    for i in range(5):
        run(vault_path, passphrase_file, "add", "-m", f"note {i}")
    res = run(vault_path, passphrase_file, "list", "-n", "2")
    assert [ln.split(maxsplit=3)[-1] for ln in res.output.splitlines()] == ["note 4", "note 3"]


def test_cli_empty_entry_refused(vault_path: Path, passphrase_file: Path) -> None:
    run(vault_path, passphrase_file, "init")
    res = run(vault_path, passphrase_file, "add", input="   \n")
    assert res.exit_code == 2
    assert "empty" in res.output


def test_cli_wrong_passphrase_exit_2_no_traceback(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    run(vault_path, passphrase_file, "init")
    bad = tmp_path / "bad"
    bad.write_text("not it at all\n")
    bad.chmod(0o600)
    res = run(vault_path, bad, "list")
    assert res.exit_code == 2
    assert "did not unlock" in res.output
    assert "Traceback" not in res.output


def test_cli_refuses_readable_passphrase_file(vault_path: Path, tmp_path: Path) -> None:
    pw = tmp_path / "pw-open"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o644)
    res = run(vault_path, pw, "init")
    assert res.exit_code == 2
    assert "chmod 600" in res.output
    assert not vault_path.exists()


def test_cli_missing_vault_is_clear(vault_path: Path, passphrase_file: Path) -> None:
    res = run(vault_path, passphrase_file, "list")
    assert res.exit_code == 2
    assert f"There is no journal at {vault_path} yet" in res.output


def test_cli_passwd_changes_passphrase(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    run(vault_path, passphrase_file, "init")
    run(vault_path, passphrase_file, "add", "-m", "kept")
    res = run(vault_path, passphrase_file, "passwd", input="a new long phrase\n" * 2)
    assert res.exit_code == 0, res.output
    assert run(vault_path, passphrase_file, "list").exit_code == 2
    new = tmp_path / "new"
    new.write_text("a new long phrase\n")
    new.chmod(0o600)
    assert "kept" in run(vault_path, new, "list").output


def test_cli_verify_and_backup(vault_path: Path, passphrase_file: Path, tmp_path: Path) -> None:
    run(vault_path, passphrase_file, "init")
    run(vault_path, passphrase_file, "add", "-m", "one")
    res = run(vault_path, passphrase_file, "verify")
    assert res.exit_code == 0 and "Records: 1 (1 entry)" in res.output
    dest = tmp_path / "backups"
    dest.mkdir()
    res = run(vault_path, passphrase_file, "backup", str(dest))
    assert res.exit_code == 0, res.output
    (copy,) = dest.iterdir()
    assert copy.stat().st_mode & 0o777 == 0o600
    res = run(copy, passphrase_file, "verify")
    assert res.exit_code == 0 and "Verify OK" in res.output


def test_cli_vault_from_environment(tmp_path: Path, passphrase_file: Path) -> None:
    target = tmp_path / "env" / "j.kapj"
    res = CliRunner().invoke(
        main,
        ["--passphrase-file", str(passphrase_file), "init"],
        env={"KAPJOURNAL_VAULT": str(target)},
    )
    assert res.exit_code == 0, res.output
    assert target.exists()


def _cli(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KAPJOURNAL_INSECURE_TEST_KDF="1")
    return subprocess.run(
        [sys.executable, "-m", "kapjournal", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_subprocess_round_trip(vault_path: Path, passphrase_file: Path) -> None:
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    assert _cli(*base, "init").returncode == 0
    added = _cli(*base, "add", input="from a pipe\n")
    assert added.returncode == 0, added.stderr
    listing = _cli(*base, "list")
    assert "from a pipe" in listing.stdout
    busy_check = _cli(*base, "verify")
    assert busy_check.returncode == 0


def test_cli_add_does_not_import_textual(vault_path: Path, passphrase_file: Path) -> None:
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    _cli(*base, "init")
    code = (
        "import sys, runpy; sys.argv=['kapjournal', *sys.argv[1:]];"
        "from kapjournal.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
        "print('no-textual')"
    )
    env = dict(os.environ, KAPJOURNAL_INSECURE_TEST_KDF="1")
    res = subprocess.run(
        [sys.executable, "-c", code, *base, "add", "-m", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "no-textual" in res.stdout, res.stderr
