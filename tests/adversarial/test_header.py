"""Hostile or damaged vault headers: cost lowered, version changed, slots moved."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kapjournal.core import errors
from kapjournal.core.journal import Journal
from kapjournal.core.vault import Vault, read_header
from tests.adversarial.helpers import header_dict, raw, write_header
from tests.conftest import PASSPHRASE


@pytest.fixture
def made(vault_path: Path) -> Path:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("something private")
    return vault_path


def test_header_kdf_cost_lowered_with_valid_checksum_refused(made: Path) -> None:
    data = header_dict(made)
    data["slots"][0]["kdf"]["t"] = 1
    data["slots"][0]["kdf"]["m_kib"] = 8
    write_header(made, data)
    before = made.read_bytes()
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(made, PASSPHRASE)
    assert made.read_bytes() == before  # nothing was rewritten with the weak costs


def test_header_kdf_salt_changed_refused(made: Path) -> None:
    data = header_dict(made)
    data["slots"][0]["kdf"]["salt"] = "ab" * 16
    write_header(made, data)
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(made, PASSPHRASE)


def test_header_edited_without_checksum_is_damage_not_wrong_passphrase(made: Path) -> None:
    data = header_dict(made)
    data["slots"][0]["kdf"]["t"] = 2
    write_header(made, data, fix_checksum=False)
    with pytest.raises(errors.VaultHeaderDamaged):
        Journal.unlock(made, PASSPHRASE)


def test_header_version_raised_is_too_new(made: Path) -> None:
    data = header_dict(made)
    data["format_version"] = 2
    write_header(made, data)
    with pytest.raises(errors.VaultTooNew):
        Journal.unlock(made, PASSPHRASE)


@pytest.mark.parametrize("version", [0, -1, True, "1", 1.0, None])
def test_header_version_invalid_is_damaged(made: Path, version: object) -> None:
    data = header_dict(made)
    data["format_version"] = version
    write_header(made, data)
    with pytest.raises(errors.VaultHeaderDamaged):
        read_header(made)


@pytest.mark.parametrize(
    ("field", "value"),
    [("m_kib", 4 * 1024 * 1024), ("t", 1000), ("p", 255), ("salt", "00"), ("alg", "scrypt")],
)
def test_header_absurd_kdf_params_refused_before_argon2(
    made: Path, field: str, value: object
) -> None:
    data = header_dict(made)
    data["slots"][0]["kdf"][field] = value
    write_header(made, data)
    start = time.monotonic()
    with pytest.raises((errors.InvalidKdfParams, errors.VaultHeaderDamaged)):
        Journal.unlock(made, PASSPHRASE)
    assert time.monotonic() - start < 2


def test_header_slot_transplanted_from_other_vault_refused(made: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.kapj"
    Journal.create(other, PASSPHRASE).close()
    data = header_dict(made)
    data["slots"] = header_dict(other)["slots"]
    write_header(made, data)
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(made, PASSPHRASE)


def test_header_vault_id_changed_refused(made: Path) -> None:
    data = header_dict(made)
    data["vault_id"] = "11" * 16
    write_header(made, data)
    with pytest.raises(errors.WrongPassphrase):
        Journal.unlock(made, PASSPHRASE)


def test_header_slot_type_relabelled_refused(made: Path) -> None:
    """A recovery slot relabelled as the passphrase slot does not unwrap."""
    with Journal.unlock(made, PASSPHRASE) as j:
        j.vault.add_recovery_slot()
    data = header_dict(made)
    data["slots"] = [dict(s, type="passphrase") for s in data["slots"] if s["type"] == "recovery"]
    write_header(made, data)
    with pytest.raises((errors.WrongPassphrase, errors.InvalidKdfParams)):
        Journal.unlock(made, PASSPHRASE)


def test_header_magic_changed_is_not_a_vault(made: Path) -> None:
    data = header_dict(made)
    data["magic"] = "XXXX"
    write_header(made, data)
    with pytest.raises(errors.NotAVault):
        read_header(made)


def test_header_garbage_json_is_damaged(made: Path) -> None:
    conn = raw(made)
    conn.execute("UPDATE kapj_header SET data = '{not json'")
    conn.close()
    with pytest.raises(errors.VaultHeaderDamaged):
        Journal.unlock(made, PASSPHRASE)


def test_header_row_missing_is_damaged(made: Path) -> None:
    conn = raw(made)
    conn.execute("DELETE FROM kapj_header")
    conn.close()
    with pytest.raises(errors.VaultHeaderDamaged):
        Journal.unlock(made, PASSPHRASE)


@pytest.mark.parametrize(
    "content",
    [b"", b"plain text notes\n", b"SQLite format 3\0" + b"\0" * 100],
    ids=["empty", "text", "sqlite-magic-only"],
)
def test_header_non_vault_file_refused_and_kept(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "journal.kapj"
    path.write_bytes(content)
    with pytest.raises((errors.NotAVault, errors.VaultHeaderDamaged)):
        Journal.unlock(path, PASSPHRASE)
    with pytest.raises(errors.VaultExists):
        Journal.create(path, PASSPHRASE)
    assert path.read_bytes() == content


def test_header_truncated_vault_refused_not_recreated(made: Path) -> None:
    data = made.read_bytes()
    made.write_bytes(data[: len(data) // 2])
    with pytest.raises((errors.NotAVault, errors.VaultHeaderDamaged)):
        Journal.unlock(made, PASSPHRASE)
    assert made.read_bytes() == data[: len(data) // 2]


def test_header_sqlite_database_of_other_app_is_not_a_vault(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = raw(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    with pytest.raises(errors.NotAVault):
        Vault.unlock(path, PASSPHRASE)
