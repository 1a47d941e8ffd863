"""``kapjournal import FILE --from FORMAT [--dry-run]``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kapjournal.cli import State, main, open_journal, pass_state

if TYPE_CHECKING:
    from kapjournal.core.journal import Journal

# Kept here (not imported from core.importers) so that loading the CLI stays cheap;
# a test checks it matches ``kapjournal.core.importers.FORMATS``.
FORMAT_NAMES = (
    "jrnl-json",
    "jrnl-txt",
    "markdown-dir",
    "dayone-json",
    "daylio-csv",
    "kapjournal-json",
)
BIG = 1000  # show progress from this many items on


class _Progress:
    """Progress on stderr: a live counter on a terminal, a few lines otherwise."""

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.tty = sys.stderr.isatty()
        self.last_step = -1
        self.last_time = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total < BIG:
            return
        if self.tty:
            now = time.monotonic()
            if done < total and now - self.last_time < 0.1:
                return
            self.last_time = now
            end = "\n" if done >= total else ""
            click.echo(f"\r{self.verb} {done:,}/{total:,}", err=True, nl=False)
            if end:
                click.echo("", err=True)
            return
        step = done * 4 // total
        if step != self.last_step:
            self.last_step = step
            click.echo(f"{self.verb} {done:,}/{total:,}", err=True)


@main.command(name="import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "fmt",
    required=True,
    type=click.Choice(FORMAT_NAMES),
    help="The format of SOURCE (markdown-dir takes a folder).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@pass_state
def import_(state: State, source: Path, fmt: str, dry_run: bool) -> None:
    """Import entries from another journal app's file.

    The whole import is one transaction: if anything is wrong, nothing is
    written. Entries with the same date and text as one already in the vault
    are skipped and counted. Example: kapjournal import journal.txt --from jrnl-txt
    """
    from kapjournal.core.importers import apply_import, read_import
    from kapjournal.core.sanitize import clean_line

    result = read_import(fmt, source, _Progress("Reading"))
    journal = open_journal(state, readonly=dry_run)
    try:
        summary = apply_import(journal, result, dry_run=dry_run, progress=_Progress("Writing"))
        del result
        for line in summary.lines():
            click.echo(clean_line(line))
        if not dry_run and (summary.entries or summary.insights or summary.other):
            _save_search_index(journal)
    finally:
        journal.close()
    if dry_run:
        click.echo("Dry run: nothing was written.")


def _save_search_index(journal: Journal) -> None:
    """Leave a fresh sealed search index, so the next list or search need not decrypt all.

    A small import patches the stored image; otherwise the index is built from
    the entries the import already holds decrypted. The import itself is
    committed before this: a failure here only costs speed later.
    """
    from kapjournal.core.errors import KapError
    from kapjournal.core.index import drop_service, service_for
    from kapjournal.core.models import Entry

    try:
        service = service_for(journal)
        service.ensure(save=True, progress=_Progress("Indexing"), entries=journal.all(Entry))
    except KapError as err:
        click.echo(
            f"kapjournal: the search index was not updated ({err.user_message}); "
            "the next search builds it.",
            err=True,
        )
    finally:
        drop_service(journal, save=False)
