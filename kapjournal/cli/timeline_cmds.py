"""Timeline and insight commands: ``kapjournal timeline`` and ``kapjournal insight ...``."""

from __future__ import annotations

import json
import sys

import click

from kapjournal.cli import (
    State,
    check_writable_now,
    interactive,
    kind_phrase,
    main,
    open_journal,
    pass_state,
)
from kapjournal.core.errors import InvalidInput
from kapjournal.core.sanitize import inert_json


@main.command()
@click.option("--since", default=None, help="Start: 2026-10-01, 2w, 3m, or 'session 3'.")
@click.option("--until", default=None, help="End (inclusive): a date or 'session 5'.")
@click.option("--insights", "insights_only", is_flag=True, help="Only the thread of insights.")
@click.option("--tag", default=None, help="Only items with this tag.")
@click.option("--route", default=None, help="Only sessions by this route (iv, im, lozenge...).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_state
def timeline(
    state: State,
    since: str | None,
    until: str | None,
    insights_only: bool,
    tag: str | None,
    route: str | None,
    as_json: bool,
) -> None:
    """Print the timeline: sessions and what came out of each.

    Examples: kapjournal timeline --since 'session 3';
    kapjournal timeline --insights --tag sleep
    """
    from kapjournal.core.timeline import build_timeline, make_filter, plain_text

    # Read the filter before asking for the passphrase, so typos fail fast.
    filt = make_filter(since=since, until=until, tag=tag, route=route, insights_only=insights_only)
    journal = open_journal(state, readonly=True)
    try:
        filt = make_filter(
            since=since,
            until=until,
            tag=tag,
            route=route,
            insights_only=insights_only,
            now=journal.now,
        )
        tl = build_timeline(journal, filt)
    finally:
        journal.close()
    if as_json:
        click.echo(inert_json(json.dumps(tl.to_dict(), ensure_ascii=False, indent=2)))
    else:
        click.echo(plain_text(tl))


@main.group()
def insight() -> None:
    """Mark insights and follow them up."""


def _read_stdin(what: str, state: State) -> str:
    if interactive():
        check_writable_now(state)  # a busy or missing vault is said before the typing
        click.echo(f"Type the {what}, then press Ctrl-D on a new line:", err=True)
    return sys.stdin.read()


@insight.command(name="add")
@click.argument("entry_id", required=False)
@click.option(
    "--passage",
    default=None,
    help="Mark only this part of the entry (it must appear in the entry).",
)
@click.option(
    "--text",
    "free_text",
    is_flag=True,
    help="Write a new insight from standard input instead of marking an entry.",
)
@click.option("-t", "--tag", "tags", multiple=True, help="Tag to add (repeatable).")
@click.option("--bring", is_flag=True, help="Flag it to bring to the next therapy appointment.")
@pass_state
def insight_add(
    state: State,
    entry_id: str | None,
    passage: str | None,
    free_text: bool,
    tags: tuple[str, ...],
    bring: bool,
) -> None:
    """Mark an entry (or a passage of it) as an insight.

    Example: kapjournal insight add 3f2a --passage "I can rest" -t rest
    """
    from kapjournal.core.insights import add_insight_text, mark_insight
    from kapjournal.core.models import Entry

    if free_text == (entry_id is not None):
        raise InvalidInput("Give an entry id, or --text to write a new insight (not both).")
    body = _read_stdin("insight", state) if free_text else None
    journal = open_journal(state)
    try:
        if body is not None:
            saved = add_insight_text(journal, body, tags=tags, bring_to_therapy=bring)
        else:
            assert entry_id is not None
            model_cls, full_id = journal.resolve(entry_id)
            if model_cls is not Entry:
                raise InvalidInput(f"{entry_id} is {kind_phrase(model_cls.KIND)}, not an entry.")
            entry = journal.get(Entry, full_id)
            saved = mark_insight(journal, entry, passage=passage, tags=tags, bring_to_therapy=bring)
    finally:
        journal.close()
    where = " (linked to its session)" if saved.session_id else ""
    click.echo(f"Marked insight {saved.id[:8]}{where}.")


@insight.command(name="list")
@click.option("--bring", is_flag=True, help="Only insights flagged for therapy.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_state
def insight_list(state: State, bring: bool, as_json: bool) -> None:
    """List insights oldest first, with their session and follow-ups."""
    from kapjournal.core.cycles import CycleIndex
    from kapjournal.core.insights import follow_up_label
    from kapjournal.core.models import Insight, Session
    from kapjournal.core.sanitize import clean, clean_line

    journal = open_journal(state, readonly=True)
    try:
        found = sorted(journal.all(Insight), key=lambda i: i.created)
        index = CycleIndex(journal.all(Session))
    finally:
        journal.close()
    if bring:
        found = [i for i in found if i.bring_to_therapy]
    by_id = {s.id: s for s in index.sessions}
    if as_json:
        data = []
        for ins in found:
            item = ins.to_dict()
            session = by_id.get(ins.session_id or "")
            item["session_number"] = index.number_of(session) if session else None
            data.append(item)
        click.echo(inert_json(json.dumps({"insights": data}, ensure_ascii=False, indent=2)))
        return
    if not found:
        click.echo("No insights yet. Mark one with: kapjournal insight add ENTRY_ID")
        return
    for ins in found:
        session = by_id.get(ins.session_id or "")
        origin = (
            f"session {index.number_of(session)} ({session.started_at:%Y-%m-%d})"
            if session
            else "before the first session"
        )
        flag = "  [bring to therapy]" if ins.bring_to_therapy else ""
        tags = ("  " + " ".join(f"#{clean_line(t)}" for t in ins.tags)) if ins.tags else ""
        click.echo(f"{ins.id[:8]}  {ins.created:%Y-%m-%d}  from {origin}{tags}{flag}")
        for line in clean(ins.text).splitlines() or [""]:
            click.echo(f"    {line}")
        for follow in ins.follow_ups:
            click.echo(f"    ↳ {clean_line(follow_up_label(follow))}")


@insight.command(name="follow-up")
@click.argument("insight_id")
@click.argument(
    "kind", type=click.Choice(["tried", "still-true", "discussed", "note"], case_sensitive=False)
)
@click.argument("text", required=False, default="")
@click.option("--on", "on_date", default=None, help="For 'discussed': the therapy date.")
@pass_state
def insight_follow_up(
    state: State, insight_id: str, kind: str, text: str, on_date: str | None
) -> None:
    """Add a follow-up: tried, still-true, discussed (--on DATE) or note TEXT."""
    from kapjournal.core.dates import parse_when
    from kapjournal.core.insights import add_follow_up
    from kapjournal.core.models import Insight

    code = kind.lower().replace("-", "_")
    if on_date is not None and code != "discussed":
        raise InvalidInput("--on is only for 'discussed'.")
    journal = open_journal(state)
    try:
        when = parse_when(on_date, now=journal.now) if on_date else None
        model_cls, full_id = journal.resolve(insight_id)
        if model_cls is not Insight:
            raise InvalidInput(f"{insight_id} is {kind_phrase(model_cls.KIND)}, not an insight.")
        saved = add_follow_up(journal, journal.get(Insight, full_id), code, text, at=when)
    finally:
        journal.close()
    click.echo(f"Added a follow-up to insight {saved.id[:8]} ({len(saved.follow_ups)} in all).")


@insight.command(name="bring")
@click.argument("insight_id")
@click.option("--off", is_flag=True, help="Clear the flag instead.")
@pass_state
def insight_bring(state: State, insight_id: str, off: bool) -> None:
    """Flag an insight to bring to the next therapy appointment (or --off)."""
    from kapjournal.core.insights import set_bring_to_therapy
    from kapjournal.core.models import Insight

    journal = open_journal(state)
    try:
        model_cls, full_id = journal.resolve(insight_id)
        if model_cls is not Insight:
            raise InvalidInput(f"{insight_id} is {kind_phrase(model_cls.KIND)}, not an insight.")
        set_bring_to_therapy(journal, journal.get(Insight, full_id), not off)
    finally:
        journal.close()
    click.echo("Flag cleared." if off else "Flagged to bring to therapy.")
