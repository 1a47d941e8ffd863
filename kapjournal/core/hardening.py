"""Process hardening applied at start-up (SECURITY.md section 5)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys


def harden_process() -> None:
    """Private umask, no core dumps, not ptrace-able by other users' tools."""
    os.umask(0o077)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError, TypeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            pr_set_dumpable = 4
            libc.prctl(pr_set_dumpable, 0, 0, 0, 0)
