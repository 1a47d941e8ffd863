"""Make user text inert before it reaches a terminal.

Entry text may contain ESC sequences, C1 controls or bidi overrides (pasted,
imported or malicious). They are replaced with visible placeholders so the
terminal never interprets them.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and bidi/isolate overrides.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)


def _visible(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture" for C0
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def clean(text: str) -> str:
    """Return ``text`` with terminal-active characters made visible and inert."""
    return _UNSAFE.sub(_visible, text)


def clean_line(text: str) -> str:
    """Like :func:`clean`, and also folds newlines into spaces (for one-line lists)."""
    return clean(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds a character that :func:`clean` would replace."""
    return _UNSAFE.search(text) is not None


def drop_unsafe(text: str) -> str:
    """Remove terminal-active characters (for layouts that count them as zero-width)."""
    return _UNSAFE.sub("", text)


def inert_json(dumped: str) -> str:
    """Escape terminal-active characters in ``json.dumps`` output as ``\\uXXXX``.

    Lossless: the JSON decodes to exactly the same data. ``json.dumps`` already
    escapes C0 controls; this also covers DEL, C1 controls and bidi overrides,
    which it leaves raw when ``ensure_ascii=False``.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)
