"""One cron-friendly pass: crawl the configured sources, analyse, match, and send digests when they are due.

Every step is recorded as a job run. Exit codes: 0 all done; 1 some step failed but the rest completed;
2 configuration error; 3 another run holds the lock.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from crawler.exceptions import SpiderArgumentError
from crawler.spiders import SOURCES
from crawler.spiders.ocds import address
from jobs.analyse import analyse_pending, count_pending
from jobs.clock import local_week, now_in
from jobs.crawl import crawl_in_subprocess, feed_name, last_run_id, run_since
from jobs.digest import DigestRun, expire_and_retry, send_digests
from jobs.locks import LockedError, run_lock
from jobs.match import match_companies
from jobs.processes import Interrupted, alive
from jobs.runs import record_step
from jobs.scrapyd import crawl_on_scrapyd
from jobs.settings import Settings, SettingsError
from storage import repository
from storage.db import session_scope
from storage.sqlite import sqlite_path
from storage.types import utcnow

logger = logging.getLogger(__name__)

OK, PARTIAL = 0, 1  # run's exit codes for a run that went through (2 and 3 are the CLI's)
__all__ = ["ConfigurationError", "LockedError", "PipelineResult", "run_lock", "run_pipeline"]


class ConfigurationError(SettingsError):
    """Raised when a setting makes a run impossible, from ``run_pipeline``; the message names the setting."""


@dataclass
class PipelineResult:
    """What each step of a run did."""

    # step -> "success" | "failed" | "skipped", or for a crawl "success (N not stored)": exit 1 all the same
    steps: dict[str, str] = field(default_factory=dict)

    @property
    def unfinished(self) -> dict[str, str]:
        """The steps that did not do all their work, with their status."""
        return {step: status for step, status in self.steps.items() if status not in ("success", "skipped")}

    @property
    def exit_code(self) -> int:
        return PARTIAL if self.unfinished else OK


def _crawl_status(engine: Engine, feed: str, code: int, *, after: int) -> str:
    """Return a crawl step's status as its job run has it (``runs`` says the same): a crawl that read its source but
    could not store some documents is a success with those left for the retry queue, not a failure."""
    if code == 0:
        return "success"
    run = run_since(engine, feed, after)
    if run is not None and run.status == "success" and run.counts.get("failed"):
        return f"success ({run.counts['failed']} not stored)"
    return "failed"


def mark_abandoned(engine: Engine, settings: Settings) -> int:
    """Mark job runs left ``running`` by processes that are gone as ``abandoned``; return how many.

    Call while holding the run lock. A run of this host whose process no longer exists is abandoned at once; a run
    of another host (a Scrapyd worker) only after ``abandon_after_hours``.
    """
    here = socket.gethostname()
    cutoff = utcnow() - timedelta(hours=settings.abandon_after_hours)
    count = 0
    with session_scope(engine) as session:
        for run in repository.job_runs(session=session, limit=10_000, statuses=("running",)):
            mine = run.host == here and run.pid is not None
            if (mine and not alive(run.pid or 0)) or (not mine and run.started_at < cutoff):
                why = f"process {run.pid} on {run.host} is gone" if mine else f"no news since {run.started_at:%c}"
                repository.finish_job_run(session=session, run=run, status="abandoned", counts=run.counts,
                                          watermark=run.watermark, error=f"abandoned: {why}")  # fmt: skip
                logger.warning("Job run %s (%s) marked abandoned: %s", run.id, run.name, why)
                count += 1
    return count


def digests_done(engine: Engine, settings: Settings, now: datetime) -> bool:
    """Return whether a digest run of ``now``'s local week succeeded."""
    with session_scope(engine) as session:
        done = repository.last_successful_run(session=session, name="digest", watermark=local_week(now, settings.zone))
    return done is not None


def digest_due(engine: Engine, settings: Settings, now: datetime) -> bool:
    """Return whether this week's digests are due: on or after digest day, and not yet done this week."""
    local = now.astimezone(settings.zone)
    return local.isoweekday() >= settings.digest_weekday and not digests_done(engine, settings, now)


def digest_step(engine: Engine, settings: Settings, now: datetime, due: bool) -> str:
    """Retry (or expire) earlier weeks' unsent digests and, when ``due``, send this week's; return the status."""
    week, started = local_week(now, settings.zone), utcnow()
    result = DigestRun()
    # Earlier weeks' digests that could not be sent are retried (or expired) on every run.
    result.add(expire_and_retry(engine=engine, settings=settings, now=now, current_week=week))
    if due:
        result.add(send_digests(engine=engine, settings=settings, week=week, as_of=now, send=True))
    elif not any(result.counts.values()):
        return "skipped"
    status = "failed" if result.failed else "success"
    record_step(engine, "digest" if due else "digest:retry", status, result.counts,
                "; ".join(result.errors) or None, watermark=week if due else None, started=started)  # fmt: skip
    return status


def child_environment(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the settings a crawl child must share with its run: ``--database-url``, ``--log-level`` and
    ``--log-format`` are options of the parent's command line, which the child does not see."""
    shared = {"KANSENRADAR_DATABASE_URL": settings.database_url, "KANSENRADAR_LOG_FORMAT": settings.log_format}
    if settings.log_level:
        shared["KANSENRADAR_LOG_LEVEL"] = settings.log_level
    return {**shared, **(extra or {})}


def _check_stop(stopping: Callable[[], int | None] | None) -> None:
    signum = stopping() if stopping is not None else None
    if signum is not None:
        raise Interrupted(signum)


@contextmanager
def _step(engine: Engine, result: PipelineResult, name: str) -> Iterator[datetime]:
    """Run one step: a failure is recorded and logged and the run goes on; a stop (SIGTERM, SIGINT) is recorded
    and ends the run."""
    started = utcnow()
    try:
        yield started
    except Interrupted as exc:
        record_step(engine, name, "failed", {}, f"interrupted: {exc}", started=started)
        result.steps[name] = "failed"
        raise
    except Exception as exc:  # catch-all on purpose: one step's failure does not stop the next
        logger.exception("%s step failed", name.capitalize())
        record_step(engine, name, "failed", {}, f"{type(exc).__name__}: {exc}", started=started)
        result.steps[name] = "failed"


def check_settings(settings: Settings, *, digest: bool | None = None) -> None:
    """Raise ``ConfigurationError`` (naming the setting) when the settings make a run impossible: before any work,
    and when ``schedule`` starts rather than at its first run."""
    unknown = [s for s in settings.crawl_sources if s not in SOURCES]
    if unknown:
        raise ConfigurationError(f"KANSENRADAR_CRAWL_SOURCES: unknown source(s) {', '.join(unknown)}")
    if "files" in settings.crawl_sources and not settings.files_paths:
        raise ConfigurationError("KANSENRADAR_FILES_PATHS must be set to crawl files")
    if "ocds" in settings.crawl_sources and not settings.ocds_url:
        raise ConfigurationError("KANSENRADAR_OCDS_URL must be set to crawl ocds")
    if "ocds" in settings.crawl_sources:
        try:
            address(settings.ocds_url)  # a Scrapyd run keys its job run by it before any worker could say it is bad
        except SpiderArgumentError as exc:
            raise ConfigurationError(f"KANSENRADAR_OCDS_URL: {str(exc).removeprefix('url: ')}") from None
    path = sqlite_path(settings.database_url) if settings.scrapyd_url and settings.crawl_sources else None
    if path is not None and not path.is_absolute():
        # A Scrapyd worker runs in a folder of its own: it would store its crawl in a database of its own there.
        raise ConfigurationError(f"KANSENRADAR_SCRAPYD_URL: crawl workers cannot share the SQLite database {path} "
                                 "(a path relative to this folder); give them one PostgreSQL")  # fmt: skip
    if digest is not False:
        from jobs.web.tokens import links_enabled

        links_enabled(settings)  # a public address without its key fails now, not after the crawl and match


Due = Callable[[Engine, Settings, datetime], bool]


def run_pipeline(*, engine: Engine, settings: Settings, digest: bool | None = None, now: datetime | None = None,
                 crawl_env: dict[str, str] | None = None,
                 progress: Callable[[int], AbstractContextManager[Callable[[int], None]]] | None = None,
                 due: Due = digest_due, stopping: Callable[[], int | None] | None = None,
                 ) -> PipelineResult:  # fmt: skip
    """Run every step once; a failing step is recorded and logged and the next step still runs.

    ``digest`` None sends this week's digests when ``due`` says so (and retries earlier weeks' unsent ones).
    ``stopping`` returns the signal that asked the run to stop, if any: checked before each step (``schedule``
    runs the pipeline in a thread, which a signal handler cannot interrupt). Call while holding the run lock:
    abandoned job runs are marked first, which only the lock holder may do.
    """
    check_settings(settings, digest=digest)
    now = now or now_in(settings.zone)
    result = PipelineResult()
    mark_abandoned(engine, settings)
    for source in settings.crawl_sources:
        _check_stop(stopping)
        feed = feed_name(settings, source)
        before = last_run_id(engine, feed)
        if settings.scrapyd_url:
            code = crawl_on_scrapyd(engine=engine, settings=settings, source=source)
        else:
            code = crawl_in_subprocess(source, [], env=child_environment(settings, crawl_env))
        status = result.steps[f"crawl:{source}"] = _crawl_status(engine, feed, code, after=before)
        if status.startswith("success ("):
            logger.warning("Crawl of %s stored what it read but not everything: %s (exit code %d)", source,
                           status.removeprefix("success "), code)  # fmt: skip
        elif code:
            logger.error("Crawl of %s ended with exit code %d", source, code)
    _check_stop(stopping)
    with _step(engine, result, "analyse") as started:
        if progress is None:
            analysed, labelled = analyse_pending(engine=engine, workers=settings.workers)
        else:
            with progress(count_pending(engine=engine)) as update:
                analysed, labelled = analyse_pending(engine=engine, workers=settings.workers, progress=update)
        record_step(engine, "analyse", "success", {"analysed": analysed, "with_clause": labelled}, started=started)
        result.steps["analyse"] = "success"
    _check_stop(stopping)
    with _step(engine, result, "match"):
        # Records its own job run.
        match_companies(
            engine=engine, as_of=now, undated_days=settings.undated_days, zone=settings.zone, workers=settings.workers
        )
        result.steps["match"] = "success"
    if digest is False:
        result.steps["digest"] = "skipped"
        return result
    _check_stop(stopping)
    with _step(engine, result, "digest"):
        result.steps["digest"] = digest_step(engine, settings, now, bool(digest) or due(engine, settings, now))
    return result
