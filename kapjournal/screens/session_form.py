"""``SessionFormScreen``: log or edit a session, with messages beside the fields.

Validation is ``core.session_form`` (the CLI uses the same rules): a dose
must be a positive number (kept exactly as typed), blood pressure reads like
120/80 within plausible ranges, and a completed session cannot start more
than a day in the future. Nothing is saved until every field is fine, and
nothing typed is lost when one is not.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from kapjournal.core.errors import KapError
from kapjournal.core.models import (
    DOSE_UNIT_LABELS,
    DOSE_UNITS,
    ROUTE_LABELS,
    ROUTES,
    SETTING_LABELS,
    SETTINGS,
    SEVERITY_LABELS,
    SIDE_EFFECTS,
    Draft,
    Session,
)
from kapjournal.core.session_form import (
    VITALS_FORM_POINTS,
    FormResult,
    build_new_session,
    build_session,
    form_fields,
)
from kapjournal.screens.base import JournalScreen, LockDraft
from kapjournal.widgets.safe_text_area import SafeTextArea
from kapjournal.widgets.scale_picker import ScalePicker

POINT_LABELS = {"pre": "Before", "40min": "At 40 min", "end": "At the end"}
STATUS_LABELS = {"completed": "Done (log it)", "planned": "Planned", "cancelled": "Cancelled"}


class SessionFormScreen(JournalScreen):
    """Log a new session or edit one.

    | key | action |
    |-----|--------|
    | tab / shift+tab | next / previous field |
    | ctrl+s | save |
    | escape | leave without saving |
    """

    DEFAULT_CSS = """
    SessionFormScreen {
        padding: 0 1;
    }
    SessionFormScreen .form--title {
        text-style: bold;
        margin: 1 0;
    }
    SessionFormScreen .form--row {
        height: auto;
        margin-bottom: 0;
    }
    SessionFormScreen .form--label {
        width: 22;
        padding-top: 1;
    }
    SessionFormScreen .form--field {
        width: 30;
    }
    SessionFormScreen .form--small {
        width: 16;
    }
    SessionFormScreen .form--error {
        color: $error;
        width: 1fr;
        padding: 1 0 0 1;
    }
    SessionFormScreen .form--error.-below {
        /* under the three vitals fields: beside them, 80 columns left ~6 for it */
        padding: 0 0 0 23;
        height: auto;
    }
    SessionFormScreen .form--error.-below.-empty {
        display: none;
    }
    SessionFormScreen .form--section {
        text-style: bold;
        margin-top: 1;
    }
    SessionFormScreen #form-notes {
        height: 6;
    }
    SessionFormScreen #form-summary {
        color: $error;
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, session: Session | None = None, *, draft: Draft | None = None) -> None:
        super().__init__()
        self.session = session
        self.initial = form_fields(session) if session else {}
        # A form sealed as a draft when the journal locked: carry on from there.
        self.lock_draft = LockDraft(draft)
        if draft is not None:
            self.initial.update({k: str(v) for k, v in draft.answers.items()})
        self._errors_shown = False  # once True, fields are re-checked as they change

    # -- layout -------------------------------------------------------

    def _row(self, label: str, field: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="form--row"):
            yield Label(label, classes="form--label")
            yield widget
            yield Static("", id=f"err-{field}", classes="form--error")

    def _input(self, field: str, placeholder: str = "", small: bool = False) -> Input:
        return Input(
            self.initial.get(field, ""),
            placeholder=placeholder,
            id=f"f-{field}",
            classes="form--small" if small else "form--field",
        )

    def _select(
        self, field: str, options: list[tuple[str, str]], blank: bool = True
    ) -> Select[str]:
        value: Any = self.initial.get(field) or Select.NULL
        return Select(
            options,
            value=value,
            allow_blank=blank,
            prompt="(not recorded)",
            id=f"f-{field}",
            classes="form--field",
        )

    def on_mount(self) -> None:
        # Start where most people begin: when it happened (status defaults to "done").
        self.query_one("#f-started_at", Input).focus()
        # A restored draft is unsaved work: leaving it asks first, like any change.
        self._pristine = None if self.lock_draft.saved else self._form_state()
        if self.lock_draft.saved:
            self.notify("Brought back what you had filled in before the journal locked.")

    def _form_state(self) -> tuple[object, ...]:
        """Every field's current value, to tell whether anything was typed or chosen."""
        values: list[object] = []
        for widget in self.query("Input, Select, TextArea, ScalePicker"):
            values.append(widget.text if isinstance(widget, TextArea) else widget.value)  # type: ignore[attr-defined]
        return tuple(values)

    def compose(self) -> ComposeResult:
        title = "Edit session" if self.session else "Log a session"
        with VerticalScroll(id="form-scroll"):
            yield Static(title, classes="form--title")
            status_default = self.initial.get("status", "completed")
            yield from self._row(
                "Status",
                "status",
                Select(
                    [(v, k) for k, v in STATUS_LABELS.items()],
                    value=status_default,
                    allow_blank=False,
                    id="f-status",
                    classes="form--field",
                ),
            )
            yield from self._row(
                "Started", "started_at", self._input("started_at", "2026-12-01 10:00 or now")
            )
            yield from self._row("Ended", "ended_at", self._input("ended_at", "12:15 (optional)"))
            yield from self._row(
                "Route", "route", self._select("route", [(ROUTE_LABELS[r], r) for r in ROUTES])
            )
            yield from self._row("Dose", "dose", self._input("dose", "as written, e.g. 56"))
            yield from self._row(
                "Dose unit",
                "dose_unit",
                self._select(
                    "dose_unit", [(DOSE_UNIT_LABELS[u] or "other", u) for u in DOSE_UNITS]
                ),
            )
            yield from self._row(
                "Setting",
                "setting",
                self._select("setting", [(SETTING_LABELS[s], s) for s in SETTINGS]),
            )
            yield from self._row("Support person", "support_person", self._input("support_person"))
            yield from self._row("Clinician", "clinician", self._input("clinician"))
            yield from self._row(
                "Therapist present",
                "therapist_present",
                self._select("therapist_present", [("yes", "yes"), ("no", "no")]),
            )
            yield Static("Vitals (all optional)", classes="form--section")
            for point in VITALS_FORM_POINTS:
                with Horizontal(classes="form--row"):
                    yield Label(POINT_LABELS[point], classes="form--label")
                    yield self._input(f"v_{point}_bp", "BP 120/80", small=True)
                    yield self._input(f"v_{point}_hr", "pulse", small=True)
                    yield self._input(f"v_{point}_spo2", "SpO2 %", small=True)
                yield Static("", id=f"err-v_{point}", classes="form--error -below -empty")
            yield Static("Side effects (none / mild / moderate / severe)", classes="form--section")
            severity = [(f"{i} {label}", str(i)) for i, label in enumerate(SEVERITY_LABELS)]
            for name in SIDE_EFFECTS:
                yield from self._row(
                    name.capitalize(), f"se_{name}", self._select(f"se_{name}", severity)
                )
            yield from self._row(
                "Other side effect", "side_effect_other", self._input("side_effect_other")
            )
            yield Static("How dissociated did you feel? (your own rating)", classes="form--section")
            value = self.initial.get("dissociation", "")
            yield from self._row(
                "Dissociation",
                "dissociation",
                ScalePicker(
                    "not at all",
                    "completely",
                    int(value) if value else None,
                    id="f-dissociation",
                ),
            )
            yield Static("Notes", classes="form--section")
            yield SafeTextArea(self.initial.get("notes", ""), id="form-notes", soft_wrap=True)
            yield Static("", id="form-summary")
            yield Button("Save", id="form-save", variant="primary")
        yield Footer()

    # -- reading and saving -------------------------------------------

    def fields(self) -> dict[str, str]:
        """Every field as text, as the core validator expects."""
        out = self._typed_fields()
        if self.session is None and not out.get("started_at", "").strip():
            out["started_at"] = "now"
        return out

    def _typed_fields(self) -> dict[str, str]:
        """Every field exactly as it is on screen (an empty start stays empty)."""
        out: dict[str, str] = {}
        for widget in self.query("Input, Select"):
            if not widget.id or not widget.id.startswith("f-"):
                continue
            key = widget.id[2:]
            if isinstance(widget, Input):
                out[key] = widget.value
            elif isinstance(widget, Select):
                out[key] = "" if widget.value is Select.NULL else str(widget.value)
        picked = self.query_one("#f-dissociation", ScalePicker).value
        out["dissociation"] = "" if picked is None else str(picked)
        out["notes"] = self.query_one("#form-notes", TextArea).text
        return out

    def validate(self) -> FormResult:
        fields = self.fields()
        if self.session is None:
            return build_new_session(fields, self.journal.all(Session), now=self.journal.now)
        return build_session(fields, self.session, now=self.journal.now)

    def show_errors(self, errors: dict[str, str], *, refocus: bool = True) -> None:
        """Show each message beside its field; ``refocus`` moves to the first one."""
        self._errors_shown = bool(errors)
        for widget in self.query(".form--error"):
            if isinstance(widget, Static):
                widget.update("")
                widget.add_class("-empty")
        for field, message in errors.items():
            target = field
            if field.startswith("v_"):
                target = "v_" + field.split("_")[1]
            if field == "side_effects":
                target = "side_effect_other"
            found = self.query(f"#err-{target}")
            if found:
                found.first(Static).update(Text(message))
                found.first(Static).remove_class("-empty")
        summary = self.query_one("#form-summary", Static)
        if errors:
            summary.update(Text(f"Nothing saved yet: please check {len(errors)} field(s) above."))
            if not refocus:
                return
            first = next(iter(errors))
            key = "v_" + first.split("_")[1] + "_bp" if first.startswith("v_") else first
            widgets = self.query(f"#f-{key}")
            if widgets:
                widgets.first().focus()
        else:
            summary.update("")

    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        """Once messages are showing, re-check as the user types, so a message
        disappears as soon as its field is fixed (focus stays where it is)."""
        if self._errors_shown:
            self.show_errors(self.validate().errors, refocus=False)

    def action_save(self) -> None:
        result = self.validate()
        if result.errors:
            self.show_errors(result.errors)
            return
        session: Any = result.values["session"]
        try:
            saved = self.journal.save(session)
        except KapError as err:
            self.query_one("#form-summary", Static).update(Text(err.user_message))
            return
        self.lock_draft.drop(self.journal)
        self.notify("Session saved.", timeout=4)
        self.dismiss(saved.id)

    # -- locking --------------------------------------------------------

    def before_lock(self) -> None:
        """Called by the app just before it locks: seal what was filled in as a
        draft, offered back at the next unlock."""
        if self._form_state() == getattr(self, "_pristine", None) and not self.lock_draft.saved:
            return
        self.lock_draft.seal(
            self.journal,
            target="session",
            entry_id=self.session.id if self.session is not None else None,
            title="Edit session" if self.session else "Log a session",
            answers=dict(self._typed_fields()),
        )

    def action_leave(self) -> None:
        """Leave; if anything was changed, ask first (escape in the question keeps it)."""

        def leave() -> None:
            self.lock_draft.drop(self.journal)
            self.dismiss(None)

        self.leave_asking(
            self._form_state() != getattr(self, "_pristine", None),
            "What you changed in this form has not been saved.",
            leave,
        )

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()
