"""The pre-session checklist, in the project's own words.

Drawn from common KAP guidance; the clinic's own instructions always come
first, so every item points back to them rather than giving advice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    home_only: bool = False


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("fasting", "I have eaten and drunk only as my clinic asked me to."),
    ChecklistItem("support", "Someone I trust is with me, or nearby and knows where I am."),
    ChecklistItem("travel", "My way home is arranged, as my clinic asked."),
    ChecklistItem("bp_cuff", "The blood-pressure cuff is ready and within reach.", home_only=True),
    ChecklistItem("space", "The room is quiet and comfortable; music and an eye mask are ready."),
    ChecklistItem("phone", "Notifications are silenced, and my care team's number is at hand."),
    ChecklistItem("intention", "I have written down my intention, even just a few words."),
)


def items_for(setting: str | None) -> list[ChecklistItem]:
    """Checklist items for a session setting (the cuff only matters at home)."""
    at_home = setting in ("home_supervised", "home_telehealth")
    return [i for i in CHECKLIST if at_home or not i.home_only]
