"""Export screen: choose what to share, preview it, write it (encrypted by default).

| key | action |
|-----|--------|
| f5 | Preview the selection (counts and the first page) |
| ctrl+s | Write the export (a new or changed therapist key is confirmed first) |
| f6 | Pick paragraphs and answers to hide ("Choose…") |
| escape | Back (waits while an export is being written) |

Building, rendering, encrypting (scrypt for a passphrase is slow on purpose)
and writing all run in a worker; the screen shows the stage as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)
from textual.worker import Worker, WorkerState

from kapjournal.core.cycles import CycleIndex
from kapjournal.core.dates import parse_when
from kapjournal.core.errors import InvalidInput, KapError
from kapjournal.core.export import EXTENSIONS, FORMATS, default_filename, export_to_file
from kapjournal.core.export.age import check_target, parse_recipient, synced_folder
from kapjournal.core.export.model import (
    REDACTABLE,
    ExportOptions,
    build_document,
    parse_hidden,
    shareable_entries,
)
from kapjournal.core.export.plaintext import counts_line, skipped_note, summary_text
from kapjournal.core.models import Entry, Session
from kapjournal.core.sanitize import clean
from kapjournal.screens.base import JournalScreen
from kapjournal.screens.confirm import ConfirmModal

CONFIRM_WORD = "plaintext"
STAGES = ("Reading the journal", "Selecting insights", "Building the summary", "Rendering")
FORMAT_LABELS = {
    "html": "HTML (opens in any browser, prints well)",
    "md": "Markdown (plain text)",
    "json": "JSON (for the therapist's review mode)",
    "pdf": "PDF (needs the kapjournal[pdf] extra)",
}
PREVIEW_LINES = 40


@dataclass
class PreviewReady(Message):
    counts: dict[str, int]
    first_page: str
    skipped: int = 0


@dataclass
class ExportProgress(Message):
    stage: str
    step: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ExportProgress)


@dataclass
class ExportFinished(Message):
    path: Path
    encrypted: bool
    counts: dict[str, int]
    skipped: int = 0


@dataclass
class ExportFailedMsg(Message):
    text: str


class ConfirmPlaintext(ModalScreen[bool]):
    """Typed confirmation before an unencrypted export (escape means no)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ConfirmPlaintext { align: center middle; }
    ConfirmPlaintext > Vertical { width: 70; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    ConfirmPlaintext Horizontal { height: auto; margin-top: 1; }
    """

    def __init__(self, where: str, cloud: str | None) -> None:
        super().__init__()
        self.where = where
        self.cloud = cloud

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Write an unencrypted export?", style="bold"))
            msg = (
                "This file will not be protected: anyone who gets it can read it. "
                f"It will be written to {self.where}."
            )
            if self.cloud:
                msg += f" That folder ('{self.cloud}') syncs to the cloud."
            yield Static(Text(clean(msg)))
            yield Static(Text(f"Type {CONFIRM_WORD} to go ahead."))
            yield Input(placeholder=CONFIRM_WORD, id="confirm-word")
            with Horizontal():
                yield Button("Write unencrypted", variant="warning", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")

    @on(Button.Pressed, "#confirm-yes")
    @on(Input.Submitted, "#confirm-word")
    def _yes(self) -> None:
        if self.query_one("#confirm-word", Input).value.strip().lower() == CONFIRM_WORD:
            self.dismiss(True)
        else:
            self.notify(f"Type the word {CONFIRM_WORD} to confirm.", severity="warning")

    @on(Button.Pressed, "#confirm-no")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ExportScreen(JournalScreen):
    """Share what you choose with your therapist."""

    BINDINGS = [
        Binding("f5", "preview", "Preview"),
        Binding("ctrl+s", "export", "Export"),
        Binding("f6", "hide_paragraphs", "Hide paragraphs"),
        Binding("escape", "back", "Back"),
    ]

    # Below 100 columns the form narrows so the preview keeps room to be read.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    DEFAULT_CSS = """
    ExportScreen #export-form { width: 58; padding: 0 1; }
    ExportScreen.-narrow #export-form { width: 48; }
    ExportScreen #export-preview { width: 1fr; border-left: solid $primary; padding: 0 1; }
    ExportScreen .export--label { margin-top: 1; color: $text-muted; }
    ExportScreen #export-redact { height: 8; }
    ExportScreen #export-session-list { height: auto; max-height: 6; }
    ExportScreen #export-status { height: auto; margin-top: 1; }
    ExportScreen Horizontal.export--buttons { height: auto; margin-top: 1; }
    ExportScreen Horizontal.export--buttons Input { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        settings = self.journal.settings()
        self._remembered = settings.therapist_recipient
        self._suggested: str | None = None  # the file name last suggested (not typed)
        self._export_worker: Worker[None] | None = None
        yield Header()
        with Horizontal():
            with VerticalScroll(id="export-form"):
                yield Label("Format", classes="export--label")
                yield Select(
                    [(FORMAT_LABELS[f], f) for f in FORMATS],
                    value="html",
                    allow_blank=False,
                    id="export-format",
                )
                yield Label("Dates (empty = everything)", classes="export--label")
                with Horizontal(classes="export--buttons"):
                    yield Input(placeholder="from, e.g. 4w", id="export-since")
                    yield Input(placeholder="to, e.g. today", id="export-until")
                yield Label("Sessions (none ticked = all)", classes="export--label")
                yield SelectionList[str](*self._session_choices(), id="export-session-list")
                yield Checkbox("Only insights (no full entries)", id="export-insights")
                yield Checkbox("Include check-ins and questionnaires", True, id="export-checkins")
                yield Checkbox("Include session logs", True, id="export-sessions")
                yield Label("Withhold these fields", classes="export--label")
                yield SelectionList[str](
                    *[(label, key) for key, label in REDACTABLE.items()], id="export-redact"
                )
                with Horizontal(classes="export--buttons"):
                    yield Input(
                        placeholder="hide paragraphs: ENTRY-ID:N, e.g. 3f2a9c1d:2",
                        id="export-hide",
                    )
                    yield Button("Choose…", id="export-hide-pick")
                yield Label("Protection", classes="export--label")
                with RadioSet(id="export-protect"):
                    yield RadioButton("Therapist's age key", value=True, id="protect-key")
                    yield RadioButton("Passphrase (share it in person)", id="protect-pass")
                    yield RadioButton("No encryption", id="protect-plain")
                yield Input(
                    value=self._remembered,
                    placeholder="age1... (your therapist's public key)",
                    id="export-recipient",
                )
                yield Input(placeholder="export passphrase", password=True, id="export-pass1")
                yield Input(placeholder="repeat the passphrase", password=True, id="export-pass2")
                yield Label("Save as", classes="export--label")
                yield Input(id="export-path")
                with Horizontal(classes="export--buttons"):
                    yield Button("Preview", id="export-preview-btn")
                    yield Button("Export", variant="primary", id="export-go")
                yield ProgressBar(total=len(STAGES) + 2, show_eta=False, id="export-progress")
                yield Static(Text(""), id="export-status")
            with VerticalScroll(id="export-preview"):
                yield Static(
                    Text("Press Preview to see what will be shared. Private entries never are."),
                    id="export-preview-text",
                )
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Export for your therapist"
        self._sync_protection()
        self._suggest_path()

    # -- form helpers --------------------------------------------------

    def _session_choices(self) -> list[tuple[str, str]]:
        index = CycleIndex(self.journal.all(Session))
        return [
            (f"Session {index.number_of(s)} · {s.started_at:%a %d %b %Y}", s.id)
            for s in reversed(index.sessions)
        ]

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _protection(self) -> str:
        pressed = self.query_one("#export-protect", RadioSet).pressed_button
        return {"protect-pass": "pass", "protect-plain": "plain"}.get(
            pressed.id if pressed and pressed.id else "", "key"
        )

    def _fmt(self) -> str:
        return str(self.query_one("#export-format", Select).value)

    def _suggest_path(self) -> None:
        """Suggest a file name; a path the patient typed keeps its folder and name and
        only gets the ending of the new format and protection."""
        encrypted = self._protection() != "plain"
        field = self.query_one("#export-path", Input)
        typed = field.value.strip()
        if typed and typed != self._suggested:
            stem = typed[:-4] if typed.lower().endswith(".age") else typed
            for ext in EXTENSIONS.values():
                if stem.lower().endswith(ext):
                    stem = stem[: -len(ext)]
                    break
            else:
                return  # no known ending: leave what was typed alone
            field.value = stem + EXTENSIONS[self._fmt()] + (".age" if encrypted else "")
            return
        name = default_filename(self._fmt(), self.journal.now().date(), encrypted=encrypted)
        self._suggested = str(Path.home() / name)
        field.value = self._suggested

    def _sync_protection(self) -> None:
        mode = self._protection()
        self.query_one("#export-recipient", Input).display = mode == "key"
        self.query_one("#export-pass1", Input).display = mode == "pass"
        self.query_one("#export-pass2", Input).display = mode == "pass"

    @on(RadioSet.Changed, "#export-protect")
    @on(Select.Changed, "#export-format")
    def _changed(self) -> None:
        self._sync_protection()
        self._suggest_path()

    def options(self) -> ExportOptions:
        """The choices on the form. Raises InvalidInput with a message to show."""
        since_text, until_text = self._value("#export-since"), self._value("#export-until")
        since = parse_when(since_text, now=self.journal.now) if since_text else None
        until = (
            parse_when(until_text, now=self.journal.now, end_of_day=True) if until_text else None
        )
        return ExportOptions(
            since=since,
            until=until,
            session_ids=frozenset(self.query_one("#export-session-list", SelectionList).selected),
            insights_only=self.query_one("#export-insights", Checkbox).value,
            include_checkins=self.query_one("#export-checkins", Checkbox).value,
            include_sessions=self.query_one("#export-sessions", Checkbox).value,
            redact=frozenset(self.query_one("#export-redact", SelectionList).selected),
            hidden_paragraphs=parse_hidden(self._value("#export-hide").replace(",", " ").split()),
        )

    def _checked_options(self) -> ExportOptions | None:
        """The form's choices, or None after showing what is wrong with them."""
        try:
            return self.options()
        except KapError as err:
            self._status(err.user_message, error=True)
            return None

    def _status(self, text: str, *, error: bool = False, reveal: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(Text(clean(text), style="bold red" if error else ""))
        if error or reveal:
            # The status line sits below the long form: bring it (and the progress bar
            # above it) into view, or a problem or the finished path goes unseen.
            self.call_after_refresh(status.scroll_visible, animate=False)

    # -- hiding paragraphs ---------------------------------------------

    @on(Button.Pressed, "#export-hide-pick")
    def action_hide_paragraphs(self) -> None:
        """Pick paragraphs and answers to withhold from a list instead of typing ids."""
        options = self._checked_options()
        if options is None:
            return
        if options.insights_only:
            self._status("Only insights are shared, so there are no whole entries to trim.")
            return
        self._status("Reading your entries…")
        self._load_for_hiding(options)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export-hide")
    def _load_for_hiding(self, options: ExportOptions) -> None:
        try:
            entries = shareable_entries(self.journal, options)
        except KapError as err:
            self.post_message(ExportFailedMsg(err.user_message))
            return
        self.app.call_from_thread(self._open_hide_dialog, entries, options)

    def _open_hide_dialog(self, entries: list[Entry], options: ExportOptions) -> None:
        from kapjournal.screens.hide_paragraphs import (
            HideParagraphsModal,
            hidden_to_specs,
            resolve_prefixes,
        )

        if not entries:
            self._status("No entries match these dates and sessions.")
            return
        self._status("")
        ids = [e.id for e in entries]
        known, unknown = resolve_prefixes(options.hidden_paragraphs, ids)

        def chosen(result: dict[str, frozenset[int]] | None) -> None:
            if result is None:
                return
            # Items typed for entries outside this selection stay, so nothing typed is lost.
            specs = hidden_to_specs(result, ids) + unknown
            self.query_one("#export-hide", Input).value = " ".join(specs)
            count = sum(len(v) for v in result.values())
            self._status(f"{count} paragraph(s) or answer(s) will be withheld." if count else "")

        self.app.push_screen(HideParagraphsModal(entries, known), chosen)

    # -- preview -------------------------------------------------------

    @on(Button.Pressed, "#export-preview-btn")
    def action_preview(self) -> None:
        if self._exporting():  # the preview shares the export's worker group
            return
        options = self._checked_options()
        if options is None:
            return
        self._status("Preparing the preview…")
        self._run_preview(options)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _run_preview(self, options: ExportOptions) -> None:
        try:
            doc = build_document(self.journal, options)
            text = "\n".join(summary_text(doc).splitlines()[:PREVIEW_LINES])
            self.post_message(PreviewReady(doc.counts, text, len(self.journal.damaged)))
        except KapError as err:
            self.post_message(ExportFailedMsg(err.user_message))

    @on(PreviewReady)
    def _preview_ready(self, message: PreviewReady) -> None:
        skipped = f"{skipped_note(message.skipped)}\n" if message.skipped else ""
        head = (
            f"Will share: {counts_line(message.counts)}.\n{skipped}"
            "Entries marked private are never included.\n\n"
        )
        self.query_one("#export-preview-text", Static).update(
            Text(clean(head + message.first_page))
        )
        self._status("Preview ready. Press Export when it looks right.")

    # -- export --------------------------------------------------------

    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        if self._exporting():
            return
        try:
            options = self.options()
            mode = self._protection()
            recipient = passphrase = None
            if mode == "key":
                recipient = self._value("#export-recipient").lower()
                if not recipient:
                    raise InvalidInput("Paste your therapist's age key (it starts with age1).")
                parse_recipient(recipient)
            elif mode == "pass":
                passphrase = self.query_one("#export-pass1", Input).value
                if len(passphrase) < 8:
                    raise InvalidInput("Use an export passphrase of at least 8 characters.")
                if passphrase != self.query_one("#export-pass2", Input).value:
                    raise InvalidInput("The two passphrases differ.")
            path_text = self._value("#export-path")
            if not path_text:
                raise InvalidInput("Choose where to save the export.")
            out = Path(path_text).expanduser()
            check_target(out)  # an existing file or a missing folder, before any question
        except KapError as err:
            self._status(err.user_message, error=True)
            return
        cloud = synced_folder(out)
        if recipient and recipient != self._remembered:
            # A key not used before: show all of it and ask (SECURITY.md: exports).
            if self._remembered:
                message = (
                    "This key differs from the one you used last time.\n\n"
                    f"Before:\n{self._remembered}\n\nNow:\n{recipient}\n\n"
                    "Check with your therapist that the new key is theirs before sending."
                )
            else:
                message = (
                    f"The export will be encrypted to this key:\n\n{recipient}\n\n"
                    "Check with your therapist that it is theirs (reading the last few "
                    "characters together is enough). kapjournal remembers it for next time."
                )

            def key_checked(ok: bool | None) -> None:
                if ok:
                    self._go(options, out, recipient, passphrase, mode, cloud)
                else:
                    self._status("Nothing was written.", reveal=True)

            self.app.push_screen(
                ConfirmModal(
                    "Encrypt to this key?", clean(message), yes="Yes, it is my therapist's"
                ),
                key_checked,
            )
            return
        self._go(options, out, recipient, passphrase, mode, cloud)

    def _go(
        self,
        options: ExportOptions,
        out: Path,
        recipient: str | None,
        passphrase: str | None,
        mode: str,
        cloud: str | None,
    ) -> None:
        if mode == "plain":

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._start(options, out, None, None, True)
                else:
                    self._status("Nothing was written.", reveal=True)

            self.app.push_screen(ConfirmPlaintext(str(out), cloud), confirmed)
            return
        if cloud:
            self.notify(
                f"The file goes into '{cloud}', which syncs to the cloud (it is encrypted).",
                severity="warning",
            )
        self._start(options, out, recipient, passphrase, False)

    def _start(
        self,
        options: ExportOptions,
        out: Path,
        recipient: str | None,
        passphrase: str | None,
        plaintext: bool,
    ) -> None:
        self.query_one("#export-progress", ProgressBar).update(progress=0)
        slow = " (a passphrase takes a few seconds on purpose)" if passphrase else ""
        self._status(f"Exporting…{slow}", reveal=True)
        self._export_worker = self._run_export(
            options, self._fmt(), out, recipient, passphrase, plaintext
        )

    def action_back(self) -> None:
        # Leaving mid-export would hide whether it worked (and not remember the key).
        if not self._exporting():
            self.app.pop_screen()

    def _exporting(self) -> bool:
        """True while an export is being written (a second one would race it)."""
        worker = self._export_worker
        if worker is not None and worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            self.notify("The export is still being written; one moment.", timeout=4)
            return True
        return False

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _run_export(
        self,
        options: ExportOptions,
        fmt: str,
        out: Path,
        recipient: str | None,
        passphrase: str | None,
        plaintext: bool,
    ) -> None:
        steps = {name: n for n, name in enumerate(STAGES + ("Encrypting", "Writing"), 1)}

        def progress(stage: str) -> None:
            self.post_message(ExportProgress(stage, steps.get(stage, 0)))

        try:
            result = export_to_file(
                self.journal,
                options,
                fmt,
                out,
                recipient=recipient,
                passphrase=passphrase,
                plaintext=plaintext,
                progress=progress,
            )
        except KapError as err:
            self.post_message(ExportFailedMsg(err.user_message))
            return
        self.post_message(
            ExportFinished(result.path, result.encrypted, result.counts, result.skipped)
        )

    @on(ExportProgress)
    def _progress(self, message: ExportProgress) -> None:
        self.query_one("#export-progress", ProgressBar).update(progress=message.step)
        self._status(f"{message.stage}…")

    @on(ExportFinished)
    def _finished(self, message: ExportFinished) -> None:
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(progress=bar.total or 0)
        recipient = self._value("#export-recipient").lower()
        if message.encrypted and self._protection() == "key" and recipient != self._remembered:
            settings = self.journal.settings()
            self.journal.save_settings(settings.replace(therapist_recipient=recipient))
            self._remembered = recipient
        for selector in ("#export-pass1", "#export-pass2"):
            self.query_one(selector, Input).value = ""
        how = "encrypted" if message.encrypted else "NOT encrypted"
        saved = f"Saved {message.path} ({how}): {counts_line(message.counts)}."
        if message.skipped:
            saved += " " + skipped_note(message.skipped)
        self._status(saved, reveal=True)
        self.notify("Export written.", timeout=4)

    @on(ExportFailedMsg)
    def _failed(self, message: ExportFailedMsg) -> None:
        self._status(message.text, error=True)
