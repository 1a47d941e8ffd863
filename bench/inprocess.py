"""In-process figures for one vault (run by bench/run.py in a fresh process).

Usage: ``python bench/inprocess.py VAULT PASSPHRASE_FILE`` prints one JSON
object: times in milliseconds for the steps that exist in this build, and
``null`` for the ones that are not built yet. Peak memory is this process's
maximum resident set size.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return (time.perf_counter() - t0) * 1000, value


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def main() -> None:
    from kapjournal.cli import read_passphrase_file
    from kapjournal.core.journal import Journal
    from kapjournal.core.models import Entry

    vault, pw_file = Path(sys.argv[1]), Path(sys.argv[2])
    passphrase = read_passphrase_file(pw_file)
    out: dict[str, Any] = {}
    out["unlock_ms"], journal = _ms(lambda: Journal.unlock(vault, passphrase, readonly=True))
    out["decrypt_entries_ms"], entries = _ms(lambda: journal.all(Entry))
    out["entries"] = len(entries)
    out["unlock_to_list_ms"] = out["unlock_ms"] + out["decrypt_entries_ms"]
    out["searchable_ms"] = None
    out["timeline_ms"] = None
    out["html_export_ms"] = None
    out["json_export_ms"] = None
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    journal.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
