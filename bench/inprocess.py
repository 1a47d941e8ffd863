"""In-process figures for one vault (run by bench/run.py in a fresh process).

Usage: ``python bench/inprocess.py VAULT PASSPHRASE_FILE`` prints one JSON
object: times in milliseconds for the steps that exist in this build, and
``null`` for the ones that are not built yet. Peak memory is this process's
maximum resident set size.
"""

from __future__ import annotations

import gc
import importlib
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUERIES = {
    "rare": "kapfreqhundredth",
    "common": "kapfreqone",
    "prefix": "kapfreqten*",
    "tag": "tag:grief",
}


def _ms(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return (time.perf_counter() - t0) * 1000, value


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _search_figures(journal_cls: Any, vault: Path, passphrase: str, out: dict[str, Any]) -> None:
    index = _optional("kapjournal.core.index")
    if index is None or not hasattr(index, "service_for"):
        return
    # First as the next CLI search would: rebuild (and save the sealed image) when the
    # image is missing or stale, e.g. after the benchmark's "add one entry".
    journal = journal_cls.unlock(vault, passphrase)
    try:
        gc.collect()
        t0 = time.perf_counter()
        service = index.service_for(journal)
        service.ensure()
        if getattr(service, "source", None) == "rebuild":
            out["rebuild_ms"] = (time.perf_counter() - t0) * 1000
        index.drop_service(journal, save=False)
    finally:
        journal.close()
    # Then unlock to searchable the usual way (key derivation excluded).
    journal = journal_cls.unlock(vault, passphrase, readonly=True)
    try:
        gc.collect()
        t0 = time.perf_counter()
        service = index.service_for(journal)
        service.ensure(save=False)
        service.search(QUERIES["rare"])
        out["searchable_ms"] = (time.perf_counter() - t0) * 1000
        out["searchable_source"] = getattr(service, "source", None)
        medians = {}
        for name, query in QUERIES.items():
            times = [_ms(lambda q=query: service.search(q, limit=50))[0] for _ in range(15)]
            medians[name] = statistics.median(times)
        out["search_ms"] = medians
        index.drop_service(journal, save=False)
    finally:
        journal.close()


def main() -> None:
    from kapjournal.cli import read_passphrase_file
    from kapjournal.core.journal import Journal
    from kapjournal.core.models import Entry

    vault, pw_file = Path(sys.argv[1]), Path(sys.argv[2])
    passphrase = read_passphrase_file(pw_file)
    out: dict[str, Any] = {"searchable_ms": None, "search_ms": None}
    out["unlock_ms"], journal = _ms(lambda: Journal.unlock(vault, passphrase, readonly=True))
    out["decrypt_entries_ms"], entries = _ms(lambda: journal.all(Entry))
    out["entries"] = len(entries)
    journal.close()
    _search_figures(Journal, vault, passphrase, out)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
