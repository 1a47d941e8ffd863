"""No plaintext on disk: not in the vault, its journal files, or anything beside it.

Also: kill a writer with SIGKILL in the middle of a stream of adds; every entry
it acknowledged is still there afterwards and nothing leaked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kapjournal.core.journal import Journal
from tests.conftest import PASSPHRASE

MARKER = "ZEBRA-MARMALADE-7731"


def _all_bytes_under(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def _assert_no_marker(folder: Path) -> None:
    needles = [MARKER.encode(), MARKER.encode("utf-16-le"), MARKER.lower().encode()]
    for path, data in _all_bytes_under(folder):
        for needle in needles:
            assert needle not in data, f"plaintext found in {path}"


def test_leak_marker_not_on_disk(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(f"private {MARKER} words", title=f"title {MARKER}", tags=("marker",))
        j.update_entry(e, body=f"edited {MARKER} again")
        j.add_entry("x" * 5000 + MARKER)
        _assert_no_marker(vault_path.parent)  # while open: -journal files too
    _assert_no_marker(vault_path.parent)


def test_leak_deleted_entry_bytes_are_overwritten(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(f"to delete {MARKER}")
        j.delete(e)
    _assert_no_marker(vault_path.parent)


_WRITER = """
import sys
from kapjournal.core.journal import Journal
j = Journal.unlock(sys.argv[1], sys.argv[2])
i = 0
while True:
    e = j.add_entry(f"{sys.argv[3]} entry {i}")
    print(e.id, flush=True)  # acknowledged only after the commit returned
    i += 1
"""


def test_leak_sigkill_mid_write_keeps_acknowledged(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    env = dict(os.environ, KAPJOURNAL_INSECURE_TEST_KDF="1")
    for round_no in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(vault_path), PASSPHRASE, MARKER],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        acked: list[str] = []
        deadline = time.monotonic() + 30
        while len(acked) < 20 + round_no * 7 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line:
                acked.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Whatever else was printed before the kill was acknowledged too.
        acked.extend(x.strip() for x in proc.stdout.read().splitlines() if x.strip())
        assert len(acked) >= 20
        _assert_no_marker(vault_path.parent)
        with Journal.unlock(vault_path, PASSPHRASE) as j:
            ids = {e.id for e in j.entries()}
            assert set(acked) <= ids
            report = j.verify()
            assert report.ok, report
