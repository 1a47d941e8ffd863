"""The CLI loads a command's module only when that command runs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import kapjournal.cli
from kapjournal.cli import COMMAND_MODULES, load_all_commands, main

HEAVY = (
    "kapjournal.core.index",
    "kapjournal.core.query",
    "kapjournal.core.export",
    "kapjournal.core.importers",
    "kapjournal.cli.search_cmds",
    "kapjournal.cli.export_cmds",
    "kapjournal.cli.import_cmds",
    "kapjournal.cli.session_cmds",
    "textual",
)


def _loaded_modules(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "sys.argv = ['kapjournal', *sys.argv[1:]]\n"
        "from kapjournal.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, KAPJOURNAL_INSECURE_TEST_KDF="1")
    res = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60
    )
    line = next(x for x in res.stdout.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


def _heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules for h in HEAVY if m == h or m.startswith(h + "."))


def test_cli_add_does_not_import_search_export_or_importers(
    vault_path: Path, passphrase_file: Path
) -> None:
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    CliRunner().invoke(main, [*base, "init"])
    modules = _loaded_modules(*base, "add", "-m", "a quiet morning")
    assert "kapjournal.cli.vault_cmds" in modules  # it did run the command
    assert _heavy_in(modules) == []


def test_cli_with_vault_option_skips_platform_folder_lookup(
    vault_path: Path, passphrase_file: Path
) -> None:
    """platformdirs (~7 ms of start-up) loads only when the default vault path is needed."""
    base = ["--vault", str(vault_path), "--passphrase-file", str(passphrase_file)]
    CliRunner().invoke(main, [*base, "init"])
    modules = _loaded_modules(*base, "add", "-m", "an evening note")
    assert "kapjournal.cli.vault_cmds" in modules
    assert "platformdirs" not in modules


def test_cli_version_loads_no_command_module() -> None:
    modules = _loaded_modules("--version")
    assert not [m for m in modules if m.startswith("kapjournal.cli.")]


def test_cli_search_loads_search_but_not_export() -> None:
    modules = _loaded_modules("search", "--help")
    assert "kapjournal.cli.search_cmds" in modules
    assert "kapjournal.cli.export_cmds" not in modules
    assert "kapjournal.cli.import_cmds" not in modules


def test_cli_command_map_matches_what_the_modules_define() -> None:
    folder = Path(kapjournal.cli.__file__).parent
    names = sorted(p.stem for p in folder.glob("*_cmds.py"))
    for name in names:
        importlib.import_module(f"kapjournal.cli.{name}")
    defined = {
        cmd_name: cmd.callback.__module__.rsplit(".", 1)[-1]
        for cmd_name, cmd in main.commands.items()
        if cmd.callback is not None
    }
    assert defined == COMMAND_MODULES
    assert sorted(set(COMMAND_MODULES.values())) == names


def test_cli_help_lists_every_command_with_its_short_help() -> None:
    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0
    load_all_commands()
    listing = res.output.split("Commands:", 1)[1]
    for name in COMMAND_MODULES:
        short = main.commands[name].get_short_help_str(limit=300)
        line = next((x for x in listing.splitlines() if x.split()[:1] == [name]), "")
        assert short[:25] in line, (name, line)


def test_cli_unknown_command_is_a_usage_error() -> None:
    res = CliRunner().invoke(main, ["no-such-command"])
    assert res.exit_code == 2
    assert "No such command" in res.output


def test_cli_unlock_journal_imports_prepared_modules_and_checks_the_passphrase(
    vault_path: Path,
) -> None:
    import pytest

    from kapjournal.cli import unlock_journal
    from kapjournal.core.errors import WrongPassphrase
    from kapjournal.core.journal import Journal
    from tests.conftest import PASSPHRASE

    Journal.create(vault_path, PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        unlock_journal(vault_path, "not the passphrase", prepare=("kapjournal.core.index",))
    journal = unlock_journal(vault_path, PASSPHRASE, prepare=("kapjournal.core.no_such_module",))
    try:
        assert isinstance(journal, Journal)
        journal.add_entry("still works after a failed warm-up import")
    finally:
        journal.close()
    assert "kapjournal.core.index" in sys.modules
