"""What the patient can choose to withhold, and parsing of paragraph hiding.

Kept apart from :mod:`kapjournal.core.export.model` so that the CLI can check
its options before unlocking, without importing the journal and models (those
are imported while the key is derived).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kapjournal.core.errors import InvalidInput

__all__ = ["REDACTABLE", "SESSION_DETAIL_FIELDS", "parse_hidden"]

#: Field groups the patient can withhold, with the label shown in the app.
REDACTABLE: dict[str, str] = {
    "dose": "Doses (value and unit)",
    "route": "Routes",
    "setting": "Setting and support person",
    "side_effects": "Side effects",
    "vitals": "Vitals",
    "dissociation": "Dissociation ratings",
    "session_notes": "Session notes",
    "clinician": "Clinician names",
    "tags": "Entry and insight tags",
    "checkin_notes": "Notes written with check-ins",
    "follow_ups": "Follow-ups on insights",
    "appointment_notes": "Appointment notes",
}
SESSION_DETAIL_FIELDS = frozenset(
    {"dose", "route", "setting", "side_effects", "vitals", "dissociation", "session_notes"}
    | {"clinician"}
)


def parse_hidden(specs: Iterable[str]) -> dict[str, frozenset[int]]:
    """Parse ``ENTRYID:N`` (1-based paragraph numbers) into a hiding map."""
    out: dict[str, set[int]] = defaultdict(set)
    for spec in specs:
        ident, sep, num = spec.partition(":")
        if not sep or not num.strip().isdigit() or int(num) < 1 or not ident.strip():
            raise InvalidInput(f"'{spec}' should look like ENTRY-ID:PARAGRAPH, e.g. 3f2a9c1d:2.")
        out[ident.strip().lower()].add(int(num) - 1)
    return {k: frozenset(v) for k, v in out.items()}
