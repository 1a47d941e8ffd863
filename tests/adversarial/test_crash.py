"""SIGKILL at random points during add, edit, passphrase change and key rotation.

After every kill the vault must verify, and every acknowledged change must be
there. Default: 10 crash points per operation; ``KAPJOURNAL_SLOW=1``: 100.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapjournal.core import errors
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from kapjournal.core.vault import Vault
from tests.adversarial.helpers import CRASH_POINTS, subprocess_env
from tests.conftest import PASSPHRASE

OTHER = "a different passphrase"

WORKER = r"""
import sys
from kapjournal.core.journal import Journal
mode, path, pw, other = sys.argv[1:5]
j = Journal.unlock(path, pw)


def say(*words):
    # One write per line: with PYTHONUNBUFFERED, print() writes word by word
    # and a kill between words would leave a torn line.
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


say("ready")
i = 0
if mode == "add":
    while True:
        e = j.add_entry(f"crash-add {i} " + "words " * (i % 60))
        say("ack", e.id)
        i += 1
elif mode == "edit":
    entries = j.entries()
    while True:
        k = i % len(entries)
        say("start", entries[k].id, i)
        entries[k] = j.update_entry(entries[k], body=f"edit {i}")
        say("ack", entries[k].id, i)
        i += 1
elif mode == "passwd":
    while True:
        nxt = f"{other}-{pw[-6:]}-{i}"
        say("start", nxt)
        j.change_passphrase(nxt)
        say("ack", nxt)
        i += 1
elif mode == "rekey":
    while True:
        j.rekey(pw)
        say("ack")
"""


def _run_and_kill(path: Path, mode: str, passphrase: str, rng: random.Random) -> list[list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, mode, str(path), passphrase, OTHER],
        stdout=subprocess.PIPE,
        env=subprocess_env(),
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    assert first == b"ready", first
    time.sleep(rng.uniform(0.0, 0.25))
    proc.send_signal(signal.SIGKILL)
    # Read through the same buffered reader as readline() above: communicate()
    # would read the raw pipe and miss lines already buffered here.
    out = proc.stdout.read()
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    text = out.decode()
    complete = text[: text.rfind("\n") + 1]  # drop a torn last line, if any
    return [line.split() for line in complete.splitlines()]


def _opens_with(path: Path, passphrase: str) -> bool:
    try:
        Vault.unlock(path, passphrase, readonly=True).close()
    except errors.WrongPassphrase:
        return False
    return True


def _check(path: Path, passphrase: str) -> Journal:
    """Read-only first (works straight after a crash), then a full verify."""
    with Journal.unlock(path, passphrase, readonly=True) as ro:
        report = ro.verify()
    assert report.ok, report
    return Journal.unlock(path, passphrase)


def _seed() -> int:
    return int(os.environ.get("KAPJOURNAL_CRASH_SEED", str(random.randrange(1 << 30))))


def test_crash_during_add_keeps_every_acknowledged_entry(vault_path: Path) -> None:
    seed = _seed()
    rng = random.Random(seed)
    Journal.create(vault_path, PASSPHRASE).close()
    acked: set[str] = set()
    for point in range(CRASH_POINTS):
        lines = _run_and_kill(vault_path, "add", PASSPHRASE, rng)
        acked |= {parts[1] for parts in lines if parts[0] == "ack"}
        with _check(vault_path, PASSPHRASE) as j:
            present = {e.id for e in j.entries()}
        missing = acked - present
        assert not missing, f"seed={seed} point={point}: lost {len(missing)} acknowledged entries"
        # At most the one in-flight entry may be present without an ack.
        assert len(present - acked) <= point + 1
    assert acked, "the worker never saved anything before being killed"


def test_crash_during_edit_keeps_acknowledged_or_in_flight_text(vault_path: Path) -> None:
    seed = _seed()
    rng = random.Random(seed)
    with Journal.create(vault_path, PASSPHRASE) as j:
        expected = {j.add_entry(f"original {i}").id: {f"original {i}"} for i in range(4)}
    for point in range(CRASH_POINTS):
        lines = _run_and_kill(vault_path, "edit", PASSPHRASE, rng)
        for parts in lines:
            tag, rid, i = parts
            if tag == "start":
                expected[rid] = expected[rid] | {f"edit {i}"}
            else:
                expected[rid] = {f"edit {i}"}
        with _check(vault_path, PASSPHRASE) as j:
            bodies = {e.id: e.body for e in j.entries()}
        assert set(bodies) == set(expected), f"seed={seed} point={point}"
        for rid, body in bodies.items():
            assert body in expected[rid], f"seed={seed} point={point}: {rid} has {body!r} {lines}"
            expected[rid] = {body}


def test_crash_during_passphrase_change_never_locks_out(vault_path: Path) -> None:
    """Each change uses a new passphrase; after a kill exactly one of the last
    acknowledged one and the in-flight one opens the vault."""
    seed = _seed()
    rng = random.Random(seed)
    with Journal.create(vault_path, PASSPHRASE) as j:
        ids = {j.add_entry(f"entry {i}").id for i in range(3)}
    current = PASSPHRASE
    for point in range(CRASH_POINTS):
        lines = _run_and_kill(vault_path, "passwd", current, rng)
        acked = [" ".join(p[1:]) for p in lines if p[0] == "ack"]
        started = [" ".join(p[1:]) for p in lines if p[0] == "start"]
        last_acked = acked[-1] if acked else current
        in_flight = started[-1] if started and started[-1] != last_acked else None
        candidates = [p for p in (current, last_acked, in_flight) if p is not None]
        opening = sorted({p for p in candidates if _opens_with(vault_path, p)})
        assert len(opening) == 1, f"seed={seed} point={point}: opened with {opening}"
        assert opening[0] in (last_acked, in_flight), f"seed={seed} point={point}"
        current = opening[0]
        with _check(vault_path, current) as j:
            assert {e.id for e in j.entries()} == ids


def test_crash_during_key_rotation_keeps_everything(vault_path: Path) -> None:
    seed = _seed()
    rng = random.Random(seed)
    with Journal.create(vault_path, PASSPHRASE) as j:
        bodies = {j.add_entry(f"entry {i} " * 30).id: f"entry {i} " * 30 for i in range(25)}
        j.vault.add_recovery_slot()
    for point in range(max(3, CRASH_POINTS // 3)):
        _run_and_kill(vault_path, "rekey", PASSPHRASE, rng)
        with _check(vault_path, PASSPHRASE) as j:
            got = {e.id: e.body for e in j.entries()}
        assert got == bodies, f"seed={seed} point={point}"


def test_crash_interrupted_passphrase_change_in_process(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure half-way through the header write leaves the old passphrase working."""
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry("still here")
        real_execute_count = {"n": 0}

        class Boom(Exception):
            pass

        conn = j.vault._conn

        class Flaky:
            def __init__(self, inner: object) -> None:
                self.inner = inner

            def execute(self, sql: str, *args: object) -> object:
                if sql.startswith("UPDATE kapj_header"):
                    real_execute_count["n"] += 1
                    self.inner.execute(sql, *args)  # type: ignore[attr-defined]
                    raise Boom()
                return self.inner.execute(sql, *args)  # type: ignore[attr-defined]

        j.vault._conn = Flaky(conn)  # type: ignore[assignment]
        with pytest.raises(Boom):
            j.change_passphrase(OTHER)
        j.vault._conn = conn
        assert real_execute_count["n"] == 1
    assert _opens_with(vault_path, PASSPHRASE)
    assert not _opens_with(vault_path, OTHER)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.get(Entry, e.id).body == "still here"
