"""The run lock: one pipeline, digest send, schedule job, or hand ``analyse`` or ``match`` at a time per database.

A file lock beside an SQLite database, a PostgreSQL advisory lock otherwise (held on its own autocommit
connection, so no transaction idles in the database for the length of a run).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from storage.db import database_lock
from storage.sqlite import sqlite_path

ADVISORY_KEY = 0x4B52_4144  # "KRAD": the PostgreSQL advisory lock of Kansenradar runs


class LockedError(Exception):
    """Raised when another run holds the lock, from ``run_lock``."""


@contextmanager
def run_lock(engine: Engine, *, wait: float = 0.0, poll: float = 2.0) -> Iterator[None]:
    """Hold the run lock (a file lock beside an SQLite database, a PostgreSQL advisory lock otherwise).

    With ``wait`` > 0, wait up to that many seconds for another holder to finish before raising ``LockedError``.
    """
    deadline = time.monotonic() + wait
    while True:
        with database_lock(engine, key=ADVISORY_KEY, suffix=".lock", blocking=False,
                           fallback=Path("kansenradar.lock")) as got:  # fmt: skip
            if got:
                yield
                return
        if time.monotonic() >= deadline:
            database = sqlite_path(engine.url)
            held = Path(f"{database}.lock") if database else Path("kansenradar.lock")
            where = "the PostgreSQL advisory lock" if engine.dialect.name == "postgresql" else f"the run lock {held}"
            raise LockedError(f"another run holds {where}" + (f" (waited {wait:.0f} s)" if wait else ""))
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
