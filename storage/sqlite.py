"""What SQLite needs that PostgreSQL does not: per-connection settings, the file a URL names, and whether a
command may write it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL

from storage.exceptions import DatabaseUnavailableError


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked per connection; a busy timeout lets a second process wait
    # for a writer instead of failing at once. WAL lets readers (a report) run beside a writer (a crawl), and
    # with synchronous=NORMAL a commit no longer waits for two fsyncs. A checkpoint every 10 000 pages (40 MB of
    # log) rather than 1 000: a crawl's batch of 500 notices is ~4 MB, and a checkpoint after each made storing a
    # quarter slower.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA journal_size_limit=67108864")  # the log is cut back to 64 MB after a checkpoint
    cursor.close()
    # pysqlite starts transactions late and commits at a RELEASE SAVEPOINT of its own accord, which would make a
    # savepoint (one notice of a batch) durable on its own. Let SQLAlchemy emit BEGIN itself (its documented recipe).
    dbapi_connection.isolation_level = None


def sqlite_begin(connection: Any) -> None:
    # A transaction that reads, then writes, fails at once ("database is locked") when another process wrote in
    # between: SQLite cannot wait for the lock without breaking the snapshot it read. One that will write takes the
    # write lock when it begins (IMMEDIATE), and so waits its turn (busy_timeout) behind another crawl's batch.
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def sqlite_path(url: str | URL) -> Path | None:
    """Return the file of an SQLite URL, a ``file:`` URI's too, or ``None`` (in memory, or another database).

    >>> sqlite_path("sqlite:///data/k.db"), sqlite_path("sqlite:///file:/data/k.db?mode=ro&uri=true")
    (PosixPath('data/k.db'), PosixPath('/data/k.db'))
    >>> sqlite_path("sqlite://"), sqlite_path("sqlite:///file:mem?mode=memory&uri=true")
    (None, None)
    """
    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        # The locks and the missing-file check belong beside the file a URI names, not in the working folder.
        # SQLAlchemy has already split the URI's query (mode=..., uri=true) off into parsed.query.
        uri = urlsplit(database)
        mode = parsed.query.get("mode", ())
        if "memory" in ([mode] if isinstance(mode, str) else mode) or uri.path in ("", ":memory:"):
            return None
        return Path(unquote(uri.path)).expanduser()
    return Path(database).expanduser()


def check_writable(url: URL, path: Path) -> None:
    # Before any work, not at the first write deep in a crawl: SQLite opens a database it may not change, and
    # fails only when a statement writes (its journal is made beside the file, so the folder must be writable too).
    # Its URI parameters count only with uri=true; without, SQLAlchemy leaves them out.
    query = {name: str(value).lower() for name, value in url.query.items()}
    if query.get("uri") == "true" and (query.get("mode") == "ro" or query.get("immutable") in ("1", "true")):
        raise DatabaseUnavailableError(f"the URL opens {path} read-only (mode=ro or immutable=1), and this command "
                                       "writes")  # fmt: skip
    for place in (path, path.parent):
        if place.exists() and not os.access(place, os.W_OK):
            raise DatabaseUnavailableError(f"cannot use {path}: this user may not write {place}")
