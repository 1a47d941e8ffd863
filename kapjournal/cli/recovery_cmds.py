"""Recovery commands: recovery codes, recover, restore, rotating backups, rekey.

Nothing here deletes a vault: ``restore`` keeps the current file aside as a
copy, ``backup --keep`` removes only its own older backup files, and only
after the new one has been verified.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import click

from kapjournal.cli import (
    State,
    ask_new_passphrase,
    check_vault,
    interactive,
    main,
    pass_state,
    prompt_secret,
    read_passphrase_file,
    retrying,
    unlock_asking,
)
from kapjournal.core.errors import InvalidInput, StorageError, VaultNotFound

BACKUP_PREFIX = "kapjournal-"
BACKUP_SUFFIX = ".kapj"


def show_recovery_code(code: str) -> None:
    """Print a recovery code once, grouped, with what it is for."""
    click.echo("")
    click.echo("Your recovery code (shown only this once):")
    click.echo("")
    click.echo(f"    {code}")
    click.echo("")
    click.echo(
        "Write it on paper and keep it somewhere safe, away from this device. "
        "It opens the journal if you forget your passphrase; anyone who has it "
        "together with a copy of the vault can read it too."
    )
    click.echo("")


def backup_name(now: datetime | None = None) -> str:
    """A sortable, content-free file name for a new backup."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    return f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"


def list_backups(folder: Path) -> list[Path]:
    """Backups made by ``backup --keep`` in ``folder``, oldest first."""
    return sorted(
        p
        for p in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}")
        if p.is_file() and not p.name.endswith(".partial")
    )


def write_rotating_backup(journal: object, folder: Path, keep: int) -> tuple[Path, list[Path]]:
    """Write a new backup into ``folder``, verify it, then prune to ``keep`` files.

    Returns:
        The new backup and the old backups that were removed.

    Raises:
        StorageError: when the new backup does not verify (old ones are kept).
    """
    from kapjournal.core.vault import Vault

    vault: Vault = journal.vault  # type: ignore[attr-defined]
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file; --keep needs a folder for the backups.")
    dest = folder / backup_name()
    vault.backup_to(dest)
    report = vault.verify_copy(dest)
    if not report.ok:
        raise StorageError(
            "The new backup did not verify, so no older backup was removed. "
            "Run 'kapjournal verify' on the vault."
        )
    removed: list[Path] = []
    backups = list_backups(folder)
    live = vault.path.resolve()
    for old in backups[: max(0, len(backups) - keep)]:
        if old == dest or old.resolve() == live:
            continue  # never remove the vault itself, whatever its name
        old.unlink()
        removed.append(old)
    return dest, removed


@main.command(name="recovery-code")
@click.option("--remove", is_flag=True, help="Remove the recovery code instead of making one.")
@pass_state
def recovery_code(state: State, remove: bool) -> None:
    """Make a new recovery code (the previous one stops working)."""
    from kapjournal.cli import open_journal

    journal = open_journal(state)
    try:
        if remove:
            if journal.vault.header.slot("recovery") is None:
                click.echo("This vault has no recovery code; nothing was changed.")
                return
            journal.vault.remove_recovery_slot()
            click.echo("The recovery code was removed; only your passphrase opens the vault now.")
            return
        code = journal.vault.add_recovery_slot()
    finally:
        journal.close()
    show_recovery_code(code)


@main.command()
@pass_state
def recover(state: State) -> None:
    """Open the vault with the recovery code and choose a new passphrase.

    The used code is replaced by a new one, shown once. With
    --passphrase-file, the file holds the NEW passphrase.
    """
    from kapjournal.core.errors import WrongPassphrase
    from kapjournal.core.journal import Journal
    from kapjournal.core.strength import strength_hint
    from kapjournal.core.vault import read_header

    check_vault(state)
    if read_header(state.vault).slot("recovery") is None:
        raise InvalidInput(
            "This vault has no recovery code, so it can only be opened with its passphrase."
        )
    # At a terminal a mistyped code (28 characters typed blind) is asked again,
    # so nobody retypes it into the shell, where it would stay in the history.
    journal = retrying(
        lambda: Journal.unlock_with_recovery(
            state.vault, prompt_secret("Recovery code", option=None, what="recovery code")
        ),
        WrongPassphrase,
        lambda err: f"{err} Please type it again.",
        retry=interactive(),
    )
    try:
        click.echo("The recovery code worked. Now choose a new passphrase.", err=True)
        if state.passphrase_file is not None:
            new = read_passphrase_file(state.passphrase_file)
            hint = strength_hint(new)
            if not hint.acceptable:
                raise InvalidInput(hint.message)
        else:
            new = ask_new_passphrase("New passphrase")
        new_code = journal.vault.reset_passphrase_after_recovery(new)
    finally:
        journal.close()
    click.echo("Your new passphrase is set. The old recovery code no longer works.")
    show_recovery_code(new_code)


@main.command()
@click.argument("backup_file", type=click.Path(path_type=Path, dir_okay=False))
@pass_state
def restore(state: State, backup_file: Path) -> None:
    """Replace the vault with BACKUP_FILE, after checking it.

    The backup is opened with its passphrase and every record is
    authenticated before anything changes. The current vault is kept next to
    it as a copy (journal.kapj.before-restore-DATE), never deleted.
    """
    from kapjournal.core.journal import Journal
    from kapjournal.core.vault import (
        _acquire_lock,
        _release_lock,
        fsync_dir,
        read_header,
        secure_dir,
        storage_errors,
    )

    target = state.vault
    if not backup_file.exists():
        raise VaultNotFound(f"There is no backup at {backup_file}.")
    read_header(backup_file)
    opened, passphrase = unlock_asking(
        state,
        lambda p: Journal.unlock(backup_file, p, readonly=True),
        "Passphrase of the backup",
    )
    with opened as backup:
        report = backup.verify()
    if not report.ok:
        raise InvalidInput(
            "That backup did not pass verification, so nothing was replaced. "
            "Run 'kapjournal --vault BACKUP verify' to see what is wrong."
        )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    with storage_errors():
        secure_dir(target.parent)
        lock_fd = _acquire_lock(target)
    try:
        with storage_errors():
            incoming = target.with_name(target.name + ".restoring")
            incoming.unlink(missing_ok=True)
            fd = os.open(incoming, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
            shutil.copyfile(backup_file, incoming)
            with open(incoming, "rb+") as fh:
                os.fsync(fh.fileno())
        # Check the copy we are about to install, not only the source.
        try:
            with Journal.unlock(incoming, passphrase, readonly=True) as copy:
                copied_ok = copy.verify().ok
        except BaseException:
            incoming.unlink(missing_ok=True)
            raise
        if not copied_ok:
            incoming.unlink(missing_ok=True)
            raise StorageError("The copied backup did not verify; nothing was replaced.")
        aside = None
        with storage_errors():
            if target.exists():
                aside = target.with_name(f"{target.name}.before-restore-{stamp}")
                os.replace(target, aside)
                hot = target.with_name(target.name + "-journal")
                if hot.exists():
                    os.replace(hot, aside.with_name(aside.name + "-journal"))
            os.replace(incoming, target)
            fsync_dir(target.parent)
    finally:
        _release_lock(lock_fd)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items())) or "no records"
    records = "record" if report.total == 1 else "records"
    click.echo(f"Restored {report.total} {records} ({counts}) from {backup_file}.")
    if aside is not None:
        click.echo(f"The previous vault was kept as {aside}.")


@main.command()
@pass_state
def rekey(state: State) -> None:
    """Rotate the data key: re-encrypt every record under a new key.

    Use it if you think a copy of your key may be compromised. Older backups
    keep opening with the passphrase they had; new records are not readable
    with the old key.
    """
    from kapjournal.core.journal import Journal

    check_vault(state)
    journal, passphrase = unlock_asking(state, lambda p: Journal.unlock(state.vault, p))
    try:
        total = journal.vault.count()
        code = journal.rekey(passphrase)
    finally:
        journal.close()
    done = "1 record was" if total == 1 else f"{total} records were"
    click.echo(f"New data key in place; {done} re-encrypted.")
    if code is not None:
        click.echo("Your recovery code was replaced too.")
        show_recovery_code(code)
