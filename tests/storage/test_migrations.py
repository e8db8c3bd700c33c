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


def test_stored_notices_get_when_their_last_lot_closes(database_url: str) -> None:
    from datetime import UTC, datetime

    from alembic.command import downgrade
    from sqlmodel import select

    from storage import repository
    from storage.db import _alembic_config, session_scope
    from storage.models import Notice
    from tests.factories import make_record

    first, last = datetime(2026, 12, 10, 11, 0, tzinfo=UTC), datetime(2026, 12, 20, 11, 0, tzinfo=UTC)
    lots = [{"lot_id": "LOT-1", "deadline": first.isoformat()}, {"lot_id": "LOT-2", "deadline": last.isoformat()}]
    engine = get_engine(database_url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            repository.upsert_notice(
                session=session, record=make_record(notice_id="1-2026", deadline=first, lots=lots)
            )
            repository.upsert_notice(session=session, record=make_record(notice_id="2-2026", deadline=None, lots=[]))
        downgrade(_alembic_config(engine), "0013")  # as a database made before the column was
        upgrade(engine)
        with session_scope(engine) as session:
            found = dict(session.exec(select(Notice.notice_id, Notice.closes_at)).all())
        assert found == {"1-2026": last, "2-2026": None}
    finally:
        engine.dispose()
