"""A migration that fails is a MigrationError; only a database that cannot be reached or used is unavailable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

import storage.db
from jobs.locks import LockedError
from storage.db import ensure_schema, get_engine, upgrade
from storage.exceptions import DatabaseMissingError, DatabaseUnavailableError, MigrationError


def test_a_migration_whose_statement_fails_is_a_migration_error(database_url: str) -> None:
    # A table the next migration creates already there: PostgreSQL says ProgrammingError, SQLite OperationalError
    # with its generic SQLITE_ERROR code; either is the migration's failure, not an unreachable database.
    engine = get_engine(database_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE model_state (name VARCHAR(64))"))
        with pytest.raises(MigrationError) as caught:
            upgrade(engine)
        message = str(caught.value)
        assert message.startswith("migration to head failed: ") and "\n" not in message
        assert "model_state" in message
    finally:
        engine.dispose()


def test_an_upgrade_to_an_older_revision_is_refused(database_url: str) -> None:
    # Alembic's upgrade to an older revision does nothing: the command said "at revision 0014" and exited 0.
    engine = get_engine(database_url)
    try:
        upgrade(engine, "0009")
        with pytest.raises(MigrationError, match="at revision 0009, newer than 0005: Kansenradar does not downgrade"):
            upgrade(engine, "0005")
        assert upgrade(engine, "0009") == "0009" and upgrade(engine) == storage.db.head_revision()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: match.company_id")),
        ProgrammingError("ALTER …", {}, Exception('relation "x" already exists\nDETAIL: more')),
    ],
)
def test_integrity_and_programming_errors_are_migration_errors(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fail(*_args: object) -> None:
        raise error

    monkeypatch.setattr(storage.db.command, "upgrade", fail)
    engine = get_engine(sqlite_url)
    try:
        with pytest.raises(MigrationError) as caught:
            upgrade(engine)
    finally:
        engine.dispose()
    assert str(caught.value) == (
        f"migration to head failed: {type(error).__name__}: {str(error.orig).splitlines()[0]}"  # type: ignore[attr-defined]
    )


def test_a_database_that_cannot_be_reached_is_unavailable(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise OperationalError("connect", {}, Exception("connection refused"))

    monkeypatch.setattr(storage.db.command, "upgrade", fail)
    engine = get_engine(sqlite_url)
    try:
        with pytest.raises(DatabaseUnavailableError, match="cannot use .*: connection refused"):
            upgrade(engine)
    finally:
        engine.dispose()


def test_a_file_uri_database_keeps_its_locks_beside_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobs.locks import run_lock

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working folder: where a lock of a database without a file would go
    engine = get_engine(f"sqlite:///file:{tmp_path}/uri.db?uri=true")
    upgrade(engine)
    with run_lock(engine):
        assert (tmp_path / "uri.db.lock").is_file()
        second = get_engine(f"sqlite:///file:{tmp_path}/uri.db?mode=rw&uri=true")
        # A second holder of the same database, from any folder, is refused.
        with pytest.raises(LockedError), run_lock(second):
            pass
    assert (tmp_path / "uri.db.migrate.lock").is_file() and list(elsewhere.iterdir()) == []
    with pytest.raises(DatabaseMissingError):  # a read-only command names the missing file, as for a plain path
        get_engine(f"sqlite:///file:{tmp_path}/missing.db?uri=true", create=False)
    engine.dispose()


def test_a_database_a_newer_version_upgraded_is_refused_with_a_reason(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(MigrationError, match="revision 9999_from_the_future, which this version .* does not know"):
        upgrade(engine)
    with pytest.raises(MigrationError, match="does not know"):
        ensure_schema(engine)  # as every command starts: refused before it says it is upgrading
    with engine.connect() as connection:  # nothing touched
        at = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert at == "9999_from_the_future"


def test_a_revision_alembic_cannot_find_is_a_migration_error(engine: Engine) -> None:
    with pytest.raises(MigrationError, match="migration to nosuch failed: Can't locate revision"):
        upgrade(engine, "nosuch")


def test_a_version_table_with_two_revisions_is_a_migration_error(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0012')"))
    with pytest.raises(MigrationError, match="schema revision is unclear: .*more than one head"):
        ensure_schema(engine)


def test_a_writing_sqlite_session_takes_the_write_lock_as_it_begins(tmp_path: Path) -> None:
    # Two crawls at once lost a whole batch to "database is locked": a transaction that had read could not wait for
    # the other's write lock. A writing one holds it from its start; another writer waits (here: 0 s, so it fails).
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    upgrade(engine)
    other = sqlite3.connect(tmp_path / "k.db", timeout=0, isolation_level=None)
    try:
        with storage.db.session_scope(engine, writes=True) as session:
            session.execute(text("SELECT 1"))
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        with storage.db.session_scope(engine) as session:  # a reading one leaves it to writers
            session.execute(text("SELECT 1"))
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()
