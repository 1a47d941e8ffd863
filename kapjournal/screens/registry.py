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


# Footer order: what people use most comes first, so a narrow terminal drops the
# rarer keys (all of them stay in help and the command palette).
FEATURES: list[Feature] = [
    Feature(
        "l",
        "Sessions: Log and plan",
        "Log sessions, plan a course, see 'session 3 of 6'",
        "kapjournal.screens.sessions:SessionsScreen",
    ),
    Feature(
        "g",
        "Guided: Reflections due",
        "Reflections due now, coming up, and every pack",
        "kapjournal.screens.due:DueScreen",
    ),
    Feature(
        "c",
        "Check-in: Check in now",
        "Five quick 0-10 sliders: mood, anxiety, sleep, hope, connection",
        "kapjournal.screens.checkin:CheckInScreen",
    ),
    Feature("/", "Search: Find", "Find any word or tag", "kapjournal.screens.search:SearchScreen"),
    Feature(
        "m",
        "Session mode: Start session",
        "Checklist, then a quiet place to jot during a session",
        "kapjournal.screens.session_mode:SessionModeScreen",
    ),
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
        show_in_footer=False,
    ),
    Feature("e", "Export: Open", "Share with therapist", "kapjournal.screens.export:ExportScreen"),
    Feature(
        "i",
        "Import: From another journal",
        "Bring in entries from other journal apps",
        "kapjournal.screens.import_:ImportScreen",
        show_in_footer=False,  # a one-off task: keep the footer for daily keys
    ),
]
