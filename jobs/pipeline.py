"""One cron-friendly pass: crawl the configured sources, analyse, match, and send digests when they are due.

Every step is recorded as a job run. Exit codes: 0 all done; 1 some step failed but the rest completed;
2 configuration error; 3 another run holds the lock.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from crawler.spiders import SOURCES
from jobs.analyse import analyse_pending, count_pending
from jobs.clock import local_week, now_in
from jobs.crawl import crawl_in_subprocess
from jobs.digest import DigestRun, expire_and_retry, send_digests
from jobs.locks import LockedError, run_lock
from jobs.match import match_companies
from jobs.processes import alive
from jobs.runs import record_step
from jobs.scrapyd import crawl_on_scrapyd
from jobs.settings import Settings, SettingsError
from storage import repository
from storage.db import session_scope
from storage.types import utcnow

logger = logging.getLogger(__name__)

OK, PARTIAL = 0, 1  # run's exit codes for a run that went through (2 and 3 are the CLI's)
__all__ = ["ConfigurationError", "LockedError", "PipelineResult", "run_lock", "run_pipeline"]


class ConfigurationError(SettingsError):
    """Raised when a setting makes a run impossible, from ``run_pipeline``; the message names the setting."""


@dataclass
class PipelineResult:
    """What each step of a run did."""

    steps: dict[str, str] = field(default_factory=dict)  # step -> "success" | "failed" | "skipped"

    @property
    def exit_code(self) -> int:
        return PARTIAL if "failed" in self.steps.values() else OK


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


def digest_due(engine: Engine, settings: Settings, now: datetime) -> bool:
    """Return whether this week's digests are due: on or after digest day, and not yet done this week."""
    local = now.astimezone(settings.zone)
    if local.isoweekday() < settings.digest_weekday:
        return False
    with session_scope(engine) as session:
        done = repository.last_successful_run(session=session, name="digest", watermark=local_week(now, settings.zone))
    return done is None


def _digest_step(engine: Engine, settings: Settings, now: datetime, due: bool) -> str:
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


def run_pipeline(*, engine: Engine, settings: Settings, digest: bool | None = None, now: datetime | None = None,
                 crawl_env: dict[str, str] | None = None,
                 progress: Callable[[int], AbstractContextManager[Callable[[int], None]]] | None = None,
                 ) -> PipelineResult:  # fmt: skip
    """Run every step once; a failing step is recorded and logged and the next step still runs.

    Call while holding the run lock: abandoned job runs are marked first, which only the lock holder may do.
    """
    unknown = [s for s in settings.crawl_sources if s not in SOURCES]
    if unknown:
        raise ConfigurationError(f"KANSENRADAR_CRAWL_SOURCES: unknown source(s) {', '.join(unknown)}")
    if "files" in settings.crawl_sources and not settings.files_paths:
        raise ConfigurationError("KANSENRADAR_FILES_PATHS must be set to crawl files")
    if "ocds" in settings.crawl_sources and not settings.ocds_url:
        raise ConfigurationError("KANSENRADAR_OCDS_URL must be set to crawl ocds")
    if digest is not False:
        from jobs.web.tokens import links_enabled

        links_enabled(settings)  # a public address without its key fails now, not after the crawl and match
    now = now or now_in(settings.zone)
    result = PipelineResult()
    mark_abandoned(engine, settings)
    for source in settings.crawl_sources:
        if settings.scrapyd_url:
            code = crawl_on_scrapyd(engine=engine, settings=settings, source=source)
        else:
            code = crawl_in_subprocess(source, [], env=crawl_env)
        result.steps[f"crawl:{source}"] = "success" if code == 0 else "failed"
        if code:
            logger.error("Crawl of %s ended with exit code %d", source, code)
    # Catch-all on purpose below: one step's failure is recorded and logged, and the run goes on with the next.
    started = utcnow()
    try:
        if progress is None:
            analysed, labelled = analyse_pending(engine=engine, workers=settings.workers)
        else:
            with progress(count_pending(engine=engine)) as update:
                analysed, labelled = analyse_pending(engine=engine, workers=settings.workers, progress=update)
        record_step(engine, "analyse", "success", {"analysed": analysed, "with_clause": labelled}, started=started)
        result.steps["analyse"] = "success"
    except Exception as exc:
        logger.exception("Analyse step failed")
        record_step(engine, "analyse", "failed", {}, f"{type(exc).__name__}: {exc}", started=started)
        result.steps["analyse"] = "failed"
    started = utcnow()
    try:
        # Records its own job run.
        match_companies(engine=engine, as_of=now, undated_days=settings.undated_days, zone=settings.zone)
        result.steps["match"] = "success"
    except Exception as exc:
        logger.exception("Match step failed")
        record_step(engine, "match", "failed", {}, f"{type(exc).__name__}: {exc}", started=started)
        result.steps["match"] = "failed"
    if digest is False:
        result.steps["digest"] = "skipped"
        return result
    started = utcnow()
    try:
        result.steps["digest"] = _digest_step(engine, settings, now, bool(digest) or digest_due(engine, settings, now))
    except Exception as exc:
        logger.exception("Digest step failed")
        record_step(engine, "digest", "failed", {}, f"{type(exc).__name__}: {exc}", started=started)
        result.steps["digest"] = "failed"
    return result
