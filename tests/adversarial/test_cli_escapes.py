"""Terminal escape sequences stay inert in the newer CLI commands' output.

``list`` and ``show`` are covered in test_content.py; this covers search,
timeline, insights, sessions and review, in text and JSON. In JSON, DEL, C1
and bidi characters are written as ``\\uXXXX`` escapes (the data is unchanged).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kapjournal.core.export import render
from kapjournal.core.export.model import ExportOptions, build_document
from kapjournal.core.journal import Journal
from kapjournal.core.sanitize import inert_json
from tests.adversarial.helpers import run_cli
from tests.adversarial.test_tui_escapes import EVIL, RAW, hostile_vault
from tests.conftest import PASSPHRASE

COMMANDS = [
    ["search", "zebrafinch"],
    ["search", "--json", "zebrafinch"],
    ["timeline"],
    ["timeline", "--json"],
    ["insight", "list"],
    ["insight", "list", "--json"],
    ["session", "list"],
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli-escapes")
    vault = root / "v" / "journal.kapj"
    hostile_vault(vault)
    pw = root / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    return vault, pw


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_cli_escapes_inert_in_output(hostile: tuple[Path, Path], args: list[str]) -> None:
    vault, pw = hostile
    result = run_cli("--vault", str(vault), "--passphrase-file", str(pw), *args)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "zebrafinch" in out or args[0] == "session"
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(out)})
    assert not found, f"{args}: raw control characters in the output: {found}"
    if "--json" in args:
        json.loads(out)  # still valid JSON


def test_cli_escapes_inert_json_is_lossless() -> None:
    data = {"t": EVIL, "k\u202e": [EVIL, "plain"]}
    dumped = inert_json(json.dumps(data, ensure_ascii=False))
    assert not RAW.search(dumped)
    assert json.loads(dumped) == data


def test_cli_escapes_inert_in_review_text(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    vault, _ = hostile
    with Journal.unlock(vault, PASSPHRASE, readonly=True) as j:
        data = render(build_document(j, ExportOptions(patient_label="pt " + EVIL)), "json")
    path = tmp_path / "share.json"
    path.write_bytes(data)
    result = run_cli("review", str(path), "--text")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "zebrafinch" in out
    assert not RAW.findall(out)
