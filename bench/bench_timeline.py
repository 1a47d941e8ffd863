"""Benchmark: opening the timeline of a 3-year journal (200 sessions, 10,000 entries).

Measures, on a throw-away vault in a temporary folder:

* ``build_cold_s``: decrypting every record the timeline needs and building
  the view model (what the screen's worker does on first open);
* ``build_warm_s``: rebuilding it from the decrypted cache (after a save);
* ``open_to_rows_s``: pushing the Timeline screen until its rows are shown;
* ``max_loop_stall_ms``: the longest time the UI event loop was blocked
  while opening the screen and then scrolling through it (j x 200,
  page-down x 40, G, g, filtering to insights and back). A stall above
  100 ms would be a visible freeze; this is the "no frame over 100 ms"
  figure;
* ``max_frame_ms`` / ``median_frame_ms``: moving the cursor (arrow or page
  down) and rendering the whole 120x40 screen, 300 times;
* ``max_frame_cpu_ms`` / ``median_frame_cpu_ms``: the same in CPU time of
  the UI thread, which a busy shared machine does not inflate;
* ``loaded_handler_ms``: the UI-thread part of showing a freshly built timeline;
* ``baseline_loop_stall_ms``: the same stall measure on an idle screen, to show
  how noisy the machine is (a busy, shared machine stalls even when idle).

Use ``measure_timeline_open(entries=..., sessions=...)`` from ``bench/run.py``
(it returns a dict of figures), or run this file:
``python bench/bench_timeline.py [--entries N] [--sessions N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kapjournal.core.crypto import TEST_POLICY
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry, FollowUp, Insight, Session, new_id

PASSPHRASE = "bench timeline passphrase"
TRACE = False
STALLS: list[tuple[float, int]] = []
WORDS = (
    "calm",
    "tired",
    "hopeful",
    "heavy",
    "light",
    "slept",
    "walked",
    "talked",
    "cried",
    "laughed",
    "noticed",
    "body",
    "breath",
    "music",
    "colours",
    "memory",
    "family",
    "work",
    "fear",
    "relief",
    "distance",
    "warmth",
)


def make_journal(
    path: Path, *, entries: int = 10_000, sessions: int = 200, seed: int = 4
) -> dict[str, int]:
    """Write a deterministic journal spanning about three years.

    The vault uses the cheap test key derivation: only the timeline is timed here.
    """
    rng = random.Random(seed)
    start = datetime(2023, 1, 2, 9, tzinfo=UTC)
    span = timedelta(days=3 * 365)
    counts = {"sessions": 0, "entries": 0, "checkins": 0, "insights": 0}
    with Journal.create(path, PASSPHRASE, policy=TEST_POLICY) as journal, journal.transaction():
        session_times = sorted(start + span * rng.random() for _ in range(sessions))
        session_ids = []
        for n, at in enumerate(session_times, 1):
            s = Session(
                id=new_id(),
                started_at=at,
                series_index=n,
                route=rng.choice(("iv", "im", "sublingual_lozenge", "intranasal_esketamine")),
                dose_value=str(rng.choice((0.5, 0.75, 1, 50, 84))),
                dose_unit=rng.choice(("mg_per_kg", "mg")),
                side_effects={"nausea": rng.randint(0, 3), "dizziness": rng.randint(0, 2)},
                dissociation=rng.randint(0, 10),
            )
            journal.save(s)
            session_ids.append(s.id)
            counts["sessions"] += 1
        entry_ids = []
        for n in range(entries):
            at = start + span * (n / entries)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120)))
            tag = rng.choice(WORDS)
            e = Entry(
                id=new_id(),
                created=at,
                modified=at,
                body=f"{words} #{tag}",
                tags=(tag,),
                flagged_for_therapy=rng.random() < 0.01,
            )
            journal.save(e)
            entry_ids.append((e.id, at))
            counts["entries"] += 1
        for n in range(entries // 10):
            at = start + span * (n / (entries // 10))
            journal.save(
                CheckIn(
                    id=new_id(),
                    at=at,
                    mood=rng.randint(0, 10),
                    anxiety=rng.randint(0, 10),
                    sleep=rng.randint(0, 10),
                    hope=rng.randint(0, 10),
                    connectedness=rng.randint(0, 10),
                )
            )
            counts["checkins"] += 1
        for entry_id, at in rng.sample(entry_ids, min(len(entry_ids), entries // 30)):
            journal.save(
                Insight(
                    id=new_id(),
                    created=at + timedelta(hours=1),
                    text=" ".join(rng.choice(WORDS) for _ in range(12)),
                    entry_id=entry_id,
                    follow_ups=(FollowUp(at=at + timedelta(days=3), kind="tried"),),
                    bring_to_therapy=rng.random() < 0.1,
                )
            )
            counts["insights"] += 1
    return counts


async def _measure_ui(path: Path) -> dict[str, float]:
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import Static

    from kapjournal.screens.timeline import TimelineScreen
    from kapjournal.widgets.row_list import RowList

    journal = Journal.unlock(path, PASSPHRASE, policy=TEST_POLICY, readonly=True)

    class BenchApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.journal = journal

    class Idle(Screen[None]):
        def compose(self) -> Any:
            yield Static("idle")

    stalls: list[float] = []

    async def heartbeat(stop: asyncio.Event, into: list[float]) -> None:
        tick = 0.005
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(tick)
            now = time.perf_counter()
            into.append(now - last - tick)
            if TRACE and now - last - tick > 0.05:
                STALLS.append((round(now, 3), round(1000 * (now - last - tick))))
            last = now

    app = BenchApp()
    results: dict[str, float] = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            # Baseline: how much the event loop stalls on this machine with nothing to do.
            baseline: list[float] = []
            stop = asyncio.Event()
            beat = asyncio.create_task(heartbeat(stop, baseline))
            await app.push_screen(Idle())
            await asyncio.sleep(1.0)
            stop.set()
            await beat
            app.pop_screen()
            await pilot.pause()
            results["baseline_loop_stall_ms"] = max(baseline, default=0.0) * 1000

            stop = asyncio.Event()
            beat = asyncio.create_task(heartbeat(stop, stalls))
            t0 = time.perf_counter()
            screen = TimelineScreen()
            await app.push_screen(screen)
            while screen.timeline is None:
                await asyncio.sleep(0.005)
            await pilot.pause()
            results["open_to_rows_s"] = time.perf_counter() - t0
            results["loaded_handler_ms"] = screen.load_ui_seconds * 1000
            row_list = screen.query_one(RowList)
            results["rows"] = float(len(row_list.rows))
            # Frame cost while scrolling: move, then render the whole screen.
            frames = []
            cpu_frames = []
            for i in range(300):
                f0 = time.perf_counter()
                c0 = time.thread_time()
                if i % 10 == 9:
                    row_list.action_page_down()
                else:
                    row_list.action_cursor_down()
                screen._compositor.render_full_update()
                frames.append(time.perf_counter() - f0)
                cpu_frames.append(time.thread_time() - c0)
                # Yield after every frame, as the real app does, so the stall
                # figure measures the app and not this loop.
                await asyncio.sleep(0)
                if i % 25 == 0:
                    await pilot.pause()
            for key in ("G", "g", "end", "home"):
                await pilot.press(key)
            row_list.move_to(len(row_list.rows) // 2)
            await pilot.press("i")
            await app.workers.wait_for_complete()
            await pilot.press("i")
            await app.workers.wait_for_complete()
            await pilot.pause()
            stop.set()
            await beat
            frames.sort()
            cpu_frames.sort()
            results["max_frame_cpu_ms"] = cpu_frames[-1] * 1000
            results["median_frame_cpu_ms"] = cpu_frames[len(cpu_frames) // 2] * 1000
            results["max_frame_ms"] = frames[-1] * 1000
            results["median_frame_ms"] = frames[len(frames) // 2] * 1000
            results["max_loop_stall_ms"] = max(stalls, default=0.0) * 1000
    finally:
        journal.close()
    return results


def measure_timeline_open(entries: int = 10_000, sessions: int = 200) -> dict[str, float]:
    """Build a journal of that size and time opening its timeline (core and UI).

    Returns:
        Figures in seconds (``*_s``) and milliseconds (``*_ms``), plus counts.
    """
    from kapjournal.core.timeline import build_timeline

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.kapj"
        t0 = time.perf_counter()
        counts = make_journal(path, entries=entries, sessions=sessions)
        make_s = time.perf_counter() - t0
        with Journal.unlock(path, PASSPHRASE, policy=TEST_POLICY, readonly=True) as journal:
            t0 = time.perf_counter()
            tl = build_timeline(journal)
            tl.rows()
            cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            build_timeline(journal).rows()
            warm = time.perf_counter() - t0
        ui = asyncio.run(_measure_ui(path))
    return {
        **{k: float(v) for k, v in counts.items()},
        "make_journal_s": make_s,
        "build_cold_s": cold,
        "build_warm_s": warm,
        **ui,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Command-line entry point; prints the figures as JSON and returns them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args(argv)
    figures = measure_timeline_open(entries=args.entries, sessions=args.sessions)
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=2))
    return figures


if __name__ == "__main__":
    main()
