"""``kapjournal search``: full-text search from the command line.

Uses the sealed index image when it is fresh (fast) and otherwise rebuilds the
index in memory and saves a new image. Nothing is written in plaintext.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from kapjournal.cli import (
    State,
    check_vault,
    is_tty,
    main,
    pass_state,
    unlock_asking,
    unlock_journal,
)
from kapjournal.core.errors import StorageError, StorageFull, StoragePermission, VaultBusy
from kapjournal.core.sanitize import clean, clean_line, inert_json

JSON_SCHEMA_VERSION = 1


def _open(state: State) -> Any:
    """Unlock for writing (to refresh the image), else read-only (app open, read-only folder)."""
    check_vault(state)
    prepare = ("kapjournal.core.index",)

    def unlock(passphrase: str) -> Any:
        try:
            return unlock_journal(state.vault, passphrase, prepare=prepare)
        except (VaultBusy, StoragePermission):
            # The app holds the vault, or its file or folder is read-only (a
            # backup on a read-only disk): search it anyway, saving nothing.
            return unlock_journal(state.vault, passphrase, readonly=True, prepare=prepare)

    journal, _ = unlock_asking(state, unlock)
    for warning in journal.warnings:
        click.echo(f"kapjournal: {warning}", err=True)
    return journal


def _highlight(text: str, spans: tuple[tuple[int, int], ...], color: bool) -> str:
    if not color or not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(text[pos:start])
        out.append(click.style(text[start:end], bold=True, reverse=True))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _point_at(query: str, start: int, end: int) -> str:
    shown = clean_line(query)
    return f"  {shown}\n  {' ' * start}{'^' * max(1, end - start)}"


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Show at most this many results.",
)
@click.option("--by-date", is_flag=True, help="Newest first instead of best match first.")
@pass_state
def search(state: State, query: tuple[str, ...], as_json: bool, limit: int, by_date: bool) -> None:
    """Search your entries and insights.

    \b
    Words must all match; also "exact phrase", grat*, calm OR peace, -exclude,
    and filters tag:grief session:3 route:im is:insight pack:next_day
    from:2026-01-01 to:2026-03-31 since:2w.
    Quote the whole query for your shell, and put -- first if it starts with
    a dash:  kapjournal search -- '-work "steady breathing"'
    See docs/search.md for the full language.
    """
    from kapjournal.core.index import drop_service, service_for
    from kapjournal.core.query import BadQuery, parse

    text = " ".join(query)
    try:
        parsed = parse(text)
    except BadQuery as err:
        click.echo(_point_at(text, err.start, err.end), err=True)
        raise
    journal = _open(state)
    try:
        service = service_for(journal)
        if sys.stderr.isatty():
            click.echo("Opening the search index...", err=True)
        try:
            service.ensure()
        except (StorageError, StorageFull, StoragePermission) as err:
            # The index is ready in memory; only storing its sealed copy
            # failed (read-only folder, full disk). Search anyway.
            service.ensure(save=False)
            click.echo(
                f"kapjournal: {err.user_message} The search index was not saved; "
                "the next search builds it again.",
                err=True,
            )
        results = service.search(parsed, limit=limit, order="date" if by_date else "rank")
        drop_service(journal, save=False)
    finally:
        journal.close()
    if as_json:
        payload = {
            "schema": JSON_SCHEMA_VERSION,
            "query": text,
            "results": [r.to_dict() for r in results],
        }
        click.echo(inert_json(json.dumps(payload, ensure_ascii=False, indent=2)))
        return
    if not results:
        click.echo("No matches.", err=True)
        return
    color = is_tty()
    for result in results:
        when = result.created.strftime("%Y-%m-%d %H:%M")
        where = f"session {result.session_no}" if result.session_no else "no session"
        kind = "insight" if result.kind == "insight" else "entry"
        title = clean_line(result.first_line)
        head = f"{when}  {where}  {kind} {result.id[:8]}  {title}"
        click.echo(click.style(head, dim=True) if color else head, color=color)
        snippet = clean(result.snippet)  # one character for one: spans stay valid
        click.echo("    " + _highlight(snippet, result.spans, color), color=color)
