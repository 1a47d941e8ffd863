"""Full disks, permission errors, two writers, and recovery from a hot journal."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapjournal.core import errors
from kapjournal.core import vault as vault_mod
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from tests.adversarial.helpers import run_cli, subprocess_env
from tests.conftest import PASSPHRASE


def _fill_until_full(j: Journal, acked: list[str]) -> None:
    for i in range(10_000):
        try:
            acked.append(j.add_entry(f"entry number {i} " + "words " * 200).id)
        except errors.StorageFull:
            return
    raise AssertionError("the disk never filled")


def test_storage_disk_full_loses_no_acknowledged_entry(vault_path: Path) -> None:
    acked: list[str] = []
    with Journal.create(vault_path, PASSPHRASE) as j:
        pages = j.vault._conn.execute("PRAGMA page_count").fetchone()[0]
        j.vault._conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        _fill_until_full(j, acked)
        assert len(acked) > 3
        # A failed save must not leave the in-memory manifest ahead of the file.
        j.vault._conn.execute("PRAGMA max_page_count = 1000000")
        acked.append(j.add_entry("after space was freed").id)
        assert j.verify().ok
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert {e.id for e in j.entries()} == set(acked)
        assert j.verify().ok


@contextlib.contextmanager
def _tiny_tmpfs(where: Path, size_kib: int) -> Iterator[Path]:
    where.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip("cannot mount a tiny tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="needs root")
def test_storage_real_full_filesystem_cli(tmp_path: Path, passphrase_file: Path) -> None:
    with _tiny_tmpfs(tmp_path / "tiny", 160) as mnt:
        vault = mnt / "journal.kapj"
        base = ["--vault", str(vault), "--passphrase-file", str(passphrase_file)]
        assert run_cli(*base, "init").returncode == 0
        acked = 0
        for i in range(400):
            result = run_cli(
                *base, "add", input=f"note {i} ".encode() + os.urandom(4000).hex().encode()
            )
            if result.returncode != 0:
                assert b"disk is full" in result.stderr, result.stderr
                assert b"Traceback" not in result.stderr
                break
            acked += 1
        else:
            raise AssertionError("the tiny filesystem never filled")
        with Journal.unlock(vault, PASSPHRASE, readonly=True) as j:
            assert len(j.entries()) == acked
            assert j.verify().ok


def test_storage_backup_on_full_disk_leaves_nothing_behind(
    vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        j.add_entry("precious")
        real_fsync = os.fsync

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(vault_mod.os, "fsync", full)
        dest = tmp_path / "backups" / "copy.kapj"
        with pytest.raises(errors.StorageFull):
            j.vault.backup_to(dest)
        monkeypatch.setattr(vault_mod.os, "fsync", real_fsync)
        assert list(dest.parent.iterdir()) == []
        assert j.verify().ok


def test_storage_lock_file_permission_denied(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    real_open = os.open

    def deny(path: object, *args: object, **kw: object) -> int:
        if str(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(vault_mod.os, "open", deny)
    with pytest.raises(errors.StoragePermission):
        Journal.unlock(vault_path, PASSPHRASE)


def test_storage_readonly_open_refuses_writes(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        with pytest.raises(errors.StoragePermission):
            j.add_entry("should not be written")
        with pytest.raises(errors.StoragePermission):
            j.change_passphrase("another passphrase")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_storage_unwritable_vault_file_gives_permission_error(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    vault_path.chmod(0o400)
    try:
        with Journal.unlock(vault_path, PASSPHRASE) as j, pytest.raises(errors.StoragePermission):
            j.add_entry("x")
    finally:
        vault_path.chmod(0o600)


def test_storage_sqlite_readonly_error_maps_to_permission() -> None:
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA query_only = ON")
    with pytest.raises(errors.StoragePermission), vault_mod.storage_errors():
        conn.execute("CREATE TABLE t (x)")


def test_storage_permissions_tightened_at_open(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault_path.parent.stat().st_mode) == 0o700
    vault_path.chmod(0o644)
    vault_path.parent.chmod(0o755)
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert any("Tightened" in w for w in j.warnings)
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault_path.parent.stat().st_mode) == 0o700


_HOLDER = """
import sys, time
from kapjournal.core.journal import Journal
j = Journal.unlock(sys.argv[1], sys.argv[2])
print("ready", flush=True)
time.sleep(60)
"""


def test_storage_second_writer_gets_busy_not_corruption(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        first = j.add_entry("before").id
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(vault_path), PASSPHRASE],
        stdout=subprocess.PIPE,
        env=subprocess_env(),
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"ready"
        with pytest.raises(errors.VaultBusy):
            Journal.unlock(vault_path, PASSPHRASE)
        with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
            assert [e.id for e in j.entries()] == [first]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with Journal.unlock(vault_path, PASSPHRASE) as j:  # the lock died with the holder
        j.add_entry("after")
        assert j.verify().ok


def test_storage_two_cli_writers_at_once(vault_path: Path, passphrase_file: Path) -> None:
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    assert run_cli(*base, "init").returncode == 0
    script = (
        "import subprocess, sys\n"
        "ok = 0\n"
        "for i in range(6):\n"
        "    r = subprocess.run([sys.executable, '-c', sys.argv[1], *sys.argv[3:], 'add'],\n"
        "                       input=f'{sys.argv[2]} {i}'.encode(), capture_output=True)\n"
        "    if r.returncode == 0: print('ACK', sys.argv[2], i, flush=True)\n"
        "    elif b'open elsewhere' not in r.stderr or b'Traceback' in r.stderr:\n"
        "        print('BAD', r.stderr, flush=True)\n"
    )
    from tests.adversarial.helpers import CLI_BOOT

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, CLI_BOOT, name, *base],
            stdout=subprocess.PIPE,
            env=subprocess_env(),
        )
        for name in ("alpha", "beta")
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert "BAD" not in "".join(outputs), outputs
    acked = {line.split(" ", 1)[1] for out in outputs for line in out.splitlines()}
    assert acked
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert {e.body for e in j.entries()} == acked
        assert j.verify().ok


_HOT = """
import sys, time
from kapjournal.core.journal import Journal
j = Journal.unlock(sys.argv[1], sys.argv[2])
j.vault._conn.execute("PRAGMA cache_size = 2")
with j.transaction():
    for i in range(300):
        j.add_entry("uncommitted " + "x" * 2000)
    print("ready", flush=True)
    time.sleep(60)
"""


def test_storage_hot_journal_after_crash_readonly_open_works(vault_path: Path) -> None:
    with Journal.create(vault_path, PASSPHRASE) as j:
        kept = {j.add_entry(f"kept {i}").id for i in range(3)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOT, str(vault_path), PASSPHRASE],
        stdout=subprocess.PIPE,
        env=subprocess_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert vault_path.with_name(vault_path.name + "-journal").exists()
    # Read-only commands (list, show, verify) must work straight after a crash.
    pw = vault_path.parent.parent / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    listing = run_cli("--vault", str(vault_path), "--passphrase-file", str(pw), "list")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count(b"kept ") == 3
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as j:
        assert {e.id for e in j.entries()} == kept
        assert j.verify().ok


def test_storage_unique_marker_survives_many_writes(vault_path: Path) -> None:
    marker = uuid.uuid4().hex
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(marker)
        for i in range(20):
            e = j.update_entry(e, body=f"{marker} {i}")
    with Journal.unlock(vault_path, PASSPHRASE) as j:
        assert j.get(Entry, e.id).body == f"{marker} 19"
        assert j.verify().ok
