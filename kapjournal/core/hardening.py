"""Process hardening applied at start-up (SECURITY.md section 5)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from typing import Any


def harden_process() -> None:
    """Private umask, no core dumps, not ptrace-able by other users' tools."""
    os.umask(0o077)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError, TypeError):
            pr_set_dumpable = 4
            _prctl()(pr_set_dumpable, 0, 0, 0, 0)


def _prctl() -> Any:
    """libc's ``prctl``: from the running program's own symbols when it has them.

    ``CDLL(None)`` costs nothing; ``ctypes.util.find_library`` (the fallback)
    imports subprocess machinery (~25 ms in a bare interpreter, a few ms in a
    command that imports some of it anyway) and may run ``ldconfig``.
    """
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        from ctypes.util import find_library

        return ctypes.CDLL(find_library("c") or "libc.so.6", use_errno=True).prctl
