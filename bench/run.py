"""Side-by-side benchmark: kapjournal against jrnl 4.6, whole processes.

Usage (from the repository root, with the project venv):

    python bench/run.py                  # N = 1,000 and 10,000, 5 runs, with jrnl
    python bench/run.py --large          # adds N = 50,000 and 100,000 (slow)
    python bench/run.py --quick          # N = 1,000, 3 runs, no jrnl
    python bench/run.py --no-jrnl        # kapjournal only
    python bench/run.py --sizes 200 --runs 1 --no-jrnl --no-save   # a smoke run

For each N it generates the deterministic corpus (bench/corpus.py), imports
it into a fresh kapjournal vault (real key derivation: the test-only cheap
KDF variable is removed from every child's environment) and, with jrnl, into
an encrypted jrnl journal inside a throw-away venv under bench/work/. Every
operation is timed as a whole process (one untimed warm-up, then --runs
timed runs; median, min and max), and the ratio kapjournal/jrnl is printed
as one Markdown table and saved to bench/results/<date>-<machine>.md.

jrnl reads its password with getpass. Each jrnl process is started in a new
session (no controlling terminal), so getpass falls back to reading standard
input, where the runner writes the password; the keyring is disabled with
PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring.

A command that does not exist in this build (e.g. ``kapjournal search``
before that feature lands) is reported as "n/a", not as an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from corpus import generate  # noqa: E402

KAP_PASSPHRASE = "bench passphrase kapjournal"
JRNL_PASSWORD = "bench password jrnl"
JRNL_VERSION = "4.6"
TEST_KDF_ENV = "KAPJOURNAL_INSECURE_TEST_KDF"
# Ratio targets (kapjournal / jrnl) from the benchmark issue.
RATIO_TARGETS = {1_000: 1.0, 10_000: 1 / 3, 50_000: 1 / 10}
RANGE_FROM, RANGE_TO = "2024-03-01", "2024-05-31"
TAG = "grief"


@dataclass
class Timing:
    runs: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    note: str = ""  # "n/a (...)" or "failed (...)" when there are no runs

    @property
    def ok(self) -> bool:
        return bool(self.runs)

    def cell(self) -> str:
        if not self.runs:
            return self.note or "n/a"
        med = statistics.median(self.runs)
        return f"{med * 1000:.0f} ms ({min(self.runs) * 1000:.0f}–{max(self.runs) * 1000:.0f})"


@dataclass
class Op:
    key: str
    label: str
    kap: list[str] | None  # argv after the global options; None = not available
    jrnl: list[str] | None
    kap_stdin: bytes = b""
    why_na: str = ""
    baseline: bool = False  # not an operation from the issue: shown for context, no target
    standalone: bool = False  # kap is a whole argv (a Python snippet), not a subcommand


# ------------------------------------------------------------------ processes


def run_timed(
    argv: Sequence[str], *, env: dict[str, str], stdin: bytes = b"", new_session: bool = False
) -> tuple[float, int, float, str]:
    """Run one process; return (seconds, exit code, peak RSS MiB, stderr tail)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        inp.write(stdin)
        inp.seek(0)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=inp,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            start_new_session=new_session,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-400:].decode("utf-8", "replace")
    return elapsed, proc.returncode, usage.ru_maxrss / 1024, tail


def kap_env(insecure_kdf: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(TEST_KDF_ENV, None)
    env.pop("KAPJOURNAL_VAULT", None)
    if insecure_kdf:
        env[TEST_KDF_ENV] = "1"
    env["NO_COLOR"] = "1"
    return env


def jrnl_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    return env


def kap_cmd() -> list[str]:
    script = Path(sys.executable).parent / "kapjournal"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from kapjournal.cli import main; main()"]


def kap_commands(env: dict[str, str]) -> dict[str, str]:
    """Subcommand name -> its --help text, for the commands this build has."""
    out = subprocess.run(kap_cmd() + ["--help"], env=env, capture_output=True, text=True)
    names: list[str] = []
    in_commands = False
    for line in out.stdout.splitlines():
        if line.strip() == "Commands:":
            in_commands = True
            continue
        if in_commands and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
    helps = {}
    for name in names:
        res = subprocess.run(kap_cmd() + [name, "--help"], env=env, capture_output=True, text=True)
        helps[name] = res.stdout
    return helps


# ------------------------------------------------------------------ setup


def ensure_jrnl(work: Path) -> Path:
    """A throw-away venv with jrnl==4.6 under bench/work/; returns its jrnl script."""
    venv = work / "jrnl-venv"
    jrnl = venv / "bin" / "jrnl"
    if not jrnl.exists():
        print(f"Installing jrnl=={JRNL_VERSION} into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"jrnl=={JRNL_VERSION}"], check=True
        )
    return jrnl


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    path.chmod(0o600)


def setup_kap(base: Path, corpus: Path, env: dict[str, str]) -> tuple[Path, Path, float]:
    """A fresh vault with the corpus imported; returns (vault, passphrase file, import s)."""
    kdir = base / "kap"
    shutil.rmtree(kdir, ignore_errors=True)
    kdir.mkdir(parents=True)
    kdir.chmod(0o700)
    pw = kdir / "passphrase"
    write_private(pw, KAP_PASSPHRASE + "\n")
    vault = kdir / "vault" / "journal.kapj"
    opts = ["--vault", str(vault), "--passphrase-file", str(pw)]
    init = subprocess.run(kap_cmd() + opts + ["init"], env=env, capture_output=True, text=True)
    if init.returncode != 0:
        raise SystemExit(f"kapjournal init failed: {init.stderr.strip()[-400:]}")
    t, rc, _, tail = run_timed(
        kap_cmd() + opts + ["import", str(corpus), "--from", "jrnl-txt"], env=env
    )
    if rc != 0:
        raise SystemExit(f"kapjournal import failed: {tail}")
    return vault, pw, t


def setup_jrnl(base: Path, corpus: Path, jrnl: Path) -> Path:
    """An encrypted jrnl journal holding the corpus; returns its config file."""
    jdir = base / "jrnl"
    shutil.rmtree(jdir, ignore_errors=True)
    jdir.mkdir(parents=True)
    config = jdir / "config.yaml"
    env = jrnl_env()
    env["JRNL_BENCH_PASSWORD"] = JRNL_PASSWORD
    subprocess.run(
        [
            str(jrnl.parent / "python"),
            str(BENCH / "jrnl_setup.py"),
            str(config),
            str(jdir / "journal.txt"),
            str(corpus),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    # One run so jrnl settles its config file before anything is timed.
    run_timed(
        [str(jrnl), "--config-file", str(config), "-n", "1"],
        env=jrnl_env(),
        stdin=(JRNL_PASSWORD + "\n").encode(),
        new_session=True,
    )
    return config


# ------------------------------------------------------------------ operations


FLOOR_SNIPPET = """
import sys
import kapjournal.cli
from kapjournal.core import crypto
from kapjournal.core.vault import read_header
args = sys.argv
vault, pw = args[args.index("--vault") + 1], args[args.index("--passphrase-file") + 1]
slot = read_header(vault).slot("passphrase")
with open(pw, encoding="utf-8") as fh:
    crypto.derive_kek(fh.read().rstrip("\\r\\n"), slot.kdf)
"""


def operations(helps: dict[str, str], export_to: Path) -> list[Op]:
    has_search = "search" in helps
    has_export = "export" in helps
    # Ask for every hit (jrnl prints them all); `kapjournal search` caps -n at 1000.
    search_n = ["-n", "1000"] if has_search and "-n" in helps["search"] else []
    na_search = "n/a (no `kapjournal search` in this build)"
    na_export = "n/a (no `kapjournal export` in this build)"

    def search(query: str) -> list[str] | None:
        return ["search", query, *search_n] if has_search else None

    def export(fmt: str) -> list[str] | None:
        if not has_export:
            return None
        # jrnl's export is unencrypted, so compare with kapjournal's plaintext export.
        argv = ["export", "--format", fmt, "-o", str(export_to.with_suffix("." + fmt))]
        argv += [flag for flag in ("--plaintext", "--force") if flag in helps["export"]]
        return argv

    add_text = "A short note written by the benchmark."
    return [
        Op("start", "start-up only (--version)", ["--version"], ["--version"], baseline=True),
        # The floor of every unlocking command: start-up, the CLI module, and the
        # vault's own Argon2id (SECURITY.md), with nothing read or decrypted.
        Op(
            "floor",
            "floor: start-up + key derivation only",
            [sys.executable, "-c", FLOOR_SNIPPET],
            None,
            baseline=True,
            standalone=True,
        ),
        Op("list", "unlock + list last 20 (no index image)", ["list", "-n", "20"], ["-n", "20"]),
        Op(
            "rare",
            "search rare word (0.01%)",
            search("kapfreqhundredth"),
            ["-contains", "kapfreqhundredth"],
            why_na=na_search,
        ),
        Op(
            "common",
            "search common word (1%)",
            search("kapfreqone"),
            ["-contains", "kapfreqone"],
            why_na=na_search,
        ),
        Op(
            "prefix",
            "search prefix (kapfreqten*)",
            search("kapfreqten*"),
            ["-contains", "kapfreqten"],
            why_na=na_search,
        ),
        Op("tag", f"tag filter ({TAG}, 5%)", search(f"tag:{TAG}"), [f"@{TAG}"], why_na=na_search),
        Op(
            "range",
            "date range (3 months)",
            search(f"from:{RANGE_FROM} to:{RANGE_TO}"),
            ["-from", RANGE_FROM, "-to", RANGE_TO],
            why_na=na_search,
        ),
        # The searches above saved kapjournal's sealed index image; `list` reads the
        # newest entries from it instead of decrypting every entry (jrnl: same command).
        Op("list_image", "list last 20, index image saved", ["list", "-n", "20"], ["-n", "20"]),
        Op("add", "add one entry", ["add"], [add_text], kap_stdin=add_text.encode()),
        Op("export", "export JSON", export("json"), ["--export", "json"], why_na=na_export),
        # jrnl has no HTML export: timed for the figures section only.
        Op("html", "export HTML", export("html"), None, why_na=na_export),
    ]


def measure(
    argv: list[str], *, env: dict[str, str], stdin: bytes, runs: int, new_session: bool
) -> Timing:
    timing = Timing()
    for i in range(runs + 1):  # the first run warms caches and is not counted
        t, rc, peak, tail = run_timed(argv, env=env, stdin=stdin, new_session=new_session)
        if rc != 0:
            last = tail.strip().splitlines()[-1:] or [""]
            return Timing(note=f"failed (exit {rc}: {last[0][:80]})")
        if i:
            timing.runs.append(t)
            timing.peak_mib = max(timing.peak_mib, peak)
    return timing


def inprocess(vault: Path, pw: Path, env: dict[str, str]) -> dict[str, object]:
    """Figures measured inside one process on the benchmark vault (bench/inprocess.py)."""
    res = subprocess.run(
        [sys.executable, str(BENCH / "inprocess.py"), str(vault), str(pw)],
        env=env,
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["?"])[-1][:120]}
    figures: dict[str, object] = json.loads(res.stdout)
    return figures


def companion(script: str, args: list[str], env: dict[str, str]) -> dict[str, object] | None:
    """Run another feature's benchmark script (if this build has it); its JSON on stdout."""
    path = BENCH / script
    if not path.exists():
        return None
    res = subprocess.run(
        [sys.executable, str(path), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["?"])[-1][:120]}
    try:
        start = res.stdout.index("{")
        data: dict[str, object] = json.loads(res.stdout[start:])
    except ValueError:
        return {"error": "unreadable output"}
    return data


def tui_startup(vault: Path, env: dict[str, str], runs: int) -> dict[str, float] | None:
    """Cold start of the TUI to the unlock prompt (bench/tui_startup.py, if present)."""
    script = BENCH / "tui_startup.py"
    if not script.exists():
        return None
    res = subprocess.run(
        [sys.executable, str(script), str(vault), "--runs", str(runs)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    found: dict[str, float] = {}
    for line in res.stdout.splitlines():
        match = re.match(r"(.+?)\s+wall median\s+([\d.]+) ms", line)
        if match:
            found[match.group(1).strip()] = float(match.group(2))
    return found or None


# ------------------------------------------------------------------ report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}"


def git_rev() -> str:
    res = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return res.stdout.strip() or "unknown"


def ratio_cell(kap: Timing, jr: Timing | None, n: int, baseline: bool = False) -> tuple[str, str]:
    if jr is None or not kap.ok or not jr.ok:
        return "–", "–"
    ratio = statistics.median(kap.runs) / statistics.median(jr.runs)
    if baseline:
        return f"{ratio:.2f}", "(baseline: no unlock)"
    target = RATIO_TARGETS.get(n)
    if target is None:
        return f"{ratio:.2f}", "–"
    verdict = "met" if ratio <= target else "MISSED"
    return f"{ratio:.2f}", f"≤ {target:.2f}: {verdict}"


def floor_row(
    op: Op, kap: Timing, timings: dict[str, tuple[Op, Timing, Timing | None]], n: int
) -> str:
    """The floor beside jrnl's fastest unlocking operation: can any target be met at all?"""
    jrnl_ops = [
        statistics.median(jr.runs)
        for o, _, jr in timings.values()
        if not o.baseline and jr is not None and jr.ok
    ]
    if not kap.ok or not jrnl_ops:
        return f"| {op.label} | {n:,} | {kap.cell()} | – | – | – |"
    fastest = min(jrnl_ops)
    ratio = statistics.median(kap.runs) / fastest
    target = RATIO_TARGETS.get(n)
    verdict = ""
    if target is not None:
        spare_ms = (target * fastest - statistics.median(kap.runs)) * 1000
        verdict = (
            f"; the ≤ {target:.2f} target is out of reach before any work is done"
            if ratio > target
            else f"; leaves {spare_ms:.0f} ms for the work itself"
        )
    return (
        f"| {op.label} | {n:,} | {kap.cell()} | jrnl's fastest op: {fastest * 1000:.0f} ms | "
        f"{ratio:.2f} | (baseline{verdict}) |"
    )


def report(args: argparse.Namespace, results: list[dict[str, object]]) -> str:
    kdf = (
        "cheap TEST key derivation (smoke run only; not a real figure)"
        if args.insecure_test_kdf
        else "real key derivation (Argon2id, the vault's own parameters) in every process"
    )
    lines = [
        f"# kapjournal vs jrnl {JRNL_VERSION} — {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"- Machine: {machine()}; Python {platform.python_version()}; kapjournal {git_rev()}.",
        "- The machine was shared with other builds and test runs while this ran, so the "
        "figures are noisy; compare ratios rather than absolute times.",
        f"- kapjournal: {kdf}. jrnl: encrypted journal (its own PBKDF2 + Fernet), password "
        "on stdin.",
        "- Both tools run from byte-compiled code (kapjournal is compiled before timing, as "
        "pip does for jrnl's install).",
        f"- Whole processes, {args.runs} timed runs after one warm-up: median (min–max). "
        "Ratio = kapjournal median / jrnl median; targets from the benchmark issue "
        "(≤ 1 at 1,000, ≤ 1/3 at 10,000, ≤ 1/10 at 50,000).",
        "",
    ]
    lines += [
        "## Side by side (whole processes)",
        "",
        "| operation | N | kapjournal | jrnl | ratio | target |",
        "|---|---:|---|---|---:|---|",
    ]
    for res in results:
        n = int(res["n"])  # type: ignore[call-overload]
        timings: dict[str, tuple[Op, Timing, Timing | None]] = res["timings"]  # type: ignore[assignment]
        for op, kap, jr in timings.values():
            if op.key == "floor":
                lines.append(floor_row(op, kap, timings, n))
                continue
            if op.jrnl is None:
                continue
            ratio, target = ratio_cell(kap, jr, n, op.baseline)
            jcell = jr.cell() if jr is not None else "not run"
            lines.append(f"| {op.label} | {n:,} | {kap.cell()} | {jcell} | {ratio} | {target} |")
    lines.append("")
    for res in results:
        lines += inprocess_lines(int(res["n"]), res)  # type: ignore[call-overload]
    return "\n".join(lines) + "\n"


def _fmt_ms(value: object) -> str:
    if isinstance(value, int | float):
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    return "n/a (not built yet)"


def _search_cell(fig: dict[str, object], comp: dict[str, object] | None, n: int) -> str:
    parts = []
    mine = fig.get("search_ms")
    if isinstance(mine, dict) and mine:
        parts.append("this corpus: " + ", ".join(f"{k} {_fmt_ms(v)}" for k, v in mine.items()))
    if comp and isinstance(comp.get(str(n)), dict):
        queries = comp[str(n)].get("queries", {})  # type: ignore[union-attr]
        if isinstance(queries, dict) and queries:
            parts.append(
                "bench_search.py corpus (240 words/entry): "
                + ", ".join(
                    f"{k} {_fmt_ms(v.get('rank_ms'))}"
                    for k, v in queries.items()
                    if isinstance(v, dict)
                )
            )
    elif comp and "error" in comp:
        parts.append(f"bench_search.py failed: {comp['error']}")
    return "; ".join(parts) or "n/a (not built yet)"


def _tui_cell(found: object) -> str:
    if not isinstance(found, dict) or "kapjournal" not in found:
        return "n/a (measured at the first size only)" if found is None else "n/a"
    cell = f"{found['kapjournal']:.0f} ms"
    if "minimal Textual app" in found:
        cell += f" (a minimal Textual app: {found['minimal Textual app']:.0f} ms)"
    return cell + " (bench/tui_startup.py)"


def _companion_value(comp: dict[str, object] | None, n: int | None, key: str) -> object:
    if not comp:
        return None
    scope = comp.get(str(n)) if n is not None else comp
    return scope.get(key) if isinstance(scope, dict) else None


def inprocess_lines(n: int, res: dict[str, object]) -> list[str]:
    fig: dict[str, object] = res.get("inprocess") or {}  # type: ignore[assignment]
    search_comp: dict[str, object] | None = res.get("bench_search")  # type: ignore[assignment]
    timeline_comp: dict[str, object] | None = res.get("bench_timeline")  # type: ignore[assignment]
    timings: dict[str, tuple[Op, Timing, Timing | None]] = res["timings"]  # type: ignore[assignment]
    peaks = [t.peak_mib for _, t, _ in timings.values() if t.ok]
    searchable = _fmt_ms(fig.get("searchable_ms"))
    if fig.get("searchable_source"):
        searchable += f" (from the {fig['searchable_source']})"
    if fig.get("rebuild_ms") is not None:
        searchable += f"; full rebuild {_fmt_ms(fig['rebuild_ms'])}"
    image_ms = _companion_value(search_comp, n, "load_image_ms")
    if image_ms is not None:
        searchable += f"; bench_search.py image load {_fmt_ms(image_ms)}"
    stall = _companion_value(timeline_comp, None, "max_loop_stall_ms")
    timeline = (
        "n/a (not built yet)"
        if not (BENCH / "bench_timeline.py").exists()
        else "measured with the N = 10,000 size only"
    )
    if timeline_comp is not None:
        timeline = (
            f"open to rows {_fmt_ms(1000 * float(v))}"  # type: ignore[arg-type]
            if (v := _companion_value(timeline_comp, None, "open_to_rows_s")) is not None
            else str(timeline_comp.get("error", "n/a"))
        )
        if stall is not None:
            timeline += f"; longest UI stall {_fmt_ms(stall)}"
        frame = _companion_value(timeline_comp, None, "max_frame_ms")
        if frame is not None:
            timeline += f"; slowest frame {_fmt_ms(frame)}"
        timeline += " (bench_timeline.py, 10,000 entries / 200 sessions)"
    peak_search = _companion_value(search_comp, n, "peak_image_mib")
    rows = [
        (
            "import of the corpus (whole process)",
            f"{float(res['import_s']) * 1000:.0f} ms",  # type: ignore[arg-type]
            "–",
        ),
        (
            "unlock incl. key derivation (in process)",
            _fmt_ms(fig.get("unlock_ms")),
            "< 600 ms total unlock at 10k (issue 5)",
        ),
        ("decrypt all entries after unlock", _fmt_ms(fig.get("decrypt_entries_ms")), "–"),
        (
            "unlock to searchable, KDF excluded",
            searchable,
            "< 100 ms at 10k, < 3 s at 100k (issue 5)",
        ),
        (
            "search latency, median (top 50)",
            _search_cell(fig, search_comp, n),
            "< 15 ms at 10k; 100k: rare < 5 ms, phrase < 20 ms, term/prefix < 50 ms (issue 5)",
        ),
        ("timeline open", timeline, "no frame > 100 ms (issue 4)"),
        (
            "TUI cold start to the unlock prompt",
            _tui_cell(res.get("tui_startup")),
            "< 300 ms (issue 2)",
        ),
        (
            "HTML export, whole process",
            timings["html"][1].cell(),
            "< 600 ms at 10k as a whole process (issue 6)",
        ),
        (
            "JSON export, whole process",
            timings["export"][1].cell(),
            "< 600 ms at 10k, < 3 s at 50k (issue 6)",
        ),
        (
            "add one entry, whole process",
            timings["add"][1].cell(),
            "< 350 ms at any size (issue 2)",
        ),
        (
            "peak memory, in-process (unlock, decrypt, index)",
            f"{float(fig['peak_rss_mib']):.0f} MiB" if fig.get("peak_rss_mib") else "n/a",  # type: ignore[arg-type]
            "< 720 MiB at 100k (issue 5)",
        ),
        (
            "peak memory, bench_search.py (image load)",
            f"{float(peak_search):.0f} MiB" if peak_search is not None else "n/a",  # type: ignore[arg-type]
            "< 720 MiB at 100k (issue 5)",
        ),
        ("peak memory, largest CLI process", f"{max(peaks):.0f} MiB" if peaks else "n/a", "–"),
    ]
    out = [
        f"In-process and other figures at N = {n:,}:",
        "",
        "| figure | measured | target |",
        "|---|---|---|",
    ]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return out + [""]


# ------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=None,
        help="comma-separated entry counts (default 1000,10000)",
    )
    p.add_argument("--large", action="store_true", help="also run N = 50,000 and 100,000")
    p.add_argument("--runs", type=int, default=None, help="timed runs per operation (default 5)")
    p.add_argument("--quick", action="store_true", help="N = 1,000, 3 runs, no jrnl")
    jr = p.add_mutually_exclusive_group()
    jr.add_argument(
        "--with-jrnl",
        dest="jrnl",
        action="store_true",
        default=None,
        help="compare with jrnl 4.6 (default, except with --quick)",
    )
    jr.add_argument("--no-jrnl", dest="jrnl", action="store_false")
    p.add_argument("--work", type=Path, default=BENCH / "work", help="scratch folder")
    p.add_argument("--results", type=Path, default=BENCH / "results")
    p.add_argument("--no-save", action="store_true", help="print only; do not save")
    p.add_argument(
        "--no-companions",
        dest="companions",
        action="store_false",
        help="skip the other features' scripts (bench_search.py, bench_timeline.py)",
    )
    p.add_argument(
        "--insecure-test-kdf",
        action="store_true",
        help="use the cheap test KDF (smoke tests only; figures are not real)",
    )
    args = p.parse_args(argv)
    if args.sizes is None:
        args.sizes = [1_000] if args.quick else [1_000, 10_000]
    if args.large:
        args.sizes += [s for s in (50_000, 100_000) if s not in args.sizes]
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.jrnl is None:
        args.jrnl = not args.quick
    return args


def compile_bytecode() -> None:
    """Byte-compile kapjournal, as ``pip install`` does for jrnl in its venv.

    An editable install has no ``.pyc`` files until a first import writes them,
    and with ``PYTHONDONTWRITEBYTECODE`` set (as on shared build machines) none
    are ever written: every timed process would then recompile every module
    (~40 ms each), a cost no installed copy pays.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "kapjournal")],
        env=env,
        check=True,
        capture_output=True,
    )


def results_name(folder: Path, suffix: str) -> Path:
    """``<date>-<machine><suffix>.md``; a later run the same day gets its time added."""
    stem = f"{datetime.now():%Y-%m-%d}-{platform.node() or 'machine'}{suffix}"
    path = folder / f"{stem}.md"
    if path.exists():
        path = folder / f"{stem}-{datetime.now():%H%M}.md"
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    compile_bytecode()
    env = kap_env(args.insecure_test_kdf)
    helps = kap_commands(env)
    jrnl = ensure_jrnl(args.work) if args.jrnl else None
    results: list[dict[str, object]] = []
    for n in args.sizes:
        base = args.work / f"n{n}"
        base.mkdir(parents=True, exist_ok=True)
        corpus = base / "corpus.txt"
        stats = generate(n, corpus)
        print(f"N={n:,}: corpus {stats['bytes']:,} bytes; setting up ...", file=sys.stderr)
        vault, pw, import_s = setup_kap(base, corpus, env)
        config = setup_jrnl(base, corpus, jrnl) if jrnl else None
        kap_base = kap_cmd() + ["--vault", str(vault), "--passphrase-file", str(pw)]
        timings: dict[str, tuple[Op, Timing, Timing | None]] = {}
        for op in operations(helps, base / "export.json"):
            kap = (
                measure(
                    op.kap + kap_base[1:] if op.standalone else kap_base + op.kap,
                    env=env,
                    stdin=op.kap_stdin,
                    runs=args.runs,
                    new_session=False,
                )
                if op.kap is not None
                else Timing(note=op.why_na)
            )
            jr = None
            if jrnl is not None and config is not None and op.jrnl is not None:
                jr = measure(
                    [str(jrnl), "--config-file", str(config), *op.jrnl],
                    env=jrnl_env(),
                    stdin=(JRNL_PASSWORD + "\n").encode(),
                    runs=args.runs,
                    new_session=True,
                )
            timings[op.key] = (op, kap, jr)
            print(
                f"  {op.label}: kapjournal {kap.cell()}" + (f", jrnl {jr.cell()}" if jr else ""),
                file=sys.stderr,
            )
        results.append(
            {
                "n": n,
                "timings": timings,
                "import_s": import_s,
                "inprocess": inprocess(vault, pw, env),
                "stats": stats,
                "bench_search": companion(
                    "bench_search.py",
                    ["--sizes", str(n), "--workdir", str(args.work / "search")],
                    env,
                )
                if args.companions
                else None,
                "bench_timeline": companion("bench_timeline.py", [], env)
                if args.companions and n == 10_000
                else None,
                "tui_startup": tui_startup(vault, env, runs=args.runs)
                if args.companions and n == args.sizes[0]
                else None,
            }
        )
    text = report(args, results)
    print(text)
    if not args.no_save:
        args.results.mkdir(parents=True, exist_ok=True)
        # Quick or jrnl-less runs never overwrite the full side-by-side results of the day.
        suffix = "-quick" if args.quick else ("" if args.jrnl else "-no-jrnl")
        path = results_name(args.results, suffix)
        path.write_text(text, encoding="utf-8")
        print(f"Saved to {path}", file=sys.stderr)
    failed = any(
        not t.ok and t.note.startswith("failed")
        for r in results
        for _, t, _ in r["timings"].values()
    )  # type: ignore[attr-defined]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
