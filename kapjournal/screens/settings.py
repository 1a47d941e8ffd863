"""``SettingsScreen``: the sealed ``Settings`` record as a small form."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static, Switch

from kapjournal.core.errors import KapError
from kapjournal.core.models import Settings
from kapjournal.screens.base import JournalScreen

COUNTRIES = [
    ("United States", "US"),
    ("Canada", "CA"),
    ("United Kingdom", "UK"),
    ("Ireland", "IE"),
    ("Australia", "AU"),
    ("European Union (other)", "EU"),
]
AUTO_LOCK_RANGE = (1, 60)
GRACE_RANGE = (1, 8)  # session mode; 0 used to mean the default 4 (schedule.grace_hours)


def parse_whole(text: str, low: int, high: int, what: str) -> tuple[int | None, str]:
    """A whole number in [low, high], or None and a message saying what to type."""
    try:
        value = int(text.strip())
    except ValueError:
        return None, f"Please type a whole number of {what} from {low} to {high}."
    if not low <= value <= high:
        return None, f"Please choose between {low} and {high} {what}."
    return value, ""


class SettingsScreen(JournalScreen):
    """Edit settings; changes are saved (encrypted) with Ctrl+S or the Save button.

    | key | action |
    |-----|--------|
    | ctrl+s | save settings |
    | escape | back without saving (asks first if something was changed) |
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
    ]

    HELP_LINES = {
        "save": "Save the settings",
        "back": "Leave settings without saving (asks first if you changed something)",
    }

    def compose(self) -> ComposeResult:
        settings = self.journal.settings()
        themes = sorted(self.app.available_themes)
        theme = settings.theme if settings.theme in themes else self.app.theme
        with VerticalScroll(id="settings-form"):
            yield Static("Settings", classes="card--title")
            yield Label("Lock automatically after this many idle minutes (1-60)")
            with Horizontal(classes="field-row"):
                yield Input(str(settings.auto_lock_minutes), id="set-auto-lock", type="integer")
                yield Static("", id="set-auto-lock-msg", classes="field-message")
            yield Label("Colour theme")
            yield Select(
                [(name, name) for name in themes], value=theme, id="set-theme", allow_blank=False
            )
            yield Label("Country (for crisis line numbers)")
            country = settings.country if settings.country in dict(COUNTRIES).values() else "US"
            yield Select(COUNTRIES, value=country, id="set-country", allow_blank=False)
            yield Label("Your clinic's phone number (optional, shown with crisis numbers)")
            yield Input(settings.clinic_phone, id="set-clinic-phone", max_length=40)
            yield Label("Privacy mode: hide entry titles in lists and excerpts in search results")
            yield Switch(settings.privacy_mode, id="set-privacy")
            yield Label("Session mode: hours the journal stays open without your passphrase (1-8)")
            with Horizontal(classes="field-row"):
                yield Input(str(settings.session_grace_hours), id="set-grace", type="integer")
                yield Static("", id="set-grace-msg", classes="field-message")
            yield Label("Name or label printed on exports for your therapist (optional)")
            yield Input(settings.patient_label, id="set-patient-label", max_length=80)
            with Horizontal(classes="dialog--buttons"):
                yield Button("Save", id="settings-save", variant="primary")
                yield Button("Back", id="settings-back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#set-auto-lock", Input).focus()
        self._pristine = self._form_state()

    def _form_state(self) -> tuple[object, ...]:
        """What was typed or chosen, except the theme (a preview, undone on leaving)."""
        return tuple(
            w.value  # type: ignore[attr-defined]
            for w in self.query("Input, Select, Switch")
            if w.id != "set-theme"
        )

    @on(Select.Changed, "#set-theme")
    def _preview_theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.app.theme = event.value

    @on(Input.Changed, "#set-auto-lock")
    def _check_auto_lock(self, event: Input.Changed) -> None:
        _, msg = parse_whole(event.value, *AUTO_LOCK_RANGE, "minutes")
        self.query_one("#set-auto-lock-msg", Static).update(msg)

    @on(Input.Changed, "#set-grace")
    def _check_grace(self, event: Input.Changed) -> None:
        _, msg = parse_whole(event.value, *GRACE_RANGE, "hours")
        self.query_one("#set-grace-msg", Static).update(msg)

    def collect(self) -> Settings | None:
        """Read the form; None (with the messages shown) when something is invalid."""
        minutes, minutes_msg = parse_whole(
            self.query_one("#set-auto-lock", Input).value, *AUTO_LOCK_RANGE, "minutes"
        )
        grace, grace_msg = parse_whole(
            self.query_one("#set-grace", Input).value, *GRACE_RANGE, "hours"
        )
        self.query_one("#set-auto-lock-msg", Static).update(minutes_msg)
        self.query_one("#set-grace-msg", Static).update(grace_msg)
        if minutes is None or grace is None:
            return None
        theme = self.query_one("#set-theme", Select).value
        country = self.query_one("#set-country", Select).value
        return self.journal.settings().replace(
            auto_lock_minutes=minutes,
            session_grace_hours=grace,
            theme=str(theme),
            country=str(country),
            clinic_phone=self.query_one("#set-clinic-phone", Input).value.strip(),
            privacy_mode=self.query_one("#set-privacy", Switch).value,
            patient_label=self.query_one("#set-patient-label", Input).value.strip(),
        )

    @on(Button.Pressed, "#settings-save")
    def action_save(self) -> None:
        settings = self.collect()
        if settings is None:
            self.notify("Some settings need a look before saving.", severity="warning")
            return
        try:
            self.journal.save_settings(settings)
        except KapError as err:
            self.notify(str(err), severity="error")
            return
        self.app.apply_settings(settings)  # type: ignore[attr-defined]
        self.notify("Settings saved.")
        self.dismiss(True)

    @on(Button.Pressed, "#settings-back")
    def action_back(self) -> None:
        self.leave_asking(
            self._form_state() != getattr(self, "_pristine", None),
            "Your changes to the settings have not been saved.",
            self._leave,
        )

    def _leave(self) -> None:
        # Undo a theme preview that was not saved.
        self.app.apply_settings(self.journal.settings())  # type: ignore[attr-defined]
        self.dismiss(False)
