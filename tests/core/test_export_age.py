"""age encryption (pyrage), hostile headers, and private atomic writes."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kapjournal.core.errors import ExportFailed, InvalidInput, ReviewFileInvalid
from kapjournal.core.export import age

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _keypair() -> tuple[str, str]:
    text, public = age.new_identity(NOW)
    secret = next(ln for ln in text.splitlines() if ln.startswith("AGE-SECRET-KEY-"))
    return secret, public


def test_age_recipient_round_trip() -> None:
    secret, public = _keypair()
    data = b'{"hello": "world"}' * 100
    ct = age.encrypt(data, recipient=public)
    assert ct.startswith(age.AGE_MAGIC) and data not in ct
    assert "X25519" in age.inspect_header(ct).stanzas
    assert age.decrypt(ct, identities=[secret]) == data


def test_age_passphrase_round_trip_and_wrong_passphrase() -> None:
    ct = age.encrypt(b"secret notes", passphrase="share this in person")
    header = age.inspect_header(ct)
    assert header.needs_passphrase and header.work_factor is not None
    assert age.decrypt(ct, passphrase="share this in person") == b"secret notes"
    with pytest.raises(ReviewFileInvalid, match="passphrase does not open"):
        age.decrypt(ct, passphrase="wrong words here")


def test_age_wrong_identity_gives_clear_error() -> None:
    _, public = _keypair()
    other, _ = _keypair()
    ct = age.encrypt(b"data", recipient=public)
    with pytest.raises(ReviewFileInvalid, match="key does not open the export"):
        age.decrypt(ct, identities=[other])
    with pytest.raises(ReviewFileInvalid, match="--identity"):
        age.decrypt(ct)


@pytest.mark.parametrize(
    "bad",
    ["", "hello", "age1", "age1abc", "AGE-SECRET-KEY-1XYZ", "age1" + "q" * 58],
)
def test_age_malformed_recipient_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        age.parse_recipient(bad)


def test_age_recipient_accepts_spaces_and_upper_case() -> None:
    _, public = _keypair()
    assert str(age.parse_recipient(f"  {public.upper()}\n")) == public


def test_age_hostile_scrypt_work_factor_refused_before_decrypting() -> None:
    hostile = (
        b"age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 40\n"
        b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- AAAA\n" + b"\0" * 64
    )
    with pytest.raises(ReviewFileInvalid, match="passphrase cost"):
        age.decrypt(hostile, passphrase="anything")  # returns at once, no scrypt run


def test_age_passphrase_export_never_costs_more_than_review_opens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What pyrage writes on a computer 4x faster than the test VM: it times the
    # machine and picks 2^21, which review mode refuses.
    def fast_machine(data: bytes, passphrase: str) -> bytes:
        return (
            b"age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 21\n"
            b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- AAAA\n" + b"\0" * 64
        )

    monkeypatch.setattr(age.age_passphrase, "encrypt", fast_machine)
    with pytest.raises(ExportFailed, match="therapist's age key instead"):
        age.encrypt(b"notes", passphrase="share this in person")


@pytest.mark.parametrize(
    "data",
    [
        b"age-encryption.org/v1\nno header end",
        b"age-encryption.org/v1\n--- AAAA\n",
        b"age-encryption.org/v1\n-> scrypt salt notanumber\nAAAA\n--- AAAA\n",
        b"plain bytes",
    ],
)
def test_age_damaged_headers_refused(data: bytes) -> None:
    with pytest.raises(ReviewFileInvalid):
        age.inspect_header(data)


def test_write_private_is_0600_atomic_and_refuses_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.age"
    age.write_private(target, b"one")
    assert target.read_bytes() == b"one"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(ExportFailed, match="already exists"):
        age.write_private(target, b"two")
    age.write_private(target, b"two", overwrite=True)
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["out.age"]  # no temp files left
    with pytest.raises(ExportFailed, match="does not exist"):
        age.write_private(tmp_path / "missing" / "x", b"")


def test_synced_folder_detection(tmp_path: Path) -> None:
    assert age.synced_folder(tmp_path / "Dropbox" / "x.html") == "Dropbox"
    assert age.synced_folder(tmp_path / "OneDrive - Clinic" / "x") == "OneDrive - Clinic"
    assert age.synced_folder(tmp_path / "Google Drive" / "x") == "Google Drive"
    assert age.synced_folder(Path("/Users/a/Library/Mobile Documents/com~apple~CloudDocs/x"))
    assert age.synced_folder(tmp_path / "exports" / "x.html") is None


def test_identity_file_round_trip(tmp_path: Path) -> None:
    text, public = age.new_identity(NOW)
    path = tmp_path / "key.txt"
    age.write_private(path, text.encode())
    keys = age.read_identity_file(path)
    ct = age.encrypt(b"x", recipient=public)
    assert age.decrypt(ct, identities=keys) == b"x"
    (tmp_path / "bad.txt").write_text("# nothing here\n")
    with pytest.raises(InvalidInput, match="does not contain"):
        age.read_identity_file(tmp_path / "bad.txt")
    assert os.stat(path).st_mode & 0o077 == 0


def test_review_of_an_encrypted_html_export_says_it_is_not_json() -> None:
    from kapjournal.core.export.review import open_export_bytes

    secret, public = _keypair()
    ct = age.encrypt(b"<!DOCTYPE html>\n<html><body>summary</body></html>", recipient=public)
    with pytest.raises(ReviewFileInvalid, match="HTML or Markdown export") as err:
        open_export_bytes(ct, identities=[secret])
    assert "age -d" in str(err.value)  # the therapist learns how to open it after all


def test_review_mixed_up_files_are_named(tmp_path: Path) -> None:
    """Key and export swapped, or a vault given: say which file is which."""
    from kapjournal.core.export.review import load_export

    text, public = age.new_identity(NOW)
    key = tmp_path / "therapist.key"
    key.write_text(text)
    export = tmp_path / "visit.json.age"
    export.write_bytes(age.encrypt(b"{}", recipient=public))
    with pytest.raises(InvalidInput, match="encrypted export, not a key file"):
        load_export(key, identity=export)
    with pytest.raises(ReviewFileInvalid, match="age key file, not an export"):
        load_export(key)
    vault = tmp_path / "journal.kapj"
    vault.write_bytes(b"SQLite format 3\x00" + bytes(200))
    with pytest.raises(ReviewFileInvalid, match="not an export"):
        load_export(vault)
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    with pytest.raises(InvalidInput, match="not an age key file"):
        load_export(export, identity=binary)
