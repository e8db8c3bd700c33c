"""Processes that do not outlive the one that started them: crawl children of ``run``, parsing workers of a crawl."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


# Resolved once, here: between fork and exec (``preexec_fn``) a child may not start a process, as looking the
# library up by name does (ldconfig), nor take locks another thread of the parent held.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent(parent: int) -> None:
    """In a child process: ask the kernel for SIGTERM when the parent (pid ``parent``) goes away, even by ``kill -9``
    (Linux ``PR_SET_PDEATHSIG``); exit at once if it is gone already."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)


def start_worker(parent: int) -> None:
    """Start a parsing worker: it dies with its crawl, and Ctrl-C (sent to the whole process group) is the crawl's to
    handle. A worker interrupted mid-batch only left tracebacks, and a crawl that could not close its pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
