"""Benchmark data: the shared real notices repeated with rewritten identifiers, companies, measured commands."""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import yaml

from crawler.archives import iter_path
from crawler.parsers import parse_document
from tests.shared import SHARED_DATA

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PUB_EFORMS = re.compile(rb'(schemeName="ojs-notice-id">)\d+-(\d{4})')
NOTICE_UUID = re.compile(rb'(<cbc:ID schemeName="notice-id">)[^<]{8}')
PROCEDURE_UUID = re.compile(rb"(<cbc:ContractFolderID>)[^<]{8}")
DOC_ID = re.compile(rb'DOC_ID="\d+-(\d{4})"')
REGIONS = ["NL32", "NL33", "NL41", "NL22", "BE2", "DE7", "FR1", "NL", ""]
# The shared corpus is 41 % award, modification and VEAT notices, which are no opportunity and are never matched;
# the TED crawl's default notice types are calls for competition only. Matching is measured on calls: result
# notices become calls (eForms notice type; TED XML award forms become their call forms).
EFORMS_RESULT = re.compile(rb"(<cbc:NoticeTypeCode[^>]*>)(?:can-[a-z]+|veat|compl)(</cbc:NoticeTypeCode>)")
TED_RESULT_FORM = re.compile(rb"<(/?)F(03|06|13|15|20|25)_(\d{4})")
TED_CALL_FORM = {b"03": b"02", b"06": b"05", b"13": b"12", b"15": b"02", b"20": b"02", b"25": b"24"}
TED_AWARD_TYPE = re.compile(rb'(<NOTICE TYPE=")(?:CONCESSION_)?AWARD_CONTRACT(")')


def as_call(data: bytes) -> bytes:
    """Return a notice document as a call for competition (see ``EFORMS_RESULT``)."""
    data = EFORMS_RESULT.sub(rb"\1cn-standard\2", data)
    data = TED_RESULT_FORM.sub(lambda m: b"<%sF%s_%s" % (m[1], TED_CALL_FORM[m[2]], m[3]), data)
    return TED_AWARD_TYPE.sub(rb"\1CONTRACT\2", data)


@cache
def sources() -> tuple[bytes, ...]:
    """Return every shared real notice document (eForms and TED XML, the corpus archives included)."""
    found = []
    for part in ("eforms-real", "ted-xml", "corpus/eforms.tar.gz", "corpus/ted-xml.tar.gz"):
        for _name, body in iter_path(SHARED_DATA / "notices" / part):
            if isinstance(body, bytes):
                found.append(body)
    return tuple(found)


def write_notices(folder: Path, count: int, *, offset: int = 0, calls: bool = False) -> list[Path]:
    """Write ``count`` notice files, each a real notice with its notice (and procedure) identifiers made unique;
    with ``calls``, result notices become calls for competition (``as_call``)."""
    folder.mkdir(parents=True, exist_ok=True)
    documents, paths = sources(), []
    for n in range(offset, offset + count):
        data = documents[n % len(documents)]
        data = as_call(data) if calls else data
        data = PUB_EFORMS.sub(rb"\g<1>%08d-\g<2>" % (n + 1), data)
        data = NOTICE_UUID.sub(rb"\g<1>%08x" % (n + 1), data)
        data = PROCEDURE_UUID.sub(rb"\g<1>%08x" % (n + 1), data)
        data = DOC_ID.sub(rb'DOC_ID="%06d-\g<1>"' % (n + 1), data)
        path = folder / f"n{n:07d}.xml"
        path.write_bytes(data)
        paths.append(path)
    return paths


def write_companies(path: Path, count: int) -> None:
    """Write ``count`` company profiles made from real notice texts (what they do), with CPV, region, capacity."""
    rng = random.Random(7)
    records = []
    for data in sources()[:800]:
        try:
            records.extend(parse_document(data, name="x"))
        except Exception:
            continue
    companies = []
    for n in range(count):
        record = records[rng.randrange(len(records))]
        text = " ".join(filter(None, [record.title, record.description]))[:600] or "Groenonderhoud"
        region = rng.choice(REGIONS)
        codes = [c[:4] for c in [record.cpv_main, *record.cpv_additional][:2] if c]
        companies.append({"id": f"c{n:04d}", "name": f"Bedrijf {n}", "description": text, "cpv": codes,
                          "regions": [region] if region else [], "email": f"c{n}@bench.example",
                          "capacity": {"max_contract_value": rng.choice([1e5, 2.5e5, 5e5, 1e6])},
                          "digest": {"min_score": 0.3}})  # fmt: skip
    path.write_text(yaml.safe_dump(companies, allow_unicode=True), encoding="utf-8")


def kansenradar(database: Path, *args: str, workers: int | None = None) -> tuple[float, float]:
    """Run the command line as a user does (a fresh interpreter); return (seconds, peak resident MiB of it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
    # The shared notices closed long ago and most give no deadline; undated ones stay open here (as they would
    # for an operator who sets a long KANSENRADAR_UNDATED_DAYS), so that `match` has thousands of notices to score.
    env |= {"PYTHONPATH": str(PROJECT_ROOT), "KANSENRADAR_DATABASE_URL": f"sqlite:///{database}",
            "KANSENRADAR_LOG_LEVEL": "ERROR", "KANSENRADAR_UNDATED_DAYS": "3650"}  # fmt: skip
    if workers:
        env["KANSENRADAR_WORKERS"] = str(workers)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tests.benchmarks.measured", *args], env=env, cwd=database.parent,
                          capture_output=True, text=True, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"kansenradar {' '.join(args)} failed: {done.stderr[-2000:]}")
    peak = next((float(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("VmHWM-MiB")), 0.0)
    return elapsed, peak


def last_counts(database: Path, name: str) -> dict[str, int]:
    """Return the counts of the latest job run called ``name`` (what a measured command did)."""

    with sqlite3.connect(database) as connection:
        query = "SELECT counts FROM job_run WHERE name = ? ORDER BY id DESC LIMIT 1"
        row = connection.execute(query, (name,)).fetchone()
    return json.loads(row[0]) if row and row[0] else {}
