"""tools/kapjournal-decrypt dumps exactly what the app itself reads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kapjournal.core.journal import Journal
from kapjournal.core.models import MODEL_KINDS, Answer, CheckIn, Session, new_id
from tests.conftest import PASSPHRASE

TOOL = Path(__file__).resolve().parents[1] / "tools" / "kapjournal-decrypt"
WHEN = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _tool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # -I: isolated mode (no PYTHONPATH, no user site); cwd=/ keeps the checkout off sys.path.
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd="/",
    )


def _fill(path: Path) -> Journal:
    j = Journal.create(path, PASSPHRASE)
    j.add_entry("Before the session: hopeful, a bit scared. ü ✓ \x1b[0m", tags=("prep",))
    j.add_entry(
        "",
        title="Guided",
        answers=(Answer(prompt_id="p1", question="How do you feel?", kind="text", value="ok"),),
    )
    j.save(
        Session(
            id=new_id(),
            started_at=WHEN,
            route="iv",
            dose_value="0.5",
            dose_unit="mg/kg",
            notes="felt floaty",
            side_effects={"nausea": 1},
        )
    )
    j.save(CheckIn(id=new_id(), at=WHEN, mood=6, anxiety=3, note="steady"))
    e = j.add_entry("to be edited")
    j.update_entry(e, body="edited once")
    return j


def _app_view(j: Journal) -> dict[str, dict[str, Any]]:
    view: dict[str, dict[str, Any]] = {}
    for cls in MODEL_KINDS.values():
        for model in j.all(cls):
            view[model.id] = json.loads(json.dumps(model.to_dict()))  # type: ignore[attr-defined]
    return view


def test_decrypt_tool_output_equals_app_view(vault_path: Path, passphrase_file: Path) -> None:
    with _fill(vault_path) as j:
        expected = _app_view(j)
        kinds = {rid: j.vault.kind_of(bytes.fromhex(rid)) for rid in expected}
    result = _tool(str(vault_path), "--passphrase-file", str(passphrase_file))
    assert result.returncode == 0, result.stderr
    dump = json.loads(result.stdout)
    assert dump["manifest_ok"] is True and dump["damaged"] == []
    got = {r["id"]: r["data"] for r in dump["records"]}
    assert got == expected
    assert {r["id"]: r["kind"] for r in dump["records"]} == kinds
    assert {"entry", "session", "checkin"} <= set(kinds.values())


def test_decrypt_tool_opens_with_recovery_code(vault_path: Path) -> None:
    with _fill(vault_path) as j:
        code = j.vault.add_recovery_slot()
        expected = _app_view(j)
    code_file = vault_path.parent / "code"
    code_file.write_text(code.lower() + "\n")
    result = _tool(str(vault_path), "--recovery-code", "--passphrase-file", str(code_file))
    assert result.returncode == 0, result.stderr
    assert {r["id"]: r["data"] for r in json.loads(result.stdout)["records"]} == expected


def test_decrypt_tool_wrong_passphrase_and_damage(vault_path: Path, tmp_path: Path) -> None:
    import sqlite3

    with _fill(vault_path) as j:
        victim = j.entries()[0].id
    bad = tmp_path / "bad"
    bad.write_text("not the passphrase\n")
    wrong = _tool(str(vault_path), "--passphrase-file", str(bad))
    assert wrong.returncode != 0 and "wrong passphrase" in wrong.stderr
    conn = sqlite3.connect(vault_path, isolation_level=None)
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (b"x" * 40, bytes.fromhex(victim)))
    conn.close()
    good = tmp_path / "good"
    good.write_text(PASSPHRASE + "\n")
    result = _tool(str(vault_path), "--passphrase-file", str(good))
    assert result.returncode == 1
    dump = json.loads(result.stdout)
    assert dump["damaged"] == [victim]
    assert dump["manifest_ok"] is False


def test_decrypt_tool_is_standalone() -> None:
    text = TOOL.read_text()
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", text, flags=re.M)
    assert imports
    allowed = {"argparse", "getpass", "hashlib", "hmac", "json", "sqlite3", "struct", "sys"}
    allowed |= {"unicodedata", "urllib.parse"}
    assert all(m in allowed or m.startswith("cryptography") for m in imports), imports
    assert text.count("\n") < 160
