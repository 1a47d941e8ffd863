"""Tampered, truncated, swapped, reordered and replayed ciphertexts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapjournal.core import errors
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from kapjournal.core.vault import MANIFEST_ID
from tests.adversarial.helpers import raw, row, set_column
from tests.conftest import PASSPHRASE


def _two_entries(path: Path) -> tuple[Entry, Entry]:
    with Journal.create(path, PASSPHRASE) as j:
        a = j.add_entry("first private words")
        b = j.add_entry("second private words")
    return a, b


def _only_damaged(path: Path, damaged: set[str], readable: set[str]) -> None:
    with Journal.unlock(path, PASSPHRASE) as j:
        got = {e.id for e in j.entries()}
        report = j.verify()
        assert got == readable
        assert set(j.damaged) == damaged
    assert set(report.damaged) == damaged
    assert not report.ok


@pytest.mark.parametrize("where", [0, 1, -17, -1], ids=["start", "second", "body-end", "tag"])
def test_ciphertext_bit_flip_damages_only_that_record(vault_path: Path, where: int) -> None:
    a, b = _two_entries(vault_path)
    ct = bytearray(row(vault_path, b.id)[6])
    ct[where] ^= 0x80
    set_column(vault_path, b.id, "ct", bytes(ct))
    _only_damaged(vault_path, {b.id}, {a.id})


def test_ciphertext_truncated_is_damaged(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    set_column(vault_path, b.id, "ct", row(vault_path, b.id)[6][:-5])
    _only_damaged(vault_path, {b.id}, {a.id})


def test_ciphertext_zero_length_is_damaged(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    set_column(vault_path, b.id, "ct", b"")
    _only_damaged(vault_path, {b.id}, {a.id})


def test_ciphertext_extended_is_damaged(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    set_column(vault_path, b.id, "ct", row(vault_path, b.id)[6] + b"\0" * 16)
    _only_damaged(vault_path, {b.id}, {a.id})


def test_ciphertext_nonce_changed_is_damaged(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    set_column(vault_path, b.id, "nonce", b"\1" * 12)
    _only_damaged(vault_path, {b.id}, {a.id})


def test_ciphertext_swapped_between_rows_damages_both(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    ra, rb = row(vault_path, a.id), row(vault_path, b.id)
    set_column(vault_path, a.id, "ct", rb[6])
    set_column(vault_path, a.id, "nonce", rb[5])
    set_column(vault_path, b.id, "ct", ra[6])
    set_column(vault_path, b.id, "nonce", ra[5])
    _only_damaged(vault_path, {a.id, b.id}, set())


@pytest.mark.parametrize(
    ("column", "value"),
    [("kind", "session"), ("schema_v", 2), ("key_id", 2), ("rev", 7)],
)
def test_ciphertext_bound_to_row_metadata(vault_path: Path, column: str, value: object) -> None:
    a, b = _two_entries(vault_path)
    set_column(vault_path, b.id, column, value)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        report = j.verify()
        assert [e.id for e in j.entries()] == [a.id]
    assert report.damaged == [b.id]


def test_ciphertext_rows_reordered_still_verify(vault_path: Path) -> None:
    """Physical row order carries no meaning: re-inserting rows reversed changes nothing."""
    with Journal.create(vault_path, PASSPHRASE) as j:
        ids = {j.add_entry(f"entry {i}").id for i in range(6)}
    conn = raw(vault_path)
    rows = conn.execute("SELECT * FROM records ORDER BY rowid").fetchall()
    conn.execute("BEGIN")
    conn.execute("DELETE FROM records")
    conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)", list(reversed(rows)))
    conn.execute("COMMIT")
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert {e.id for e in j.entries()} == ids
        assert j.verify().ok


def test_ciphertext_old_revision_replay_caught_by_manifest(vault_path: Path) -> None:
    """An older, validly sealed revision put back in place decrypts but fails the manifest."""
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("version one")
        old = row(vault_path, e.id)
        j.update_entry(e, body="version two")
    conn = raw(vault_path)
    conn.execute(
        "UPDATE records SET rev = ?, nonce = ?, ct = ? WHERE id = ?",
        (old[4], old[5], old[6], old[0]),
    )
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.get(Entry, e.id).body == "version one"  # individually authentic...
        report = j.verify()
    assert not report.manifest_ok  # ...but the rollback is detected
    assert not report.ok


def test_ciphertext_deleted_row_gives_tamper_warning(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    conn = raw(vault_path)
    conn.execute("DELETE FROM records WHERE id = ?", (bytes.fromhex(b.id),))
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert errors.TamperWarning.user_message in j.warnings
        assert [e.id for e in j.entries()] == [a.id]
        assert not j.verify().manifest_ok


def test_ciphertext_manifest_tampered_warns_but_keeps_records(vault_path: Path) -> None:
    a, b = _two_entries(vault_path)
    ct = bytearray(row(vault_path, MANIFEST_ID.hex())[6])
    ct[3] ^= 1
    set_column(vault_path, MANIFEST_ID.hex(), "ct", bytes(ct))
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert errors.TamperWarning.user_message in j.warnings
        assert {e.id for e in j.entries()} == {a.id, b.id}
        assert not j.verify().ok


def test_ciphertext_replayed_from_other_vault_is_damaged(tmp_path: Path) -> None:
    """A row (same id) copied from another vault with the same passphrase fails."""
    one, two = tmp_path / "one.kapj", tmp_path / "two.kapj"
    with Journal.create(one, PASSPHRASE) as j:
        e = j.add_entry("from vault one")
    with Journal.create(two, PASSPHRASE) as j:
        keep = j.add_entry("vault two's own")
    foreign = row(one, e.id)
    conn = raw(two)
    conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)", foreign)
    conn.close()
    with Journal.unlock(two, PASSPHRASE) as j:
        assert [x.id for x in j.entries()] == [keep.id]
        report = j.verify()
    assert report.damaged == [e.id]


def test_ciphertext_damaged_record_never_rewritten(vault_path: Path) -> None:
    """Opening, reading and writing other records leaves a damaged row byte-identical."""
    a, b = _two_entries(vault_path)
    set_column(vault_path, b.id, "ct", b"garbage" * 10)
    before = row(vault_path, b.id)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        j.entries()
        j.add_entry("a new one")
        j.update_entry(j.get(Entry, a.id), body="changed")
        with pytest.raises(errors.RecordDamaged) as info:
            j.vault.get(bytes.fromhex(b.id))
    assert b.id in str(info.value)
    assert row(vault_path, b.id) == before


def test_export_says_when_a_damaged_record_was_left_out(vault_path: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kapjournal.cli import main

    a, b = _two_entries(vault_path)
    ct = bytearray(row(vault_path, b.id)[6])
    ct[0] ^= 0x80
    set_column(vault_path, b.id, "ct", bytes(ct))
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    pw.chmod(0o600)
    out = tmp_path / "e.md"
    result = CliRunner().invoke(
        main,
        ["--vault", str(vault_path), "--passphrase-file", str(pw), "export", "--format", "md",
         "--plaintext", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 record could not be read (damaged) and is not in the export" in result.stderr
    text = out.read_text()
    assert "first private words" in text and "second private words" not in text
