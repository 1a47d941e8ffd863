"""Shared fixtures: cheap key derivation, temp vaults, a fixed clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Every test (and every subprocess it starts) uses the cheap test KDF.
os.environ["KAPJOURNAL_INSECURE_TEST_KDF"] = "1"
os.environ.pop("KAPJOURNAL_VAULT", None)

from kapjournal.core.journal import Journal  # noqa: E402

PASSPHRASE = "correct horse battery"
FIXED_NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "journal.kapj"


@pytest.fixture
def journal(vault_path: Path) -> Iterator[Journal]:
    j = Journal.create(vault_path, PASSPHRASE)
    yield j
    if not j.closed:
        j.close()


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    return path
