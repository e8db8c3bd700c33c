"""One cron-friendly pass: crawl the configured sources, analyse, match, and send digests on digest day.

Every step is recorded as a job run. Exit codes: 0 all done; 1 some step failed but the rest completed;
2 configuration error; 3 another run holds the lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from crawler.spiders import SOURCES
from jobs.analyse import analyse_pending, count_pending
from jobs.crawl import crawl_in_subprocess
from jobs.digest import iso_week, send_digests
from jobs.match import match_companies
from jobs.settings import Settings
from storage import repository
from storage.db import session_scope

logger = logging.getLogger(__name__)

OK, PARTIAL, CONFIG_ERROR, LOCKED = 0, 1, 2, 3
ADVISORY_KEY = 0x4B52_4144  # "KRAD": the PostgreSQL advisory lock of Kansenradar runs


class ConfigurationError(Exception):
    """Raised when a setting makes a run impossible, from ``run_pipeline``; the message names the setting."""


class LockedError(Exception):
    """Raised when another run holds the lock, from ``run_lock``."""


@contextmanager
def run_lock(engine: Engine, database_url: str) -> Iterator[None]:
    """Hold the run lock: a file lock beside an SQLite database, a PostgreSQL advisory lock otherwise."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        with engine.connect() as connection:
            if not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
                raise LockedError("another run holds the PostgreSQL advisory lock")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                connection.commit()
        return
    database = url.database if url.get_backend_name() == "sqlite" and url.database not in (None, ":memory:") else None
    path = Path(f"{database}.lock") if database else Path("kansenradar.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"another run holds {path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class PipelineResult:
    """What each step of a run did."""

    steps: dict[str, str] = field(default_factory=dict)  # step -> "success" | "failed" | "skipped"

    @property
    def exit_code(self) -> int:
        return PARTIAL if "failed" in self.steps.values() else OK


def record_step(
    engine: Engine, name: str, status: str, counts: dict[str, int] | None = None, error: str | None = None
) -> None:
    """Record a finished step as a job run in its own transaction."""
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name=name)
        repository.finish_job_run(session=session, run=run, status=status, counts=counts, error=error)


def run_pipeline(*, engine: Engine, settings: Settings, digest: bool | None = None, now: datetime | None = None,
                 crawl_env: dict[str, str] | None = None,
                 progress: Callable[[int], AbstractContextManager[Callable[[int], None]]] | None = None,
                 ) -> PipelineResult:  # fmt: skip
    """Run every step once; a failing step is recorded and logged and the next step still runs."""
    unknown = [s for s in settings.crawl_sources if s not in SOURCES or s == "files"]
    if unknown:
        raise ConfigurationError(f"KANSENRADAR_CRAWL_SOURCES: unknown or unusable source(s) {', '.join(unknown)}")
    if "ocds" in settings.crawl_sources and not settings.ocds_url:
        raise ConfigurationError("KANSENRADAR_OCDS_URL must be set to crawl ocds")
    now = now or datetime.now(UTC)
    result = PipelineResult()
    for source in settings.crawl_sources:
        # Each crawl in its own process: Twisted's reactor cannot be restarted within one.
        code = crawl_in_subprocess(source, [], env=crawl_env)
        result.steps[f"crawl:{source}"] = "success" if code == 0 else "failed"
        if code:
            logger.error("Crawl of %s ended with exit code %d", source, code)
    # Catch-all on purpose below: one step's failure is recorded and logged, and the run goes on with the next.
    try:
        if progress is None:
            analysed, labelled = analyse_pending(engine=engine)
        else:
            with progress(count_pending(engine=engine)) as update:
                analysed, labelled = analyse_pending(engine=engine, progress=update)
        record_step(engine, "analyse", "success", {"analysed": analysed, "with_clause": labelled})
        result.steps["analyse"] = "success"
    except Exception as exc:
        logger.exception("Analyse step failed")
        record_step(engine, "analyse", "failed", {}, f"{type(exc).__name__}: {exc}")
        result.steps["analyse"] = "failed"
    try:
        matched = match_companies(engine=engine, as_of=now, cpv_labels=settings.cpv_labels)
        record_step(engine, "match", "success", {"matches": len(matched.matches)})
        result.steps["match"] = "success"
    except Exception as exc:
        logger.exception("Match step failed")
        record_step(engine, "match", "failed", {}, f"{type(exc).__name__}: {exc}")
        result.steps["match"] = "failed"
    if digest or (digest is None and now.isoweekday() == settings.digest_weekday):
        try:
            sent = send_digests(engine=engine, settings=settings, week=iso_week(now.date()), as_of=now, send=True)
            status = "failed" if sent.counts["failed"] else "success"
            record_step(engine, "digest", status, sent.counts, "; ".join(sent.errors) or None)
            result.steps["digest"] = status
        except Exception as exc:
            logger.exception("Digest step failed")
            record_step(engine, "digest", "failed", {}, f"{type(exc).__name__}: {exc}")
            result.steps["digest"] = "failed"
    else:
        result.steps["digest"] = "skipped"
    return result
