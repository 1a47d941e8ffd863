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
    assert "Would import 2 entries with 2 tags, 1 insight and 0 check-ins." in out
    assert "nothing was written" in out
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.all(Entry) == []
    code, out, _ = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0 and "Imported 2 entries with 2 tags, 1 insight " in out
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


def _fresh_image_words(vault: Path, word: str) -> list[str] | None:
    """The ids the sealed image finds for ``word``, or None when it is missing or stale."""
    from kapjournal.core.index import load_image

    with Journal.unlock(vault, PASSPHRASE, readonly=True) as j:
        loaded = load_image(j.vault)
        if loaded is None or not loaded[1]:
            return None
        index, _ = loaded
        try:
            return [r.id for r in index.search(word)]
        finally:
            index.close()


def test_import_cli_leaves_a_fresh_search_index(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    make_vault(vault_path)
    src = tmp_path / "journal.txt"
    src.write_text(JRNL_TXT)
    run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt", "--dry-run")
    assert _fresh_image_words(vault_path, "ocean") is None  # a dry run writes nothing
    code, _, _ = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0
    found = _fresh_image_words(vault_path, "ocean")
    assert found is not None and len(found) == 1
    # a second, small import patches the saved image and leaves it fresh again
    more = tmp_path / "more.txt"
    more.write_text("[2024-02-01 08:00] A heron on the canal.\n")
    code, _, _ = run(vault_path, passphrase_file, "import", str(more), "--from", "jrnl-txt")
    assert code == 0
    assert _fresh_image_words(vault_path, "heron") is not None
    assert len(_fresh_image_words(vault_path, "heron") or []) == 1
    assert len(_fresh_image_words(vault_path, "ocean") or []) == 1


def test_import_cli_builds_the_index_from_the_imported_plaintext(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    """No entry record is decrypted again to index a big import."""
    from unittest import mock

    from kapjournal.core.vault import Vault

    make_vault(vault_path)
    src = tmp_path / "journal.txt"
    src.write_text(
        "".join(
            f"[2024-01-{1 + i % 28:02d} 09:{i % 60:02d}] Entry {i} otter\n\n" for i in range(300)
        )
    )
    kinds: list[str] = []
    real = Vault.iter_records
    real_bulk = Vault.open_payloads  # Journal's bulk load (Journal.all) decrypts through this

    def spy(self: Vault, kinds_arg: object = None) -> object:
        kinds.extend(list(kinds_arg) if kinds_arg is not None else ["*"])  # type: ignore[call-overload]
        return real(self, kinds_arg)  # type: ignore[arg-type]

    def spy_bulk(self: Vault, kinds_arg: list[str]) -> object:
        kinds.extend(kinds_arg)
        return real_bulk(self, kinds_arg)

    with (
        mock.patch.object(Vault, "iter_records", spy),
        mock.patch.object(Vault, "open_payloads", spy_bulk),
    ):
        code, _, err = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0, err
    assert kinds.count("entry") == 1  # the duplicate check's load, not the index build
    found = _fresh_image_words(vault_path, "otter")
    assert found is not None and len(found) == 50  # search's default limit


def test_import_cli_index_failure_keeps_the_import(
    tmp_path: Path, vault_path: Path, passphrase_file: Path
) -> None:
    from unittest import mock

    from kapjournal.core.errors import StorageFull
    from kapjournal.core.index import SearchService

    make_vault(vault_path)
    src = tmp_path / "journal.txt"
    src.write_text(JRNL_TXT)
    with mock.patch.object(SearchService, "ensure", side_effect=StorageFull()):
        code, out, err = run(vault_path, passphrase_file, "import", str(src), "--from", "jrnl-txt")
    assert code == 0
    assert "Imported 2 entries" in out
    assert "search index was not updated" in err and "Traceback" not in err
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert len(j.all(Entry)) == 2
