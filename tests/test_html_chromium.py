"""Render the HTML export in headless Chromium: no network, no script, summary and chart.

Needs Debian's ``chromium``. Skipped locally when it is missing; on CI (``CI``
set) a missing browser is a failure, because .ci/run installs it.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapjournal.core.export import render
from kapjournal.core.export.model import ExportOptions, build_document
from kapjournal.core.journal import Journal
from kapjournal.core.models import Entry, Insight
from tests.export_sample import fill

ARTIFACTS = Path(__file__).parent / "artifacts"


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs the Debian package)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return exe


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canary() -> Iterator[str]:
    """A local HTTP server that records any request the page makes."""
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run(exe: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
    ]
    return subprocess.run(
        [exe, *flags, *args], capture_output=True, text=True, timeout=90, check=False
    )


def test_html_export_in_chromium(journal: Journal, tmp_path: Path, canary: str) -> None:
    exe = chromium()
    fill(journal)
    attack = (
        f'<img src="{canary}/img" onerror="document.body.dataset.pwned=1">'
        f'<script>document.body.dataset.pwned=2;fetch("{canary}/js")</script>'
        f"<link rel=stylesheet href={canary}/css> ![x]({canary}/md.png)"
        f"<iframe src={canary}/frame></iframe><style>@import url({canary}/imp);</style>"
    )
    journal.add_entry(attack, title=f"<svg onload=\"fetch('{canary}/svg')\">")
    journal.save(
        Insight(id=Entry.new("").id, created=journal.now(), text=attack, bring_to_therapy=True)
    )
    page = tmp_path / "export.html"
    page.write_bytes(render(build_document(journal, ExportOptions()), "html"))

    dom = _run(exe, tmp_path, "--virtual-time-budget=3000", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "Journal summary for therapy review" in html
    assert "<svg" in html and "Weekly check-in averages" in html  # chart rendered
    assert "Sessions" in html and "35 mg" in html
    # user markup arrives as text, nothing from it runs or becomes an element
    assert "&lt;script&gt;document.body.dataset.pwned=2" in html
    assert "&lt;img src=" in html
    assert "data-pwned" not in html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<link" not in html

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "export-html.png"
    result = _run(exe, tmp_path, "--window-size=1100,2600", f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    assert _Counter.hits == [], f"the page made network requests: {_Counter.hits}"
