"""Parse + store throughput on the shared real notices replicated to 5 000 files, against bare lxml parsing.

Floor: ``lxml.etree.fromstring`` on the same bytes (read from the same files). Measured: ``parse_document`` plus
``upsert_notice`` in one transaction per notice (what the crawl pipeline does), into a real SQLite file; and the
whole ``crawl files`` command on the same folder. Peak memory is the child process's max RSS at 1 000 and 5 000
files: flat means storage does not grow with the count.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from crawler.parsers import parse_document
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.shared import SHARED_DATA

COUNT = 5000
PUB_EFORMS = re.compile(rb'(schemeName="ojs-notice-id">)\d+-(\d{4})')
NOTICE_UUID = re.compile(rb'(<cbc:ID schemeName="notice-id">)[^<]{8}')
DOC_ID = re.compile(rb'DOC_ID="\d+-(\d{4})"')


def _sources() -> list[bytes]:
    files = sorted((SHARED_DATA / "notices" / "eforms-real").glob("*.xml"))
    files += sorted((SHARED_DATA / "notices" / "ted-xml").glob("*.xml"))
    return [f.read_bytes() for f in files]


def _replicate(folder: Path, count: int) -> list[Path]:
    """Write ``count`` files, each a real notice with its identifiers made unique."""
    sources, paths = _sources(), []
    for n in range(count):
        data = sources[n % len(sources)]
        data = PUB_EFORMS.sub(rb"\g<1>%08d-\g<2>" % (n + 1), data)
        data = NOTICE_UUID.sub(rb"\g<1>%08x" % (n + 1), data)
        data = DOC_ID.sub(rb'DOC_ID="%06d-\g<1>"' % (n + 1), data)
        path = folder / f"notice-{n:05d}.xml"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _floor(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        etree.fromstring(path.read_bytes())
    return time.perf_counter() - start


def _parse_and_store(paths: list[Path], database: Path) -> float:
    engine = get_engine(f"sqlite:///{database}")
    upgrade(engine)
    start = time.perf_counter()
    for path in paths:
        data = path.read_bytes()
        records = parse_document(data, name=path.name)
        # As the crawl pipeline does: the raw document's hash identifies an unchanged single-notice file.
        digest = hashlib.sha256(data).hexdigest() if len(records) == 1 else None
        for record in records:
            with session_scope(engine) as session:
                repository.upsert_notice(session=session, record=record, content_hash=digest)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def _peak_mib() -> float:
    """Return this process's peak resident memory in MiB.

    VmHWM belongs to the process image; ``ru_maxrss`` is kept across exec and would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_rss(count: int, queue: multiprocessing.Queue) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = _replicate(Path(tmp), count)
        _parse_and_store(paths, Path(tmp) / "memory.db")
    queue.put(_peak_mib())


def _rss_at(count: int) -> float:
    # A fresh interpreter: a forked child would start with this process's memory (spaCy, the other benchmarks).
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_peak_rss, args=(count, queue))
    process.start()
    value = queue.get()
    process.join()
    return value


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"crawl: skipped, {SHARED_DATA} not found"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notices"
        folder.mkdir()
        paths = _replicate(folder, COUNT)
        floor = min(_floor(paths) for _ in range(3))
        core = _parse_and_store(paths, Path(tmp) / "bench.db")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "jobs", "--database-url", f"sqlite:///{Path(tmp) / 'crawl.db'}", "--log-level",
             "ERROR", "crawl", "files", str(folder)],
            check=False, capture_output=True,
        )  # fmt: skip
        whole = time.perf_counter() - start
    small, large = _rss_at(1000), _rss_at(COUNT)
    per = 1000 / COUNT
    return [
        f"crawl: {COUNT} real notices (eForms + TED XML, {len(_sources())} distinct) as files into SQLite",
        f"  floor, lxml.etree.fromstring:  {floor * per:6.2f} ms/notice",
        f"  parse_document + upsert_notice: {core * per:6.2f} ms/notice  ({core / floor:.1f}x floor)",
        f"  `kansenradar crawl files`:       {whole * per:6.2f} ms/notice  ({whole / floor:.1f}x, with start-up)",
        f"  peak RSS: {small:.0f} MiB at 1 000 notices, {large:.0f} MiB at {COUNT} ({large / small:.2f}x)",
    ]
