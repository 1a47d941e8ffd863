"""Vault: create/open, wrong passphrase, passphrase change, tampering, headers."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from kapjournal.core import errors
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from kapjournal.core.vault import FORMAT_VERSION, Header, Vault, read_header
from tests.conftest import PASSPHRASE


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_vault_round_trip(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("first words", tags=("hope",))
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        got = j.get(Entry, e.id)
    assert got.body == "first words"
    assert got.tags == ("hope",)


def test_vault_wrong_passphrase(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(vault_path, "not the passphrase")


def test_vault_short_passphrase_refused(vault_path: Path) -> None:
    with pytest.raises(errors.WeakPassphrase):
        Journal.create(vault_path, "short")
    assert not vault_path.exists()


def test_vault_never_overwrites_existing_file(vault_path: Path) -> None:
    vault_path.parent.mkdir(parents=True)
    vault_path.write_bytes(b"something precious")
    with pytest.raises(errors.VaultExists):
        Journal.create(vault_path, PASSPHRASE)
    assert vault_path.read_bytes() == b"something precious"


def test_vault_passphrase_change_keeps_entries(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        ids = [j.add_entry(f"entry {i}").id for i in range(5)]
        j.change_passphrase("a brand new phrase")
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(vault_path, PASSPHRASE)
    with Journal.unlock(vault_path, "a brand new phrase") as j:
        assert sorted(e.id for e in j.entries()) == sorted(ids)


def test_vault_tampered_record_reported_alone(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        good = j.add_entry("good one")
        bad = j.add_entry("to be tampered")
    conn = _raw(vault_path)
    ct = bytearray(
        conn.execute("SELECT ct FROM records WHERE id = ?", (bytes.fromhex(bad.id),)).fetchone()[0]
    )
    ct[10] ^= 0x01
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (bytes(ct), bytes.fromhex(bad.id)))
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        entries = j.entries()
        assert [e.id for e in entries] == [good.id]
        assert bad.id in j.damaged
        report = j.verify()
    assert report.damaged == [bad.id]
    assert not report.ok


def test_vault_swapped_ciphertexts_detected(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        a = j.add_entry("alpha")
        b = j.add_entry("beta")
    conn = _raw(vault_path)
    rows = {
        bytes(r[0]).hex(): (r[1], r[2])
        for r in conn.execute("SELECT id, nonce, ct FROM records WHERE kind = 'entry'")
    }
    for src, dst in ((a.id, b.id), (b.id, a.id)):
        conn.execute(
            "UPDATE records SET nonce = ?, ct = ? WHERE id = ?",
            (rows[src][0], rows[src][1], bytes.fromhex(dst)),
        )
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.entries() == []
        assert set(j.damaged) == {a.id, b.id}


def test_vault_newer_format_refused(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    header = read_header(vault_path)
    newer = Header(header.vault_id, FORMAT_VERSION + 1, 0, header.key_id, header.slots)
    conn = _raw(vault_path)
    conn.execute("UPDATE kapj_header SET data = ?", (newer.serialise(),))
    conn.close()
    with pytest.raises(errors.VaultTooNew):
        Journal.unlock(vault_path, PASSPHRASE)


def test_vault_damaged_header_is_not_wrong_passphrase(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    conn = _raw(vault_path)
    data = json.loads(conn.execute("SELECT data FROM kapj_header").fetchone()[0])
    data["key_id"] = 7  # checksum no longer matches
    conn.execute("UPDATE kapj_header SET data = ?", (json.dumps(data),))
    conn.close()
    with pytest.raises(errors.VaultHeaderDamaged):
        Journal.unlock(vault_path, PASSPHRASE)


def test_vault_not_a_vault(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    conn = _raw(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(errors.NotAVault):
        Journal.unlock(other, PASSPHRASE)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(errors.NotAVault):
        Journal.unlock(text, PASSPHRASE)


def test_vault_second_writer_refused(vault_path: Path) -> None:
    j = Journal.create(vault_path, PASSPHRASE)
    try:
        with pytest.raises(errors.VaultBusy):
            Journal.unlock(vault_path, PASSPHRASE)
    finally:
        j.close()
    Journal.unlock(vault_path, PASSPHRASE).close()


def test_vault_nonces_unique_over_10000_writes(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("v0")
        with j.transaction():
            for i in range(5000):
                j.add_entry(f"n{i}")
        with j.transaction():  # one fsync; still 5000 fresh encryptions of one row
            for i in range(5000):
                e = j.update_entry(e, body=f"v{i + 1}")
    conn = _raw(vault_path)
    nonces = [r[0] for r in conn.execute("SELECT nonce FROM records")]
    conn.close()
    assert len(nonces) == len(set(nonces)) == 5002  # 5001 entries + manifest
    with Vault.unlock(vault_path, PASSPHRASE) as v:
        assert v.encryption_count >= 10000


def test_vault_files_are_private(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    assert vault_path.stat().st_mode & 0o777 == 0o600
    assert vault_path.parent.stat().st_mode & 0o777 == 0o700


def test_vault_backup_verifies(vault_path: Path, tmp_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("kept in the backup")
        dest = j.vault.backup_to(tmp_path / "b" / "copy.kapj")
    assert dest.stat().st_mode & 0o777 == 0o600
    with Journal.unlock(dest, PASSPHRASE, readonly=True) as b:
        report = b.verify()
        assert report.ok and report.counts == {"entry": 1}


def test_vault_deleted_row_breaks_manifest(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("one")
        gone = j.add_entry("two")
    conn = _raw(vault_path)
    conn.execute("DELETE FROM records WHERE id = ?", (bytes.fromhex(gone.id),))
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert not j.verify().manifest_ok


def test_vault_unlock_runs_the_database_check_and_refuses_a_damaged_file(
    vault_path: Path,
) -> None:
    from kapjournal.core.errors import VaultHeaderDamaged

    v = Vault.create(vault_path, PASSPHRASE)
    with v.transaction():
        for i in range(400):
            v.put("entry", os.urandom(600) + bytes([i % 256]))
    v.close()
    size = vault_path.stat().st_size
    page = 4096
    # Damage one page in the middle of the records (the header row stays readable).
    with vault_path.open("r+b") as fh:
        fh.seek((size // page // 2) * page + 8)
        fh.write(b"\xff" * 200)
    read_header(vault_path)  # the header itself is fine
    with pytest.raises(VaultHeaderDamaged, match="database check failed") as info:
        Vault.unlock(vault_path, PASSPHRASE)
    assert "kapjournal restore BACKUP_FILE" in str(info.value)  # says how, not just what


def test_check_not_busy_sees_another_opener_without_a_key(tmp_path: Path) -> None:
    from kapjournal.core.errors import VaultBusy
    from kapjournal.core.vault import check_not_busy

    path = tmp_path / "busy.kapj"
    check_not_busy(path)  # no vault, no lock file: nothing to say
    Journal.create(path, "correct horse battery").close()
    check_not_busy(path)  # closed: free
    holder = Journal.unlock(path, "correct horse battery")
    try:
        with pytest.raises(VaultBusy):
            check_not_busy(path)
    finally:
        holder.close()
    check_not_busy(path)
    # The probe leaves no lock behind: the vault still opens.
    Journal.unlock(path, "correct horse battery").close()
