"""`kapjournal list` reads the sealed search-index image when it is fresh.

Both ways (image, or decrypting every entry) must print exactly the same lines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kapjournal.cli import main
from kapjournal.core.index import drop_service, newest_from_image, service_for
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry
from tests.conftest import PASSPHRASE

BASE = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

# First lines that exercise cleaning, stripping, truncation and headings.
BODIES = [
    "plain first line\nsecond line",
    "# A heading line\nbody",
    "\n\n   indented after blank lines",
    "escape \x1b[31mred\x1b[0m and bidi \u202e override",
    "a very long first line " + "word " * 60,
    "tabs\tinside\tthe line",
    "ünïcödé — and emoji 🌿 stay as they are",
]


def _list(vault: Path, pw: Path, *args: str) -> str:
    res = CliRunner().invoke(
        main, ["--vault", str(vault), "--passphrase-file", str(pw), "list", *args]
    )
    assert res.exit_code == 0, res.output
    return res.output


def _fill(vault: Path) -> None:
    journal = Journal.create(vault, PASSPHRASE)
    try:
        with journal.transaction():
            for i, body in enumerate(BODIES):
                journal.save(Entry.new(body, now=BASE + timedelta(hours=i)))
            # Titles are shown as they are (not stripped by the model).
            journal.save(Entry.new("x", now=BASE + timedelta(days=1), title="  spaced title  "))
            journal.save(Entry.new("x", now=BASE + timedelta(days=1, hours=1), title="t" * 130))
            # Several entries in the same instant: order must not depend on the source.
            same = BASE + timedelta(days=2)
            for n in range(4):
                journal.save(Entry.new(f"same moment {n}", now=same))
            # And within one millisecond, microseconds apart.
            for n in range(3):
                journal.save(Entry.new(f"close {n}", now=same + timedelta(microseconds=10 * n)))
    finally:
        journal.close()


def _save_image(vault: Path) -> None:
    journal = Journal.unlock(vault, PASSPHRASE)
    try:
        service_for(journal).ensure(save=True)
        drop_service(journal, save=False)
    finally:
        journal.close()


def _image_rows(vault: Path, count: int) -> list[str] | None:
    journal = Journal.unlock(vault, PASSPHRASE, readonly=True)
    try:
        items = newest_from_image(journal, count)
    finally:
        journal.close()
    return None if items is None else [i.id for i in items]


@pytest.mark.parametrize("count", ["1", "2", "4", "6", "20"])
def test_list_output_is_identical_from_image_and_from_entries(
    vault_path: Path, passphrase_file: Path, count: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(vault_path)
    assert _image_rows(vault_path, 5) is None  # no image yet: entries are decrypted
    from_entries = _list(vault_path, passphrase_file, "-n", count)

    _save_image(vault_path)
    assert _image_rows(vault_path, 5) is not None  # fresh image now

    real_all = Journal.all

    def no_entry_decryption(self: Journal, cls: type) -> list:  # type: ignore[type-arg]
        assert cls is not Entry, "list decrypted entries although the image is fresh"
        return real_all(self, cls)

    monkeypatch.setattr(Journal, "all", no_entry_decryption)
    from_image = _list(vault_path, passphrase_file, "-n", count)
    assert from_image == from_entries
    assert len(from_image.splitlines()) == min(int(count), len(BODIES) + 2 + 4 + 3)


def _add_after_image(vault: Path) -> Entry:
    journal = Journal.unlock(vault, PASSPHRASE)
    try:
        return journal.save(Entry.new("written after the image", now=BASE + timedelta(days=9)))
    finally:
        journal.close()


def test_list_uses_a_stale_image_after_decrypting_only_what_changed(
    vault_path: Path, passphrase_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(vault_path)
    _save_image(vault_path)
    newest = _add_after_image(vault_path)  # the image is stale now
    rows = _image_rows(vault_path, 3)
    assert rows is not None and rows[0] == newest.id  # refreshed in memory
    real_all = Journal.all

    def no_entry_decryption(self: Journal, cls: type) -> list:  # type: ignore[type-arg]
        assert cls is not Entry, "list decrypted every entry for one change"
        return real_all(self, cls)

    with monkeypatch.context() as patch:
        patch.setattr(Journal, "all", no_entry_decryption)
        from_image = _list(vault_path, passphrase_file, "-n", "3")
    # Now force the full fallback, as when too much changed since the image.
    monkeypatch.setattr("kapjournal.core.index.REFRESH_FLOOR", 0)
    monkeypatch.setattr("kapjournal.core.index.REFRESH_LIMIT", 0.0)
    assert _image_rows(vault_path, 3) is None
    from_entries = _list(vault_path, passphrase_file, "-n", "3")
    assert from_image == from_entries
    first = from_image.splitlines()[0]
    assert first.startswith(newest.id[:8]) and first.endswith("written after the image")


def test_list_lines_are_clean_and_short(vault_path: Path, passphrase_file: Path) -> None:
    _fill(vault_path)
    for source in ("entries", "image"):
        if source == "image":
            _save_image(vault_path)
        out = _list(vault_path, passphrase_file, "-n", "50")
        assert "\x1b" not in out and "\u202e" not in out
        lines = out.splitlines()
        assert any(line.endswith("spaced title") for line in lines)
        long_line = next(line for line in lines if "ttt" in line)
        assert long_line.endswith("…") and len(long_line.split("  ", 2)[2]) == 60
