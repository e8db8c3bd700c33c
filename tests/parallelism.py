"""The machine's facts the benchmarks report with their figures."""

from __future__ import annotations

import os


def cores() -> int:
    """Return the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
