"""``kapjournal demo``: build a throw-away demo vault (and optionally open it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kapjournal.cli import main, open_tui
from kapjournal.core.errors import InvalidInput


@main.command()
@click.option(
    "--vault",
    "demo_vault",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to create the demo vault (an old demo vault there is replaced).",
)
@click.option("--open", "open_app", is_flag=True, help="Open the app on the demo vault.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace an old demo vault even if you have written in it (never replaces "
    "a file that is not a demo vault).",
)
def demo(demo_vault: Path, open_app: bool, force: bool) -> None:
    """Create a demo journal filled with a fictional 6-session course.

    The passphrase is printed. Everything in it is invented. An existing demo
    vault at the same path is replaced; any other file is refused.
    """
    from kapjournal.core.demo import DEMO_PASSPHRASE, NotADemoVault, build_demo, inspect_demo

    if demo_vault.exists():
        info = inspect_demo(demo_vault)
        if not info.is_demo:
            raise NotADemoVault()
        if info.modified and not force:
            if not sys.stdin.isatty():
                raise InvalidInput(
                    "You have written in this demo vault since it was built. "
                    "Run again with --force to replace it."
                )
            click.confirm(
                "You have written in this demo vault. Replace it with a fresh demo?",
                default=True,
                abort=True,
                err=True,
            )
        from kapjournal.core.vault import _acquire_lock, _release_lock, storage_errors

        with storage_errors():  # open in the app? say so before removing anything
            _release_lock(_acquire_lock(demo_vault))
        demo_vault.unlink()
        click.echo(f"Replacing the old demo vault at {demo_vault}", err=True)
    build_demo(demo_vault)
    click.echo(f"Demo vault created at {demo_vault}")
    click.echo(f"Its passphrase is: {DEMO_PASSPHRASE}")
    click.echo("Everything in it is invented; write in it freely.")
    if open_app:
        open_tui(demo_vault, demo_passphrase=DEMO_PASSPHRASE)
