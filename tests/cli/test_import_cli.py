"""``kapjournal import``: summary, dry run, duplicates, errors, progress."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kapjournal.cli import main
from kapjournal.cli.import_cmds import FORMAT_NAMES
from kapjournal.core.importers import FORMATS
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from tests.conftest import PASSPHRASE

JRNL_TXT = """\
[2024-01-05 09:12] Slept badly. @anxious
Breathing helped.

[2024-01-06 20:00] Session day *
Saw the ocean. @session
"""


def run(vault: Path, pw: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--vault", str(vault), "--passphrase-file", str(pw), *args])
    return result.exit_code, result.stdout, result.stderr


def make_vault(vault: Path) -> None:
    Journal.create(vault, PASSPHRASE).close()


def test_import_cli_format_names_match_registry() -> None:
    assert tuple(FORMATS) == FORMAT_NAMES


def test_import_cli_dry_run_then_import_then_duplicates(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    make_vault(vault_path)
    src = tmp_path / "journal.txt"
    src.write_text(JRNL_TXT)
    code, out, _ = run(
        vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt", "--dry-run"
    )
    assert code == 0
    assert "Would import 2 entries with 2 tags, 1 insights and 0 check-ins." in out
    assert "nothing was written" in out
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.all(Entry) == []
    code, out, _ = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0 and "Imported 2 entries with 2 tags, 1 insights" in out
    code, out, _ = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0
    assert "Imported 0 entries" in out and "Skipped 2 duplicates (same date and text)." in out
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert sorted(e.title for e in j.all(Entry)) == ["Session day", "Slept badly. @anxious"]


def test_import_cli_bad_file_is_a_calm_error(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    make_vault(vault_path)
    src = tmp_path / "broken.json"
    src.write_text('{"entries": [{"title": 3, "date": "2024-01-01"}]}')
    code, out, err = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-json")
    assert code == 2
    assert "broken.json, entry 1: the field 'title' must be text" in err
    assert "Traceback" not in out + err
    missing = tmp_path / "nope.txt"
    code, _, err = run(vault_path, passphrase_file, "import", str(missing), "--from", "jrnl-txt")
    assert code == 2 and "nope.txt: no such file" in err


def test_import_cli_unknown_format_is_rejected(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    code, _, err = run(vault_path, passphrase_file, "import", "x", "--from", "evernote")
    assert code == 2 and "evernote" in err


def test_import_cli_shows_progress_for_large_files(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    make_vault(vault_path)
    src = tmp_path / "big.txt"
    src.write_text(
        "\n".join(f"[2024-01-01 {i // 60 % 24:02d}:{i % 60:02d}] entry {i}\n" for i in range(1200))
    )
    code, out, err = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0 and "Imported 1200 entries" in out
    assert "Reading 1,200/1,200" in err and "Writing 1,200/1,200" in err
