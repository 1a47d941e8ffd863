"""The ``kapjournal`` command line.

``kapjournal`` with no subcommand opens the TUI; the app module is imported
lazily so scripted commands (``add``, ``search``...) start fast and never load
Textual. Each group of commands lives in its own module and registers itself
on :data:`main` (see the imports at the bottom).

Errors: every ``KapError`` becomes one line on stderr and exit code 2; a
traceback is never shown.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kapjournal import __version__
from kapjournal.core.errors import InvalidInput, KapError

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """Options shared by every subcommand."""

    def __init__(self, vault: Path | None, passphrase_file: Path | None) -> None:
        self._vault = vault
        self.passphrase_file = passphrase_file

    @property
    def vault(self) -> Path:
        from kapjournal.core.paths import default_vault_path

        return self._vault if self._vault is not None else default_vault_path()


class KapGroup(click.Group):
    """A click group that turns ``KapError`` into a calm message and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KapError as err:
            click.echo(f"kapjournal: {err.user_message}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("\nkapjournal: cancelled; nothing more was written.", err=True)
            ctx.exit(130)


@click.group(
    cls=KapGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--vault",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Vault file. Default: $KAPJOURNAL_VAULT, else your platform data folder.",
)
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Read the passphrase from this file (for scripts; it must be private, "
    "mode 0600). Without it you are asked, without echo.",
)
@click.version_option(__version__, prog_name="kapjournal")
@click.pass_context
def main(ctx: click.Context, vault: Path | None, passphrase_file: Path | None) -> None:
    """A private, encrypted journal for ketamine-assisted psychotherapy.

    Run without a command to open the app. Nothing leaves this device unless
    you export it.
    """
    from kapjournal.core.hardening import harden_process

    harden_process()
    ctx.obj = State(vault, passphrase_file)
    if ctx.invoked_subcommand is None:
        open_tui(ctx.obj.vault)


def open_tui(vault: Path, **kwargs: Any) -> None:
    """Start the Textual app (imported only now, to keep the CLI fast)."""
    from kapjournal.app import run_app

    run_app(vault, **kwargs)


pass_state = click.make_pass_decorator(State)


def read_passphrase_file(path: Path) -> str:
    """Read a passphrase file, refusing one that others can read.

    Raises:
        InvalidInput: when the file is missing, empty or not private.
    """
    try:
        info = path.stat()
    except OSError as err:
        raise InvalidInput(f"Cannot read the passphrase file {path}.") from err
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise InvalidInput(
            f"The passphrase file {path} can be read by other users; run 'chmod 600 {path}' first."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"Cannot read the passphrase file {path}.") from err
    passphrase = text.rstrip("\r\n")
    if not passphrase:
        raise InvalidInput(f"The passphrase file {path} is empty.")
    return passphrase


def ask_passphrase(state: State, prompt: str = "Passphrase") -> str:
    """The passphrase from ``--passphrase-file`` or an echo-free prompt."""
    if state.passphrase_file is not None:
        return read_passphrase_file(state.passphrase_file)
    return str(click.prompt(prompt, hide_input=True, err=True))


def ask_new_passphrase(prompt: str = "New passphrase") -> str:
    """Ask twice, with a strength hint, until the two match and are long enough."""
    from kapjournal.core.strength import strength_hint

    while True:
        first = str(click.prompt(prompt, hide_input=True, err=True))
        hint = strength_hint(first)
        if not hint.acceptable:
            click.echo(hint.message, err=True)
            continue
        click.echo(hint.message, err=True)
        second = str(click.prompt("Repeat it", hide_input=True, err=True))
        if first != second:
            click.echo("The two passphrases differ; please try again.", err=True)
            continue
        return first


def open_journal(state: State, *, readonly: bool = False) -> Any:
    """Unlock the vault for a command (the KDF runs here)."""
    from kapjournal.core.journal import Journal
    from kapjournal.core.vault import read_header

    read_header(state.vault)  # clear "not found / not a vault" before asking
    passphrase = ask_passphrase(state)
    journal = Journal.unlock(state.vault, passphrase, readonly=readonly)
    for warning in journal.warnings:
        click.echo(f"kapjournal: {warning}", err=True)
    return journal


def is_tty() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


# Command modules register themselves on ``main``.
from kapjournal.cli import demo_cmds as _demo_cmds  # noqa: E402,F401
from kapjournal.cli import export_cmds as _export_cmds  # noqa: E402,F401
from kapjournal.cli import import_cmds as _import_cmds  # noqa: E402,F401
from kapjournal.cli import recovery_cmds as _recovery_cmds  # noqa: E402,F401
from kapjournal.cli import search_cmds as _search_cmds  # noqa: E402,F401
from kapjournal.cli import session_cmds as _session_cmds  # noqa: E402,F401
from kapjournal.cli import timeline_cmds as _timeline_cmds  # noqa: E402,F401
from kapjournal.cli import vault_cmds as _vault_cmds  # noqa: E402,F401
