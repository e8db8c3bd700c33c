"""Engine, sessions and schema migrations: the only place that connects to the database."""

from __future__ import annotations

import fcntl
import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlmodel import Session, create_engine

from storage.exceptions import DatabaseMissingError, DatabaseUnavailableError, DatabaseURLError, MigrationError
from storage.sqlite import check_writable, sqlite_begin, sqlite_path, sqlite_pragmas
from storage.types import dumps_json

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# PostgreSQL advisory lock keys: one for migrations, one (in jobs) for runs.
MIGRATION_LOCK_KEY = 0x4B52_4D47  # "KRMG"


def get_engine(url: str, *, echo: bool = False, create: bool = True) -> Engine:
    """Return an engine for ``url`` (SQLite or PostgreSQL).

    With ``create`` an SQLite file's folder is made when missing; without it (read-only commands) a missing file
    is an error instead of an empty new database at a mistyped path.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Everything before an "@" may hold a password: never repeated into a log (cron mails it on).
        shown = f"***@{url.rsplit('@', 1)[1]}" if "@" in url else url
        raise DatabaseURLError(f"not a database URL: {shown!r} (use sqlite:///path.db or postgresql://...)") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseURLError(f"unsupported database {backend!r} in {parsed.render_as_string()!r}: "
                               "use sqlite:///path.db or postgresql://user:password@host/dbname")  # fmt: skip
    path = sqlite_path(parsed)
    if path is not None:
        if not str(parsed.database).startswith("file:"):
            parsed = parsed.set(database=str(path))  # "~/k.db" is opened where it is checked, not in a folder "~"
        if path.is_dir():
            raise DatabaseURLError(f"{path} is a folder, not a database file (name a file in it, such as "
                                   f"{path / 'kansenradar.db'})")  # fmt: skip
        if not create and not path.is_file():
            raise DatabaseMissingError(f"no database at {path} (a crawl or `kansenradar db upgrade` creates it)")
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseURLError(f"cannot create the folder of {path}: {exc.strerror or exc}") from None
            check_writable(parsed, path)
    elif backend == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        # psycopg 3 is the driver the project installs; plain postgresql:// would ask for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True, json_serializer=dumps_json)
    except (NoSuchModuleError, ImportError) as exc:
        hint = " (install it with: pip install 'kansenradar[postgres]')" if backend == "postgresql" else ""
        raise DatabaseURLError(f"no driver for {parsed.drivername!r}{hint}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", sqlite_pragmas)
        event.listen(engine, "begin", sqlite_begin)
    return engine


def describe(engine: Engine) -> str:
    """Return the database an engine points at, without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def driver_message(exc: BaseException) -> str:
    """Return the first line of the database driver's message: the rest is the statement and a link to help."""
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]


def _unavailable(engine: Engine, exc: Exception) -> DatabaseUnavailableError:
    detail = driver_message(exc)
    if engine.dialect.name == "sqlite" and "not a database" in detail:
        return DatabaseUnavailableError(f"{describe(engine)} is not an SQLite database (or it is corrupt)")
    return DatabaseUnavailableError(f"cannot use {describe(engine)}: {detail}")


# SQLite's generic result code: what it reports for a bad statement (no such table, duplicate column), which
# Python's sqlite3 raises as OperationalError like a locked or unreadable database.
_SQLITE_ERROR = 1


def _is_unavailable(exc: Exception) -> bool:
    """Whether ``exc`` says the database cannot be reached or used, not that a statement in it failed."""
    if isinstance(exc, OSError):
        return True
    # A bare DatabaseError is sqlite3's "file is not a database" or "disk image is malformed"; its subclasses
    # ProgrammingError, IntegrityError and the like are a statement's failure.
    if not isinstance(exc, OperationalError | InterfaceError) and type(exc) is not DatabaseError:
        return False
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return code is None or code & 0xFF != _SQLITE_ERROR


def check_connection(engine: Engine) -> None:
    """Open a connection and read the schema version, or raise ``DatabaseUnavailableError`` saying why not."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            MigrationContext.configure(connection).get_current_revision()
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise _unavailable(engine, exc) from None


@contextmanager
def session_scope(engine: Engine, *, writes: bool = False) -> Iterator[Session]:
    """Yield a session that commits when the block ends and rolls back everything if it raises. With ``writes``
    (a batch of a crawl), an SQLite transaction takes the write lock as it begins, to wait for another writer rather
    than fail."""
    bind = engine.execution_options(sqlite_immediate=True) if writes and engine.dialect.name == "sqlite" else engine
    session = Session(bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _alembic_config(engine: Engine | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """Return the migrations this version ships (read from their folder once per process)."""
    return ScriptDirectory.from_config(_alembic_config(None))


def head_revision() -> str:
    """Return the newest migration revision shipped with this version."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or ``None`` for an empty database."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except (DBAPIError, OSError) as exc:
        raise _unavailable(engine, exc) from None
    except CommandError as exc:  # e.g. two rows in the version table
        raise MigrationError(f"the database's schema revision is unclear: {driver_message(exc)}") from exc


@contextmanager
def database_lock(engine: Engine, *, key: int, suffix: str, blocking: bool,
                  fallback: Path | None = None) -> Iterator[bool]:  # fmt: skip
    """Hold a lock shared by every process using this database; yield whether it was got (always, ``blocking``).

    PostgreSQL: the advisory lock ``key``, on its own autocommit connection, so no transaction idles while it is
    held. SQLite: a file lock on the database's path plus ``suffix`` (our process id written in it), or on
    ``fallback`` for a database without a file; without either, no lock is needed (one process sees the database).
    """
    if engine.dialect.name == "postgresql":
        call = "pg_advisory_lock" if blocking else "pg_try_advisory_lock"
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            got = connection.execute(text(f"SELECT {call}(:k)"), {"k": key}).scalar() is not False
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        return
    database = sqlite_path(engine.url)
    path = Path(f"{database}{suffix}") if database else fallback
    if path is None:
        yield True
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _refuse_unknown(at: str | None) -> None:
    """Raise a ``MigrationError`` that says what happened when the database is at a revision ``at`` this version
    does not ship: a newer Kansenradar upgraded it (Alembic itself only says it cannot locate the revision)."""
    if at is not None and at not in {script.revision for script in _scripts().walk_revisions()}:
        raise MigrationError(
            f"the database's schema is at revision {at}, which this version of Kansenradar does not know (its newest "
            f"is {head_revision()}): a newer version upgraded it. Run that version, or upgrade this installation"
        )


def _refuse_downgrade(at: str | None, revision: str) -> None:
    """Refuse to "upgrade" to a revision older than the database's: Alembic does nothing, and said nothing."""
    known = [script.revision for script in _scripts().walk_revisions()]  # newest first
    if at is not None and revision in known and at in known and known.index(revision) > known.index(at):
        raise MigrationError(f"the database is at revision {at}, newer than {revision}: Kansenradar does not "
                             "downgrade a database (restore a backup instead)")  # fmt: skip


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to ``revision`` (default: the newest) and return the revision it is at."""
    return upgrade_from(engine, revision)[1]


def upgrade_from(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision`` and return the revisions it was and is at, both read under the migration
    lock: read beside another process's migration, SQLite could answer "database is locked" under load."""
    try:
        # Serialise migrations between processes: two commands may start on a new database at once.
        with database_lock(engine, key=MIGRATION_LOCK_KEY, suffix=".migrate.lock", blocking=True):
            before = current_revision(engine)
            _refuse_unknown(before)
            _refuse_downgrade(before, revision)
            command.upgrade(_alembic_config(engine), revision)
            after = current_revision(engine)
    except (SQLAlchemyError, OSError) as exc:
        if _is_unavailable(exc):
            raise _unavailable(engine, exc) from None
        raise MigrationError(f"migration to {revision} failed: {type(exc).__name__}: {driver_message(exc)}") from exc
    except CommandError as exc:  # Alembic's own: a revision it cannot find, a version table with two heads
        raise MigrationError(f"migration to {revision} failed: {driver_message(exc)}") from exc
    return before, after


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema when it is behind, so the first run needs no separate step.

    Two processes starting at once both see an old schema; the migration lock makes the second wait, and Alembic
    then finds nothing left to do.
    """
    current = current_revision(engine)
    if current != head_revision():
        _refuse_unknown(current)  # before saying "upgrading": a newer version's database is not upgraded
        logger.info("Database schema at %s, upgrading to %s", current or "empty", head_revision())
        upgrade(engine)
