"""Process hardening at start-up: private umask, no core dumps, not dumpable."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import ctypes, os, resource, sys
from kapjournal.core.hardening import harden_process
harden_process()
print(oct(os.umask(0o077)))
print(resource.getrlimit(resource.RLIMIT_CORE))
print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))  # PR_GET_DUMPABLE
print('ctypes.util' in sys.modules)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux-only")
def test_hardening_process_is_private_and_not_dumpable_without_find_library() -> None:
    res = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr
    umask, core, dumpable, loaded_util = res.stdout.split("\n")[:4]
    assert umask == "0o77"
    assert core == "(0, 0)"
    assert dumpable == "0"
    assert loaded_util == "False"  # the slow library lookup was not needed
