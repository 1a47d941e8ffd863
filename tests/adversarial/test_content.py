"""Hostile content: empty and huge entries, broken Unicode, terminal escapes, odd paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import main
from kapjournal.core import crypto, errors
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from kapjournal.core.vault import MANIFEST_ID, MANIFEST_KIND
from tests.adversarial.helpers import row, run_cli
from tests.conftest import PASSPHRASE

HOSTILE = (
    "title \x1b[2J\x1b]0;pwned\x07 \x1b[31mred\x1b[0m "
    "csi\x9b31m nul\x00 bell\x07 del\x7f bidi\u202egnp.exe back\r"
)


def test_content_zero_length_entry_round_trips(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("")
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.get(Entry, e.id).body == ""
        assert j.verify().ok


def test_content_huge_entry_round_trips_and_is_padded(vault_path: Path) -> None:
    body = "x" * (5 * 1024 * 1024 + 3)
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(body)
    ct = row(vault_path, e.id)[6]
    assert (len(ct) - 16) % crypto.PAD_BLOCK == 0
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.get(Entry, e.id).body == body


def test_content_padding_hides_exact_length(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        a = j.add_entry("a")
        b = j.add_entry("a" * 40)
    assert len(row(vault_path, a.id)[6]) == len(row(vault_path, b.id)[6])


def test_content_lone_surrogate_refused_cleanly(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        with pytest.raises(errors.InvalidInput):
            j.add_entry("broken \ud800 text")
        assert j.entries() == []
        assert j.verify().ok


def test_content_manifest_id_cannot_be_overwritten(vault_path: Path) -> None:
    """A hostile import that reuses the all-zero manifest id is refused, manifest intact."""
    with Journal.create(vault_path, PASSPHRASE) as j:
        keep = j.add_entry("keep me")
        hostile = Entry.new("hostile").replace(id=MANIFEST_ID.hex())
        with pytest.raises(errors.InvalidInput):
            j.save(hostile)
        with pytest.raises(errors.InvalidInput):
            j.vault.put(MANIFEST_KIND, b"{}")
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert [e.id for e in j.entries()] == [keep.id]
        assert j.verify().ok


def test_content_non_utf8_stdin_refused_without_traceback(
    vault_path: Path, passphrase_file: Path
) -> None:
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    assert run_cli(*base, "init").returncode == 0
    result = run_cli(*base, "add", input=b"caf\xe9 \xff\xfe broken\n")
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr
    assert b"Traceback" not in result.stderr
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.entries() == []


def test_content_escape_sequences_inert_in_cli_list_and_show(
    vault_path: Path, passphrase_file: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(HOSTILE + "\nsecond line " + HOSTILE, title=HOSTILE, tags=("t\x1bx",))
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    for args in (["list"], ["show", e.id[:8]]):
        result = run_cli(*base, *args)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        for bad in (b"\x1b", b"\x07", b"\x00", b"\x7f", b"\r", "\u202e".encode(), b"\xc2\x9b"):
            assert bad not in out, (args, bad)
        assert "␛".encode() in out  # made visible, not dropped


def test_content_escape_sequences_inert_via_click_runner(
    vault_path: Path, passphrase_file: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(HOSTILE)
    runner = CliRunner()
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    for args in (["list"], ["show", e.id]):
        result = runner.invoke(main, [*base, *args])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout


@pytest.mark.parametrize("folder", ["a#b", "c?d", "e%41f", "sp ace", "ünï"])
def test_content_vault_in_folder_with_uri_characters(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "journal.kapj"
    with Journal.create(path, PASSPHRASE) as j:
        e = j.add_entry("hello")
    with Journal.unlock(path, PASSPHRASE, readonly=True) as j:
        assert j.get(Entry, e.id).body == "hello"
        assert j.verify().ok
