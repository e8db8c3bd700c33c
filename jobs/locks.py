"""The run lock: one pipeline, digest send or schedule job at a time per database.

A file lock beside an SQLite database, a PostgreSQL advisory lock otherwise (held on its own autocommit
connection, so no transaction idles in the database for the length of a run).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import sqlite_path

ADVISORY_KEY = 0x4B52_4144  # "KRAD": the PostgreSQL advisory lock of Kansenradar runs


class LockedError(Exception):
    """Raised when another run holds the lock, from ``run_lock``."""


def _try_lock(engine: Engine) -> AbstractContextManager[bool]:
    @contextmanager
    def postgres() -> Iterator[bool]:
        # Its own connection in autocommit: the lock is held for the session, with no transaction left idle.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar())
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})

    @contextmanager
    def file() -> Iterator[bool]:
        database = sqlite_path(engine.url)
        path = Path(f"{database}.lock") if database else Path("kansenradar.lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
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

    return postgres() if engine.dialect.name == "postgresql" else file()


@contextmanager
def run_lock(engine: Engine, *, wait: float = 0.0, poll: float = 2.0) -> Iterator[None]:
    """Hold the run lock (a file lock beside an SQLite database, a PostgreSQL advisory lock otherwise).

    With ``wait`` > 0, wait up to that many seconds for another holder to finish before raising ``LockedError``.
    """
    deadline = time.monotonic() + wait
    while True:
        with _try_lock(engine) as got:
            if got:
                yield
                return
        if time.monotonic() >= deadline:
            where = "the PostgreSQL advisory lock" if engine.dialect.name == "postgresql" else "the run lock file"
            raise LockedError(f"another run holds {where}" + (f" (waited {wait:.0f} s)" if wait else ""))
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
