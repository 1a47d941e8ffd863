"""Shared helpers for the adversarial suite: raw row access, subprocess CLI runs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from kapjournal.core import crypto
from kapjournal.core.vault import _canonical

ROOT = Path(__file__).resolve().parents[2]
SLOW = os.environ.get("KAPJOURNAL_SLOW") == "1"
CRASH_POINTS = 100 if SLOW else 10
CLI_BOOT = "from kapjournal.cli import main; main(prog_name='kapjournal')"


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def row(path: Path, rid: str) -> tuple[Any, ...]:
    conn = raw(path)
    try:
        found = conn.execute(
            "SELECT id, kind, schema_v, key_id, rev, nonce, ct FROM records WHERE id = ?",
            (bytes.fromhex(rid),),
        ).fetchone()
    finally:
        conn.close()
    assert found is not None
    return tuple(found)


def set_column(path: Path, rid: str, column: str, value: Any) -> None:
    conn = raw(path)
    try:
        conn.execute(f"UPDATE records SET {column} = ? WHERE id = ?", (value, bytes.fromhex(rid)))
    finally:
        conn.close()


def header_dict(path: Path) -> dict[str, Any]:
    conn = raw(path)
    try:
        data: dict[str, Any] = json.loads(
            conn.execute("SELECT data FROM kapj_header WHERE id = 1").fetchone()[0]
        )
        return data
    finally:
        conn.close()


def write_header(path: Path, data: dict[str, Any], *, fix_checksum: bool = True) -> None:
    """Store an edited header, recomputing the (unkeyed) checksum like an attacker can."""
    data = dict(data)
    data.pop("checksum", None)
    if fix_checksum:
        data["checksum"] = crypto.sha256(_canonical(data)).hex()
    else:
        data["checksum"] = "00" * 32
    conn = raw(path)
    try:
        conn.execute("UPDATE kapj_header SET data = ? WHERE id = 1", (json.dumps(data),))
    finally:
        conn.close()


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["KAPJOURNAL_INSECURE_TEST_KDF"] = "1"
    env.pop("KAPJOURNAL_VAULT", None)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def run_cli(
    *args: str, input: bytes | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``kapjournal`` command in a subprocess (bytes in, bytes out)."""
    return subprocess.run(
        [sys.executable, "-c", CLI_BOOT, *args],
        input=input,
        capture_output=True,
        env=env or subprocess_env(),
        timeout=timeout,
        check=False,
    )
