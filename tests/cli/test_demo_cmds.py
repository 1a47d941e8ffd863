"""``kapjournal demo``: prints the passphrase, replaces only its own demo vaults."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kapjournal.cli import main
from kapjournal.core.demo import DEMO_PASSPHRASE
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry


def _count(path: Path) -> int:
    with Journal.unlock(path, DEMO_PASSPHRASE) as journal:
        return len(journal.all(Entry))


def test_demo_cmd_creates_and_prints_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "demo.kapj"
    result = CliRunner().invoke(main, ["demo", "--vault", str(path)])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSPHRASE in result.output
    assert _count(path) > 20


def test_demo_cmd_rerun_replaces_untouched_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.kapj"
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--vault", str(path)]).exit_code == 0
    before = _count(path)
    result = runner.invoke(main, ["demo", "--vault", str(path)])
    assert result.exit_code == 0, result.output
    assert "Replacing" in result.output
    assert _count(path) == before


def test_demo_cmd_written_demo_needs_force_when_not_interactive(tmp_path: Path) -> None:
    path = tmp_path / "demo.kapj"
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--vault", str(path)]).exit_code == 0
    with Journal.unlock(path, DEMO_PASSPHRASE) as journal:
        journal.add_entry("I tried writing here")
    result = runner.invoke(main, ["demo", "--vault", str(path)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert _count(path) > 0
    with Journal.unlock(path, DEMO_PASSPHRASE) as journal:
        assert any(e.body == "I tried writing here" for e in journal.entries())
    result = runner.invoke(main, ["demo", "--vault", str(path), "--force"])
    assert result.exit_code == 0, result.output
    with Journal.unlock(path, DEMO_PASSPHRASE) as journal:
        assert not any(e.body == "I tried writing here" for e in journal.entries())


def test_demo_cmd_never_overwrites_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "journal.kapj"
    with Journal.create(mine, "my real passphrase") as journal:
        journal.add_entry("precious")
    plain = tmp_path / "notes.txt"
    plain.write_text("hello")
    runner = CliRunner()
    for target in (mine, plain):
        before = target.read_bytes()
        for extra in ([], ["--force"]):
            result = runner.invoke(main, ["demo", "--vault", str(target), *extra])
            assert result.exit_code == 2
            assert "not a kapjournal demo vault" in result.output
            assert target.read_bytes() == before
