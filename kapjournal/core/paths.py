"""Where user data lives: platformdirs, overridable by ``--vault`` or ``KAPJOURNAL_VAULT``."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kapjournal"
VAULT_ENV = "KAPJOURNAL_VAULT"
VAULT_FILENAME = "journal.kapj"


def data_dir() -> Path:
    import platformdirs  # imported here: it costs ~7 ms and most commands never need it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_vault_path() -> Path:
    """The vault path: ``$KAPJOURNAL_VAULT`` if set, else the platform data dir."""
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser()
    return data_dir() / VAULT_FILENAME


def user_prompts_dir() -> Path:
    """Folder for the user's own prompt and scale packs."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "prompts"


def backups_dir(vault: Path) -> Path:
    return vault.parent / "backups"
