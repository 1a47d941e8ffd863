"""Plain-text rendering of models for the CLI (sanitised, no markup)."""

from __future__ import annotations

from kapjournal.core.models import Entry
from kapjournal.core.sanitize import clean


def entry_plain_text(entry: Entry) -> str:
    lines = [f"{entry.created:%A %d %B %Y, %H:%M}  ({entry.id[:8]})"]
    if entry.title:
        lines.append(clean(entry.title))
    if entry.tags:
        lines.append("Tags: " + ", ".join(clean(t) for t in entry.tags))
    lines.append("")
    if entry.answers:
        for ans in entry.answers:
            lines.append(clean(ans.question))
            value = ans.value
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            lines.append("  " + clean("" if value is None else str(value)))
    if entry.body:
        lines.append(clean(entry.body))
    return "\n".join(lines)
