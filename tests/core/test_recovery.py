"""Recovery codes, key rotation, quarantine repair, verified copies, KDF policy."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from kapjournal.core import crypto, errors
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from kapjournal.core.vault import (
    Vault,
    format_recovery_code,
    parse_recovery_code,
    read_header,
)
from tests.conftest import PASSPHRASE

NEW = "a new passphrase here"


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_recovery_code_format_is_seven_groups_of_four() -> None:
    code = format_recovery_code(bytes(range(16)))
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", code)
    assert parse_recovery_code(code) == bytes(range(16))


def test_recovery_code_parse_forgives_case_spaces_and_lookalikes() -> None:
    raw = bytes.fromhex("00ff" * 8)
    code = format_recovery_code(raw)
    sloppy = " ".join(code.lower().split("-")).replace("0", "o").replace("1", "l")
    assert parse_recovery_code(sloppy) == raw
    assert parse_recovery_code(code.replace("-", "")[:26]) == raw  # without check characters


def test_recovery_code_typo_reported_as_typo() -> None:
    code = format_recovery_code(bytes(16))
    chars = list(code)
    chars[1] = "Z" if chars[1] != "Z" else "Y"
    with pytest.raises(errors.WrongPassphrase, match="typo"):
        parse_recovery_code("".join(chars))


def test_recovery_slot_opens_vault_and_wrong_code_fails(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("kept safe")
        code = j.vault.add_recovery_slot()
    with Journal.unlock_with_recovery(vault_path, code) as j:
        assert j.get(Entry, e.id).body == "kept safe"
    other = format_recovery_code(bytes(16))
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, other)


def test_recovery_without_slot_fails_clearly(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    with pytest.raises(errors.WrongPassphrase, match="no recovery code"):
        Journal.unlock_with_recovery(vault_path, format_recovery_code(bytes(16)))


def test_recovery_reset_sets_passphrase_and_retires_code(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        code = j.vault.add_recovery_slot()
    with Journal.unlock_with_recovery(vault_path, code) as j:
        new_code = j.vault.reset_passphrase_after_recovery(NEW)
    assert new_code != code
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(vault_path, PASSPHRASE)
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, code)
    Journal.unlock(vault_path, NEW).close()
    Journal.unlock_with_recovery(vault_path, new_code).close()


def test_rekey_reencrypts_everything_under_new_key(vault_path: Path, tmp_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        ids = {j.add_entry(f"entry {i}").id for i in range(5)}
        old_copy = j.vault.backup_to(tmp_path / "before.kapj")
        conn = _raw(vault_path)
        before = dict(conn.execute("SELECT id, ct FROM records").fetchall())
        code = j.rekey(PASSPHRASE)
        after = dict(conn.execute("SELECT id, ct FROM records").fetchall())
        conn.close()
        assert code is None
        assert all(before[k] != after[k] for k in before)
        assert j.vault.header.key_id == 2
        assert j.verify().ok
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert {e.id for e in j.entries()} == ids
        assert j.verify().ok
    # The old copy still opens with its own (old) key...
    with Journal.unlock(old_copy, PASSPHRASE, readonly=True) as j:
        assert {e.id for e in j.entries()} == ids
    # ...but a record written after rotation cannot be opened with the old key.
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        fresh = j.add_entry("after rotation")
    row = (
        _raw(vault_path)
        .execute("SELECT * FROM records WHERE id = ?", (bytes.fromhex(fresh.id),))
        .fetchone()
    )
    conn = _raw(old_copy)
    conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    conn.close()
    with Journal.unlock(old_copy, PASSPHRASE, readonly=True) as j:
        assert fresh.id in j.verify().damaged


def test_rekey_replaces_recovery_code(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        old_code = j.vault.add_recovery_slot()
        new_code = j.rekey(PASSPHRASE)
    assert new_code is not None and new_code != old_code
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock_with_recovery(vault_path, old_code)
    Journal.unlock_with_recovery(vault_path, new_code).close()


def test_rekey_wrong_passphrase_changes_nothing(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("x")
        before = vault_path.read_bytes()
        with pytest.raises(errors.WrongPassphrase):
            j.rekey("not the passphrase")
    assert vault_path.read_bytes() == before


def test_rekey_refused_while_records_are_damaged(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("x")
    conn = _raw(vault_path)
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (b"junk" * 8, bytes.fromhex(e.id)))
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j, pytest.raises(errors.InvalidInput):
        j.rekey(PASSPHRASE)


def test_rekey_failure_mid_way_rolls_back(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("survives")

        def boom() -> None:
            raise errors.StorageFull()

        monkeypatch.setattr(j.vault, "_store_manifest", boom)
        with pytest.raises(errors.StorageFull):
            j.rekey(PASSPHRASE)
        monkeypatch.undo()
        # The in-memory keys were restored: writing still works and verifies.
        j.add_entry("still writable")
        assert j.vault.header.key_id == 1
        assert j.verify().ok
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.get(Entry, e.id).body == "survives"
        assert j.verify().ok


def _damage(path: Path, rid: str) -> bytes:
    conn = _raw(path)
    ct = bytearray(
        conn.execute("SELECT ct FROM records WHERE id = ?", (bytes.fromhex(rid),)).fetchone()[0]
    )
    ct[0] ^= 1
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (bytes(ct), bytes.fromhex(rid)))
    conn.close()
    return bytes(ct)


def test_quarantine_moves_damaged_records_sealed_and_verify_passes(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        good = j.add_entry("good")
        bad = j.add_entry("bad")
    damaged_ct = _damage(vault_path, bad.id)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.vault.quarantine_damaged() == [bad.id]
        report = j.verify()
    assert report.ok and report.quarantined == 1
    conn = _raw(vault_path)
    q = conn.execute("SELECT id, ct FROM quarantine").fetchall()
    conn.close()
    assert q == [(bytes.fromhex(bad.id), damaged_ct)]  # moved verbatim, still sealed
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert [e.id for e in j.entries()] == [good.id]
        assert j.verify().ok


def test_quarantine_does_not_hide_an_earlier_deletion(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("good")
        bad = j.add_entry("bad")
        gone = j.add_entry("deleted by an attacker")
    _damage(vault_path, bad.id)
    conn = _raw(vault_path)
    conn.execute("DELETE FROM records WHERE id = ?", (bytes.fromhex(gone.id),))
    conn.close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        j.vault.quarantine_damaged()
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert not j.verify().manifest_ok


def test_verify_copy_checks_a_backup_without_the_passphrase(
    vault_path: Path, tmp_path: Path
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("x")
        dest = j.vault.backup_to(tmp_path / "b" / "copy.kapj")
        assert j.vault.verify_copy(dest).ok
        other = tmp_path / "other.kapj"
        Journal.create(other, PASSPHRASE).close()
        with pytest.raises(errors.WrongPassphrase):
            j.vault.verify_copy(other)


def test_kdf_passphrase_change_never_lowers_cost(vault_path: Path) -> None:
    strong = crypto.KdfPolicy(t=2, m_kib=256, p=2)
    Vault.create(vault_path, PASSPHRASE, policy=strong).close()
    with Journal.unlock(vault_path, PASSPHRASE) as j:  # test policy: t=1, m=64, p=1
        j.change_passphrase(NEW)
    kdf = read_header(vault_path).slot("passphrase").kdf  # type: ignore[union-attr]
    assert (kdf.t, kdf.m_kib, kdf.p) == (2, 256, 2)


def test_kdf_weak_slot_upgraded_on_unlock(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    stronger = crypto.KdfPolicy(t=2, m_kib=128, p=1)
    with Vault.unlock(vault_path, PASSPHRASE, policy=stronger) as v:
        assert any("raised" in w for w in v.warnings)
    kdf = read_header(vault_path).slot("passphrase").kdf  # type: ignore[union-attr]
    assert (kdf.t, kdf.m_kib) == (2, 128)
    Journal.unlock(vault_path, PASSPHRASE).close()


def test_kdf_salt_is_new_on_every_passphrase_change(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        first = read_header(vault_path).slot("passphrase").kdf.salt  # type: ignore[union-attr]
        j.change_passphrase(NEW)
        j.change_passphrase(PASSPHRASE)
    assert read_header(vault_path).slot("passphrase").kdf.salt != first  # type: ignore[union-attr]


def test_vault_create_rechecks_under_lock(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another process creates the vault while we wait for the lock, we never replace it."""
    from kapjournal.core import vault as vault_mod

    real = vault_mod._acquire_lock

    def racing(path: Path) -> int:
        fd = real(path)
        path.write_bytes(b"the other process's vault")
        return fd

    monkeypatch.setattr(vault_mod, "_acquire_lock", racing)
    with pytest.raises(errors.VaultExists):
        Vault.create(vault_path, PASSPHRASE)
    assert vault_path.read_bytes() == b"the other process's vault"
    monkeypatch.undo()
    with pytest.raises(errors.VaultExists):
        Vault.create(vault_path, PASSPHRASE)  # and the lock was released


def test_vault_key_change_inside_transaction_refused(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        with pytest.raises(errors.InvalidInput), j.transaction():
            j.add_entry("x")
            j.change_passphrase(NEW)
        assert j.entries() == []
    Journal.unlock(vault_path, PASSPHRASE).close()
