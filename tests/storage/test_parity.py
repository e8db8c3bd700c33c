"""PostgreSQL parity: what SQLite lets through (lengths), what only PostgreSQL shows (idle transactions, locks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (table registration)
from jobs.locks import run_lock
from storage import repository
from storage.db import get_engine, head_revision, session_scope
from storage.records import Buyer, LotRecord, Money, NoticeRecord
from tests.dbutil import scalar
from tests.factories import make_record
from tests.replay import PROJECT_ROOT

# Record field -> the column it is stored in.
STORED = [
    ((NoticeRecord, "notice_id"), ("notice", "notice_id")),
    ((NoticeRecord, "publication_number"), ("notice", "publication_number")),
    ((NoticeRecord, "procedure_id"), ("notice", "procedure_id")),
    ((NoticeRecord, "refers_to"), ("notice", "refers_to")),
    ((NoticeRecord, "tenderned_id"), ("notice", "tenderned_id")),
    ((NoticeRecord, "version"), ("notice", "version")),
    ((NoticeRecord, "notice_type"), ("notice", "notice_type")),
    ((NoticeRecord, "language"), ("notice", "language")),
    ((Buyer, "country"), ("notice", "buyer_country")),
    ((Money, "currency"), ("notice", "currency")),
    ((LotRecord, "lot_id"), ("clause_finding", "lot_id")),
]


def _max_length(model: type, name: str) -> int | None:
    for item in model.model_fields[name].metadata:  # type: ignore[attr-defined]
        if getattr(item, "max_length", None):
            return int(item.max_length)
    annotation: Any = model.model_fields[name].annotation  # type: ignore[attr-defined]
    for arg in getattr(annotation, "__args__", ()):
        for item in getattr(arg, "__metadata__", ()):
            if getattr(item, "max_length", None):
                return int(item.max_length)
    return None


@pytest.mark.parametrize(("field", "column"), STORED, ids=[".".join(c) for _f, c in STORED])
def test_the_record_refuses_what_its_column_cannot_hold(field: tuple[type, str], column: tuple[str, str]) -> None:
    table = SQLModel.metadata.tables[column[0]]
    kind = table.c[column[1]].type
    assert isinstance(kind, String) and kind.length
    limit = _max_length(*field)
    assert limit is not None and limit <= kind.length, f"{field[1]}: record allows {limit}, column {kind.length}"


def test_every_limited_notice_column_is_guarded_by_the_record() -> None:
    guarded = {column for _field, column in STORED}
    for table in ("notice",):
        for column in SQLModel.metadata.tables[table].c:
            if isinstance(column.type, String) and column.type.length and column.name not in ("source", "format"):
                computed = column.name in ("cpv_main", "content_hash", "clauses_version")
                assert computed or (table, column.name) in guarded, f"{table}.{column.name} is not checked"


def test_an_ocds_release_date_fits_as_version(engine: Engine) -> None:
    record = make_record(source="ocds", format="ocds", notice_id="ocds-h6vhtk-0a1b2c",
                         version="2026-11-20T09:00:00.000000+00:00")  # fmt: skip
    with session_scope(engine) as session:
        assert repository.upsert_notice(session=session, record=record) == repository.Outcome.NEW
    assert scalar(str(engine.url.render_as_string(hide_password=False)), "SELECT version FROM notice") == (
        "2026-11-20T09:00:00.000000+00:00"
    )


@pytest.mark.postgres
def test_the_run_lock_leaves_no_transaction_idle(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    query = text("SELECT a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                 "WHERE l.locktype = 'advisory' AND l.granted")  # fmt: skip
    with run_lock(engine), engine.connect() as probe:
        states = [row[0] for row in probe.execute(query)]
    assert states == ["idle"]  # not "idle in transaction" for the length of a run


def test_two_processes_migrating_at_once_both_succeed(database_url: str, tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
    env = {**clean, "KANSENRADAR_DATABASE_URL": database_url, "PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "jobs", "db", "upgrade"]
    processes = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(3)]  # fmt: skip
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [err for _out, err in results]
    probe = get_engine(database_url)
    try:
        with probe.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    finally:
        probe.dispose()
