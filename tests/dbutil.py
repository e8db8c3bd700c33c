"""Read what a command stored, on SQLite or PostgreSQL alike (tests only)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.records import CompanyProfile, NoticeRecord


def rows(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Return the rows of a query against the database at ``url``."""
    engine = get_engine(url, create=False)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def store(url: str, *records: NoticeRecord, companies: tuple[CompanyProfile, ...] = ()) -> None:
    """Store notice records (and companies) in the database at ``url``, its schema brought up to date first."""
    engine = get_engine(url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            for record in records:
                repository.upsert_notice(session=session, record=record)
            for company in companies:
                repository.upsert_company(session=session, profile=company)
    finally:
        engine.dispose()


def scalar(url: str, sql: str, **params: Any) -> Any:
    """Return the single value of a query."""
    return rows(url, sql, **params)[0][0]


def as_json(value: Any) -> Any:
    """Return a JSON column's value as Python data (SQLite hands back text, PostgreSQL decoded data)."""
    return json.loads(value) if isinstance(value, str) else value


def job_runs(url: str, name: str) -> list[tuple[str, dict[str, int], str | None]]:
    """Return (status, counts, watermark) of a job's runs, oldest first."""
    found = rows(url, "SELECT status, counts, watermark FROM job_run WHERE name = :name ORDER BY id", name=name)
    return [(status, as_json(counts), watermark) for status, counts, watermark in found]
