"""Migrations: from empty they give exactly the models' schema, and they run both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.db import current_revision, ensure_schema, get_engine, head_revision, upgrade


def _diff(engine) -> list:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_migrations_from_empty_match_the_models(database_url: str) -> None:
    engine = get_engine(database_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == head_revision()
        assert _diff(engine) == []
        tables = set(inspect(engine).get_table_names())
        assert {"notice", "company", "clause_finding", "match", "delivery", "job_run", "crawl_failure"} <= tables
        assert "lot" not in tables  # lots live in the notice record (migration 0006)
    finally:
        engine.dispose()


def test_downgrade_to_empty_and_back(database_url: str) -> None:
    engine = get_engine(database_url)
    try:
        upgrade(engine)
        upgrade_base = __import__("alembic.command", fromlist=["downgrade"]).downgrade
        from storage.db import _alembic_config

        upgrade_base(_alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_ensure_schema_creates_once_and_then_does_nothing(sqlite_url: str) -> None:
    engine = get_engine(sqlite_url)
    try:
        ensure_schema(engine)
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
