"""Shared fixtures: real SQLite files, and PostgreSQL when KANSENRADAR_TEST_POSTGRES_URL names a server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (table registration)
from storage.db import get_engine
from tests.peers import missing

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get("KANSENRADAR_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's own KANSENRADAR_* settings and .env out of the tests."""
    for name in list(os.environ):
        if name.startswith("KANSENRADAR_") and name != "KANSENRADAR_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """Return the URL of a new SQLite file."""
    return f"sqlite:///{tmp_path / 'test.db'}"


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """Return an empty database's URL: an SQLite file, then PostgreSQL when configured."""
    if request.param == "sqlite":
        yield sqlite_url
        return
    if not POSTGRES_URL:
        missing("KANSENRADAR_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)")
    engine = get_engine(POSTGRES_URL)
    _reset_postgres(engine)
    yield POSTGRES_URL
    _reset_postgres(engine)
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Return an engine on an empty database, migrated to the newest schema."""
    from storage.db import upgrade

    engine = get_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
