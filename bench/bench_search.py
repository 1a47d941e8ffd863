"""Search benchmarks: query latency, unlock-to-searchable, rebuild, peak memory.

Standalone (``python -m bench.bench_search --sizes 10000``) and importable: the
project-wide ``bench/run.py`` can call :func:`make_vault`, :func:`bench_queries`,
:func:`bench_load`, :func:`bench_rebuild`, :func:`bench_peak_memory` and
:func:`run`, each returning plain dicts of figures.

Corpus: entries of ~240 words drawn from a Zipf-distributed synthetic
vocabulary, with a rare word in ~10 entries, a fixed phrase in ~5% and a
family of words sharing a prefix. Vaults use the cheap test KDF because key
derivation is excluded from every figure here (it is the same fixed cost
whatever the journal size). Keep runs short: the machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("KAPJOURNAL_INSECURE_TEST_KDF", "1")

from kapjournal.core.index import drop_service, service_for  # noqa: E402
from kapjournal.core.journal import Journal  # noqa: E402
from kapjournal.core.models import Entry  # noqa: E402

PASSPHRASE = "benchmark passphrase"
WORDS_PER_ENTRY = 240
RARE = "quokka"
PHRASE = ("steady", "breathing")
PREFIX_FAMILY = ("gratitude", "grateful", "gratified", "gratis", "grating")
QUERIES = {
    "rare": RARE,
    "common": "w0040",  # in about half of all entries
    "very_common": "w0003",  # in nearly every entry (a stop word, worst case)
    "phrase": '"steady breathing"',
    "prefix": "grat*",
}
START = datetime(2020, 1, 1, tzinfo=UTC)


def _vocabulary(size: int = 6000) -> list[str]:
    return [f"w{i:04d}" for i in range(size)]


def make_bodies(n: int, seed: int = 7) -> list[str]:
    """``n`` deterministic entry bodies of about 240 words."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    cum: list[float] = []
    total = 0.0
    for rank in range(1, len(vocab) + 1):
        total += 1.0 / rank
        cum.append(total)
    rare_at = set(rng.sample(range(n), min(10, n)))
    bodies = []
    for i in range(n):
        words = rng.choices(vocab, cum_weights=cum, k=WORDS_PER_ENTRY)
        if i in rare_at:
            words[rng.randrange(WORDS_PER_ENTRY)] = RARE
        if rng.random() < 0.05:
            at = rng.randrange(WORDS_PER_ENTRY - 1)
            words[at : at + 2] = PHRASE
        if rng.random() < 0.10:
            words[rng.randrange(WORDS_PER_ENTRY)] = rng.choice(PREFIX_FAMILY)
        bodies.append(" ".join(words))
    return bodies


def make_vault(path: Path, n: int) -> Path:
    """Create a vault with ``n`` entries (one transaction) and no index image."""
    path.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal.create(path, PASSPHRASE)
    try:
        with journal.transaction():
            for i, body in enumerate(make_bodies(n)):
                when = START + timedelta(minutes=37 * i)
                journal.save(Entry.new(body, now=when))
    finally:
        journal.close()
    return path


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def bench_queries(path: Path, repeat: int = 15, limit: int = 50) -> dict[str, Any]:
    """Median query time (ms) per query kind, ranked and date-ordered, LIMIT 50."""
    journal = Journal.unlock(path, PASSPHRASE, readonly=True)
    try:
        service = service_for(journal)
        service.ensure(save=False)
        out: dict[str, Any] = {}
        for name, query in QUERIES.items():
            hits = len(service.search(query, limit=limit))
            out[name] = {
                "query": query,
                "hits_returned": hits,
                "rank_ms": _median_ms(lambda q=query: service.search(q, limit=limit), repeat),
                "date_ms": _median_ms(
                    lambda q=query: service.search(q, limit=limit, order="date"), repeat
                ),
            }
        out["filter_only_ms"] = _median_ms(
            lambda: service.search("since:2021-01-01", limit=limit), repeat
        )
        drop_service(journal, save=False)
        return out
    finally:
        journal.close()


def _ensure_image(path: Path) -> None:
    journal = Journal.unlock(path, PASSPHRASE)
    try:
        service = service_for(journal)
        service.ensure()
        if service.source != "image":
            assert service.save() or True
        drop_service(journal, save=False)
    finally:
        journal.close()


def bench_load(path: Path, repeat: int = 3) -> dict[str, Any]:
    """Unlock to searchable from the sealed image (key derivation excluded)."""
    _ensure_image(path)
    times, cpu = [], []
    for _ in range(repeat):
        journal = Journal.unlock(path, PASSPHRASE, readonly=True)
        try:
            gc.collect()
            t, c = time.perf_counter(), time.process_time()
            service = service_for(journal)
            service.ensure(save=False)
            service.search(RARE)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert service.source == "image", service.source
            drop_service(journal, save=False)
        finally:
            journal.close()
    return {
        "load_image_ms": round(statistics.median(times), 1),
        "load_image_cpu_ms": round(statistics.median(cpu), 1),
        "image_bytes": _image_size(path),
    }


def _image_size(path: Path) -> int:
    from kapjournal.core.index import _read_image_header

    journal = Journal.unlock(path, PASSPHRASE, readonly=True)
    try:
        header = _read_image_header(journal.vault)
        return int(header["size"]) if header else 0
    finally:
        journal.close()


def bench_rebuild(path: Path, repeat: int = 1) -> dict[str, Any]:
    """Full rebuild: decrypt every entry and build FTS5 (no image involved)."""
    times, cpu = [], []
    for _ in range(repeat):
        journal = Journal.unlock(path, PASSPHRASE, readonly=True)
        try:
            gc.collect()
            t, c = time.perf_counter(), time.process_time()
            service = service_for(journal)
            service.ensure(use_image=False, save=False)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            drop_service(journal, save=False)
        finally:
            journal.close()
    return {
        "rebuild_ms": round(statistics.median(times), 1),
        "rebuild_cpu_ms": round(statistics.median(cpu), 1),
    }


def bench_refresh(path: Path, changes: int = 10) -> dict[str, Any]:
    """Unlock after ``changes`` entries were added elsewhere: patch the stale image."""
    _ensure_image(path)
    journal = Journal.unlock(path, PASSPHRASE)
    try:
        with journal.transaction():
            for i in range(changes):
                journal.save(Entry.new(f"added later {i} {RARE}", now=START))
    finally:
        journal.close()
    journal = Journal.unlock(path, PASSPHRASE)
    try:
        t = time.perf_counter()
        service = service_for(journal)
        service.ensure(save=False)
        ms = (time.perf_counter() - t) * 1000
        source = service.source
        t = time.perf_counter()
        service.save()
        save_ms = (time.perf_counter() - t) * 1000
        drop_service(journal, save=False)
    finally:
        journal.close()
    return {
        f"refresh_{changes}_changed_ms": round(ms, 1),
        "refresh_source": source,
        "refresh_then_save_ms": round(save_ms, 1),
    }


def bench_save(path: Path) -> dict[str, Any]:
    """Seal and store the image (what happens after a rebuild or on lock)."""
    journal = Journal.unlock(path, PASSPHRASE)
    try:
        service = service_for(journal)
        service.ensure(use_image=False, save=False)
        t = time.perf_counter()
        service.save()
        ms = (time.perf_counter() - t) * 1000
        drop_service(journal, save=False)
    finally:
        journal.close()
    return {"save_image_ms": round(ms, 1)}


def _peak_child(path: str, mode: str) -> None:
    journal = Journal.unlock(Path(path), PASSPHRASE, readonly=True)
    service = service_for(journal)
    service.ensure(use_image=(mode == "image"), save=False)
    service.search(QUERIES["common"])
    assert mode != "image" or service.source == "image"
    print(json.dumps({"peak_mib": round(_peak_kib() / 1024, 1)}))


def _peak_kib() -> int:
    # VmHWM belongs to this process image; ru_maxrss would include the parent's
    # high-water mark, which Linux carries across fork + exec.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench_peak_memory(path: Path, mode: str = "image") -> dict[str, Any]:
    """Peak RSS of a fresh process that unlocks, loads (or rebuilds) and searches."""
    _ensure_image(path)
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_search", "--peak-child", str(path), mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return {f"peak_{mode}_mib": json.loads(out.stdout.strip().splitlines()[-1])["peak_mib"]}


def run(sizes: list[int], workdir: Path | None = None, peak: bool = True) -> dict[str, Any]:
    """Every figure for each size; vaults are cached in ``workdir`` between runs."""
    base = workdir or Path(tempfile.mkdtemp(prefix="kapj-bench-"))
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        },
    }
    for n in sizes:
        path = base / f"search-{n}.kapj"
        t = time.perf_counter()
        if not path.exists():
            make_vault(path, n)
        figures: dict[str, Any] = {"make_vault_s": round(time.perf_counter() - t, 1)}
        figures.update(bench_rebuild(path))
        figures.update(bench_save(path))
        figures.update(bench_load(path))
        figures.update(bench_refresh(path))
        figures["queries"] = bench_queries(path)
        if peak:
            figures.update(bench_peak_memory(path, "image"))
            figures.update(bench_peak_memory(path, "rebuild"))
        figures["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
        results[str(n)] = figures
        print(json.dumps({n: figures}, indent=1), file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated entry counts")
    parser.add_argument("--workdir", type=Path, default=None, help="keep vaults here")
    parser.add_argument("--no-peak", action="store_true", help="skip peak-memory runs")
    parser.add_argument("--peak-child", nargs=2, metavar=("VAULT", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak_child:
        _peak_child(*args.peak_child)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(json.dumps(run(sizes, args.workdir, peak=not args.no_peak), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
