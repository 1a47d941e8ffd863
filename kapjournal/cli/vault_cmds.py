"""Vault commands: init, add, list, show, passwd, verify, backup."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from kapjournal.cli import (
    State,
    ask_new_passphrase,
    check_vault,
    check_writable_now,
    interactive,
    kind_phrase,
    main,
    open_journal,
    pass_state,
    unlock_asking,
)
from kapjournal.core.errors import InvalidInput, StoragePermission, VaultExists

DISCLAIMER = (
    "kapjournal supports your treatment; it does not replace your care team. "
    "Nobody reads or monitors it. In an emergency, call your local emergency number."
)


@main.command()
@click.option(
    "--recovery-code",
    "with_recovery",
    is_flag=True,
    help="Also make a one-time recovery code (shown once) that opens the vault "
    "if you forget the passphrase.",
)
@pass_state
def init(state: State, with_recovery: bool = False) -> None:
    """Create a new encrypted vault."""
    from kapjournal.core.journal import Journal

    try:
        exists = state.vault.exists()
    except PermissionError as err:
        raise StoragePermission(
            f"kapjournal is not allowed to create a vault in {state.vault.parent}. "
            "Check the folder's permissions, or choose another place with --vault."
        ) from err
    if exists:
        raise VaultExists()
    click.echo(DISCLAIMER, err=True)
    if state.passphrase_file is not None:
        from kapjournal.cli import read_passphrase_file
        from kapjournal.core.strength import strength_hint

        passphrase = read_passphrase_file(state.passphrase_file)
        hint = strength_hint(passphrase)
        if not hint.acceptable:
            raise InvalidInput(hint.message)
    else:
        passphrase = ask_new_passphrase()
    code = None
    with Journal.create(state.vault, passphrase) as journal:
        if with_recovery:
            code = journal.vault.add_recovery_slot()
    click.echo(f"Created an encrypted vault at {state.vault}")
    if code is not None:
        from kapjournal.cli.recovery_cmds import show_recovery_code

        show_recovery_code(code)


@main.command()
@click.option(
    "-m",
    "--message",
    default=None,
    help="Entry text. Beware: it stays in your shell history and is visible in "
    "'ps' while running. Prefer piping text on stdin.",
)
@click.option("-t", "--tag", "tags", multiple=True, help="Tag to add (repeatable).")
@pass_state
def add(state: State, message: str | None, tags: tuple[str, ...]) -> None:
    """Add an entry from -m TEXT or from standard input.

    There is no external editor on purpose: editors leave plaintext in temp
    files. Example: echo "slept well" | kapjournal add
    """
    from kapjournal.core.tags import extract_tags

    if message is None:
        if interactive():
            # Check what can be checked before the person writes, so a missing
            # or busy vault is said now and not after the entry is typed.
            check_writable_now(state)
            click.echo("Type your entry, then press Ctrl-D on a new line:", err=True)
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        try:
            message = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as err:
            raise InvalidInput(
                "The text on standard input is not valid UTF-8; nothing was saved. "
                "Convert it first, e.g. with iconv."
            ) from err
    body = message.strip("\n")
    if not body.strip():
        raise InvalidInput("The entry is empty; nothing was saved.")
    journal = open_journal(state)
    try:
        all_tags = tuple(dict.fromkeys([t.lstrip("#").lower() for t in tags] + extract_tags(body)))
        entry = journal.add_entry(body, tags=all_tags)
    finally:
        journal.close()
    click.echo(f"Saved entry {entry.id[:8]}.")


@main.command(name="list")
@click.option(
    "-n",
    "count",
    default=20,
    show_default=True,
    type=click.IntRange(1, 100000),
    help="How many entries to show.",
)
@pass_state
def list_(state: State, count: int) -> None:
    """List recent entries, newest first."""
    from kapjournal.core.sanitize import clean_line

    journal = open_journal(state, readonly=True, prepare=("kapjournal.core.index",))
    try:
        rows = newest_entries(journal, count)
    finally:
        journal.close()
    if not rows:
        click.echo("No entries yet. Add one with: kapjournal add")
        return
    for entry_id, created, first_line in rows:
        line = clean_line(first_line).strip()
        if len(line) > 60:
            line = line[:59] + "…"
        click.echo(f"{entry_id[:8]}  {created:%Y-%m-%d %H:%M}  {line}")


def newest_entries(journal: Any, count: int) -> list[tuple[str, datetime, str]]:
    """(id, created, first line) of the newest entries, newest first (ties: id descending).

    Read from the sealed search-index image when there is one (decrypting only
    records saved since it was written); otherwise from the decrypted entries.
    Both give the same rows; the list prints them alike.
    """
    from kapjournal.core.index import newest_from_image
    from kapjournal.core.models import Entry

    items = newest_from_image(journal, count)
    if items is not None:
        return [(i.id, i.created, i.first_line) for i in items]
    entries = sorted(journal.all(Entry), key=lambda e: (e.created, e.id), reverse=True)
    return [(e.id, e.created, e.first_line) for e in entries[:count]]


@main.command()
@click.argument("record_id", metavar="ENTRY_ID")
@pass_state
def show(state: State, record_id: str) -> None:
    """Show one entry (the id or its first characters)."""
    from kapjournal.core.models import Entry
    from kapjournal.core.render import entry_plain_text

    journal = open_journal(state, readonly=True)
    try:
        model_cls, full_id = journal.resolve(record_id)
        if model_cls is not Entry:
            raise InvalidInput(f"{record_id} is {kind_phrase(model_cls.KIND)}, not an entry.")
        entry = journal.get(Entry, full_id)
    finally:
        journal.close()
    click.echo(entry_plain_text(entry))


@main.command()
@pass_state
def passwd(state: State) -> None:
    """Change the passphrase (rewraps the key; entries are not re-encrypted)."""
    journal = open_journal(state)
    try:
        new = ask_new_passphrase("New passphrase")
        journal.change_passphrase(new)
    finally:
        journal.close()
    click.echo("Passphrase changed. Old backups still open with the old passphrase.")


@main.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Move records that fail authentication into quarantine (nothing is deleted).",
)
@pass_state
def verify(state: State, repair: bool) -> None:
    """Authenticate every record and report counts."""
    from kapjournal.core.journal import Journal

    check_vault(state)
    journal, _ = unlock_asking(state, lambda p: Journal.unlock(state.vault, p, readonly=not repair))
    try:
        moved: list[str] = []
        if repair:
            moved = journal.vault.quarantine_damaged()
        report = journal.verify()
    finally:
        journal.close()
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items())) or "no records"
    click.echo(f"Records: {report.total} ({kinds})")
    click.echo(f"Database check: {report.quick_check}")
    click.echo(
        "Manifest: "
        + (
            "matches"
            if report.manifest_ok
            else "MISMATCH - records may have been removed or rolled back"
        )
    )
    for rid in moved:
        click.echo(f"Quarantined damaged record {rid} (still sealed, not deleted).")
    if report.quarantined:
        click.echo(f"Quarantine holds {report.quarantined} record(s).")
    for rid in report.damaged:
        click.echo(f"Damaged record: {rid} (left untouched)")
    if not report.ok:
        click.echo("Verify FAILED.", err=True)
        if report.damaged and not repair:
            click.echo(
                "Run 'kapjournal verify --repair' to move the damaged records aside "
                "(nothing is deleted), or restore a backup with 'kapjournal restore'.",
                err=True,
            )
        sys.exit(1)
    click.echo("Verify OK.")


@main.command()
@click.argument("dest", type=click.Path())
@click.option(
    "--keep",
    type=click.IntRange(1, 1000),
    default=None,
    help="DEST is a folder of rotating backups: verify the new one, then keep only the newest N.",
)
@pass_state
def backup(state: State, dest: str, keep: int | None = None) -> None:
    """Write a consistent encrypted copy of the vault to DEST (a file or folder).

    DEST ending in a slash is a folder (created if needed); the backup inside
    it is named kapjournal-DATE-TIME.kapj.
    """
    as_folder = dest.endswith(("/", os.sep))
    folder = Path(dest)
    journal = open_journal(state, readonly=True)
    if keep is not None:
        from kapjournal.cli.recovery_cmds import write_rotating_backup

        try:
            written, removed = write_rotating_backup(journal, folder, keep)
        finally:
            journal.close()
        click.echo(f"Backup written to {written} (encrypted, verified).")
        if removed:
            click.echo(f"Removed {len(removed)} older backup(s); {keep} kept.")
        return
    try:
        target = folder
        if as_folder or folder.is_dir():
            target = folder / f"kapjournal-{datetime.now():%Y%m%d-%H%M%S}.kapj"
        if target.exists():
            raise InvalidInput(f"{target} already exists; choose another name.")
        written = journal.vault.backup_to(target)
    finally:
        journal.close()
    click.echo(f"Backup written to {written} (encrypted, like the vault).")
