"""Ingest: the whole ``kansenradar crawl files`` on 20 000 real notices, against bare lxml parsing of the bytes.

Notices: the 3 600+ shared real ones (``notices/corpus/`` included) repeated with rewritten identifiers, as files.
Floor: ``lxml.etree.fromstring`` of every file's bytes, read from the same files, one core. Measured: the command a
user runs, start-up included, into a new SQLite file (the faster of two runs, as for the floor). Goal: at most 3x
the floor. Also: storing the same notices again (all unchanged, recognised by their hash in SQL).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from lxml import etree

from tests.benchmarks.corpus import kansenradar, sources, write_notices
from tests.parallelism import cores
from tests.shared import SHARED_DATA

COUNT = 20_000


def _floor(paths: list[Path]) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for path in paths:
            etree.fromstring(path.read_bytes())
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"ingest: skipped, {SHARED_DATA} not found"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notices"
        paths = write_notices(folder, COUNT)
        floor = _floor(paths)
        # Like the floor, the faster of two runs (each into a new database): a one-off stall of a 2-core machine
        # should not decide the figure either way.
        runs = []
        for attempt in range(2):
            database = Path(tmp) / f"ingest-{attempt}.db"
            runs.append(kansenradar(database, "crawl", "files", str(folder))[0])
        first = min(runs)
        again, _peak = kansenradar(database, "crawl", "files", str(folder))
    per = 1000 / COUNT
    return [
        f"ingest: `crawl files` on {COUNT} real notices ({len(sources())} distinct, eForms + TED XML) into SQLite,"
        f" {cores()} cores",
        f"  floor, lxml.etree.fromstring:   {floor * per:6.3f} ms/notice  ({floor:5.1f} s)",
        f"  `kansenradar crawl files`, new:  {first * per:6.3f} ms/notice  ({first:5.1f} s, "
        f"{first / floor:.1f}x floor)",
        f"  the same again, all unchanged:  {again * per:6.3f} ms/notice  ({again:5.1f} s, {again / floor:.1f}x)",
    ]
