"""HTML, Markdown and JSON renderers: escaping, structure, schema, round trip."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from kapjournal.core.errors import ExportFailed, ReviewFileInvalid
from kapjournal.core.export import render
from kapjournal.core.export.jsonfmt import json_depth, read_document
from kapjournal.core.export.markdown import md_escape
from kapjournal.core.export.model import ExportOptions, build_document
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Insight, Session
from tests.conftest import PASSPHRASE
from tests.export_sample import HOSTILE, PRIVATE_TEXT, fill

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "export-schema.json").read_text())
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"
)
REFERRER = '<meta name="referrer" content="no-referrer">'


@pytest.fixture
def doc(journal: Journal):
    fill(journal)
    return build_document(journal, ExportOptions())


def test_html_has_exact_csp_and_referrer_tags(doc) -> None:
    html = render(doc, "html").decode()
    head = html.split("</head>")[0]
    assert CSP in head
    assert REFERRER in head


def test_html_escapes_every_user_field(doc) -> None:
    html = render(doc, "html").decode()
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;window.kapPwned=1&lt;/script&gt;" in html
    assert "onerror=&#34;window.kapPwned=2&#34;" in html
    assert "Next day &lt;b&gt;bold&lt;/b&gt;" in html  # title
    assert "&lt;i&gt;tag&lt;/i&gt;" in html  # tag
    assert "<b>bold" not in html
    assert PRIVATE_TEXT not in html


def test_html_makes_no_external_references(doc) -> None:
    html = render(doc, "html").decode()
    tags = re.findall(r"<[^>]*>", html)
    # inside markup, the only URL is the SVG namespace identifier (user URLs are text)
    urls = {u for t in tags for u in re.findall(r"(?:[a-z]+:)?//[^\s\"'<>)]+", t)}
    assert urls == {"http://www.w3.org/2000/svg"}
    assert not any(re.search(r"\b(?:src|href|action|formaction|on\w+)\s*=", t, re.I) for t in tags)
    assert "url(" not in html and "@import" not in html


def test_html_summary_then_entries_with_chart_and_footer(doc) -> None:
    html = render(doc, "html").decode()
    order = [
        html.index(s)
        for s in (
            "Summary",
            "Sessions",
            "Score trends",
            "Crisis-screen events",
            "Marked insights",
            "Questions for the appointment",
            "Entries by session",
        )
    ]
    assert order == sorted(order)
    assert "<svg" in html and "Weekly check-in averages" in html
    assert ">S1<" in html and ">S3<" in html  # session markers on the chart
    assert "moderately severe" in html
    assert "break-before: page" in html and "@media print" in html
    assert 'scope="col"' in html
    assert "does not replace the care team" in html
    assert "Spitzer" in html


def test_markdown_escapes_and_defuses(doc) -> None:
    md = render(doc, "md").decode()
    ours = ("```", "> **The crisis screen")  # markup the renderer itself writes
    user_lines = "\n".join(ln for ln in md.splitlines() if not ln.startswith(ours))
    assert not re.search(r"(?<!\\)[<>`]", user_lines)  # every user <, > and ` is escaped
    assert "\\<script\\>" in md
    assert "https://example.invalid" not in md
    assert "!\\[tracker\\]" in md
    assert PRIVATE_TEXT not in md
    assert "## Summary" in md and "### Sessions" in md and "## Entries by session" in md


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`code`", "\\`code\\`"),
        ("# heading", "\\# heading"),
        ("1. item", "1\\. item"),
        ("0.6 mg", "0.6 mg"),
        ("see http://x.y/z", "see http:\\/\\/x.y/z"),
        ("<b>", "\\<b\\>"),
        ("[a](b)", "\\[a\\](b)"),
    ],
)
def test_markdown_escape_cases(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_json_validates_against_schema(doc) -> None:
    data = json.loads(render(doc, "json"))
    jsonschema.validate(data, SCHEMA)
    assert data["schema_version"] == 1 and data["format"] == "kapjournal-export"


def test_json_schema_rejects_a_private_entry(doc) -> None:
    data = json.loads(render(doc, "json"))
    data["entries"][0]["private"] = True
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_json_read_back_equals_document(doc) -> None:
    back = read_document(render(doc, "json"))
    assert back.entries == doc.entries
    assert back.sessions == doc.sessions
    assert back.insights == doc.insights
    assert back.checkins == doc.checkins and back.scales == doc.scales
    assert back.safety_events == doc.safety_events
    assert back.session_rows == doc.session_rows
    assert back.score_rows == doc.score_rows
    assert [c.heading for c in back.groups] == [c.heading for c in doc.groups]


def test_json_export_import_round_trip_through_journal(doc, tmp_path: Path) -> None:
    back = read_document(render(doc, "json"))
    fresh = Journal.create(tmp_path / "new.kapj", PASSPHRASE)
    try:
        with fresh.transaction():
            for model in back.models():
                fresh.save(model)
        fresh.close()
        fresh = Journal.unlock(tmp_path / "new.kapj", PASSPHRASE)
        by_id = lambda items: {m.id: m for m in items}  # noqa: E731
        assert by_id(fresh.all(Entry)) == by_id(doc.entries)
        assert by_id(fresh.all(Session)) == by_id(doc.sessions)
        assert by_id(fresh.all(Insight)) == by_id(doc.insights)
        # links survive: entry -> session, insight -> entry/session, session -> insights
        hostile = next(e for e in fresh.all(Entry) if e.flagged_for_therapy)
        ins = next(i for i in fresh.all(Insight) if i.bring_to_therapy)
        assert ins.entry_id == hostile.id and ins.session_id == hostile.session_id
        s2 = next(s for s in fresh.all(Session) if s.insights)
        assert all(fresh.find(Insight, i) is not None for i in s2.insights)
    finally:
        fresh.close()


def test_json_reader_rejects_hostile_input(doc) -> None:
    good = json.loads(render(doc, "json"))
    cases = {
        b"not json": "not valid JSON",
        b"[" * 100 + b"]" * 100: "nested too deeply",
        b'{"format": "something-else", "schema_version": 1}': "not a kapjournal export",
        json.dumps({**good, "schema_version": 99}).encode(): "newer version",
        json.dumps({**good, "entries": [{"id": "x"}]}).encode(): "record 1 in 'entries'",
        json.dumps({**good, "entries": "nope"}).encode(): "should be a list",
        json.dumps({**good, "selection": {"redacted": ["x"]}}).encode(): "unknown fields",
        b"\xff\xfe": "not valid JSON",
    }
    for data, message in cases.items():
        with pytest.raises(ReviewFileInvalid, match=message):
            read_document(data)
    dup = {**good, "entries": [good["entries"][0], good["entries"][0]]}
    with pytest.raises(ReviewFileInvalid, match="repeats an id"):
        read_document(json.dumps(dup).encode())
    with pytest.raises(ReviewFileInvalid, match="larger than"):
        read_document(b" " * 2048, max_bytes=1024)


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": "[[[[[[[[[["}') == 1
    assert json_depth(b'{"a": [{"b": "\\"]]]"}]}') == 3


def test_pdf_without_weasyprint_explains_printing(doc, monkeypatch) -> None:
    import builtins

    real = builtins.__import__

    def no_weasy(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasy)
    with pytest.raises(ExportFailed, match=r"kapjournal\[pdf\].*Save as PDF"):
        render(doc, "pdf")


def test_hostile_text_constant_is_really_hostile() -> None:
    assert "<script>" in HOSTILE and "onerror" in HOSTILE


def test_json_fast_writer_matches_to_dict(doc) -> None:
    from kapjournal.core.export.jsonfmt import document_to_dict

    assert json.loads(render(doc, "json")) == json.loads(json.dumps(document_to_dict(doc)))


def test_pdf_with_weasyprint_renders_the_same_page(doc) -> None:
    pytest.importorskip("weasyprint")
    pdf = render(doc, "pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
