"""kapjournal export / keygen / review from the command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import main
from kapjournal.core.export import age
from kapjournal.core.journal import Journal
from tests.conftest import PASSPHRASE
from tests.export_sample import PRIVATE_TEXT, fill


@pytest.fixture
def vault(vault_path: Path) -> Path:
    with Journal.create(vault_path, PASSPHRASE) as j:
        fill(j)
    return vault_path


def run(args: list[str], input: str | None = None):
    return CliRunner().invoke(main, args, input=input, catch_exceptions=False)


def base(vault: Path, pw: Path) -> list[str]:
    return ["--vault", str(vault), "--passphrase-file", str(pw)]


def keygen(tmp_path: Path) -> tuple[Path, str]:
    key = tmp_path / "therapist.key"
    result = run(["keygen", "-o", str(key)])
    assert result.exit_code == 0, result.output
    return key, result.stdout.strip()


def test_cli_export_refuses_plaintext_without_flag(vault, passphrase_file, tmp_path) -> None:
    out = tmp_path / "e.html"
    result = run([*base(vault, passphrase_file), "export", "-o", str(out)])
    assert result.exit_code == 2
    assert "--plaintext" in result.stderr
    assert not out.exists()


def test_cli_export_plaintext_with_flag(vault, passphrase_file, tmp_path) -> None:
    out = tmp_path / "e.md"
    result = run([*base(vault, passphrase_file), "export", "--format", "md", "--plaintext",
                  "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "UNENCRYPTED" in result.stderr
    text = out.read_text()
    assert "## Summary" in text and PRIVATE_TEXT not in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_keygen_writes_private_identity(tmp_path) -> None:
    key, public = keygen(tmp_path)
    assert public.startswith("age1") and len(public) == 62
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "AGE-SECRET-KEY-1" in key.read_text()
    again = run(["keygen", "-o", str(key)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_cli_export_to_key_then_review(vault, passphrase_file, tmp_path) -> None:
    key, public = keygen(tmp_path)
    out = tmp_path / "share.json.age"
    result = run([*base(vault, passphrase_file), "export", "--format", "json", "--to", public,
                  "--redact", "dose,session_notes", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1\n") and b"Patient" not in raw
    shown = run(["review", str(out), "--identity", str(key), "--text"])
    assert shown.exit_code == 0, shown.output
    assert "A. Patient" in shown.stdout and "withheld" in shown.stdout
    assert "35 mg" not in shown.stdout
    # the key is remembered: the next export needs no --to
    again = run([*base(vault, passphrase_file), "export", "-o", str(tmp_path / "b.html.age")])
    assert again.exit_code == 0 and public in again.stderr


def test_cli_review_wrong_identity_is_calm(vault, passphrase_file, tmp_path) -> None:
    _, public = keygen(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    wrong, _ = keygen(other)
    out = tmp_path / "share.json.age"
    run([*base(vault, passphrase_file), "export", "--format", "json", "--to", public,
         "-o", str(out)])  # fmt: skip
    result = run(["review", str(out), "--identity", str(wrong), "--text"])
    assert result.exit_code == 2
    assert "does not open the export" in result.stderr
    assert "Traceback" not in result.output


def test_cli_changed_key_warns(vault, passphrase_file, tmp_path) -> None:
    _, first = keygen(tmp_path)
    sub = tmp_path / "b"
    sub.mkdir()
    _, second = keygen(sub)
    args = [*base(vault, passphrase_file), "export", "--format", "md"]
    assert run([*args, "--to", first, "-o", str(tmp_path / "1.age")]).exit_code == 0
    result = run([*args, "--to", second, "-o", str(tmp_path / "2.age")])
    assert result.exit_code == 0 and "differs from the one you used last time" in result.stderr


def test_cli_export_passphrase_file_and_review(vault, passphrase_file, tmp_path) -> None:
    secret = tmp_path / "share-pw"
    secret.write_text("a long shared phrase\n")
    secret.chmod(0o600)
    out = tmp_path / "x.json.age"
    result = run([*base(vault, passphrase_file), "export", "--format", "json",
                  "--age-passphrase-file", str(secret), "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = run(["review", str(out), "--text"], input="a long shared phrase\n")
    assert shown.exit_code == 0, shown.output
    assert "Journal summary" in shown.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "age1nope"], "age public key"),
        (["--plaintext", "--passphrase"], "only one"),
        (["--plaintext", "--redact", "everything"], "Unknown --redact"),
        (["--plaintext", "--since", "not a date"], "not a date"),
        (["--plaintext", "--hide", "abc"], "ENTRY-ID:PARAGRAPH"),
    ],
)
def test_cli_export_bad_options(vault, passphrase_file, tmp_path, extra, message) -> None:
    result = run([*base(vault, passphrase_file), "export", *extra, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "o").exists()


def test_cli_default_file_name_has_no_entry_text(vault, passphrase_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run([*base(vault, passphrase_file), "export", "--format", "json", "--plaintext"])
    assert result.exit_code == 0, result.output
    names = [p.name for p in tmp_path.iterdir() if p.name.startswith("kapjournal-export-")]
    assert len(names) == 1 and names[0].endswith(".json")
    json.loads((tmp_path / names[0]).read_text())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<!DOCTYPE html>", "HTML or Markdown"),
        (b"{" * 40 + b"}" * 40, "nested too deeply"),
        (b"age-encryption.org/v1\n-> scrypt c2FsdA 31\nAA\n--- AA\n", "passphrase cost"),
        (b"\x00\x01garbage", "not valid JSON"),
    ],
)
def test_cli_review_hostile_files(tmp_path, content, message) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(content)
    result = run(["review", str(path), "--text"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_export_passphrase_prompt_twice_and_synced_warning(
    vault, passphrase_file, tmp_path
) -> None:
    synced = tmp_path / "Dropbox"
    synced.mkdir()
    out = synced / "x.md.age"
    answers = "short\nfirst phrase ok\nsecond phrase\nfirst phrase ok\nfirst phrase ok\n"
    result = run(
        [*base(vault, passphrase_file), "export", "--format", "md", "--passphrase", "-o", str(out)],
        input=answers,
    )
    assert result.exit_code == 0, result.output
    assert "at least 8 characters" in result.stderr
    assert "differ" in result.stderr
    assert "syncs to the cloud" in result.stderr
    assert "first phrase ok" not in result.output  # never echoed
    assert out.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt")


def test_cli_export_checks_target_before_unlocking(vault, tmp_path) -> None:
    out = tmp_path / "missing" / "x.html"
    result = run(["--vault", str(vault), "export", "--plaintext", "-o", str(out)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "Passphrase" not in result.stderr  # failed before asking for the vault passphrase


def test_cli_export_existing_file_points_to_force(vault, passphrase_file, tmp_path) -> None:
    out = tmp_path / "e.md"
    out.write_text("last week's export")
    args = [*base(vault, passphrase_file), "export", "--format", "md", "--plaintext"]
    refused = run([*args, "-o", str(out)])
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert out.read_text() == "last week's export"
    replaced = run([*args, "--force", "-o", str(out)])
    assert replaced.exit_code == 0, replaced.output
    assert "## Summary" in out.read_text()


def test_cli_passphrase_prompt_without_input_is_calm(vault, passphrase_file, tmp_path) -> None:
    """No terminal and nothing on stdin: a sentence naming --age-passphrase-file, exit 2."""
    out = tmp_path / "x.md.age"
    result = run([*base(vault, passphrase_file), "export", "--format", "md", "--passphrase",
                  "-o", str(out)], input="")  # fmt: skip
    assert result.exit_code == 2 and "--age-passphrase-file" in result.stderr
    assert "Aborted" not in result.output and not out.exists()
    locked = tmp_path / "y.json.age"
    locked.write_bytes(age.encrypt(b"{}", passphrase="a long shared phrase"))
    shown = run(["review", str(locked), "--text"], input="")
    assert shown.exit_code == 2 and "--age-passphrase-file" in shown.stderr


def test_cli_export_dash_is_not_a_file_name(vault, passphrase_file, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run([*base(vault, passphrase_file), "export", "--format", "md", "--plaintext",
                  "-o", "-"])  # fmt: skip
    assert result.exit_code == 2 and "Give a file name after -o" in result.stderr
    assert not (tmp_path / "-").exists()
