"""Run the ``kansenradar`` command line and report its peak resident memory (VmHWM) on stderr at exit.

VmHWM belongs to this process image; ``ru_maxrss`` survives exec and would report a parent's peak. Worker
processes (parsing, analysis) have their own and are not counted here.
"""

from __future__ import annotations

import atexit
import sys
from pathlib import Path


def _report() -> None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            sys.stderr.write(f"VmHWM-MiB {int(line.split()[1]) / 1024:.1f}\n")


if __name__ == "__main__":
    atexit.register(_report)
    from jobs.cli import cli

    cli(sys.argv[1:], prog_name="kansenradar")
