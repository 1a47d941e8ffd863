"""Feature screens reachable from the home screen, key bindings and the palette.

Each feature adds one ``Feature`` line here (and nothing in ``app.py``), so
features can be built in parallel. ``screen`` is an import path
``"module:Class"``; the class is imported only when the screen is opened.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    key: str  # key binding on the home screen, e.g. "t"
    title: str  # command palette title, "Area: Verb"
    help: str  # one line for the help screen
    screen: str  # "kapjournal.screens.timeline:TimelineScreen"
    show_in_footer: bool = True


FEATURES: list[Feature] = [
    Feature(
        "t",
        "Timeline: Open",
        "Sessions and what came out of them",
        "kapjournal.screens.timeline:TimelineScreen",
    ),
    Feature(
        "a",
        "Appointment: Prepare",
        "Everything since your last therapy appointment",
        "kapjournal.screens.appointment_prep:AppointmentPrepScreen",
    ),
    # Feature("t", "Timeline: Open", "Sessions and what came out of them",
    #         "kapjournal.screens.timeline:TimelineScreen"),
]
