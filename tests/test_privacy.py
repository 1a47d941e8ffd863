"""Privacy audit: no plaintext on disk or in temp dirs, no network, no passphrase on argv."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import click
import pytest

from kapjournal.cli import load_all_commands, main
from kapjournal.core import errors
from kapjournal.core.journal import Journal
from tests.adversarial.helpers import CLI_BOOT, ROOT, run_cli, subprocess_env
from tests.conftest import PASSPHRASE

NEW = "the second passphrase"

EDIT_SCRIPT = """
import sys
from kapjournal.core.journal import Journal
with Journal.unlock(sys.argv[1], sys.argv[2]) as j:
    e = j.entries()[0]
    j.update_entry(e, body=e.body + " " + sys.argv[3])
"""


def _files_containing(roots: list[Path], needles: list[bytes]) -> list[str]:
    hits = []
    for root in roots:
        for path in [root, *root.rglob("*")] if root.is_dir() else [root]:
            if path.is_file():
                data = path.read_bytes()
                hits += [f"{path}: {n!r}" for n in needles if n in data]
    return hits


def _needles(marker: str) -> list[bytes]:
    return [marker.encode(), marker.upper().encode(), marker.encode("utf-16-le")]


def test_privacy_no_plaintext_anywhere_after_cli_flow(tmp_path: Path) -> None:
    marker = "kapmarker" + uuid.uuid4().hex
    edit_marker = "kapedit" + uuid.uuid4().hex
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    vault = tmp_path / "data" / "journal.kapj"
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    pw.chmod(0o600)
    env = subprocess_env(TMPDIR=str(tmpdir), HOME=str(home), XDG_DATA_HOME=str(home / "d"))
    base = ["--vault", str(vault), "--passphrase-file", str(pw)]
    steps: list[tuple[list[str], bytes | None]] = [
        (["init", "--recovery-code"], None),
        (["add"], f"first {marker} words\nwith #tag".encode()),
        (["add"], f"second {marker}".encode()),
        (["list"], None),
        (["backup", str(tmp_path / "one.kapj")], None),
        (["backup", "--keep", "2", str(tmp_path / "rotating")], None),
        (["verify"], None),
    ]
    stderr = b""
    for args, stdin in steps:
        result = run_cli(*base, *args, input=stdin, env=env)
        assert result.returncode == 0, (args, result.stderr)
        stderr += result.stderr
        if args != ["list"]:
            assert marker.encode() not in result.stdout, args
    subprocess.run(
        [sys.executable, "-c", EDIT_SCRIPT, str(vault), PASSPHRASE, edit_marker],
        env=env,
        check=True,
    )
    passwd = run_cli(*base, "passwd", input=f"{NEW}\n{NEW}\n".encode(), env=env)
    assert passwd.returncode == 0, passwd.stderr
    stderr += passwd.stderr
    assert marker.encode() not in stderr and edit_marker.encode() not in stderr
    for suffix in ("-journal", "-wal", "-shm"):
        assert not vault.with_name(vault.name + suffix).exists()
    roots = [vault.parent, tmp_path / "one.kapj", tmp_path / "rotating", tmpdir, home]
    assert _files_containing(roots, _needles(marker) + _needles(edit_marker)) == []
    assert NEW.encode() not in b"".join(
        p.read_bytes()
        for r in roots
        for p in ([r, *r.rglob("*")] if r.is_dir() else [r])
        if p.is_file()
    )


KILL_SCRIPT = """
import sys, time
from kapjournal.core.journal import Journal
j = Journal.unlock(sys.argv[1], sys.argv[2])
j.vault._conn.execute("PRAGMA cache_size = 2")
with j.transaction():
    for i in range(200):
        j.add_entry(sys.argv[3] + " " + str(i) + " pad" * 300)
    print("ready", flush=True)
    time.sleep(60)
"""


def test_privacy_no_plaintext_in_hot_journal_after_sigkill(tmp_path: Path) -> None:
    marker = "kapmarker" + uuid.uuid4().hex
    vault = tmp_path / "v" / "journal.kapj"
    with Journal.create(vault, PASSPHRASE) as j:
        acked = {j.add_entry(f"acked {marker} {i}").id for i in range(5)}
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(vault), PASSPHRASE, marker],
        stdout=subprocess.PIPE,
        env=subprocess_env(TMPDIR=str(tmpdir)),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert vault.with_name(vault.name + "-journal").exists()  # scanned while still hot
    assert _files_containing([vault.parent, tmpdir], _needles(marker)) == []
    with Journal.unlock(vault, PASSPHRASE, readonly=True) as j:
        assert {e.id for e in j.entries()} == acked


SITECUSTOMIZE = """
import sys

def _no_network(event, args):
    if event.startswith("socket."):
        raise PermissionError("kapjournal test: network access attempted: " + event)

sys.addaudithook(_no_network)
"""


def _flow(env: dict[str, str], vault: Path, pw: Path, prefix: list[str]) -> None:
    base = ["--vault", str(vault), "--passphrase-file", str(pw)]
    marker = uuid.uuid4().hex

    def cli(*args: str, stdin: bytes | None = None) -> bytes:
        result = subprocess.run(
            [*prefix, sys.executable, "-c", CLI_BOOT, *base, *args],
            input=stdin,
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, (args, result.stderr)
        assert b"network access attempted" not in result.stderr
        return result.stdout

    cli("init")
    cli("add", stdin=f"offline {marker}".encode())
    listing = cli("list")
    short = listing.split()[0].decode()
    assert marker.encode() in cli("show", short)
    cli("verify")
    cli("backup", str(vault.parent / "b.kapj"))
    assert b"Verify OK" in cli("--vault", str(vault.parent / "b.kapj"), "verify")
    # Search (builds and saves the sealed index), the timeline, an import, and an
    # age export to a therapist key that review then opens: all offline.
    assert marker.encode() in cli("search", marker)
    source = vault.parent / "old-journal.txt"
    source.write_text(f"[2024-01-05 09:12] Imported {marker} line.\nMore words.\n")
    assert b"Imported 1 entry " in cli("import", str(source), "--from", "jrnl-txt")
    assert b"Imported" in cli("search", marker, "imported")
    cli("timeline")
    key = vault.parent / "therapist.key"
    public = cli("keygen", "-o", str(key)).decode().strip()
    assert public.startswith("age1")
    share = vault.parent / "share.json.age"
    cli("export", "--format", "json", "--to", public, "-o", str(share))
    assert share.read_bytes().startswith(b"age-encryption.org/v1")
    assert marker.encode() in cli("review", str(share), "--identity", str(key), "--text")


def test_privacy_cli_flow_with_socket_creation_blocked(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = subprocess_env(PYTHONPATH=f"{site}{os.pathsep}{ROOT}")
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.socket()"], env=env, capture_output=True
    )
    assert probe.returncode != 0 and b"network access attempted" in probe.stderr
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    _flow(env, tmp_path / "v" / "journal.kapj", pw, [])


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare"
)
def test_privacy_cli_flow_in_network_namespace(tmp_path: Path) -> None:
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("network namespaces are not available here")
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    _flow(subprocess_env(), tmp_path / "v" / "journal.kapj", pw, ["unshare", "-n"])


def _all_params() -> list[tuple[str, click.Parameter]]:
    load_all_commands()  # commands are loaded lazily; walk every one
    found: list[tuple[str, click.Parameter]] = [("kapjournal", p) for p in main.params]

    def walk(group: click.Group, prefix: str) -> None:
        for name, cmd in group.commands.items():
            found.extend((f"{prefix} {name}", p) for p in cmd.params)
            if isinstance(cmd, click.Group):
                walk(cmd, f"{prefix} {name}")

    walk(main, "kapjournal")
    return found


def test_privacy_no_option_takes_a_secret_on_argv() -> None:
    secrets = ("passphrase", "password", "passwd", "secret", "code", "key")
    for where, param in _all_params():
        name = (param.name or "").lower()
        if name in ("passphrase_file", "with_recovery", "keep"):
            continue
        assert not any(s in name for s in secrets), f"{where}: {param.name}"


def test_privacy_passphrase_env_var_is_ignored(vault_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    env = subprocess_env(KAPJOURNAL_PASSPHRASE=PASSPHRASE, KAPJOURNAL_PASSWORD=PASSPHRASE)
    result = run_cli("--vault", str(vault_path), "list", input=b"", env=env)
    assert result.returncode != 0  # it asked for the passphrase instead of using the env


def test_privacy_readable_passphrase_file_refused(vault_path: Path, tmp_path: Path) -> None:
    Journal.create(vault_path, PASSPHRASE).close()
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o644)
    result = run_cli("--vault", str(vault_path), "--passphrase-file", str(pw), "list")
    assert result.returncode == 2 and b"chmod 600" in result.stderr


def test_privacy_errors_carry_no_plaintext_or_passphrase(vault_path: Path) -> None:
    secret_text = "kapmarker" + uuid.uuid4().hex
    with Journal.create(vault_path, PASSPHRASE) as j:
        e = j.add_entry(secret_text)
    import sqlite3

    conn = sqlite3.connect(vault_path, isolation_level=None)
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (b"y" * 40, bytes.fromhex(e.id)))
    conn.close()
    messages = []
    for attempt in (
        lambda: Journal.unlock(vault_path, "wrong " + secret_text),
        lambda: Journal.unlock(vault_path, PASSPHRASE).vault.get(bytes.fromhex(e.id)),
    ):
        with pytest.raises(errors.KapError) as info:
            attempt()
        err: BaseException | None = info.value
        while err is not None:
            messages.append(f"{err!s} {err!r}")
            err = err.__cause__ or err.__context__
    text = " ".join(messages)
    assert secret_text not in text and PASSPHRASE not in text


def test_privacy_close_drops_plaintext_and_wipes_keys(vault_path: Path) -> None:
    j = Journal.create(vault_path, PASSPHRASE)
    j.add_entry("something")
    j.entries()
    keys = [j.vault._dek, j.vault._rec_key, j.vault._man_key]
    assert any(any(k) for k in keys)
    j.close()
    assert all(not any(k) for k in keys)
    assert j._cache == {}
    with pytest.raises(errors.VaultLocked):
        j.entries()


def test_privacy_every_file_is_private(
    vault_path: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    os.umask(0o022)  # a careless umask must not matter
    assert run_cli(*base, "init").returncode == 0
    assert run_cli(*base, "add", input=b"x").returncode == 0
    assert run_cli(*base, "backup", "--keep", "3", str(tmp_path / "bk")).returncode == 0
    assert run_cli(*base, "backup", str(tmp_path / "single.kapj")).returncode == 0
    files = [vault_path, vault_path.with_name(vault_path.name + ".lock"), tmp_path / "single.kapj"]
    files += list((tmp_path / "bk").iterdir())
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, f
    for d in (vault_path.parent, tmp_path / "bk"):
        assert stat.S_IMODE(d.stat().st_mode) & 0o077 == 0, d
