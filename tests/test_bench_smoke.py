"""A tiny run of the benchmark (N=200, one run, no jrnl) so it cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402


def test_corpus_is_deterministic_with_known_frequencies(tmp_path: Path) -> None:
    a = generate(2000, tmp_path / "a.txt")
    b = generate(2000, tmp_path / "b.txt")
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()
    assert a["markers"] == {"kapfreqone": 20, "kapfreqtenth": 2, "kapfreqhundredth": 1}
    text = (tmp_path / "a.txt").read_text()
    assert len(re.findall(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d\] ", text, re.M)) == 2000
    assert len(re.findall(r"\bkapfreqone\b", text)) == 20
    assert len(re.findall(r"@grief\b", text)) == a["tags"]["grief"] == 100  # type: ignore[index]
    assert a["first"] >= "2023-01-01" and a["last"] < "2026-01-01"  # type: ignore[operator]
    assert b["starred"] == text.count(" *\n") == 40


def test_bench_smoke_run(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "200",
            "--runs",
            "1",
            "--no-jrnl",
            "--no-save",
            "--no-companions",
            "--insecure-test-kdf",
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "In-process and other figures at N = 200" in out
    row = r"\| unlock \+ list last 20 \(after import\) \| 200 \| \d+ ms \(\d+–\d+\) \| not run \|"
    assert re.search(row, out)
    assert re.search(r"\| list last 20, after the searches \| 200 \| \d+ ms", out)
    assert re.search(r"\| floor: start-up \+ key derivation only \| 200 \| \d+ ms", out)
    assert re.search(r"\| add one entry \| 200 \| \d+ ms", out)
    assert "cheap TEST key derivation" in out
    assert "| decrypt all entries after unlock | " in out
    assert not list(tmp_path.glob("**/*.md"))  # --no-save wrote no results file
