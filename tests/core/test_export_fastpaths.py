"""Export speed-ups give exactly what the straightforward code gives.

Each fast path is checked against a reference written the plain way (the code
it replaced): Markdown escaping, paragraph splitting, and the JSON writer.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kapjournal.core.export import render
from kapjournal.core.export.jsonfmt import _ENCODER, _LISTS, _head, read_document
from kapjournal.core.export.markdown import md_escape, md_line, md_paragraph
from kapjournal.core.export.model import (
    ExportDocument,
    ExportOptions,
    build_document,
    day_text,
    day_time_text,
)
from kapjournal.core.export.model import split_paragraphs as fast_split
from kapjournal.core.journal import Journal
from kapjournal.core.models import Answer, CheckIn, Entry, FollowUp, Insight
from tests.conftest import PASSPHRASE
from tests.export_sample import fill

# Text that exercises every escaping rule: Markdown syntax, line starts, URLs,
# controls, CR, Unicode letters, digits and spaces, lone surrogates.
_ALPHABET = st.sampled_from(
    list("ab Z\n\n\t \r#-+=1.)`*_[]<>|~\\/:h") + ["\x00", "\x1b", "\x7f", "\u00a0", "é", "١"]
)
TEXT = st.text(_ALPHABET, max_size=40) | st.text(max_size=40)


def _reference_paragraph(text: str) -> str:
    return "  \n".join(md_escape(text).split("\n"))


def _reference_line(text: str) -> str:
    return md_escape(" ".join(text.split()))


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_markdown_fast_escape_matches_reference(text: str) -> None:
    assert md_paragraph(text) == _reference_paragraph(text)
    assert md_line(text) == _reference_line(text)


def test_markdown_fast_escape_examples() -> None:
    cases = {
        "plain words\nsecond line": "plain words  \nsecond line",
        "# heading": "\\# heading",
        "ok\n- item": "ok  \n\\- item",
        "see https://x.invalid/a": "see https:\\/\\/x.invalid/a",
        "a_b": "a\\_b",
        "bell\x07": "bell\ufffd",
        "\u00a0# nbsp first": "\u00a0\\# nbsp first",
    }
    for text, want in cases.items():
        assert md_paragraph(text) == want


_PARA_SPLIT = re.compile(r"\n[ \t]*\n")


def _reference_split(text: str) -> tuple[str, ...]:
    parts = [p.strip("\n") for p in _PARA_SPLIT.split(text)]
    return tuple(p for p in parts if p.strip())


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_split_paragraphs_matches_reference(text: str) -> None:
    assert fast_split(text) == _reference_split(text)


def test_split_paragraphs_examples() -> None:
    for text in [
        "one",
        "a\nb",
        "a\n\nb",
        "a\n \nb",
        "a\n\t\nb",
        "\n\na\n",
        "a\n \t \n\nb",
        "a\n\n\nb",
        "a\n\n\n\nb \nc",
        "a \n\nb",
        " ",
        "",
    ]:
        assert fast_split(text) == _reference_split(text), repr(text)
    assert fast_split("a\n \nb") == ("a", "b")


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from([None, UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5.5))]),
)
def test_date_texts_match_strftime(when: datetime, zone: timezone | None) -> None:
    when = when.replace(tzinfo=zone)
    assert day_time_text(when) == when.strftime("%a %d %b %Y, %H:%M")
    assert day_text(when) == when.strftime("%d %b %Y")
    assert day_text(when.date()) == when.date().strftime("%d %b %Y")


def _reference_json(doc: ExportDocument) -> bytes:
    """The JSON writer as it was: every record through the standard encoder."""
    parts = ["{"]
    for key, value in _head(doc).items():
        parts.append(f"{_ENCODER.encode(key)}:{_ENCODER.encode(value)},")
    for n, (name, _) in enumerate(_LISTS):
        records = ",\n".join(map(_ENCODER.encode, getattr(doc, name)))
        end = "" if n == len(_LISTS) - 1 else ","
        parts.append(f'"{name}":[\n{records}\n]{end}' if records else f'"{name}":[]{end}')
    parts.append("}")
    return "\n".join(parts).encode("utf-8")


def test_json_writer_matches_standard_encoder(vault_path: Path) -> None:
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with Journal.create(vault_path, PASSPHRASE, now=lambda: now) as j:
        fill(j)
        t = datetime(2026, 10, 6, 8, 0, tzinfo=UTC)
        odd = ['ctl \x01\x1f\x7f \u2028 "q" \\ é 😀', "line\nbreak\ttab", ""]
        for n, body in enumerate(odd):
            j.save(Entry(f"{n + 100:032x}", t + timedelta(minutes=n), t, body, tags=(body[:3],)))
        for n, value in enumerate([2.5e-7, 10**30, 1e22, 0.1]):
            answers = (Answer("p", "q", "scale", value),)
            j.save(Entry(f"{n + 200:032x}", t, t, "guided", answers=answers))
        j.save(Insight("f" * 32, t, "seen", follow_ups=(FollowUp(t, "tried", "x\x02"),)))
        j.save(CheckIn("c" * 32, t, mood=3, note="n"))
        for options in (ExportOptions(), ExportOptions(redact=frozenset({"tags"}))):
            doc = build_document(j, options)
            fast = render(doc, "json")
            assert fast == _reference_json(doc)
            assert json.loads(fast)["entries"]
            assert read_document(fast).entries == doc.entries
    assert b"2.5e-07" in _reference_json(doc)  # the float the standard encoder spells its way


def test_export_item_fast_constructor_equals_dataclass() -> None:
    from dataclasses import fields

    from kapjournal.core.export.model import Item, _item

    at = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
    entry = Entry("a" * 32, at, at, "body", title="t", tags=("x",), flagged_for_therapy=True)
    args = (at, "entry", entry, "Next day", 2, ("body",), "t", (), ("x",), True)
    fast, plain = _item(*args), Item(*args)
    assert fast == plain
    assert list(vars(fast)) == [f.name for f in fields(Item)]
    assert fast.when == plain.when
    assert _item(*args[:6]) == Item(*args[:6])


def test_export_cli_checks_options_before_loading_the_document_model(
    vault_path: Path, passphrase_file: Path
) -> None:
    """A bad option is refused before the key derivation and before the heavy imports."""
    import os
    import subprocess
    import sys

    Journal.create(vault_path, PASSPHRASE).close()
    code = (
        "import sys\n"
        "sys.argv = ['kapjournal', *sys.argv[1:]]\n"
        "from kapjournal.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    print('EXIT', e.code)\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    args = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file), "export"]
    args += ["--plaintext", "--redact", "nonsense", "-o", str(vault_path.parent / "x.md")]
    env = dict(os.environ, KAPJOURNAL_INSECURE_TEST_KDF="1")
    res = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert "Unknown --redact field 'nonsense'" in res.stderr
    assert "EXIT 2" in res.stdout
    modules = set(next(x for x in res.stdout.splitlines() if x.startswith("MODULES ")).split())
    assert "kapjournal.cli.export_cmds" in modules  # the command did run
    for heavy in ("kapjournal.core.export.model", "kapjournal.core.journal", "jinja2"):
        assert heavy not in modules
    assert not (vault_path.parent / "x.md").exists()


def test_export_package_still_offers_the_document_names() -> None:
    import kapjournal.core.export as export

    assert export.ExportOptions is ExportOptions
    assert export.build_document is build_document
    assert export.ExportDocument is ExportDocument
