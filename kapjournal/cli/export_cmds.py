"""Export commands: export (for the therapist), keygen (a therapist's age key), review."""

from __future__ import annotations

from pathlib import Path

import click

from kapjournal.cli import (
    State,
    main,
    open_journal,
    pass_state,
    prompt_secret,
    read_passphrase_file,
)
from kapjournal.core.errors import InvalidInput

_FORMATS = ("html", "md", "json", "pdf")
_REDACTABLE = (
    "dose",
    "route",
    "setting",
    "side_effects",
    "vitals",
    "dissociation",
    "session_notes",
    "clinician",
    "tags",
    "checkin_notes",
    "follow_ups",
    "appointment_notes",
)


def _prompt_secret(prompt: str) -> str:
    return prompt_secret(prompt, option="--age-passphrase-file")


def _ask_export_passphrase(path: Path | None) -> str:
    if path is not None:
        return read_passphrase_file(path)
    while True:
        first = _prompt_secret("Passphrase for the export")
        if len(first) < 8:
            click.echo("Please use at least 8 characters (a few words work well).", err=True)
            continue
        second = _prompt_secret("Repeat it")
        if first == second:
            return first
        click.echo("The two passphrases differ; please try again.", err=True)


def _refuse_existing(path: Path, force: bool) -> None:
    if not force and path.expanduser().is_file():
        raise InvalidInput(
            f"{path} already exists; choose another name with -o, or pass --force to "
            "replace it (nothing was written)."
        )


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(_FORMATS), default="html", show_default=True,
    help="html (print-ready), md, json (for review mode), or pdf (needs kapjournal[pdf]).",
)  # fmt: skip
@click.option("--to", "recipient", metavar="AGE1...", help="Encrypt to your therapist's age key.")
@click.option("--passphrase", "by_phrase", is_flag=True, help="Encrypt with a passphrase.")
@click.option(
    "--age-passphrase-file",
    "phrase_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the export passphrase from this private file instead of asking.",
)
@click.option(
    "--plaintext",
    is_flag=True,
    help="Write an UNENCRYPTED file (it leaves the vault's protection).",
)
@click.option("--since", metavar="DATE", help="First day, e.g. 2026-10-01, 4w, yesterday.")
@click.option("--until", metavar="DATE", help="Last day (inclusive).")
@click.option("--session", "sessions", multiple=True, metavar="ID", help="Only these sessions.")
@click.option("--insights", "insights_only", is_flag=True, help="Share insights, not entries.")
@click.option("--no-checkins", is_flag=True, help="Leave out check-ins and questionnaires.")
@click.option("--no-sessions", is_flag=True, help="Leave out session logs (doses, notes...).")
@click.option(
    "--redact", multiple=True, metavar="FIELD",
    help="Withhold a field (repeatable or comma-separated): " + ", ".join(_REDACTABLE) + ".",
)  # fmt: skip
@click.option(
    "--hide",
    multiple=True,
    metavar="ENTRY:N",
    help="Hide part N of an entry (its paragraphs, then its guided answers).",
)
@click.option("--label", default=None, help="Patient label on the first page.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
    help="Output file. Default: kapjournal-export-DATE.FORMAT[.age] here.",
)  # fmt: skip
@pass_state
def export(
    state: State,
    fmt: str,
    recipient: str | None,
    by_phrase: bool,
    phrase_file: Path | None,
    plaintext: bool,
    since: str | None,
    until: str | None,
    sessions: tuple[str, ...],
    insights_only: bool,
    no_checkins: bool,
    no_sessions: bool,
    redact: tuple[str, ...],
    hide: tuple[str, ...],
    label: str | None,
    force: bool,
    output: Path | None,
) -> None:
    """Export what you choose to share with your therapist.

    Encrypted by default: to your therapist's age key (--to, remembered for
    next time) or with a passphrase you share in person (--passphrase).
    Entries marked private are never exported.
    """
    import gc

    from kapjournal.core.dates import parse_when
    from kapjournal.core.export import default_filename
    from kapjournal.core.export.age import parse_recipient, synced_folder
    from kapjournal.core.export.options import REDACTABLE, parse_hidden

    by_phrase = by_phrase or phrase_file is not None
    if sum([recipient is not None, by_phrase, plaintext]) > 1:
        raise InvalidInput("Choose only one of --to, --passphrase and --plaintext.")
    if recipient is not None:
        parse_recipient(recipient)
    fields = _split(redact)
    unknown = [f for f in fields if f not in REDACTABLE]
    if unknown:
        raise InvalidInput(
            f"Unknown --redact field '{unknown[0]}'. Choose from: {', '.join(REDACTABLE)}."
        )
    start = parse_when(since) if since else None
    end = parse_when(until, end_of_day=True) if until else None
    hidden = parse_hidden(hide)
    if fmt == "pdf":
        from kapjournal.core.export.pdf import require_weasyprint

        require_weasyprint()

    if output is not None and str(output) == "-":
        raise InvalidInput(
            "Give a file name after -o: an export is written to a file, never to the terminal."
        )
    if output is not None:
        from kapjournal.core.export.age import check_target

        _refuse_existing(output, force)
        check_target(output, overwrite=force)
    # A one-shot batch job over acyclic records: the cycle collector only costs time.
    gc.disable()
    try:
        # The document model (with the journal and models) and the renderer are
        # imported by a helper thread while the key is derived.
        renderer = {"html": "html", "md": "markdown", "json": "jsonfmt"}.get(fmt, "plaintext")
        prepare = tuple(f"kapjournal.core.export.{m}" for m in ("model", renderer, "plaintext"))
        journal = open_journal(state, readonly=False, prepare=prepare)
    except BaseException:
        gc.enable()
        raise
    from kapjournal.core.export import export_to_file
    from kapjournal.core.export.model import ExportOptions
    from kapjournal.core.models import Session

    try:
        settings = journal.settings()
        remembered = settings.therapist_recipient
        if recipient is None and not by_phrase and not plaintext:
            if not remembered:
                raise InvalidInput(
                    "Choose how to protect the export: --to age1... (your therapist's key), "
                    "--passphrase, or --plaintext for an unencrypted file."
                )
            recipient = remembered
            click.echo(f"Encrypting to the key you used before: {recipient}", err=True)
        elif recipient is not None:
            recipient = recipient.strip().lower()
            if remembered and remembered != recipient:
                click.echo(
                    "kapjournal: warning: this key differs from the one you used last time "
                    f"({remembered}). Check with your therapist that the new one is theirs.",
                    err=True,
                )
            click.echo(f"Encrypting to: {recipient}", err=True)
        session_ids = set()
        for prefix in sessions:
            model_cls, full = journal.resolve(prefix)
            if model_cls is not Session:
                raise InvalidInput(f"{prefix} is not a session id.")
            session_ids.add(full)
        options = ExportOptions(
            since=start,
            until=end,
            session_ids=frozenset(session_ids),
            insights_only=insights_only,
            include_checkins=not no_checkins,
            include_sessions=not no_sessions,
            redact=frozenset(fields),
            hidden_paragraphs=hidden,
            patient_label=label,
        )
        passphrase = _ask_export_passphrase(phrase_file) if by_phrase else None
        encrypted = not plaintext
        out = output or Path(default_filename(fmt, journal.now().date(), encrypted=encrypted))
        _refuse_existing(out, force)
        cloud = synced_folder(out)
        if cloud:
            click.echo(
                f"kapjournal: warning: {out} is inside '{cloud}', a folder that syncs to the "
                "cloud; a copy will leave this device.",
                err=True,
            )
        if plaintext:
            click.echo(
                "kapjournal: writing an UNENCRYPTED export: anyone who gets the file can read it.",
                err=True,
            )
        result = export_to_file(
            journal,
            options,
            fmt,
            out,
            recipient=recipient if encrypted and not by_phrase else None,
            passphrase=passphrase,
            plaintext=plaintext,
            overwrite=force,
        )
        if result.encrypted and recipient and not by_phrase and remembered != recipient:
            journal.save_settings(settings.replace(therapist_recipient=recipient))
    finally:
        journal.close()
        gc.enable()
    from kapjournal.core.export.plaintext import counts_line, skipped_note

    how = "encrypted" if result.encrypted else "NOT encrypted"
    click.echo(f"Wrote {result.path} ({how}): {counts_line(result.counts)}.")
    if result.skipped:
        click.echo(f"kapjournal: warning: {skipped_note(result.skipped)}", err=True)


@main.command()
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
    help="Where to write the secret key file (kept private, mode 0600).",
)  # fmt: skip
def keygen(output: Path) -> None:
    """Create an age key pair (for a therapist receiving exports).

    Prints the public key (age1...) to give to patients; keep the file secret.
    """
    from datetime import datetime

    from kapjournal.core.export.age import new_identity, write_private

    text, public = new_identity(datetime.now().astimezone())
    write_private(output, text.encode("ascii"))
    click.echo(f"Wrote a secret key to {output}; keep it private and backed up.", err=True)
    click.echo("Public key (give this to your patients):", err=True)
    click.echo(public)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-i", "--identity", type=click.Path(path_type=Path, dir_okay=False),
    help="Your age key file (from 'kapjournal keygen').",
)  # fmt: skip
@click.option(
    "--age-passphrase-file",
    "phrase_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the export passphrase from this private file instead of asking.",
)
@click.option("--text", "as_text", is_flag=True, help="Print the export as text instead.")
def review(file: Path, identity: Path | None, phrase_file: Path | None, as_text: bool) -> None:
    """Open a JSON export read-only (for therapists). Nothing is written to disk."""
    from kapjournal.core.export.review import load_export

    def ask() -> str:
        if phrase_file is not None:
            secret = read_passphrase_file(phrase_file)
        else:
            secret = _prompt_secret("Passphrase for the export")
        click.echo("Decrypting (a passphrase takes a few seconds on purpose)…", err=True)
        return secret

    from kapjournal.cli import interactive, retrying
    from kapjournal.core.errors import ExportPassphraseWrong

    # At a terminal a mistyped export passphrase is asked again, as the vault's is.
    doc = retrying(
        lambda: load_export(file, identity=identity, ask_passphrase=ask),
        ExportPassphraseWrong,
        lambda _err: "That passphrase did not open the export; please try again.",
        retry=phrase_file is None and interactive(),
    )
    if as_text:
        from kapjournal.core.export.markdown import render_markdown
        from kapjournal.core.sanitize import clean

        click.echo(clean(render_markdown(doc)))
        return
    from kapjournal.screens.review import run_review

    run_review(doc, title=file.name)
