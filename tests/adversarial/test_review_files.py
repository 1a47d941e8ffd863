"""Hostile files given to ``kapjournal review`` (a therapist opening what they were sent).

Each one gets one clear line on stderr, exit code 2, no traceback, and nothing
is written anywhere (the working directory, HOME and TMPDIR stay empty).
Covered elsewhere and not repeated here: HTML/Markdown files, a bare ``{``
tower, an absurd scrypt cost, a wrong age key (tests/cli/test_export_cli.py),
and the JSON reader's record checks (tests/core/test_export_formats.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kapjournal.core.errors import ReviewFileInvalid
from kapjournal.core.export import age, render
from kapjournal.core.export.jsonfmt import MAX_RECORDS
from kapjournal.core.export.model import ExportOptions, build_document
from kapjournal.core.export.review import MAX_FILE_BYTES, load_export
from kapjournal.core.journal import Journal
from tests.adversarial.helpers import CLI_BOOT, subprocess_env
from tests.conftest import PASSPHRASE
from tests.export_sample import fill


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real export (as JSON) and an age key pair, made once for the module."""
    path = tmp_path_factory.mktemp("src") / "j.kapj"
    with Journal.create(path, PASSPHRASE) as j:
        fill(j)
        data = render(build_document(j, ExportOptions()), "json")
    key_text, public = age.new_identity(datetime(2026, 11, 26, tzinfo=UTC))
    _, other_public = age.new_identity(datetime(2026, 11, 26, tzinfo=UTC))
    return {
        "json": data,
        "doc": json.loads(data),
        "key": key_text,
        "pub": public,
        "other": other_public,
    }


def _dumps(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


def _with(**changes: Any) -> Callable[[dict[str, Any]], bytes]:
    return lambda g: _dumps({**g["doc"], **changes})


def _deep_inside(g: dict[str, Any]) -> bytes:
    doc = dict(g["doc"])
    doc["pack_titles"] = {"x": "PLACEHOLDER"}
    return _dumps(doc).replace(b'"PLACEHOLDER"', b"[" * 5000 + b"]" * 5000)


def _raw_nul(g: dict[str, Any]) -> bytes:
    data: bytes = g["json"]
    return data[:1] + b"\x00" + data[1:]


def _latin1_in_string(g: dict[str, Any]) -> bytes:
    return _dumps({**g["doc"], "patient_label": "PLACEHOLDER"}).replace(b"PLACEHOLDER", b"caf\xe9")


def _truncated_age(g: dict[str, Any]) -> bytes:
    sealed = age.encrypt(g["json"], recipient=g["pub"])
    return sealed[: len(sealed) // 2]


def _age_header_only(g: dict[str, Any]) -> bytes:
    sealed = age.encrypt(g["json"], recipient=g["pub"])
    return sealed[: sealed.index(b"\n---") + 1]


def _age_flipped_byte(g: dict[str, Any]) -> bytes:
    sealed = bytearray(age.encrypt(g["json"], recipient=g["pub"]))
    sealed[-40] ^= 0x01
    return bytes(sealed)


def _age_of(payload: Callable[[dict[str, Any]], bytes]) -> Callable[[dict[str, Any]], bytes]:
    return lambda g: age.encrypt(payload(g), recipient=g["pub"])


def _too_many_records(g: dict[str, Any]) -> bytes:
    return _dumps({**g["doc"], "entries": [0] * (MAX_RECORDS + 1)})


CASES: dict[str, tuple[Callable[[dict[str, Any]], bytes], str]] = {
    "empty file": (lambda g: b"", "not valid JSON"),
    "truncated age file": (_truncated_age, "does not open the export"),
    "age header without payload": (_age_header_only, "header of this file is damaged"),
    "age payload with a flipped byte": (_age_flipped_byte, "does not open the export"),
    "age to another recipient": (
        lambda g: age.encrypt(g["json"], recipient=g["other"]),
        "does not open the export",
    ),
    "age with a damaged header": (
        lambda g: age.AGE_MAGIC + b"-> X25519\n" + b"A" * 100,
        "header of this file is damaged",
    ),
    "armored age": (lambda g: b"-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n", "ASCII-armored"),
    "deep JSON inside a valid export": (_deep_inside, "nested too deeply"),
    "deep JSON inside an age file": (_age_of(_deep_inside), "nested too deeply"),
    "age payload that is not JSON": (_age_of(lambda g: b"\x00\xffnot json"), "not valid JSON"),
    "schema version from the future": (_with(schema_version=10**9), "newer version"),
    "schema version zero": (_with(schema_version=0), "schema version is missing"),
    "schema version as text": (_with(schema_version="1"), "schema version is missing"),
    "schema version as true": (_with(schema_version=True), "schema version is missing"),
    "schema version absent": (
        lambda g: _dumps({k: v for k, v in g["doc"].items() if k != "schema_version"}),
        "schema version is missing",
    ),
    "raw NUL byte": (_raw_nul, "not valid JSON"),
    "latin-1 byte inside a string": (_latin1_in_string, "not valid JSON"),
    "UTF-16 with BOM": (
        lambda g: b"\xff\xfe" + g["json"].decode().encode("utf-16-le"),
        "not valid JSON",
    ),
    "too many records": (_too_many_records, "too many records"),
    "enormous session number": (
        _with(session_numbers={"x": 10**400}),
        "whole numbers from 1 to",
    ),
    "negative session number": (_with(session_numbers={"x": -3}), "whole numbers from 1 to"),
    "top level is a list": (lambda g: b"[1, 2, 3]", "should be an object"),
    "integer with 5000 digits": (lambda g: b'{"format": ' + b"9" * 5000 + b"}", "not valid JSON"),
}


def _cli(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[bytes], list[Path]]:
    """Run ``kapjournal review`` in empty cwd/HOME/TMPDIR; return what it left behind."""
    dirs = [tmp_path / d for d in ("cwd", "home", "tmp")]
    for d in dirs:
        d.mkdir(exist_ok=True)
    env = subprocess_env(HOME=str(dirs[1]), TMPDIR=str(dirs[2]), XDG_DATA_HOME=str(dirs[1]))
    result = subprocess.run(
        [sys.executable, "-c", CLI_BOOT, "review", *args],
        cwd=dirs[0],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return result, [p for d in dirs for p in d.rglob("*")]


def _assert_calm(result: subprocess.CompletedProcess[bytes], message: str) -> None:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err
    # a passphrase export first says it is decrypting (a progress line)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("Decrypting")]
    assert len(lines) == 1, lines
    assert message in lines[0], lines[0]
    assert result.stdout == b""


def _key_file(tmp_path: Path, good: dict[str, Any]) -> Path:
    key = tmp_path / "therapist.key"
    key.write_text(good["key"])
    key.chmod(0o600)
    return key


@pytest.mark.parametrize("case", list(CASES))
def test_review_hostile_file_refused_calmly_by_cli(
    tmp_path: Path, good: dict[str, Any], case: str
) -> None:
    make, message = CASES[case]
    path = tmp_path / "in" / "share.json.age"
    path.parent.mkdir()
    path.write_bytes(make(good))
    result, left = _cli(tmp_path, str(path), "--identity", str(_key_file(tmp_path, good)))
    _assert_calm(result, message)
    assert left == []


@pytest.mark.parametrize("case", list(CASES))
def test_review_hostile_file_refused_by_loader(
    tmp_path: Path, good: dict[str, Any], case: str
) -> None:
    make, message = CASES[case]
    path = tmp_path / "share.json"
    path.write_bytes(make(good))
    with pytest.raises(ReviewFileInvalid, match=message) as info:
        load_export(path, identity=_key_file(tmp_path, good))
    assert "\n" not in str(info.value)  # one line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["share.json", "therapist.key"]


def test_review_oversized_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "in" / "huge.json"
    path.parent.mkdir()
    with path.open("wb") as fh:  # sparse: costs no disk space
        fh.truncate(MAX_FILE_BYTES + 1)
    result, left = _cli(tmp_path, str(path))
    _assert_calm(result, "too large for an export")
    assert left == []


def test_review_missing_file_is_calm(tmp_path: Path) -> None:
    result, left = _cli(tmp_path, str(tmp_path / "nowhere.json.age"))
    _assert_calm(result, "Cannot read")
    assert left == []


def test_review_passphrase_export_without_a_terminal_is_calm(
    tmp_path: Path, good: dict[str, Any]
) -> None:
    path = tmp_path / "in" / "x.json.age"
    path.parent.mkdir()
    path.write_bytes(age.encrypt(good["json"], passphrase="shared phrase"))
    phrase = tmp_path / "phrase"
    phrase.write_text("not the shared phrase\n")
    phrase.chmod(0o600)
    result, left = _cli(tmp_path, str(path), "--age-passphrase-file", str(phrase), "--text")
    _assert_calm(result, "passphrase does not open the export")
    assert left == []


def test_review_claimed_counts_are_ignored(tmp_path: Path, good: dict[str, Any]) -> None:
    """The summary is recomputed from the records: an export claiming 10^15
    entries neither stalls nor misleads the reader."""
    doc = json.loads(good["json"])
    real = dict(doc["summary"]["counts"])
    doc["summary"]["counts"] = {k: 10**15 for k in real}
    for week in doc["summary"]["weekly_checkins"]:
        week["count"] = 10**15
    path = tmp_path / "in" / "claims.json"
    path.parent.mkdir()
    path.write_bytes(_dumps(doc))
    result, left = _cli(tmp_path, str(path), "--text")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "1000000000000000" not in out and "Journal summary" in out
    assert left == []
