"""Storage throughput: notice upserts through the repository vs. the floor of raw sqlite3 inserts.

The floor writes the same JSON documents into a one-table SQLite file with ``executemany`` in one transaction;
the repository adds validation-free ORM work, lots, indexes and the unchanged-check. Both use real files.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from pathlib import Path

from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.factories import make_record

COUNT = 2000


def _records() -> list:
    return [
        make_record(notice_id=f"{n}-2026", publication_number=f"{n}-2026", procedure_id=f"proc-{n}")
        for n in range(COUNT)
    ]


def _floor(path: Path, docs: list[str]) -> float:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notice (id INTEGER PRIMARY KEY, notice_id TEXT UNIQUE, record TEXT)")
    start = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO notice (notice_id, record) VALUES (?, ?)", ((str(i), doc) for i, doc in enumerate(docs))
        )
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def _upsert_all(engine, records: list) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    with session_scope(engine) as session:
        for record in records:
            repository.upsert_notice(session=session, record=record)
    return time.perf_counter() - start


def run() -> list[str]:
    """Measure and return report lines."""
    records = _records()
    docs = [json.dumps(r.model_dump(mode="json")) for r in records]
    with tempfile.TemporaryDirectory() as tmp:
        floor = _floor(Path(tmp) / "floor.db", docs)
        engine = get_engine(f"sqlite:///{Path(tmp) / 'repo.db'}")
        upgrade(engine)
        first = _upsert_all(engine, records)
        again = _upsert_all(engine, records)
        engine.dispose()
    return [
        f"storage: {COUNT} notices (2 lots each) into SQLite files",
        f"  floor, raw sqlite3 executemany: {COUNT / floor:10.0f} notices/s",
        f"  upsert_notice, new:            {COUNT / first:10.0f} notices/s  ({first / floor:.1f}x floor)",
        f"  upsert_notice, unchanged:      {COUNT / again:10.0f} notices/s  ({again / floor:.1f}x floor)",
    ]
