"""Import screen: bring entries in from another journal app.

The user picks a format and a path, sees a dry-run summary (what would be
added, what is a duplicate), and only then confirms. Reading, checking and
writing run in a worker; the import is one transaction, so a failure leaves
the vault as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Select, Static

from kapjournal.core.errors import KapError
from kapjournal.core.importers import FORMATS, ImportResult, ImportSummary
from kapjournal.core.sanitize import clean
from kapjournal.screens.base import JournalScreen

INTRO = (
    "Bring entries over from another journal. Choose what you used before and where "
    "its file (or folder) is. You will see what would be added before anything is "
    "written, and entries you already have are left out."
)


class ImportScreen(JournalScreen):
    """Import from jrnl, Day One, Daylio, a Markdown folder or a kapjournal export.

    | key    | action                     |
    |--------|----------------------------|
    | enter  | preview (in the path field) |
    | ctrl+s | import after a preview      |
    | escape | back                       |
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "confirm_import", "Import"),
    ]

    DEFAULT_CSS = """
    ImportScreen { padding: 1 2; }
    ImportScreen #import-intro { margin-bottom: 1; }
    ImportScreen #import-format { width: 60; margin-bottom: 1; }
    ImportScreen #import-path { margin-bottom: 1; }
    ImportScreen #import-buttons { height: auto; margin-bottom: 1; }
    ImportScreen #import-buttons Button { margin-right: 2; }
    ImportScreen #import-progress { margin-bottom: 1; }
    ImportScreen #import-summary { height: auto; }
    ImportScreen .import--error { color: $error; }
    """

    @dataclass
    class Previewed(Message):
        """The file was read and checked; nothing written yet."""

        result: ImportResult
        summary: ImportSummary

    @dataclass
    class Imported(Message):
        summary: ImportSummary

    @dataclass
    class Failed(Message):
        message: str

    @dataclass
    class Progressed(Message):
        verb: str
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ImportScreen.Progressed)

    def __init__(self) -> None:
        super().__init__()
        self._result: ImportResult | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(INTRO, id="import-intro")
            yield Label("Import from")
            yield Select(
                [(spec.label, name) for name, spec in FORMATS.items()],
                value="jrnl-txt",
                allow_blank=False,
                id="import-format",
            )
            yield Label("File or folder")
            yield Input(placeholder="~/journal.txt", id="import-path")
            with Horizontal(id="import-buttons"):
                yield Button("Preview", id="import-preview", variant="primary")
                yield Button("Import", id="import-confirm", variant="success", disabled=True)
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        self.query_one("#import-path", Input).focus()

    # -- user actions ---------------------------------------------------

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-preview")
    def action_preview(self) -> None:
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self._show_error("Please type the path of the file or folder to import.")
            return
        fmt = str(self.query_one("#import-format", Select).value)
        self._result = None
        self.query_one("#import-confirm", Button).disabled = True
        self._show("Reading and checking ... nothing is written yet.")
        self._preview(fmt, Path(raw).expanduser())

    @on(Input.Changed, "#import-path")
    @on(Select.Changed, "#import-format")
    def _invalidate(self) -> None:
        # A preview only counts for the exact file and format it was made for.
        self._result = None
        self.query_one("#import-confirm", Button).disabled = True

    @on(Button.Pressed, "#import-confirm")
    def action_confirm_import(self) -> None:
        if self._result is None:
            self.notify("Preview the import first.", severity="warning")
            return
        result, self._result = self._result, None
        self.query_one("#import-confirm", Button).disabled = True
        self._show("Importing ...")
        self._write(result)

    # -- workers ----------------------------------------------------------

    def _progress(self, verb: str) -> object:
        def report(done: int, total: int) -> None:
            self.post_message(self.Progressed(verb, done, total))

        return report

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _preview(self, fmt: str, path: Path) -> None:
        from kapjournal.core.importers import apply_import, read_import

        try:
            result = read_import(fmt, path, self._progress("Reading"))  # type: ignore[arg-type]
            summary = apply_import(self.journal, result, dry_run=True)
        except KapError as err:
            self.post_message(self.Failed(err.user_message))
            return
        self.post_message(self.Previewed(result, summary))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _write(self, result: ImportResult) -> None:
        from kapjournal.core.importers import apply_import

        try:
            summary = apply_import(self.journal, result, progress=self._progress("Writing"))  # type: ignore[arg-type]
        except KapError as err:
            self.post_message(self.Failed(err.user_message))
            return
        self.post_message(self.Imported(summary))

    # -- results ----------------------------------------------------------

    @on(Progressed)
    def _on_progress(self, message: Progressed) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = message.total >= 200 and message.done < message.total
        bar.update(total=message.total, progress=message.done)

    @on(Previewed)
    def _on_previewed(self, message: Previewed) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        lines = message.summary.lines()
        if message.summary.entries or message.summary.other:
            self._result = message.result
            self.query_one("#import-confirm", Button).disabled = False
            lines.append("Nothing has been written yet. Press Import (ctrl+s) to add them.")
        else:
            lines.append("There is nothing new to import from this file.")
        self._show("\n".join(lines))

    @on(Imported)
    def _on_imported(self, message: Imported) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        self._show("\n".join(message.summary.lines()))
        self.notify(f"Imported {message.summary.entries} entries.")

    @on(Failed)
    def _on_failed(self, message: Failed) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        self._show_error(message.message)

    def _show(self, text: str) -> None:
        summary = self.query_one("#import-summary", Static)
        summary.remove_class("import--error")
        summary.update(Text(clean(text)))

    def _show_error(self, text: str) -> None:
        summary = self.query_one("#import-summary", Static)
        summary.add_class("import--error")
        summary.update(Text(clean(text)))
