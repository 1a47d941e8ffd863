"""Markdown export: the same structure as the HTML, readable as plain text too.

User text is escaped so that no viewer turns it into HTML, code, links or
images: ``<``, ``>``, backticks and the other inline Markdown characters get
a backslash, line starts that would open a heading, quote or list are
escaped, and ``http://`` / ``https://`` URLs are defused (``https:\\/\\/``)
so no renderer autolinks or fetches them.
"""

from __future__ import annotations

import re

from kapjournal.core.export.chart import sparkline
from kapjournal.core.export.model import (
    CHECKIN_LABELS,
    CYCLE_PACKS,
    DISCLAIMER,
    PACK_LABELS,
    REDACTABLE,
    ExportDocument,
    day_text,
    day_time_text,
    range_text,
    summary_counts,
)
from kapjournal.core.models import CHECKIN_FIELDS, answer_value_text

_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~"})
_CONTROLS = {c: "\ufffd" for c in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]}
_INLINE_AND_CONTROL = {**_INLINE, **_CONTROLS}
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+[.)])(?=[\s#=-]|$)", re.MULTILINE)
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*):(\\?/)(\\?/)")


def _line_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark[0].isdigit():  # "1." -> "1\." (a backslash before a digit is not an escape)
        return f"{lead}{mark[:-1]}\\{mark[-1]}"
    return f"{lead}\\{mark}"


def md_escape(text: str) -> str:
    """Escape user text for Markdown so it can only ever show as text."""
    text = text.replace("\r\n", "\n").translate(_INLINE_AND_CONTROL)
    text = _LINE_START.sub(_line_start, text)
    if "/" in text:
        text = _URL.sub(lambda m: f"{m.group(1)}:\\/\\/", text)
    return text


# Bytes that never need escaping: everything but the inline characters, the
# controls md_escape replaces, "\r" and "/" (URLs). Bytes of multi-byte UTF-8
# characters are all >= 0x80 and so plain.
_PLAIN_BYTES = bytes(b for b in range(256) if chr(b) not in "\\`*_[]<>|~/\r" and b not in _CONTROLS)


def _plain(text: str) -> bool:
    """True when ``md_escape`` would leave ``text`` as it is: no character to
    escape and every line starting with a letter (no heading, list or quote
    marker can open it). A quick, conservative test: False only means "check
    properly"."""
    if text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_BYTES):
        return False
    if "\n" not in text:
        return text[:1].isalpha()
    return all(line[:1].isalpha() for line in text.split("\n"))


def md_line(text: str) -> str:
    """Escape and fold to one line (for table cells and list items)."""
    text = " ".join(text.split())
    return text if _plain(text) else md_escape(text)


def md_paragraph(text: str) -> str:
    """An escaped paragraph whose line breaks stay hard breaks (two spaces)."""
    if _plain(text):
        return text.replace("\n", "  \n")
    return "  \n".join(md_escape(text).split("\n"))


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def render_markdown(doc: ExportDocument) -> str:
    L: list[str] = []
    add = L.append
    add("# Journal summary for therapy review")
    add("")
    who = f"**{md_line(doc.patient_label)}** · " if doc.patient_label else ""
    add(f"{who}{range_text(doc)} · exported {day_time_text(doc.exported_at)}")
    add("")
    add("## Summary")
    add("")
    add(summary_counts(doc))
    add("")
    if doc.safety_rows:
        n = len(doc.safety_rows)
        add(f"> **The crisis screen was shown {n} time{'s' if n != 1 else ''} in this period.**")
        add("")
    if doc.redacted:
        withheld = ", ".join(REDACTABLE[r].lower() for r in doc.redacted)
        add(f"The patient chose to withhold: {withheld}.")
        add("")
    if doc.include_sessions:
        add("### Sessions")
        add("")
        if doc.session_rows:
            L += _table(
                ["#", "Date", "Route", "Dose", "Setting", "Dissociation", "Side effects (2+)"],
                [
                    [
                        str(r.number),
                        day_text(r.session.started_at),
                        md_line(r.route),
                        md_line(r.dose),
                        md_line(r.setting),
                        r.dissociation,
                        md_line(", ".join(r.side_effects)) if r.side_effects else "none",
                    ]
                    for r in doc.session_rows
                ],
            )
        else:
            L += ["_No sessions in this period._", ""]
    if doc.include_checkins:
        add("### Score trends")
        add("")
        if doc.score_rows:
            L += _table(
                ["Date", "Questionnaire", "Total", "Band"],
                [
                    [day_text(r.at), md_line(r.scale), str(r.total), md_line(r.band or "—")]
                    for r in doc.score_rows
                ],
            )
        if doc.week_rows:
            add("Weekly check-in averages, 0-10 (one character per week):")
            add("")
            add("```text")
            width = max(len(v) for v in CHECKIN_LABELS.values())
            for f in CHECKIN_FIELDS:
                spark = sparkline([w.averages[f] for w in doc.week_rows])
                add(f"{CHECKIN_LABELS[f]:<{width}}  {spark}")
            add("```")
            add("")
            L += _table(
                ["Week of", "Check-ins"] + [CHECKIN_LABELS[f] for f in CHECKIN_FIELDS],
                [
                    [day_text(w.week), str(w.count)]
                    + ["—" if w.averages[f] is None else str(w.averages[f]) for f in CHECKIN_FIELDS]
                    for w in doc.week_rows
                ],
            )
        if not doc.score_rows and not doc.week_rows:
            L += ["_No check-ins or questionnaires in this period._", ""]
    add("### Crisis-screen events")
    add("")
    if doc.safety_rows:
        L += _table(
            ["Date and time", "What showed the screen", "Acknowledged"],
            [
                [day_time_text(r.at), md_line(r.trigger), "yes" if r.acknowledged else "no"]
                for r in doc.safety_rows
            ],
        )
    else:
        L += ["_The crisis screen was not shown in this period._", ""]
    add("### Marked insights")
    add("")
    if doc.marked_insights:
        for r in doc.marked_insights:
            when = (
                f"Session {r.session_number}, {day_text(r.session_date)}"
                if r.session_date
                else day_text(r.insight.created)
            )
            add(f"- *{when}*: {md_line(r.insight.text)}")
        add("")
    else:
        L += ["_No marked insights._", ""]
    add("### Questions for the appointment")
    add("")
    if doc.questions:
        for q in doc.questions:
            add(f"- *{day_text(q.at)}*: {md_line(q.text)}")
        add("")
    else:
        L += ["_Nothing was flagged for the appointment._", ""]
    if doc.pack_rows:
        add("### Reflection packs completed")
        add("")
        L += _table(
            ["Session"] + [PACK_LABELS[p] for p in CYCLE_PACKS],
            [
                [f"{r.number} · {day_text(r.session.started_at)}"]
                + ["done" if r.done[p] else "—" for p in CYCLE_PACKS]
                for r in doc.pack_rows
            ],
        )
    add(f"## {'Insights' if doc.insights_only else 'Entries'} by session")
    add("")
    if not doc.groups:
        L += [f"_No {'insights' if doc.insights_only else 'entries'} in this export._", ""]
    short: dict[str, str] = {}  # pack labels and tags repeat: escape each once

    def md_short(text: str) -> str:
        found = short.get(text)
        if found is None:
            found = short[text] = md_line(text)
        return found

    for c in doc.groups:
        add(f"### {c.heading}")
        add("")
        for label, text in c.log:
            add(f"**{label}:**  \n{md_paragraph(text)}")
            add("")
        for it in c.items:
            head = day_time_text(it.at)
            if it.days_since is not None:
                head += f" · day {it.days_since}"
            if it.pack:
                head += f" · {md_short(it.pack)}"
            if it.flagged:  # only entries are flagged for the appointment
                head += " · for the appointment"
            add(f"#### {head}")
            add("")
            if it.title:
                add(f"**{md_line(it.title)}**")
                add("")
            if it.answers:
                for a in it.answers:
                    add(f"- **{md_line(a.question)}** {md_line(answer_value_text(a.value))}")
                add("")
            for p in it.paragraphs:
                add(md_paragraph(p))
                add("")
            if it.tags:
                add("Tags: " + ", ".join([md_short(t) for t in it.tags]))
                add("")
    add("---")
    add("")
    for credit in doc.credits:
        add(md_escape(credit))
        add("")
    add(md_escape(DISCLAIMER))
    add("")
    add(
        f"Exported {day_time_text(doc.exported_at)} with kapjournal {md_escape(doc.app_version)} "
        f"(export format {doc.schema_version})."
    )
    add("")
    return "\n".join(L)
