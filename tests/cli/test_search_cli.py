"""``kapjournal search``: plain and highlighted output, JSON, errors, the image."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import main
from kapjournal.core.index import IMAGE_KIND
from kapjournal.core.journal import Journal
from tests.conftest import PASSPHRASE


@pytest.fixture
def filled(vault_path: Path) -> Path:
    with Journal.create(vault_path, PASSPHRASE) as journal:
        journal.add_entry("A long walk by the river with my sister.", tags=("family",))
        journal.add_entry("Work was loud today.\x1b[31m red \x1b[0m and the river was calm")
        journal.add_entry("Nothing to do with it.")
    return vault_path


def run(vault: Path, pw: Path, *args: str) -> object:
    runner = CliRunner()
    return runner.invoke(
        main, ["--vault", str(vault), "--passphrase-file", str(pw), "search", *args]
    )


def test_search_cli_plain_when_piped(filled: Path, passphrase_file: Path) -> None:
    result = run(filled, passphrase_file, "river")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "walk by the river" in out
    assert "\x1b" not in out  # no colour and the stored ESC made inert
    assert "\u241b[31m" in out
    assert "Nothing to do" not in out


def test_search_cli_highlights_on_a_terminal(
    filled: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapjournal.cli.search_cmds as cmds

    monkeypatch.setattr(cmds, "is_tty", lambda: True)
    result = run(filled, passphrase_file, "sister")
    assert result.exit_code == 0, result.output
    assert "\x1b[1m\x1b[7msister\x1b[0m" in result.stdout


def test_search_cli_json(filled: Path, passphrase_file: Path) -> None:
    result = run(filled, passphrase_file, "--json", "-n", "1", "river")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == 1 and data["query"] == "river"
    [hit] = data["results"]
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end].lower() == "river"
    assert hit["kind"] == "entry" and len(hit["id"]) == 32


def test_search_cli_words_filters_and_exclusion(filled: Path, passphrase_file: Path) -> None:
    result = run(filled, passphrase_file, "--json", "--", "river", "-work", "tag:family")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["results"]
    assert len(hits) == 1 and "sister" in hits[0]["snippet"]


def test_search_cli_bad_filter_points_at_it(filled: Path, passphrase_file: Path) -> None:
    result = run(filled, passphrase_file, "river route:moon")
    assert result.exit_code == 2
    assert "route:moon" in result.stderr and "not a route" in result.stderr
    assert "\n        ^^^^^^^^^^\n" in result.stderr  # under "route:moon"
    assert "Traceback" not in result.output


def test_search_cli_no_matches(filled: Path, passphrase_file: Path) -> None:
    result = run(filled, passphrase_file, "zebra")
    assert result.exit_code == 0
    assert "No matches" in result.stderr


def test_search_cli_saves_and_reuses_the_image(filled: Path, passphrase_file: Path) -> None:
    assert run(filled, passphrase_file, "river").exit_code == 0
    with Journal.unlock(filled, PASSPHRASE, readonly=True) as journal:
        assert journal.vault.count(IMAGE_KIND) == 1
        generation = journal.vault.generation
    assert run(filled, passphrase_file, "river").exit_code == 0
    with Journal.unlock(filled, PASSPHRASE, readonly=True) as journal:
        assert journal.vault.generation == generation  # fresh image: nothing rewritten


def test_search_cli_works_while_the_vault_is_open_elsewhere(
    filled: Path, passphrase_file: Path
) -> None:
    with Journal.unlock(filled, PASSPHRASE):  # holds the write lock, like the app
        result = run(filled, passphrase_file, "sister")
    assert result.exit_code == 0, result.output
    assert "sister" in result.stdout


def test_search_cli_leaves_no_plaintext_in_the_vault_folder(
    vault_path: Path, passphrase_file: Path
) -> None:
    marker = "zq" + os.urandom(5).hex() + "word"
    with Journal.create(vault_path, PASSPHRASE) as journal:
        for i in range(20):
            journal.add_entry(f"day {i}: {marker} again")
    result = run(vault_path, passphrase_file, marker)
    assert result.exit_code == 0 and result.stdout.count(marker) >= 20
    with Journal.unlock(vault_path, PASSPHRASE, readonly=True) as journal:
        assert journal.vault.count(IMAGE_KIND) == 1  # the index image was saved
    for path in vault_path.parent.iterdir():
        assert marker.encode() not in path.read_bytes(), path.name
