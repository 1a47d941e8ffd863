"""Cold start of the TUI to the unlock prompt, against a minimal Textual app.

Usage: .venv/bin/python bench/tui_startup.py VAULT [--runs N]

Each run is a fresh process, headless at 100x30, timed from interpreter start to the
first refresh of the prompt. Prints medians of wall time and CPU time (user+sys).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Input
class M(App):
    def compose(self):
        yield Input(password=True)
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.exit)
M().run(headless=True, size=(100, 30))
"""

KAPJOURNAL = """
import sys
from pathlib import Path
from kapjournal.screens import unlock
# Exit where the background warm-up would start: after the first refresh.
unlock.UnlockScreen._warm_up = lambda self: self.app.exit()
from kapjournal.app import KapJournalApp
KapJournalApp(Path(sys.argv[1])).run(headless=True, size=(100, 30))
"""


def run(code: str, vault: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, vault], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vault")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {"minimal Textual app": [], "kapjournal": []}
    for _ in range(args.runs):
        results["minimal Textual app"].append(run(MINIMAL, args.vault))
        results["kapjournal"].append(run(KAPJOURNAL, args.vault))
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"{name:22s} wall median {wall:6.0f} ms   cpu median {cpu:6.0f} ms")


if __name__ == "__main__":
    main()
