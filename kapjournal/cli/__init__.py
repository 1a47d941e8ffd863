"""The ``kapjournal`` command line.

``kapjournal`` with no subcommand opens the TUI; the app module is imported
lazily so scripted commands (``add``, ``search``...) start fast and never load
Textual. Each group of commands lives in its own module and registers itself
on :data:`main` when imported. Those modules are imported lazily too: the
group looks a command's module up in :data:`COMMAND_MODULES` only when that
command runs (``kapjournal add`` never loads search, export or import code);
``--help`` imports them all to list every command with its own short help.

Errors: every ``KapError`` becomes one line on stderr and exit code 2; a
traceback is never shown.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import stat
import sys
import threading
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
        # "~/journal.kapj" in quotes reaches us unexpanded; never make a folder named "~".
        self._vault = vault.expanduser() if vault is not None else None
        self.passphrase_file = passphrase_file.expanduser() if passphrase_file else None

    @property
    def vault(self) -> Path:
        if self._vault is not None:
            return self._vault
        from kapjournal.core.paths import default_vault_path

        return default_vault_path()


# Command name -> the module in kapjournal.cli that defines it (the one place
# to register a new command; tests check it against what the modules define).
COMMAND_MODULES: dict[str, str] = {
    "init": "vault_cmds",
    "add": "vault_cmds",
    "list": "vault_cmds",
    "show": "vault_cmds",
    "passwd": "vault_cmds",
    "verify": "vault_cmds",
    "backup": "vault_cmds",
    "recovery-code": "recovery_cmds",
    "recover": "recovery_cmds",
    "restore": "recovery_cmds",
    "rekey": "recovery_cmds",
    "search": "search_cmds",
    "export": "export_cmds",
    "keygen": "export_cmds",
    "review": "export_cmds",
    "import": "import_cmds",
    "session": "session_cmds",
    "course": "session_cmds",
    "due": "session_cmds",
    "checkin": "session_cmds",
    "pack": "session_cmds",
    "appointment": "session_cmds",
    "crisis": "session_cmds",
    "timeline": "timeline_cmds",
    "insight": "timeline_cmds",
    "demo": "demo_cmds",
}


def load_command_module(module: str) -> None:
    """Import ``kapjournal.cli.<module>``, which registers its commands on :data:`main`."""
    importlib.import_module(f"kapjournal.cli.{module}")


def load_all_commands() -> None:
    """Register every command (for --help, and for tests that walk the whole CLI)."""
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        load_command_module(module)


class FullHelpGroup(click.Group):
    """A click group whose command list shows each command's whole first sentence.

    click cuts the one-line summaries to fit one line ("Open the vault with
    the recovery code and choose a new..."); here a long one wraps instead.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=200)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class KapGroup(FullHelpGroup):
    """A click group that turns ``KapError`` into a calm message and exit 2.

    Commands are loaded lazily from :data:`COMMAND_MODULES` (the documented
    click pattern for lazy subcommands); commands registered eagerly with
    ``@main.command()`` work as usual.
    """

    group_class = FullHelpGroup  # subgroups (session, course...) list commands the same way

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            load_command_module(COMMAND_MODULES[cmd_name])
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KapError as err:
            click.echo(f"kapjournal: {err.user_message}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("\nkapjournal: cancelled; nothing more was written.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`kapjournal list | head -1`): stop quietly,
            # as other command-line tools do, with no message on a closed pipe.
            with contextlib.suppress(OSError, ValueError):  # no real stdout (tests)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except OSError as err:
            # A safety net: commands turn the OS errors they expect into
            # KapErrors; any other one gets one sentence, never a traceback.
            click.echo(f"kapjournal: {os_error_message(err)}", err=True)
            ctx.exit(2)


def os_error_message(err: OSError) -> str:
    """One calm sentence for an unexpected OS error (names the file, not its contents)."""
    import errno

    where = f" ({err.filename})" if err.filename else ""
    if err.errno == errno.ENOSPC:
        return "The disk is full; free some space and try again."
    if isinstance(err, PermissionError):
        return (
            f"kapjournal is not allowed to use this file or folder{where}. Check its permissions."
        )
    if isinstance(err, FileNotFoundError):
        return f"A file or folder is missing{where}."
    reason = err.strerror or type(err).__name__
    return f"A file could not be read or written{where}: {reason}."


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


def prompt_secret(
    prompt: str, *, option: str | None = "--passphrase-file", what: str = "passphrase"
) -> str:
    """Ask without echo; input that ends (no terminal, Ctrl-D) is a calm error, not 'Aborted!'.

    ``option``: the option that gives the secret in scripts, named in that error.
    """
    import getpass
    import warnings

    from kapjournal.core.errors import InvalidInput

    with warnings.catch_warnings():
        # Python's own warning (with a file path) when there is no terminal to hide input on.
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        try:
            return str(click.prompt(prompt, hide_input=True, err=True))
        except click.Abort:
            scripts = f" In scripts, give it with {option} FILE." if option else ""
            raise InvalidInput(f"No {what} was typed, so nothing was done.{scripts}") from None


def ask_passphrase(state: State, prompt: str = "Passphrase") -> str:
    """The passphrase from ``--passphrase-file`` or an echo-free prompt."""
    if state.passphrase_file is not None:
        return read_passphrase_file(state.passphrase_file)
    return prompt_secret(prompt)


PASSPHRASE_TRIES = 3


def interactive() -> bool:
    """True when a person types at the terminal (then a mistyped passphrase can be retried)."""
    return sys.stdin.isatty()


T = TypeVar("T")


def retrying(
    attempt: Callable[[], T],
    wrong: type[Exception],
    again: Callable[[Exception], str],
    *,
    retry: bool,
) -> T:
    """``attempt()``; when it raises ``wrong`` and ``retry`` is set, say ``again(err)``
    and try again, up to :data:`PASSPHRASE_TRIES` in all (the last error is raised).

    For secrets typed at the terminal: a typo is asked again instead of ending the
    command (and losing what was typed before it). Files and pipes get one try.
    """
    tries = PASSPHRASE_TRIES if retry else 1
    for n in range(1, tries + 1):
        try:
            return attempt()
        except wrong as err:
            if n == tries:
                raise
            click.echo(again(err), err=True)
    raise AssertionError("unreachable")  # pragma: no cover


def unlock_asking(
    state: State, unlock: Callable[[str], Any], prompt: str = "Passphrase"
) -> tuple[Any, str]:
    """Ask for the passphrase and call ``unlock(passphrase)``; returns (result, passphrase).

    At a terminal a mistyped passphrase is asked again (up to three tries), so
    nothing typed before (an entry written after ``kapjournal add``) is lost.
    A passphrase file, or piped input, gets one try.
    """
    from kapjournal.core.errors import WrongPassphrase

    def attempt() -> tuple[Any, str]:
        passphrase = ask_passphrase(state, prompt)
        return unlock(passphrase), passphrase

    return retrying(
        attempt,
        WrongPassphrase,
        lambda _err: "That passphrase did not unlock the vault; please try again.",
        retry=state.passphrase_file is None and interactive(),
    )


def ask_new_passphrase(prompt: str = "New passphrase") -> str:
    """Ask twice, with a strength hint, until the two match and are long enough."""
    from kapjournal.core.strength import strength_hint

    while True:
        first = prompt_secret(prompt)
        hint = strength_hint(first)
        if not hint.acceptable:
            click.echo(hint.message, err=True)
            continue
        click.echo(hint.message, err=True)
        second = prompt_secret("Repeat it")
        if first != second:
            click.echo("The two passphrases differ; please try again.", err=True)
            continue
        return first


def _import_quietly(modules: tuple[str, ...]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001,S112 - the command's own import reports it
            continue


def unlock_journal(
    path: Path, passphrase: str, *, readonly: bool = False, prepare: tuple[str, ...] = ()
) -> Any:
    """``Journal.unlock``, importing the journal and ``prepare`` modules meanwhile.

    Argon2id runs in native code without Python's global lock (and takes most
    of a command's time), so a helper thread imports the modules the command
    needs next while the key is derived. Nothing secret is touched by that
    thread; the passphrase and keys stay in this one.
    """
    from kapjournal.core.vault import Vault

    helper = threading.Thread(
        target=_import_quietly,
        args=(("kapjournal.core.journal", *prepare),),
        name="kapjournal-imports",
        daemon=True,
    )
    helper.start()
    try:
        vault = Vault.unlock(path, passphrase, readonly=readonly)
    finally:
        helper.join()
    from kapjournal.core.journal import Journal

    try:
        return Journal(vault)
    except BaseException:
        vault.close()
        raise


def check_vault(state: State) -> None:
    """Check there is a vault at ``state.vault`` before asking for the passphrase.

    Raises:
        VaultNotFound: naming the path and how to create a vault there.
        NotAVault, StoragePermission...: as ``read_header``.
    """
    from kapjournal.core.errors import VaultNotFound
    from kapjournal.core.vault import read_header

    try:
        read_header(state.vault)
    except VaultNotFound as err:
        raise VaultNotFound(
            f"There is no journal at {state.vault} yet. Create one with 'kapjournal init', "
            "or point to yours with --vault."
        ) from err


def check_writable_now(state: State) -> None:
    """Raise now if the vault is missing, not a vault, or open in the app or another command.

    For commands that read text typed at the terminal before unlocking: the
    problem is said before the person writes, not after.
    """
    from kapjournal.core.vault import _acquire_lock, _release_lock, storage_errors

    check_vault(state)
    with storage_errors():
        _release_lock(_acquire_lock(state.vault))


def kind_phrase(kind: str) -> str:
    """A record kind for a sentence, with its article: 'an entry', 'a check-in'."""
    words = {
        "checkin": "check-in",
        "scale": "questionnaire result",
        "safety_event": "crisis-screen event",
        "settings": "settings record",
    }
    word = words.get(kind, kind.replace("_", " "))
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def open_journal(state: State, *, readonly: bool = False, prepare: tuple[str, ...] = ()) -> Any:
    """Unlock the vault for a command (the KDF runs here).

    ``prepare``: modules the command uses after unlocking; they are imported
    while the key is derived (see :func:`unlock_journal`).
    """
    check_vault(state)  # clear "not found / not a vault" before asking
    journal, _ = unlock_asking(
        state,
        lambda passphrase: unlock_journal(
            state.vault, passphrase, readonly=readonly, prepare=prepare
        ),
    )
    for warning in journal.warnings:
        click.echo(f"kapjournal: {warning}", err=True)
    return journal


def is_tty() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
