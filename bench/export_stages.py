"""Where the time of one export goes, stage by stage (in process, real KDF).

Usage: python bench/export_stages.py N   (after bench/export_bench.py built the vault)
"""

from __future__ import annotations

import os
import sys
import time

os.environ.pop("KAPJOURNAL_INSECURE_TEST_KDF", None)
if os.environ.get("NOGC"):
    import gc

    gc.disable()
t0 = time.perf_counter()
from kapjournal.core.export import render  # noqa: E402
from kapjournal.core.export.age import encrypt, new_identity  # noqa: E402
from kapjournal.core.export.model import ExportOptions, build_document  # noqa: E402
from kapjournal.core.journal import Journal  # noqa: E402
from kapjournal.core.models import MODEL_KINDS  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
imports = time.perf_counter() - t0
t = time.perf_counter()
j = Journal.unlock(f"bench/work/export-{n}.kapj", "benchmark passphrase words", readonly=True)
unlock = time.perf_counter() - t
t = time.perf_counter()
j._load_kinds([k for k in MODEL_KINDS if k not in ("draft",)])
decrypt = time.perf_counter() - t
_, public = new_identity(j.now())
print(f"{n} entries: imports {imports:.3f}s  KDF+unlock {unlock:.3f}s", end="  ")
print(f"decrypt+decode {decrypt:.3f}s")
for fmt in ("html", "json", "md"):
    t = time.perf_counter()
    doc = build_document(j, ExportOptions())
    data = render(doc, fmt)
    mid = time.perf_counter()
    encrypt(data, recipient=public)
    end = time.perf_counter()
    print(f"  {fmt:<4}  select+summary+render {mid - t:.3f}s  age {end - mid:.3f}s")
