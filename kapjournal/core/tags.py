"""#tag extraction from free text."""

from __future__ import annotations

import re

_TAG = re.compile(r"(?<![\w&#/])#([^\W\d_][\w-]{0,48})", re.UNICODE)


def extract_tags(text: str) -> list[str]:
    """Lower-cased ``#tags`` in order of first appearance, without duplicates."""
    seen: dict[str, None] = {}
    for match in _TAG.finditer(text):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)
