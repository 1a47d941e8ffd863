"""SIGKILL while the search index is built, patched and saved as its sealed image.

The worker alternates: add an entry (acknowledged), then load or rebuild the
index and save its image (``service_for``/``ensure``/``save``/``drop_service``).
After every kill: ``verify`` passes, every acknowledged entry is there, and a
fresh search finds exactly the entries (the image is used, patched or rebuilt).
Default: 10 crash points; ``KAPJOURNAL_SLOW=1``: 100.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kapjournal.core.index import drop_service, service_for
from kapjournal.core.journal import Journal
from tests.adversarial.helpers import CRASH_POINTS, run_cli, subprocess_env
from tests.conftest import PASSPHRASE

SEED_ENTRIES = 150
WORD = "lanternfish"

WORKER = r"""
import sys
from kapjournal.core.index import drop_service, service_for
from kapjournal.core.journal import Journal

path, pw, word, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
j = Journal.unlock(path, pw)


def say(*words):
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


say("ready")
i = start
while True:
    e = j.add_entry(f"{word} crash index {i} " + "filler words here " * (i % 40))
    say("ack", e.id)
    service = service_for(j)
    # Alternate between patching the stale image and a full rebuild.
    service.ensure(use_image=i % 2 == 0, save=True)
    say("saved", i)
    if i % 3 == 0:
        j.update_entry(e, body=e.body + " edited")
        say("ack", e.id)
        drop_service(j, save=True)  # the lock path: save the patched image, then drop
    else:
        drop_service(j, save=False)
    i += 1
"""


def _run_and_kill(path: Path, start: int, rng: random.Random) -> list[list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(path), PASSPHRASE, WORD, str(start)],
        stdout=subprocess.PIPE,
        env=subprocess_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(rng.uniform(0.0, 0.4))
    proc.send_signal(signal.SIGKILL)
    out = proc.stdout.read()
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    text = out.decode()
    complete = text[: text.rfind("\n") + 1]
    return [line.split() for line in complete.splitlines()]


def test_index_crash_during_build_and_save_loses_nothing(vault_path: Path) -> None:
    seed = int(os.environ.get("KAPJOURNAL_CRASH_SEED", str(random.randrange(1 << 30))))
    rng = random.Random(seed)
    with Journal.create(vault_path, PASSPHRASE) as j:
        with j.transaction():
            acked = {
                j.add_entry(f"{WORD} seed {i} " + "words " * 30).id for i in range(SEED_ENTRIES)
            }
        service_for(j).ensure(save=True)  # start with a saved image
        drop_service(j, save=False)
    saves = 0
    start = 0
    for point in range(CRASH_POINTS):
        lines = _run_and_kill(vault_path, start, rng)
        acked |= {parts[1] for parts in lines if parts[0] == "ack"}
        saves += sum(1 for parts in lines if parts[0] == "saved")
        start += 1000
        with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as ro:
            report = ro.verify()
        assert report.ok, f"seed={seed} point={point}: {report}"
        with Journal.unlock(vault_path, PASSPHRASE) as j:
            present = {e.id for e in j.entries()}
            missing = acked - present
            assert not missing, f"seed={seed} point={point}: lost {len(missing)} entries"
            service = service_for(j)
            service.ensure(save=True)
            found = {r.id for r in service.search(WORD, limit=100_000)}
            assert found == present, f"seed={seed} point={point}: index source {service.source}"
            drop_service(j, save=False)
    assert saves, f"seed={seed}: the worker was never killed after a save"
    # The command-line search works on what the crashes left behind.
    pw = vault_path.parent / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    result = run_cli("--vault", str(vault_path), "--passphrase-file", str(pw), "search", WORD)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert WORD.encode() in result.stdout
