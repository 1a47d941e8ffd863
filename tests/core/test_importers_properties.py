"""Property tests: hostile input never escapes as anything but a KapError.

Each importer gets arbitrary bytes, arbitrary text and (for the JSON formats)
arbitrary JSON shaped like its export. It must either return a result or raise
a ``KapError``; a successful parse must also apply cleanly to a journal.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapjournal.core.errors import KapError
from kapjournal.core.importers import FORMATS, ImportResult, apply_import, read_import
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(fmt: str, data: bytes, name: str = "input") -> ImportResult | None:
    with tempfile.TemporaryDirectory() as tmp:
        if FORMATS[fmt].folder:
            target = Path(tmp) / "dir"
            target.mkdir()
            (target / f"{name}.md").write_bytes(data)
        else:
            target = Path(tmp) / name
            target.write_bytes(data)
        try:
            return read_import(fmt, target)
        except KapError:
            return None


def _apply(result: ImportResult) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal.create(Path(tmp) / "v.kapj", "correct horse battery")
        try:
            summary = apply_import(journal, result)
            assert summary.entries + summary.duplicates == result.entry_count
            assert len(journal.all(Entry)) == summary.entries
        finally:
            journal.close()


@SETTINGS
@given(st.sampled_from(list(FORMATS)), st.binary(max_size=2000))
def test_importers_arbitrary_bytes_raise_only_kap_errors(fmt: str, data: bytes) -> None:
    _parse(fmt, data)


@SETTINGS
@given(st.sampled_from(list(FORMATS)), st.text(max_size=1000))
def test_importers_arbitrary_text_raise_only_kap_errors(fmt: str, text: str) -> None:
    _parse(fmt, text.encode("utf-8", "surrogatepass"))


_stamp = st.builds(
    lambda y, mo, d, h, mi: f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}",
    st.integers(0, 9999),
    st.integers(0, 19),
    st.integers(0, 39),
    st.integers(0, 29),
    st.integers(0, 69),
)
_jrnl_entry = st.builds(
    lambda stamp, title, body, star: f"[{stamp}] {title}{' *' if star else ''}\n{body}\n",
    _stamp,
    st.text(max_size=60),
    st.text(max_size=200),
    st.booleans(),
)


@SETTINGS
@given(st.lists(_jrnl_entry, min_size=1, max_size=8))
def test_jrnl_txt_structured_input_parses_or_fails_cleanly(entries: list[str]) -> None:
    result = _parse("jrnl-txt", "\n".join(entries).encode("utf-8", "surrogatepass"))
    if result is not None:
        _apply(result)


_scalar = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
)
_json = st.recursive(
    _scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return value | _json


_jrnl_json_entry = st.fixed_dictionaries(
    {},
    optional={
        "title": _maybe(st.text(max_size=40)),
        "body": _maybe(st.text(max_size=100)),
        "date": _maybe(_stamp.map(lambda s: s[:10])),
        "time": _maybe(st.sampled_from(["00:00", "23:59", "24:00", "9:5"])),
        "tags": _maybe(st.lists(st.text(max_size=10), max_size=3)),
        "starred": _maybe(st.booleans()),
    },
)
_dayone_entry = st.fixed_dictionaries(
    {},
    optional={
        "creationDate": _maybe(_stamp.map(lambda s: s.replace(" ", "T") + ":00Z")),
        "timeZone": _maybe(st.sampled_from(["Europe/Berlin", "UTC", "Nope/Zone", "", "/etc"])),
        "text": _maybe(st.text(max_size=100)),
        "tags": _maybe(st.lists(st.text(max_size=10), max_size=3)),
        "starred": _maybe(st.booleans()),
    },
)


@SETTINGS
@given(
    st.sampled_from([("jrnl-json", _jrnl_json_entry), ("dayone-json", _dayone_entry)]).flatmap(
        lambda pair: st.tuples(st.just(pair[0]), st.lists(pair[1], max_size=6))
    )
)
def test_json_importers_structured_input(case: tuple[str, list[dict[str, Any]]]) -> None:
    fmt, entries = case
    data = json.dumps({"entries": entries}).encode()
    result = _parse(fmt, data)
    if result is not None:
        _apply(result)


_csv_cell = st.text(max_size=20) | st.sampled_from(["rad", "good", "meh", "3", "9:15 PM", ""])


@SETTINGS
@given(
    st.lists(
        st.tuples(_stamp.map(lambda s: s[:10]), _csv_cell, _csv_cell, _csv_cell, _csv_cell),
        max_size=6,
    )
)
def test_daylio_structured_input(rows: list[tuple[str, str, str, str, str]]) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["full_date", "time", "mood", "activities", "note"])
    writer.writerows(rows)
    result = _parse("daylio-csv", buf.getvalue().encode("utf-8", "surrogatepass"))
    if result is not None:
        _apply(result)


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["note", "2024-02-30 x", "9999-01-01", "2024-01-01"]))
def test_markdown_front_matter_structured_input(front: str, name: str) -> None:
    data = f"---\n{front}\n---\nbody #tag\n".encode("utf-8", "surrogatepass")
    result = _parse("markdown-dir", data, name=name)
    if result is not None:
        _apply(result)
