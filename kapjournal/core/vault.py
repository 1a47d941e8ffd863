"""The vault file: header and key slots, sealed records, manifest, locking.

One SQLite file holds everything. Plaintext on disk is limited to what
``SECURITY.md`` allows: the header (magic, version, vault id, key slots) and,
per record, ``id, kind, schema_v, key_id, rev, nonce, ct``. The vault knows
records only as opaque sealed bytes; :mod:`kapjournal.core.journal` gives them
types.

Integrity has three layers:

* every record is AES-256-GCM sealed with associated data binding the vault,
  row id, kind, schema version, key id and revision, so moving or replaying a
  ciphertext fails;
* a sealed manifest keeps the row count, the encryption counter and a keyed
  set-hash over ``(id, rev, SHA-256(ct))`` of every row. It is updated in the
  same transaction as each write, in O(1) (see ``docs/security.md`` for why a
  XOR of per-row HMACs replaces the HMAC over the sorted list);
* the header carries a SHA-256 checksum so damage is told apart from a wrong
  passphrase.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import sqlite3
import stat
import struct
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kapjournal.core import crypto
from kapjournal.core.errors import (
    InvalidInput,
    KapError,
    NotAVault,
    RecordNotFound,
    StorageError,
    StorageFull,
    StoragePermission,
    TamperWarning,
    VaultBusy,
    VaultExists,
    VaultHeaderDamaged,
    VaultNotFound,
    VaultTooNew,
    WeakPassphrase,
    WrongPassphrase,
)

MAGIC = "KAPJ"
FORMAT_VERSION = 1
FORMAT_MINOR = 0
MANIFEST_ID = b"\0" * 16
MANIFEST_KIND = "manifest"
REC_AD_TAG = b"kapj/v1/rec"
MIN_PASSPHRASE = 8
# SECURITY.md: rotate the DEK well before 2^32 random-nonce encryptions.
ROTATE_AFTER = 2**31
TEST_KDF_ENV = "KAPJOURNAL_INSECURE_TEST_KDF"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kapj_header (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    schema_v INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    rev INTEGER NOT NULL,
    nonce BLOB NOT NULL,
    ct BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_kind ON records(kind);
CREATE TABLE IF NOT EXISTS quarantine (
    id BLOB NOT NULL,
    kind TEXT NOT NULL,
    schema_v INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    rev INTEGER NOT NULL,
    nonce BLOB NOT NULL,
    ct BLOB NOT NULL
);
"""


def policy_from_env() -> crypto.KdfPolicy:
    """The KDF policy for new slots.

    Automated tests set ``KAPJOURNAL_INSECURE_TEST_KDF=1`` to get a cheap
    Argon2id; a vault made that way is upgraded to the real policy the first
    time it is unlocked without the variable.
    """
    if os.environ.get(TEST_KDF_ENV) == "1":
        return crypto.TEST_POLICY
    return crypto.DEFAULT_POLICY


def new_record_id() -> bytes:
    return uuid.uuid4().bytes


# ---------------------------------------------------------------- header


@dataclass(frozen=True)
class KeySlot:
    """One wrapped copy of the data key."""

    type: str  # "passphrase" | "recovery"
    kdf: crypto.KdfParams
    nonce: bytes
    wrapped: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "kdf": self.kdf.to_dict(),
            "nonce": self.nonce.hex(),
            "wrapped": self.wrapped.hex(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeySlot:
        try:
            return cls(
                type=str(data["type"]),
                kdf=crypto.KdfParams.from_dict(data["kdf"]),
                nonce=bytes.fromhex(data["nonce"]),
                wrapped=bytes.fromhex(data["wrapped"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise VaultHeaderDamaged() from err


@dataclass(frozen=True)
class Header:
    """The plaintext vault header."""

    vault_id: bytes
    format_version: int
    format_minor: int
    key_id: int
    slots: tuple[KeySlot, ...]

    def body(self) -> dict[str, Any]:
        return {
            "magic": MAGIC,
            "format_version": self.format_version,
            "format_minor": self.format_minor,
            "vault_id": self.vault_id.hex(),
            "key_id": self.key_id,
            "slots": [s.to_dict() for s in self.slots],
        }

    def serialise(self) -> str:
        body = self.body()
        body["checksum"] = crypto.sha256(_canonical(body)).hex()
        return json.dumps(body, sort_keys=True)

    @classmethod
    def parse(cls, text: str) -> Header:
        """Parse and check the header.

        Raises:
            NotAVault: when the magic is wrong.
            VaultTooNew: when the major format version is newer than ours.
            VaultHeaderDamaged: when the JSON or checksum is bad.
        """
        try:
            data = json.loads(text)
        except (ValueError, TypeError) as err:
            raise VaultHeaderDamaged() from err
        if not isinstance(data, dict):
            raise VaultHeaderDamaged()
        checksum = data.pop("checksum", None)
        if not isinstance(checksum, str) or not crypto.constant_time_equal(
            crypto.sha256(_canonical(data)).hex().encode(), checksum.encode()
        ):
            raise VaultHeaderDamaged()
        if data.get("magic") != MAGIC:
            raise NotAVault()
        version = data.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise VaultHeaderDamaged()
        if version > FORMAT_VERSION:
            raise VaultTooNew()
        try:
            return cls(
                vault_id=bytes.fromhex(data["vault_id"]),
                format_version=version,
                format_minor=int(data.get("format_minor", 0)),
                key_id=int(data["key_id"]),
                slots=tuple(KeySlot.from_dict(s) for s in data["slots"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise VaultHeaderDamaged() from err

    def slot(self, type_: str) -> KeySlot | None:
        return next((s for s in self.slots if s.type == type_), None)

    def with_slot(self, slot: KeySlot) -> Header:
        others = tuple(s for s in self.slots if s.type != slot.type)
        return Header(
            self.vault_id, self.format_version, self.format_minor, self.key_id, (*others, slot)
        )

    def without_slot(self, type_: str) -> Header:
        return Header(
            self.vault_id,
            self.format_version,
            self.format_minor,
            self.key_id,
            tuple(s for s in self.slots if s.type != type_),
        )


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def _slot_ad(
    vault_id: bytes, slot_type: str, kdf: crypto.KdfParams, version: int = FORMAT_VERSION
) -> bytes:
    return crypto.length_prefixed(
        MAGIC.encode(),
        str(version).encode(),
        vault_id,
        slot_type.encode(),
        _canonical(kdf.to_dict()),
    )


def _wrap(
    kek: bytearray,
    dek: bytearray,
    vault_id: bytes,
    type_: str,
    kdf: crypto.KdfParams,
    version: int = FORMAT_VERSION,
) -> KeySlot:
    nonce, wrapped = crypto.seal(kek, bytes(dek), _slot_ad(vault_id, type_, kdf, version))
    return KeySlot(type=type_, kdf=kdf, nonce=nonce, wrapped=wrapped)


def _unwrap(
    kek: bytearray, slot: KeySlot, vault_id: bytes, version: int = FORMAT_VERSION
) -> bytearray:
    try:
        return bytearray(
            crypto.open_sealed(
                kek, slot.nonce, slot.wrapped, _slot_ad(vault_id, slot.type, slot.kdf, version)
            )
        )
    except crypto.DecryptError as err:
        raise WrongPassphrase() from err


# ---------------------------------------------------------------- helpers


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Turn OS and SQLite write failures into calm ``KapError``s."""
    try:
        yield
    except KapError:
        raise
    except sqlite3.OperationalError as err:
        text = str(err).lower()
        name = str(getattr(err, "sqlite_errorname", ""))
        if name.startswith("SQLITE_FULL") or "disk is full" in text:
            raise StorageFull() from err
        if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_CANTOPEN"):
            raise StoragePermission() from err
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            raise StoragePermission() from err
        if "locked" in text or "busy" in text:
            raise VaultBusy() from err
        raise StorageError() from err
    except sqlite3.DatabaseError as err:
        raise StorageError() from err
    except PermissionError as err:
        raise StoragePermission() from err
    except OSError as err:
        if err.errno == errno.ENOSPC:
            raise StorageFull() from err
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StoragePermission() from err
        raise StorageError() from err


def secure_dir(path: Path) -> None:
    """Create ``path`` (and parents) with mode 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o700)


def fix_permissions(path: Path) -> list[str]:
    """Make the vault and its directory private; return what had to be fixed."""
    fixed: list[str] = []
    for target, mode in ((path.parent, 0o700), (path, 0o600)):
        try:
            current = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            continue
        if current & 0o077:
            with contextlib.suppress(OSError):
                target.chmod(mode)
                fixed.append(str(target))
    return fixed


def _roll_back_hot_journal(path: Path) -> None:
    """Let SQLite roll back a journal left by a killed writer.

    A read-only connection cannot do this itself (``SQLITE_READONLY_ROLLBACK``),
    so after a crash every read-only open (``list``, ``show``, ``verify``) would
    fail until something opened the file for writing. A short read-write
    connection that reads the schema triggers SQLite's own recovery; SQLite's
    file locks make this a no-op while a live writer still owns the journal.
    """
    journal = path.with_name(path.name + "-journal")
    if not journal.exists():
        return
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        _roll_back_hot_journal(path)
        # Quote the path: '#', '?' and '%' in a folder name would otherwise be
        # read as URI syntax and open a different (or no) file.
        uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 2000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def _quick_check(conn: sqlite3.Connection) -> str:
    """``PRAGMA quick_check``'s first line; a file too damaged to check is not "ok"."""
    try:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    except sqlite3.OperationalError:
        raise  # busy, locked, cannot read: not evidence of damage
    except sqlite3.DatabaseError as err:  # "database disk image is malformed"
        return f"damaged: {err}"


def read_header(path: Path) -> Header:
    """Read and check the header without any key.

    Raises:
        VaultNotFound, NotAVault, VaultHeaderDamaged, VaultTooNew.
    """
    path = Path(path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise VaultNotFound() from None
    except PermissionError as err:
        raise StoragePermission(
            "kapjournal is not allowed to look inside the folder that holds the vault. "
            "Check the folder's permissions."
        ) from err
    except OSError as err:
        raise StorageError("The vault file could not be read.") from err
    if stat.S_ISDIR(info.st_mode):
        raise NotAVault("That path is a folder, not a kapjournal vault file.")
    try:
        with path.open("rb") as fh:
            magic = fh.read(16)
    except PermissionError as err:
        raise StoragePermission() from err
    except OSError as err:
        raise StorageError() from err
    if magic != b"SQLite format 3\0":
        raise NotAVault()
    try:
        conn = _connect(path, readonly=True)
        try:
            row = conn.execute("SELECT data FROM kapj_header WHERE id = 1").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError as err:
        text = str(err).lower()
        name = str(getattr(err, "sqlite_errorname", ""))
        if "no such table" in text:
            raise NotAVault() from err
        if "locked" in text or "busy" in text:
            raise VaultBusy() from err
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
            raise StoragePermission(
                "The vault cannot be opened: kapjournal lacks permission to read it or "
                "to finish an interrupted write in its folder."
            ) from err
        raise VaultHeaderDamaged() from err
    except sqlite3.DatabaseError as err:
        raise VaultHeaderDamaged() from err
    except OSError as err:
        if isinstance(err, PermissionError):
            raise StoragePermission() from err
        raise StorageError() from err
    if row is None:
        raise VaultHeaderDamaged()
    return Header.parse(row[0])


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class OpenedRecord:
    """A record after decryption."""

    id: bytes
    kind: str
    schema_v: int
    rev: int
    plaintext: bytes


@dataclass(frozen=True)
class DamagedRecord:
    """A record whose tag failed: listed, never rewritten or deleted."""

    id: bytes
    kind: str
    rev: int


@dataclass
class VerifyReport:
    """What ``verify`` found."""

    counts: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)
    manifest_ok: bool = True
    quick_check: str = "ok"
    quarantined: int = 0

    @property
    def ok(self) -> bool:
        return not self.damaged and self.manifest_ok and self.quick_check == "ok"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Manifest:
    count: int = 0
    counter: int = 0
    acc: bytes = b"\0" * 32
    generation: int = 0

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "count": self.count,
                "counter": self.counter,
                "acc": self.acc.hex(),
                "generation": self.generation,
            }
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> _Manifest:
        obj = json.loads(data)
        return cls(
            int(obj["count"]),
            int(obj["counter"]),
            bytes.fromhex(obj["acc"]),
            int(obj.get("generation", 0)),
        )


@functools.lru_cache(maxsize=8)
def _ad_prefix(vault_id: bytes) -> bytes:
    """The constant head of every record's associated data for one vault."""
    return crypto.length_prefixed(REC_AD_TAG, vault_id)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


class Vault:
    """An unlocked vault. Create with :meth:`create` or :meth:`unlock`."""

    def __init__(
        self,
        path: Path,
        header: Header,
        dek: bytearray,
        conn: sqlite3.Connection,
        lock_fd: int | None,
        *,
        readonly: bool = False,
    ) -> None:
        self.path = path
        self.header = header
        self._dek = dek
        self._rec_key = crypto.subkey(dek, "records")
        self._man_key = crypto.subkey(dek, "manifest")
        self._aead = crypto.Aead(self._rec_key)
        self._conn = conn
        self._lock_fd = lock_fd
        self.readonly = readonly
        self._depth = 0
        self.warnings: list[str] = []
        self.recovery_code: str | None = None
        self._dirty = False
        self._manifest = self._load_manifest()
        if self._manifest.counter >= ROTATE_AFTER:
            self.warnings.append(
                "This vault's data key has sealed very many records; "
                "please run 'kapjournal rekey' to rotate it."
            )

    # -- opening ------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path | str, passphrase: str, *, policy: crypto.KdfPolicy | None = None
    ) -> Vault:
        """Create a new vault file.

        Raises:
            VaultExists: when anything already exists at ``path``.
            WeakPassphrase: when the passphrase is shorter than 8 characters.
        """
        path = Path(path)
        if len(passphrase) < MIN_PASSPHRASE:
            raise WeakPassphrase()
        if path.exists():
            raise VaultExists()
        policy = policy or policy_from_env()
        with storage_errors():
            secure_dir(path.parent)
            lock_fd = _acquire_lock(path)
        try:
            # Check again under the lock: another process may have created the
            # vault between the first check and the lock (the final rename
            # would otherwise replace it).
            if path.exists():
                raise VaultExists()
            vault_id = os.urandom(16)
            dek = crypto.random_key()
            kdf = policy.new_params()
            kek = crypto.derive_kek(passphrase, kdf)
            try:
                slot = _wrap(kek, dek, vault_id, "passphrase", kdf)
            finally:
                crypto.wipe(kek)
            header = Header(vault_id, FORMAT_VERSION, FORMAT_MINOR, 1, (slot,))
            tmp = path.with_name(path.name + ".creating")
            with storage_errors():
                tmp.unlink(missing_ok=True)
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
                conn = _connect(tmp, readonly=False)
                # Imported here: only vault creation needs it, and it costs ~80 ms
                # of start-up for every other command.
                import sqlite_utils

                db = sqlite_utils.Database(conn)
                db.executescript(_SCHEMA)
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO kapj_header (id, data) VALUES (1, ?)", (header.serialise(),)
                )
                conn.execute("COMMIT")
                conn.close()
                os.replace(tmp, path)
                fsync_dir(path.parent)
                conn = _connect(path, readonly=False)
            vault = cls(path, header, dek, conn, lock_fd)
            with vault.transaction():
                vault._dirty = True
            return vault
        except BaseException:
            _release_lock(lock_fd)
            raise

    @classmethod
    def unlock(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        policy: crypto.KdfPolicy | None = None,
        readonly: bool = False,
    ) -> Vault:
        """Derive the KEK, unwrap the data key and open for writing.

        Raises:
            VaultNotFound, NotAVault, VaultHeaderDamaged, VaultTooNew,
            WrongPassphrase, VaultBusy, StorageError.
        """
        path = Path(path)
        header = read_header(path)
        slot = header.slot("passphrase")
        if slot is None:
            raise VaultHeaderDamaged()
        kek = crypto.derive_kek(passphrase, slot.kdf)
        try:
            dek = _unwrap(kek, slot, header.vault_id, header.format_version)
        finally:
            crypto.wipe(kek)
        vault = cls._open_with_dek(path, header, dek, readonly=readonly)
        policy = policy or policy_from_env()
        if not readonly and slot.kdf.weaker_than(policy):
            vault.change_passphrase(passphrase, policy=policy)
            vault.warnings.append("Key-derivation strength was raised to the current policy.")
        return vault

    @classmethod
    def unlock_with_recovery(cls, path: Path | str, code: str) -> Vault:
        """Open with the recovery code. The caller must then set a new passphrase."""
        path = Path(path)
        header = read_header(path)
        slot = header.slot("recovery")
        if slot is None:
            raise WrongPassphrase("This vault has no recovery code.")
        raw = parse_recovery_code(code)
        kek = crypto.derive_recovery_kek(raw, slot.kdf)
        try:
            dek = _unwrap(kek, slot, header.vault_id, header.format_version)
        except WrongPassphrase as err:
            raise WrongPassphrase("That recovery code did not unlock the vault.") from err
        finally:
            crypto.wipe(kek)
        return cls._open_with_dek(path, header, dek, readonly=False)

    @classmethod
    def _open_with_dek(cls, path: Path, header: Header, dek: bytearray, *, readonly: bool) -> Vault:
        lock_fd = None
        try:
            with storage_errors():
                if not readonly:
                    lock_fd = _acquire_lock(path)
                conn = _connect(path, readonly=readonly)
                result = _quick_check(conn)
            if result != "ok":
                conn.close()
                raise VaultHeaderDamaged(
                    "The vault file is damaged (database check failed). Please restore a "
                    "backup with 'kapjournal restore BACKUP_FILE' (the damaged file is kept "
                    "beside it)."
                )
            if not readonly:
                with storage_errors():
                    conn.executescript(_SCHEMA)  # adds tables introduced by minor versions
            vault = cls(path, header, dek, conn, lock_fd, readonly=readonly)
        except BaseException:
            crypto.wipe(dek)
            _release_lock(lock_fd)
            raise
        vault.warnings.extend(
            f"Tightened permissions on {p}" for p in ([] if readonly else fix_permissions(path))
        )
        return vault

    # -- key management ---------------------------------------------

    def change_passphrase(
        self, new_passphrase: str, *, policy: crypto.KdfPolicy | None = None
    ) -> None:
        """Rewrap the data key under a new passphrase (new salt). Records untouched."""
        self._write_header(self.header.with_slot(self._passphrase_slot(new_passphrase, policy)))

    def _passphrase_slot(self, new_passphrase: str, policy: crypto.KdfPolicy | None) -> KeySlot:
        """A new passphrase slot (fresh salt), bound to this header's format version."""
        if len(new_passphrase) < MIN_PASSPHRASE:
            raise WeakPassphrase()
        self._require_writable()
        kdf = self._new_passphrase_kdf(policy)
        kek = crypto.derive_kek(new_passphrase, kdf)
        try:
            return _wrap(
                kek, self._dek, self.header.vault_id, "passphrase", kdf, self.header.format_version
            )
        finally:
            crypto.wipe(kek)

    def _new_passphrase_kdf(self, policy: crypto.KdfPolicy | None) -> crypto.KdfParams:
        """Fresh salt; costs = the policy, but never below the current slot's.

        SECURITY.md: the KDF may be calibrated up, never down. Without this a
        passphrase change run under the test switch (or an older, lower policy)
        would silently weaken a vault that had stronger settings.
        """
        policy = policy or policy_from_env()
        current = self.header.slot("passphrase")
        if current is not None and current.kdf.alg == "argon2id":
            policy = crypto.KdfPolicy(
                t=max(policy.t, current.kdf.t),
                m_kib=max(policy.m_kib, current.kdf.m_kib),
                p=max(policy.p, current.kdf.p),
            )
        return policy.new_params()

    def add_recovery_slot(self) -> str:
        """Create (or replace) the recovery slot; return the code to show once."""
        self._require_writable()
        code, slot = _recovery_slot(self._dek, self.header.vault_id, self.header.format_version)
        self._write_header(self.header.with_slot(slot))
        return code

    def rekey(self, passphrase: str, *, policy: crypto.KdfPolicy | None = None) -> str | None:
        """Rotate the data key: new DEK, every record re-sealed, every slot rewrapped.

        Everything happens in one SQLite transaction, so a crash leaves either
        the old key and records or the new ones. Copies made before the
        rotation still open with the old passphrase (they hold the old key);
        records written afterwards cannot be read with the old key.

        Args:
            passphrase: the current passphrase (checked, then used for the new slot).

        Returns:
            A new recovery code when the vault had a recovery slot (the old code
            stops working, so the new one must be shown to the user), else None.

        Raises:
            WrongPassphrase: when ``passphrase`` does not open the current slot.
            InvalidInput: when some records fail authentication (quarantine
                them first with ``verify --repair``) or inside a transaction.
        """
        self._require_writable()
        if self._depth:
            raise InvalidInput("Finish the current change before rotating the key.")
        current = self.header.slot("passphrase")
        if current is None:
            raise VaultHeaderDamaged()
        kek = crypto.derive_kek(passphrase, current.kdf)
        try:
            crypto.wipe(_unwrap(kek, current, self.header.vault_id, self.header.format_version))
        finally:
            crypto.wipe(kek)
        opened: list[OpenedRecord] = []
        for rec in self.iter_records():
            if isinstance(rec, DamagedRecord):
                raise InvalidInput(
                    "Some records fail authentication; run 'kapjournal verify --repair' "
                    "first, then rotate the key."
                )
            opened.append(rec)
        header = self.header
        new_dek = crypto.random_key()
        kdf = self._new_passphrase_kdf(policy)
        kek = crypto.derive_kek(passphrase, kdf)
        try:
            slots = [_wrap(kek, new_dek, header.vault_id, "passphrase", kdf, header.format_version)]
        finally:
            crypto.wipe(kek)
        code: str | None = None
        if header.slot("recovery") is not None:
            code, rslot = _recovery_slot(new_dek, header.vault_id, header.format_version)
            slots.append(rslot)
        new_header = Header(
            header.vault_id,
            header.format_version,
            header.format_minor,
            header.key_id + 1,
            tuple(slots),
        )
        old = (self._dek, self._rec_key, self._man_key, self._aead, self._manifest, self.header)
        self._dek = new_dek
        self._rec_key = crypto.subkey(new_dek, "records")
        self._man_key = crypto.subkey(new_dek, "manifest")
        self._aead = crypto.Aead(self._rec_key)
        self._manifest = _Manifest(generation=old[4].generation)
        self.header = new_header
        try:
            with storage_errors():
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.execute(
                        "UPDATE kapj_header SET data = ? WHERE id = 1", (new_header.serialise(),)
                    )
                    for rec in opened:
                        rev = rec.rev + 1
                        nonce, ct = self._seal(rec.id, rec.kind, rec.schema_v, rev, rec.plaintext)
                        self._conn.execute(
                            "UPDATE records SET key_id = ?, rev = ?, nonce = ?, ct = ? "
                            "WHERE id = ?",
                            (new_header.key_id, rev, nonce, ct, rec.id),
                        )
                        self._manifest.acc = _xor(
                            self._manifest.acc, self._row_mac(rec.id, rev, ct)
                        )
                        self._manifest.count += 1
                    self._store_manifest()
                    self._conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                    raise
        except BaseException:
            for key in (self._dek, self._rec_key, self._man_key):
                crypto.wipe(key)
            self._dek, self._rec_key, self._man_key, self._aead, self._manifest, self.header = old
            raise
        for key in old[:3]:
            crypto.wipe(key)
        return code

    def reset_passphrase_after_recovery(
        self, new_passphrase: str, *, policy: crypto.KdfPolicy | None = None
    ) -> str:
        """Set a new passphrase and replace the used recovery code, in one header write.

        Returns:
            The new recovery code (the old one stops working).
        """
        slot = self._passphrase_slot(new_passphrase, policy)
        code, rslot = _recovery_slot(self._dek, self.header.vault_id, self.header.format_version)
        self._write_header(self.header.with_slot(slot).with_slot(rslot))
        return code

    def verify_copy(self, path: Path | str) -> VerifyReport:
        """Verify a copy of this vault (e.g. a fresh backup) with the key already in memory.

        Raises:
            WrongPassphrase: when the copy belongs to another vault or key.
        """
        header = read_header(Path(path))
        if header.vault_id != self.header.vault_id or header.key_id != self.header.key_id:
            raise WrongPassphrase("That copy was not made from this vault's current key.")
        copy = Vault._open_with_dek(Path(path), header, bytearray(self._dek), readonly=True)
        try:
            return copy.verify()
        finally:
            copy.close()

    def remove_recovery_slot(self) -> None:
        self._write_header(self.header.without_slot("recovery"))

    def _write_header(self, header: Header) -> None:
        self._require_writable()
        if self._depth:
            raise InvalidInput("Finish the current change before changing keys.")
        with storage_errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(
                    "UPDATE kapj_header SET data = ? WHERE id = 1", (header.serialise(),)
                )
                self._conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. on a full disk);
                # a failing ROLLBACK must not hide the real error.
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
        self.header = header

    # -- transactions and records -------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one SQLite transaction with one manifest update."""
        self._require_writable()
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        saved = _Manifest(
            self._manifest.count,
            self._manifest.counter,
            self._manifest.acc,
            self._manifest.generation,
        )
        self._dirty = False
        with storage_errors():
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
            with storage_errors():
                if self._dirty:
                    self._store_manifest()
                self._conn.execute("COMMIT")
        except BaseException:
            self._manifest = saved
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def put(
        self, kind: str, plaintext: bytes, *, record_id: bytes | None = None, schema_v: int = 1
    ) -> tuple[bytes, int]:
        """Insert or update one record. Returns ``(id, rev)``.

        Raises:
            InvalidInput: for the manifest's reserved id or kind (a hostile
                import with an all-zero id must not overwrite the manifest).
        """
        if record_id == MANIFEST_ID or kind == MANIFEST_KIND:
            raise InvalidInput("That record id or kind is reserved by the vault.")
        if record_id is not None and len(record_id) != 16:
            raise InvalidInput("Record ids are 16 bytes.")
        with self.transaction(), storage_errors():
            rid = record_id or new_record_id()
            old = self._conn.execute("SELECT rev, ct FROM records WHERE id = ?", (rid,)).fetchone()
            rev = 1
            if old is not None:
                rev = old[0] + 1
                self._manifest.acc = _xor(self._manifest.acc, self._row_mac(rid, old[0], old[1]))
            else:
                self._manifest.count += 1
            nonce, ct = self._seal(rid, kind, schema_v, rev, plaintext)
            self._conn.execute(
                "INSERT OR REPLACE INTO records (id, kind, schema_v, key_id, rev, nonce, ct) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rid, kind, schema_v, self.header.key_id, rev, nonce, ct),
            )
            self._manifest.acc = _xor(self._manifest.acc, self._row_mac(rid, rev, ct))
            self._dirty = True
            return rid, rev

    def delete(self, record_id: bytes) -> None:
        """Delete a record (``secure_delete`` overwrites the freed bytes)."""
        if record_id == MANIFEST_ID:
            raise RecordNotFound()
        with self.transaction(), storage_errors():
            old = self._conn.execute(
                "SELECT rev, ct FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            if old is None:
                raise RecordNotFound()
            self._conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
            self._manifest.acc = _xor(self._manifest.acc, self._row_mac(record_id, old[0], old[1]))
            self._manifest.count -= 1
            self._dirty = True

    def get(self, record_id: bytes) -> OpenedRecord:
        """Decrypt one record.

        Raises:
            RecordNotFound: no such id.
            RecordDamaged: the tag failed.
        """
        row = self._conn.execute(
            "SELECT id, kind, schema_v, key_id, rev, nonce, ct FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        if row is None or row[1] == MANIFEST_KIND:
            raise RecordNotFound()
        result = self._open_row(row)
        if isinstance(result, DamagedRecord):
            from kapjournal.core.errors import RecordDamaged

            raise RecordDamaged(record_id.hex())
        return result

    def kind_of(self, record_id: bytes) -> str | None:
        row = self._conn.execute("SELECT kind FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else str(row[0])

    def ids_with_prefix(self, prefix_hex: str) -> list[bytes]:
        """Record ids whose hex form starts with ``prefix_hex`` (for short CLI ids)."""
        rows = self._conn.execute(
            "SELECT id FROM records WHERE hex(id) LIKE ? AND kind != ?",
            (prefix_hex.upper() + "%", MANIFEST_KIND),
        ).fetchall()
        return [bytes(r[0]) for r in rows]

    def iter_records(
        self, kinds: Iterable[str] | None = None
    ) -> Iterator[OpenedRecord | DamagedRecord]:
        """Decrypt records (of the given kinds), yielding damaged ones as markers."""
        sql = "SELECT id, kind, schema_v, key_id, rev, nonce, ct FROM records WHERE kind != ?"
        args: list[Any] = [MANIFEST_KIND]
        if kinds is not None:
            kind_list = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(kind_list))})"
            args.extend(kind_list)
        for row in self._conn.execute(sql, args):
            yield self._open_row(row)

    def open_payloads(self, kinds: Iterable[str]) -> Iterator[tuple[str, bytes, bytes | None]]:
        """``(kind, id, plaintext)`` for every record of these kinds, in one query.

        The bulk path behind ``Journal`` loading and exports: the same checks as
        :meth:`iter_records` (tag over the same associated data, then the padding
        frame), without building a record object per row. ``plaintext`` is None
        for a record whose tag or framing failed (damaged).
        """
        kind_list = [k for k in kinds if k != MANIFEST_KIND]
        if not kind_list:
            return
        decrypt = self._aead.open
        prefix = _ad_prefix(self.header.vault_id)
        tail = struct.Struct(">IIIIIQ").pack
        heads: dict[str, bytes] = {}
        unframe = crypto.unpad
        rows = self._conn.execute(
            "SELECT id, kind, schema_v, key_id, rev, nonce, ct FROM records"
            f" WHERE kind IN ({','.join('?' * len(kind_list))})",
            kind_list,
        )
        for rid, kind, schema_v, key_id, rev, nonce, ct in rows:
            rid = bytes(rid)
            head = heads.get(kind)
            if head is None:
                kind_b = kind.encode()
                head = heads[kind] = struct.pack(">I", len(kind_b)) + kind_b
            # Byte-identical to _record_ad (one join, the per-kind part cached).
            ad = b"".join(
                (
                    prefix,
                    struct.pack(">I", len(rid)),
                    rid,
                    head,
                    tail(4, schema_v, 4, key_id, 8, rev),
                )
            )
            try:
                plain = unframe(decrypt(bytes(nonce), bytes(ct), ad))
            except crypto.DecryptError:
                yield kind, rid, None
                continue
            yield kind, rid, plain

    def revisions(self, kinds: Iterable[str]) -> dict[bytes, int]:
        """``{id: rev}`` for every record of these kinds, from the plaintext columns only.

        Lets a cache (the sealed search index) find what changed without decrypting.
        """
        kind_list = list(kinds)
        rows = self._conn.execute(
            f"SELECT id, rev FROM records WHERE kind IN ({','.join('?' * len(kind_list))})",
            kind_list,
        )
        return {bytes(r[0]): int(r[1]) for r in rows}

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            row = self._conn.execute(
                "SELECT count(*) FROM records WHERE kind != ?", (MANIFEST_KIND,)
            ).fetchone()
        else:
            row = self._conn.execute(
                "SELECT count(*) FROM records WHERE kind = ?", (kind,)
            ).fetchone()
        return int(row[0])

    @property
    def encryption_count(self) -> int:
        return self._manifest.counter

    @property
    def generation(self) -> int:
        """Bumped on every committed change; lets a cached index detect staleness."""
        return self._manifest.generation

    def _seal(
        self, rid: bytes, kind: str, schema_v: int, rev: int, plaintext: bytes
    ) -> tuple[bytes, bytes]:
        self._manifest.counter += 1
        ad = self._record_ad(rid, kind, schema_v, self.header.key_id, rev)
        return self._aead.seal(crypto.pad(plaintext), ad)

    def _record_ad(self, rid: bytes, kind: str, schema_v: int, key_id: int, rev: int) -> bytes:
        # Byte-identical to crypto.length_prefixed(REC_AD_TAG, vault_id, rid, kind,
        # >I schema_v, >I key_id, >Q rev) but built with one pack: this runs once per
        # record on every bulk decrypt.
        kind_b = kind.encode()
        return b"".join(
            (
                _ad_prefix(self.header.vault_id),
                struct.pack(">I", len(rid)),
                rid,
                struct.pack(">I", len(kind_b)),
                kind_b,
                struct.pack(">IIIIIQ", 4, schema_v, 4, key_id, 8, rev),
            )
        )

    def _open_row(self, row: tuple[Any, ...]) -> OpenedRecord | DamagedRecord:
        rid, kind, schema_v, key_id, rev, nonce, ct = row
        rid = bytes(rid)
        try:
            plain = self._aead.open(
                bytes(nonce), bytes(ct), self._record_ad(rid, kind, schema_v, key_id, rev)
            )
            return OpenedRecord(rid, kind, schema_v, rev, crypto.unpad(plain))
        except crypto.DecryptError:
            return DamagedRecord(rid, kind, rev)

    def _row_mac(self, rid: bytes, rev: int, ct: bytes) -> bytes:
        return crypto.mac(self._man_key, rid + struct.pack(">Q", rev) + crypto.sha256(bytes(ct)))

    # -- manifest ---------------------------------------------------

    def _load_manifest(self) -> _Manifest:
        row = self._conn.execute(
            "SELECT id, kind, schema_v, key_id, rev, nonce, ct FROM records WHERE id = ?",
            (MANIFEST_ID,),
        ).fetchone()
        if row is None:
            if self.count() == 0:
                return _Manifest()
            self.warnings.append(TamperWarning.user_message)
            return self._recompute_manifest()
        opened = self._open_row(row)
        if isinstance(opened, DamagedRecord):
            self.warnings.append(TamperWarning.user_message)
            return self._recompute_manifest()
        manifest = _Manifest.from_json(opened.plaintext)
        if manifest.count != self.count():
            self.warnings.append(TamperWarning.user_message)
        return manifest

    def _recompute_manifest(self) -> _Manifest:
        acc = b"\0" * 32
        count = 0
        counter = 0
        for rid, rev, ct in self._conn.execute(
            "SELECT id, rev, ct FROM records WHERE kind != ?", (MANIFEST_KIND,)
        ):
            acc = _xor(acc, self._row_mac(bytes(rid), rev, ct))
            count += 1
            counter += rev
        return _Manifest(count, counter, acc, 0)

    def _store_manifest(self) -> None:
        self._manifest.generation += 1
        old = self._conn.execute("SELECT rev FROM records WHERE id = ?", (MANIFEST_ID,)).fetchone()
        rev = 1 if old is None else old[0] + 1
        nonce, ct = self._seal(MANIFEST_ID, MANIFEST_KIND, 1, rev, self._manifest.to_json())
        self._conn.execute(
            "INSERT OR REPLACE INTO records (id, kind, schema_v, key_id, rev, nonce, ct) "
            "VALUES (?, ?, 1, ?, ?, ?, ?)",
            (MANIFEST_ID, MANIFEST_KIND, self.header.key_id, rev, nonce, ct),
        )

    def manifest_matches(self) -> bool:
        """Recompute the set-hash over every row and compare (O(n))."""
        fresh = self._recompute_manifest()
        return fresh.count == self._manifest.count and crypto.constant_time_equal(
            fresh.acc, self._manifest.acc
        )

    # -- verify, backup, repair ---------------------------------------

    def verify(self) -> VerifyReport:
        """Authenticate every record and check the manifest."""
        report = VerifyReport()
        report.quick_check = _quick_check(self._conn)
        for rec in self.iter_records():
            if isinstance(rec, DamagedRecord):
                report.damaged.append(rec.id.hex())
            else:
                report.counts[rec.kind] = report.counts.get(rec.kind, 0) + 1
        report.manifest_ok = self.manifest_matches() and not any(
            TamperWarning.user_message == w for w in self.warnings
        )
        with contextlib.suppress(sqlite3.Error):
            report.quarantined = int(
                self._conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
            )
        return report

    def quarantine_damaged(self) -> list[str]:
        """Move records that fail authentication into the quarantine table (still sealed).

        Nothing is deleted: the rows are copied verbatim, then removed from
        ``records`` in the same transaction, and the manifest is recomputed.
        """
        damaged = [r.id for r in self.iter_records() if isinstance(r, DamagedRecord)]
        if not damaged:
            return []
        with self.transaction(), storage_errors():
            for rid in damaged:
                self._conn.execute(
                    "INSERT INTO quarantine SELECT id, kind, schema_v, key_id, rev, nonce, ct "
                    "FROM records WHERE id = ?",
                    (rid,),
                )
                self._conn.execute("DELETE FROM records WHERE id = ?", (rid,))
            # A damaged row's original MAC cannot be known, so the set-hash is
            # re-signed over the rows that remain. The count is carried over
            # from the manifest instead of recounted, so rows that were deleted
            # (or added) behind our back before the repair stay reported.
            fresh = self._recompute_manifest()
            self._manifest.acc = fresh.acc
            self._manifest.count -= len(damaged)
            self._dirty = True
        return [r.hex() for r in damaged]

    def backup_to(self, dest: Path) -> Path:
        """Write a consistent copy (still ciphertext) with the SQLite backup API."""
        dest = Path(dest)
        with storage_errors():
            secure_dir(dest.parent)
            tmp = dest.with_name(dest.name + ".partial")
            tmp.unlink(missing_ok=True)
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            try:
                target = sqlite3.connect(tmp)
                try:
                    self._conn.backup(target)
                    target.execute("PRAGMA journal_mode = DELETE")
                finally:
                    target.close()
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, dest)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
            fsync_dir(dest.parent)
        return dest

    # -- lifecycle ----------------------------------------------------

    def _require_writable(self) -> None:
        if self.readonly:
            raise StoragePermission("This vault was opened read-only.")
        if self._conn is None:
            from kapjournal.core.errors import VaultLocked

            raise VaultLocked()

    def close(self) -> None:
        """Close the file, release the lock and wipe key material."""
        with contextlib.suppress(sqlite3.Error, AttributeError):
            self._conn.close()
        self._conn = None  # type: ignore[assignment]
        for key in (self._dek, self._rec_key, self._man_key):
            crypto.wipe(key)
        self._aead = None  # type: ignore[assignment]
        _release_lock(self._lock_fd)
        self._lock_fd = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- locking & codes


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _acquire_lock(path: Path) -> int:
    fd = os.open(_lock_path(path), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as err:
        os.close(fd)
        raise VaultBusy() from err
    return fd


def check_not_busy(path: Path) -> None:
    """Raise ``VaultBusy`` if another window or command has the vault open.

    Needs no key and writes nothing (a missing lock file means nobody has it
    open), so an app can say so before asking for the passphrase. The probe
    holds a shared lock for an instant: an opener starting in that same
    instant is told the vault is busy, as it would be a moment later anyway.
    """
    try:
        fd = os.open(_lock_path(Path(path)), os.O_RDONLY)
    except OSError:
        return  # no lock file (or unreadable): opening will tell
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as err:
        raise VaultBusy() from err
    except OSError:
        return
    finally:
        os.close(fd)  # closing also releases the probe's lock


def _release_lock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _recovery_slot(dek: bytearray, vault_id: bytes, version: int) -> tuple[str, KeySlot]:
    """A new random 128-bit recovery code and the slot it opens."""
    raw = os.urandom(16)
    kdf = crypto.KdfParams(
        t=1, m_kib=8, p=1, salt=os.urandom(crypto.SALT_BYTES), alg="hkdf-recovery"
    )
    kek = crypto.derive_recovery_kek(raw, kdf)
    try:
        slot = _wrap(kek, dek, vault_id, "recovery", kdf, version)
    finally:
        crypto.wipe(kek)
    return format_recovery_code(raw), slot


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"  # Crockford-style, no I/L/O/U


def _code_check(raw: bytes) -> str:
    """Two check characters (10 bits of SHA-256) that catch typing mistakes."""
    value = int.from_bytes(crypto.sha256(b"kapj/v1/recovery-check" + raw)[:2], "big") >> 6
    return _CODE_ALPHABET[value >> 5] + _CODE_ALPHABET[value & 31]


def format_recovery_code(raw: bytes) -> str:
    """128 bits as 26 base-32 characters plus 2 check characters, in 7 groups of 4."""
    number = int.from_bytes(raw, "big")
    chars = []
    for _ in range(26):
        number, rem = divmod(number, 32)
        chars.append(_CODE_ALPHABET[rem])
    text = "".join(reversed(chars)) + _code_check(raw)
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_code(code: str) -> bytes:
    """Inverse of :func:`format_recovery_code`, forgiving of case, spaces and dashes.

    The two check characters are optional; when present they must match, so
    a typo is reported as a typo rather than as a wrong code.
    """
    cleaned = "".join(code.upper().split()).replace("-", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) not in (26, 28) or any(c not in _CODE_ALPHABET for c in cleaned):
        raise WrongPassphrase(
            "That does not look like a recovery code (7 groups of 4 letters and digits)."
        )
    number = 0
    for c in cleaned[:26]:
        number = number * 32 + _CODE_ALPHABET.index(c)
    if number >= 1 << 128:
        raise WrongPassphrase("That does not look like a recovery code.")
    raw = number.to_bytes(16, "big")
    if len(cleaned) == 28 and cleaned[26:] != _code_check(raw):
        raise WrongPassphrase(
            "That recovery code contains a typo; please check each group against your note."
        )
    return raw


def open_for_verify(path: Path | str, passphrase: str) -> Vault:
    """Open a vault (or a backup copy) read-only, without taking the write lock."""
    return Vault.unlock(path, passphrase, readonly=True)
