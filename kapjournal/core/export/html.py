"""Self-contained HTML export rendered with Jinja2 (autoescape on for every field).

No scripts, no external requests (the CSP meta tag of SECURITY.md section 6
forbids them anyway), print CSS with a page break before the entries. Entry
text is shown as escaped plain text in ``white-space: pre-wrap`` paragraphs;
Markdown is never turned into HTML, so there are no raw HTML or links from
user text at all.
"""

from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from kapjournal.core.export.chart import trend_svg
from kapjournal.core.export.model import (
    CHECKIN_LABELS,
    CYCLE_PACKS,
    DISCLAIMER,
    PACK_LABELS,
    REDACTABLE,
    WITHHELD_PARAGRAPH,
    ExportDocument,
    day_text,
    day_time_text,
    range_text,
)
from kapjournal.core.models import CHECKIN_FIELDS, answer_value_text


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kapjournal.core.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["dt"] = day_time_text
    env.filters["d"] = day_text
    env.filters["answer"] = answer_value_text
    return env


def render_html(doc: ExportDocument) -> str:
    """The whole export as one HTML document (a ``str``)."""
    sessions = [(r.session.started_at.date(), r.number) for r in doc.session_rows]
    chart = trend_svg(doc.week_rows, sessions) if doc.include_checkins else ""
    template = environment().get_template("export.html.j2")
    # The entries are most of the page: hand them to the template as plain
    # tuples, so the loop unpacks them instead of looking up each attribute.
    cycles = [
        (
            c.heading,
            c.log,
            [
                (it.when, it.pack, it.flagged, it.title, it.answers, it.paragraphs, it.tags)
                for it in c.items
            ],
        )
        for c in doc.groups
    ]
    return template.render(
        doc=doc,
        cycles=cycles,
        # trend_svg escapes its only text (fixed labels and dates) itself.
        chart=Markup(chart),  # noqa: S704
        range_text=range_text(doc),
        redacted_text=", ".join(REDACTABLE[r].lower() for r in doc.redacted),
        checkin_fields=CHECKIN_FIELDS,
        checkin_labels=CHECKIN_LABELS,
        cycle_packs=CYCLE_PACKS,
        pack_labels=PACK_LABELS,
        withheld=WITHHELD_PARAGRAPH,
        disclaimer=DISCLAIMER,
    )
