"""Plain-text views of an export document (review mode, previews, ``review --text``).

The text is unescaped: callers that show it in a terminal pass it through
:func:`kapjournal.core.sanitize.clean` and display it as plain text, never markup.
"""

from __future__ import annotations

from kapjournal.core.export.chart import sparkline
from kapjournal.core.export.model import (
    CHECKIN_LABELS,
    CYCLE_PACKS,
    PACK_LABELS,
    REDACTABLE,
    Cycle,
    ExportDocument,
    Item,
    plural_count,
    range_text,
    summary_counts,
)
from kapjournal.core.models import CHECKIN_FIELDS, Entry, answer_value_text


def counts_line(counts: dict[str, int]) -> str:
    """'4 entries, 1 session, ...' for previews and confirmations."""
    held = counts.get("sessions_held", counts["sessions"])
    sessions = plural_count(held, "session")
    if counts["sessions"] > held:
        sessions += f" (and {counts['sessions'] - held} planned or cancelled)"
    return ", ".join(
        [
            plural_count(counts["entries"], "entry", "entries"),
            sessions,
            plural_count(counts["insights"], "insight"),
            plural_count(counts["checkins"], "check-in"),
            plural_count(counts["scales"], "questionnaire"),
            plural_count(counts["safety_events"], "crisis-screen event"),
        ]
    )


def skipped_note(skipped: int) -> str:
    """What to say when damaged records were left out of an export ('' when none were)."""
    if not skipped:
        return ""
    return (
        f"{plural_count(skipped, 'record')} could not be read (damaged) and "
        f"{'is' if skipped == 1 else 'are'} not in the export; 'kapjournal verify' says more."
    )


def summary_text(doc: ExportDocument) -> str:
    """Page one, as plain text."""
    out: list[str] = []
    add = out.append
    head = f"{doc.patient_label} · " if doc.patient_label else ""
    add(f"{head}{range_text(doc)} · exported {doc.exported_at:%d %b %Y, %H:%M}")
    add(summary_counts(doc))
    if doc.redacted:
        add("Withheld by the patient: " + ", ".join(REDACTABLE[r].lower() for r in doc.redacted))
    if doc.include_sessions:
        add("")
        add("SESSIONS")
        for r in doc.session_rows:
            effects = ", ".join(r.side_effects) or "none"
            add(
                f"  {r.number:>2}  {r.session.started_at:%d %b %Y}  {r.route} · {r.dose} · "
                f"{r.setting} · dissociation {r.dissociation} · side effects 2+: {effects}"
            )
        if not doc.session_rows:
            add("  none in this period")
    if doc.include_checkins:
        add("")
        add("SCORE TRENDS")
        for s in doc.score_rows:
            add(f"  {s.at:%d %b %Y}  {s.scale} {s.total}" + (f" ({s.band})" if s.band else ""))
        if doc.week_rows:
            add(f"  Weekly check-in averages, 0-10, {len(doc.week_rows)} week(s):")
            for f in CHECKIN_FIELDS:
                spark = sparkline([w.averages[f] for w in doc.week_rows][-60:])
                add(f"    {CHECKIN_LABELS[f]:<14}{spark}")
        if not doc.score_rows and not doc.week_rows:
            add("  none in this period")
    add("")
    add("CRISIS-SCREEN EVENTS")
    for e in doc.safety_rows:
        add(
            f"  {e.at:%d %b %Y, %H:%M}  {e.trigger}"
            + ("" if e.acknowledged else " (not acknowledged)")
        )
    if not doc.safety_rows:
        add("  none")
    add("")
    add("MARKED INSIGHTS")
    for i in doc.marked_insights:
        when = (
            f"session {i.session_number}, {i.session_date:%d %b %Y}"
            if i.session_date
            else (f"{i.insight.created:%d %b %Y}")
        )
        add(f"  • {' '.join(i.insight.text.split())}  ({when})")
    if not doc.marked_insights:
        add("  none")
    add("")
    add("QUESTIONS FOR THE APPOINTMENT")
    for q in doc.questions:
        add(f"  • {' '.join(q.text.split())}  ({q.at:%d %b %Y})")
    if not doc.questions:
        add("  none")
    if doc.pack_rows:
        add("")
        add("REFLECTION PACKS COMPLETED")
        for p in doc.pack_rows:
            done = [PACK_LABELS[k] for k in CYCLE_PACKS if p.done[k]]
            add(f"  session {p.number} ({p.session.started_at:%d %b %Y}): {', '.join(done) or '—'}")
    return "\n".join(out)


def item_title(item: Item) -> str:
    parts = [f"{item.at:%d %b %Y %H:%M}"]
    if item.days_since is not None:
        parts.append(f"day {item.days_since}")
    if item.pack:
        parts.append(item.pack)
    model = item.model
    first = model.first_line if isinstance(model, Entry) else model.text
    parts.append(" ".join(first.split())[:60])
    return " · ".join(parts)


def item_text(item: Item) -> str:
    """One entry or insight in full."""
    model = item.model
    out = [item_title(item), ""]
    if isinstance(model, Entry):
        if model.title:
            out += [model.title, ""]
        for a in model.answers:
            out += [a.question, "  " + answer_value_text(a.value)]
        if model.answers:
            out.append("")
    out += ["\n\n".join(item.paragraphs)]
    if model.tags:
        out += ["", "Tags: " + ", ".join(model.tags)]
    return "\n".join(out)


def cycle_text(cycle: Cycle) -> str:
    """A session cycle's heading and what was recorded about the session itself."""
    out = [cycle.heading, ""]
    for label, text in cycle.log:
        out += [f"{label}:", text, ""]
    if not cycle.log:
        extra = "" if cycle.session is None else " No vitals, people or notes were shared."
        out.append(f"{len(cycle.items)} item(s) below.{extra}")
    return "\n".join(out).rstrip("\n")


def searchable(item: Item) -> str:
    """Lower-cased text an in-export search matches against."""
    return item_text(item).lower()
