"""A gentle passphrase strength hint (no external service, no word lists shipped)."""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

from kapjournal.core.vault import MIN_PASSPHRASE

_COMMON = {
    "password",
    "passphrase",
    "12345678",
    "123456789",
    "qwertyui",
    "iloveyou",
    "letmein1",
    "ketamine",
    "journal1",
    "11111111",
    "abcdefgh",
    "password1",
}


@dataclass(frozen=True)
class StrengthHint:
    acceptable: bool
    score: int  # 0 (too short) .. 4 (strong)
    message: str


def strength_hint(passphrase: str) -> StrengthHint:
    """Estimate strength from length and character variety.

    Returns:
        A hint; ``acceptable`` is False only below the 8-character minimum.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        return StrengthHint(
            False, 0, f"Use at least {MIN_PASSPHRASE} characters ({len(passphrase)} so far)."
        )
    pool = 0
    if any(c in string.ascii_lowercase for c in passphrase):
        pool += 26
    if any(c in string.ascii_uppercase for c in passphrase):
        pool += 26
    if any(c in string.digits for c in passphrase):
        pool += 10
    if any(c == " " for c in passphrase):
        pool += 1
    if any(not c.isalnum() and c != " " for c in passphrase):
        pool += 32
    bits = len(passphrase) * math.log2(max(pool, 2))
    if passphrase.lower() in _COMMON or len(set(passphrase)) <= 2:
        bits = min(bits, 10)
    if bits < 40:
        return StrengthHint(
            True, 1, "Weak: a few unrelated words are easier to remember and much harder to guess."
        )
    if bits < 60:
        return StrengthHint(True, 2, "Fair: adding another word would make it much stronger.")
    if bits < 80:
        return StrengthHint(True, 3, "Good.")
    return StrengthHint(True, 4, "Strong.")
