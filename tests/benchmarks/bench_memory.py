"""Peak memory of what users run, at 10 000 and at 100 000 notices: flat means nothing loads every notice.

Each command runs in a fresh interpreter that reports its own VmHWM (parsing and analysis workers have their own,
bounded by their batch). Goal: at most 1.3x at ten times the notices.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.benchmarks.corpus import kansenradar, write_companies, write_notices
from tests.shared import SHARED_DATA

SMALL, LARGE, COMPANIES = 10_000, 100_000, 1_000


def _peaks(tmp: Path, count: int) -> dict[str, float]:
    database, folder = tmp / f"m{count}.db", tmp / f"n{count}"
    companies = tmp / "companies.yaml"
    if not companies.exists():
        write_companies(companies, COMPANIES)
    write_notices(folder, count, calls=True)
    peaks = {}
    _seconds, peaks["crawl files"] = kansenradar(database, "crawl", "files", str(folder))
    kansenradar(database, "companies", "import", str(companies))
    kansenradar(database, "analyse")
    _seconds, peaks["match"] = kansenradar(database, "match", "--quiet")
    _seconds, peaks["report coverage"] = kansenradar(database, "report", "coverage", "--output", str(tmp / "r.html"))
    return peaks


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"memory: skipped, {SHARED_DATA} not found"]
    with tempfile.TemporaryDirectory() as tmp:
        small = _peaks(Path(tmp), SMALL)
        large = _peaks(Path(tmp), LARGE)
    lines = [f"memory: peak resident memory (VmHWM) of each command, {SMALL} vs {LARGE} notices"]
    for name in small:
        lines.append(
            f"  {name:16} {small[name]:7.0f} MiB -> {large[name]:7.0f} MiB  ({large[name] / small[name]:.2f}x)"
        )
    return lines
