"""``SessionsScreen``: courses ("session 3 of 6", next date) and every session.

From here the person logs a session, edits one, plans a course or moves a
planned session. Planned sessions are separate records, so moving one never
disturbs the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Static

from kapjournal.core.errors import KapError
from kapjournal.core.models import (
    DOSE_UNIT_LABELS,
    ROUTE_LABELS,
    SETTING_LABELS,
    Course,
    Session,
)
from kapjournal.core.sanitize import clean_line
from kapjournal.core.schedule import (
    add_boosters,
    booster_dates,
    course_progress,
    course_sessions,
    create_course,
    dates_for_spec,
    move_session,
    parse_booster_spec,
    parse_course_spec,
    session_label,
)
from kapjournal.core.session_form import parse_moment
from kapjournal.screens.base import JournalScreen


class AskModal(ModalScreen[str | None]):
    """Ask for one line of text; escape means cancel."""

    DEFAULT_CSS = """
    AskModal {
        align: center middle;
    }
    AskModal > Vertical {
        width: 72;
        height: auto;
        padding: 1 2;
        border: round $primary;
        background: $surface;
    }
    AskModal #ask-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        question: str,
        placeholder: str = "",
        value: str = "",
        apply: Callable[[str], str | None] | None = None,
    ) -> None:
        """``apply`` acts on the text and returns a message if it could not: the
        message shows under the field and the text stays there to be corrected."""
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.apply = apply

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yield Input(self.value, placeholder=self.placeholder, id="ask-input")
            yield Static("", id="ask-error")
            yield Button("OK", id="ask-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ask-input", Input).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#ask-error", Static).update(Text(message))

    @on(Input.Submitted, "#ask-input")
    @on(Button.Pressed, "#ask-ok")
    def _ok(self) -> None:
        value = self.query_one("#ask-input", Input).value
        if self.apply is not None and value.strip():
            problem = self.apply(value)
            if problem:
                self.show_error(problem)
                return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SessionsScreen(JournalScreen):
    """Sessions and courses.

    | key | action |
    |-----|--------|
    | n | log a session |
    | enter, e | edit the highlighted session |
    | p | plan a course |
    | m | move the highlighted planned session |
    | b | add booster sessions to the highlighted session's course |
    | escape | back |
    """

    DEFAULT_CSS = """
    SessionsScreen {
        padding: 0 1;
    }
    SessionsScreen #sessions-courses {
        height: auto;
        margin: 1 0;
    }
    SessionsScreen #sessions-table {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "log", "Log session"),
        Binding("e", "edit", "Edit"),
        Binding("p", "plan", "Plan course"),
        Binding("m", "move", "Move planned"),
        Binding("b", "boosters", "Boosters"),
        Binding("d,delete", "delete", "Delete"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="sessions-courses")
        table: DataTable[Text] = DataTable(id="sessions-table", cursor_type="row")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions-table", DataTable)
        table.add_columns("When", "Status", "Number", "Route", "Dose", "Setting")
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def course_lines(self) -> list[str]:
        sessions = self.journal.all(Session)
        now = self.journal.now()
        lines = []
        for c in sorted(self.journal.all(Course), key=lambda c: c.created):
            p = course_progress(c, sessions, now)
            nxt = (
                f"next: session {p.next_planned.series_index} on "
                f"{p.next_planned.started_at:%a %d %b %H:%M}"
                if p.next_planned
                else "no more planned"
            )
            lines.append(f"{clean_line(c.title)}: {p.label} · {nxt}")
        return lines or ["No course planned yet. Press p to plan one."]

    def refresh_data(self) -> None:
        self.query_one("#sessions-courses", Static).update(Text("\n".join(self.course_lines())))
        table = self.query_one("#sessions-table", DataTable)
        current = self.highlighted_id()
        table.clear()
        sessions = sorted(
            (s for s in self.journal.all(Session) if s.status != "cancelled"),
            key=lambda s: s.started_at,
        )
        courses = {c.id: c for c in self.journal.all(Course)}
        for s in sessions:
            course = courses.get(s.course_id or "")
            dose = ""
            if s.dose_value:
                dose = clean_line(f"{s.dose_value} {DOSE_UNIT_LABELS.get(s.dose_unit or '', '')}")
            table.add_row(
                Text(f"{s.started_at:%a %Y-%m-%d %H:%M}"),
                Text(s.status),
                Text(session_label(s, sessions, course)),
                Text(ROUTE_LABELS.get(s.route or "", "")),
                Text(dose.strip()),
                Text(SETTING_LABELS.get(s.setting or "", "")),
                key=s.id,
            )
        # Coming back from a form or a question keeps the highlight where it was.
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current))

    def highlighted_id(self) -> str | None:
        table = self.query_one("#sessions-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key else None

    def highlighted(self) -> Session | None:
        key = self.highlighted_id()
        return self.journal.find(Session, key) if key else None

    def action_log(self) -> None:
        from kapjournal.screens.session_form import SessionFormScreen

        self.app.push_screen(SessionFormScreen())

    def action_edit(self) -> None:
        from kapjournal.screens.session_form import SessionFormScreen

        found = self.highlighted()
        if found is not None:
            self.app.push_screen(SessionFormScreen(found))

    def action_delete(self) -> None:
        """Delete the highlighted session after a yes (escape, n and Enter mean no)."""
        from kapjournal.screens.confirm import ConfirmModal

        found = self.highlighted()
        if found is None:
            self.notify("Highlight a session to delete it.", timeout=4)
            return
        chosen = found
        message = (
            f"{chosen.started_at:%a %d %b %Y, %H:%M} ({chosen.status}). Its log (route, dose, "
            "vitals, side effects, notes) is removed for good. Entries, insights and check-ins "
            "you wrote around it are kept, and are grouped by their dates instead."
        )

        def done(yes: bool | None) -> None:
            if not yes:
                return
            self.journal.delete(chosen)
            self.notify("Session deleted.", timeout=4)
            self.refresh_data()

        self.app.push_screen(ConfirmModal("Delete this session?", message, yes="Delete it"), done)

    @on(DataTable.RowSelected, "#sessions-table")
    def _row_selected(self) -> None:
        self.action_edit()

    def action_plan(self) -> None:
        modal = AskModal(
            "Plan a course, e.g. '6 sessions, twice a week, from 2026-12-01 at 10:00' "
            "(also 'every 3 days', 'on mon and thu').",
            "6 sessions, twice a week, from ...",
        )

        planned: list[int] = []

        def apply(text: str) -> str | None:
            try:
                dates = dates_for_spec(parse_course_spec(text, now=self.journal.now))
                create_course(self.journal, "Treatment course", dates, text)
            except KapError as err:
                return err.user_message
            planned.append(len(dates))
            return None

        def done(text: str | None) -> None:
            if planned:
                self.notify(f"Planned {planned[-1]} sessions.", timeout=4)
                self.refresh_data()

        modal.apply = apply
        self.app.push_screen(modal, done)

    def action_boosters(self) -> None:
        found = self.highlighted()
        course = self.journal.find(Course, found.course_id) if found and found.course_id else None
        if course is None:
            courses = sorted(self.journal.all(Course), key=lambda c: c.created)
            course = courses[-1] if courses else None
        if course is None:
            self.notify("Plan a course first (p); boosters are added to a course.", timeout=5)
            return
        chosen = course
        modal = AskModal(
            f"Boosters for '{clean_line(chosen.title)}', counted from its last session: "
            "how many, and how far apart?",
            "2, every 4 weeks",
        )

        added: list[int] = []

        def apply(text: str) -> str | None:
            try:
                count, weeks, months = parse_booster_spec(text)
                mine = course_sessions(self.journal.all(Session), chosen.id)
                anchor = mine[-1].started_at if mine else self.journal.now()
                dates = booster_dates(anchor, count, every_weeks=weeks, every_months=months)
                add_boosters(self.journal, chosen, dates)
            except KapError as err:
                return err.user_message
            added.append(count)
            return None

        def done(text: str | None) -> None:
            if added:
                self.notify(f"Added {added[-1]} booster session(s).", timeout=4)
                self.refresh_data()

        modal.apply = apply
        self.app.push_screen(modal, done)

    def action_move(self) -> None:
        found = self.highlighted()
        if found is None or found.status != "planned":
            self.notify("Highlight a planned session to move it.", timeout=4)
            return
        modal = AskModal(
            "Move this planned session to:",
            "2026-12-04 10:00",
            f"{found.started_at:%Y-%m-%d %H:%M}",
        )

        moved: list[bool] = []

        def apply(text: str) -> str | None:
            try:
                move_session(self.journal, found, parse_moment(text, now=self.journal.now))
            except KapError as err:
                return err.user_message
            moved.append(True)
            return None

        def done(text: str | None) -> None:
            if moved:
                self.refresh_data()

        modal.apply = apply
        self.app.push_screen(modal, done)
