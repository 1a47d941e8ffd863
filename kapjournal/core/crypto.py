"""Key derivation, key wrapping, sealing and opening records.

This is the only module that touches ``cryptography``. Everything follows
``SECURITY.md``: Argon2id derives a key-encryption key (KEK) from the
passphrase, the KEK wraps a random data key (DEK) with AES-256-GCM, and
HKDF-SHA256 splits the DEK into purpose-bound subkeys.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kapjournal.core.errors import InvalidKdfParams

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
PAD_BLOCK = 256

# Bounds checked before Argon2 runs, so a hostile header cannot make us
# allocate gigabytes or spin for minutes.
MAX_MEMORY_KIB = 1024 * 1024
MAX_TIME_COST = 10
MAX_LANES = 16


class DecryptError(Exception):
    """An AEAD tag did not verify. Deliberately says nothing about why."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters plus the salt."""

    t: int
    m_kib: int
    p: int
    salt: bytes
    alg: str = "argon2id"

    def to_dict(self) -> dict[str, Any]:
        return {
            "alg": self.alg,
            "t": self.t,
            "m_kib": self.m_kib,
            "p": self.p,
            "salt": self.salt.hex(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KdfParams:
        try:
            params = cls(
                alg=str(data["alg"]),
                t=int(data["t"]),
                m_kib=int(data["m_kib"]),
                p=int(data["p"]),
                salt=bytes.fromhex(str(data["salt"])),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InvalidKdfParams() from err
        params.check_bounds()
        return params

    def check_bounds(self) -> None:
        """Reject parameters that are unsafe or absurd before running Argon2.

        Raises:
            InvalidKdfParams: when any parameter is outside the allowed range.
        """
        if self.alg not in ("argon2id", "hkdf-recovery"):
            raise InvalidKdfParams()
        if self.alg == "hkdf-recovery":
            if len(self.salt) < SALT_BYTES:
                raise InvalidKdfParams()
            return
        if not (1 <= self.t <= MAX_TIME_COST and 1 <= self.p <= MAX_LANES):
            raise InvalidKdfParams()
        if not (8 * self.p <= self.m_kib <= MAX_MEMORY_KIB):
            raise InvalidKdfParams()
        if len(self.salt) < SALT_BYTES:
            raise InvalidKdfParams()

    def weaker_than(self, policy: KdfPolicy) -> bool:
        """True when these costs are below the current policy."""
        return self.alg == "argon2id" and (
            self.t < policy.t or self.m_kib < policy.m_kib or self.p < policy.p
        )


@dataclass(frozen=True)
class KdfPolicy:
    """The minimum Argon2id cost for new slots; may be raised, never lowered."""

    t: int = 3
    m_kib: int = 64 * 1024
    p: int = 4

    def new_params(self) -> KdfParams:
        return KdfParams(t=self.t, m_kib=self.m_kib, p=self.p, salt=os.urandom(SALT_BYTES))


DEFAULT_POLICY = KdfPolicy()
# Only for automated tests (see ``kapjournal.core.vault.policy_from_env``).
TEST_POLICY = KdfPolicy(t=1, m_kib=64, p=1)


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC-normalise and encode, so the same words typed on any OS give one key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_kek(passphrase: str, params: KdfParams) -> bytearray:
    """Run Argon2id over the passphrase. Slow by design: call from a worker.

    Args:
        passphrase: the user's passphrase.
        params: bounded Argon2id parameters.

    Returns:
        A 32-byte key in a ``bytearray`` so the caller can wipe it.

    Raises:
        InvalidKdfParams: when the parameters are out of bounds.
    """
    params.check_bounds()
    if params.alg != "argon2id":
        raise InvalidKdfParams()
    kdf = Argon2id(
        salt=params.salt,
        length=KEY_BYTES,
        iterations=params.t,
        lanes=params.p,
        memory_cost=params.m_kib,
    )
    return bytearray(kdf.derive(normalise_passphrase(passphrase)))


def derive_recovery_kek(code: bytes, params: KdfParams) -> bytearray:
    """Derive the KEK of the recovery slot from its 128-bit random code."""
    params.check_bounds()
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=params.salt,
        info=b"kapj/v1/recovery",
    )
    return bytearray(hkdf.derive(code))


def random_key() -> bytearray:
    """A fresh 32-byte random key."""
    return bytearray(os.urandom(KEY_BYTES))


def subkey(dek: bytes | bytearray, purpose: str) -> bytearray:
    """HKDF-SHA256 subkey of the DEK for one purpose (records, manifest, index)."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=f"kapj/v1/{purpose}".encode(),
    )
    return bytearray(hkdf.derive(bytes(dek)))


def wipe(buf: bytearray | None) -> None:
    """Overwrite a key buffer with zeros (best effort; Python may hold copies)."""
    if buf is not None:
        for i in range(len(buf)):
            buf[i] = 0


def seal(key: bytes | bytearray, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes]:
    """Encrypt with AES-256-GCM under a fresh random nonce.

    Returns:
        ``(nonce, ciphertext_with_tag)``.
    """
    nonce = os.urandom(NONCE_BYTES)
    return nonce, AESGCM(bytes(key)).encrypt(nonce, plaintext, ad)


def open_sealed(key: bytes | bytearray, nonce: bytes, ct: bytes, ad: bytes) -> bytes:
    """Decrypt and authenticate.

    Raises:
        DecryptError: when the tag does not verify (wrong key, edited data or AD).
    """
    try:
        return AESGCM(bytes(key)).decrypt(nonce, ct, ad)
    except (InvalidTag, ValueError) as err:
        raise DecryptError() from err


class Aead:
    """An AES-256-GCM key ready for many operations (avoids re-keying per record)."""

    def __init__(self, key: bytes | bytearray) -> None:
        self._aead = AESGCM(bytes(key))

    def seal(self, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, plaintext, ad)

    def open(self, nonce: bytes, ct: bytes, ad: bytes) -> bytes:
        try:
            return self._aead.decrypt(nonce, ct, ad)
        except (InvalidTag, ValueError) as err:
            raise DecryptError() from err


def length_prefixed(*parts: bytes) -> bytes:
    """Concatenate parts, each preceded by its 4-byte big-endian length."""
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def pad(data: bytes) -> bytes:
    """Length-prefix and zero-pad to a multiple of 256 bytes, hiding exact sizes."""
    framed = struct.pack(">I", len(data)) + data
    return framed + b"\0" * (-len(framed) % PAD_BLOCK)


def unpad(data: bytes) -> bytes:
    """Undo :func:`pad`.

    Raises:
        DecryptError: when the framing is inconsistent.
    """
    if len(data) < 4:
        raise DecryptError()
    (size,) = struct.unpack(">I", data[:4])
    if size > len(data) - 4:
        raise DecryptError()
    return data[4 : 4 + size]


def mac(key: bytes | bytearray, data: bytes) -> bytes:
    """HMAC-SHA256."""
    return hmac.new(bytes(key), data, hashlib.sha256).digest()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)
