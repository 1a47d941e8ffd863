"""Whole-process timing of `kapjournal export` (real KDF, vault decryption, render, age).

Usage: python bench/export_bench.py [N ...] [--runs R]   (default 10000 50000, 5 runs)

Builds a vault in bench/work/ with N entries (plus sessions, check-ins,
insights), then times `kapjournal export` for html/json/md to an age
recipient, as a subprocess, after one untimed warm-up: min and median of R
runs. The KDF is the real one (the test shortcut KAPJOURNAL_INSECURE_TEST_KDF
is removed from the environment). A "floor" line times start-up plus the
vault's key derivation alone, the part of every export that cannot shrink.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kapjournal.core.export.age import new_identity
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry, Insight, Session, new_id

WORK = Path(__file__).parent / "work"
PASS = "benchmark passphrase words"
WORDS = [
    "calm",
    "morning",
    "garden",
    "breath",
    "heavy",
    "light",
    "tired",
    "hopeful",
    "session",
    "music",
    "colour",
    "memory",
    "mother",
    "walk",
    "sleep",
    "dream",
    "body",
    "warm",
    "cold",
    "anxious",
    "steady",
    "grateful",
    "tears",
    "laugh",
]  # noqa: SIM905


def build(n: int) -> Path:
    path = WORK / f"export-{n}.kapj"
    if path.exists():
        return path
    rng = random.Random(n)
    os.environ.pop("KAPJOURNAL_INSECURE_TEST_KDF", None)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with Journal.create(path, PASS) as j, j.transaction():
        sessions = []
        for k in range(max(1, n // 200)):
            s = Session(
                id=new_id(),
                started_at=start + timedelta(days=k * 4),
                series_index=k + 1,
                route="iv",
                dose_value=str(30 + k % 20),
                dose_unit="mg",
                setting="clinic",
                side_effects={"nausea": k % 4},
                dissociation=k % 11,
                notes="notes " * 5,
            )
            sessions.append(j.save(s))
        span = max(1, (len(sessions) * 4 + 10) * 24 * 3600)
        for i in range(n):
            when = start + timedelta(seconds=i * span // n)
            body = "\n\n".join(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
                for _ in range(rng.randint(1, 4))
            )
            e = j.save(
                Entry(
                    id=new_id(),
                    created=when,
                    modified=when,
                    body=body,
                    tags=(rng.choice(WORDS),),
                    pack_id=rng.choice([None, "prepare", "next_day", "one_week"]),
                    private=i % 50 == 0,
                    flagged_for_therapy=i % 97 == 0,
                )
            )
            if i % 20 == 0:
                j.save(Insight(id=new_id(), created=when, text=body[:80], entry_id=e.id))
            if i % 5 == 0:
                j.save(
                    CheckIn(
                        id=new_id(),
                        at=when,
                        mood=rng.randint(0, 10),
                        anxiety=rng.randint(0, 10),
                        sleep=rng.randint(0, 10),
                        hope=rng.randint(0, 10),
                        connectedness=rng.randint(0, 10),
                    )
                )
    return path


FLOOR = """
import sys
import kapjournal.cli
from kapjournal.core import crypto
from kapjournal.core.vault import read_header
vault, pw = sys.argv[1], sys.argv[2]
with open(pw, encoding="utf-8") as fh:
    crypto.derive_kek(fh.read().rstrip("\\r\\n"), read_header(vault).slot("passphrase").kdf)
"""


def _timed(cmd: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    subprocess.run(cmd, check=True, env=env, capture_output=True)  # warm-up
    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpus


def run(n: int, runs: int = 5) -> None:
    vault = build(n)
    pw = WORK / "pw"
    pw.write_text(PASS + "\n")
    pw.chmod(0o600)
    _, public = new_identity(datetime.now(UTC))
    env = {k: v for k, v in os.environ.items() if k != "KAPJOURNAL_INSECURE_TEST_KDF"}
    exe = str(Path(sys.executable).parent / "kapjournal")
    times, _ = _timed([sys.executable, "-c", FLOOR, str(vault), str(pw)], env, runs)
    print(f"{n:>6} entries  floor (start-up + key derivation)  wall min {min(times):.3f} s  "
          f"median {statistics.median(times):.3f} s", flush=True)  # fmt: skip
    for fmt in ("html", "json", "md"):
        out = WORK / f"out-{n}.{fmt}.age"
        cmd = [exe, "--vault", str(vault), "--passphrase-file", str(pw), "export",
               "--format", fmt, "--to", public, "--force", "-o", str(out)]  # fmt: skip
        times, cpus = _timed(cmd, env, runs)
        size = out.stat().st_size / 1e6
        print(f"{n:>6} entries  {fmt:<4}  wall min {min(times):.3f} s  median "
              f"{statistics.median(times):.3f} s  cpu min {min(cpus):.3f} s  ({size:.1f} MB)",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at : at + 2]
    WORK.mkdir(exist_ok=True)
    for arg in args or ["10000", "50000"]:
        run(int(arg), runs)
