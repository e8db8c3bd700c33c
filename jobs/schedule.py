"""``kansenradar schedule``: one long-lived process that runs the pipeline and the digests on a schedule.

APScheduler 3.x (BlockingScheduler, memory job store, coalesce, one instance per job). Crawls run in child
processes, so Twisted's reactor never needs a restart here. SIGTERM and SIGINT stop it cleanly.
"""

from __future__ import annotations

import logging
import re
import signal
from types import FrameType

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_SCHEDULER_STARTED,
    JobExecutionEvent,
    SchedulerEvent,
)
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from jobs.clock import local_week, now_in
from jobs.digest import expire_and_retry, send_digests
from jobs.locks import LockedError, run_lock
from jobs.pipeline import run_pipeline
from jobs.runs import record_step
from jobs.settings import Settings
from storage.types import utcnow

logger = logging.getLogger(__name__)
CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # by cron's numbers (7 is Sunday again)
EVERY = re.compile(r"^every\s+(\d+)\s*([smh])$", re.IGNORECASE)


class ScheduleError(ValueError):
    """Raised when a schedule expression cannot be read, from ``trigger``; the message names the setting."""


def _day(atom: str) -> int:
    """Return a day of the week as cron numbers it: 0 (or 7) Sunday, 1 Monday ... 6 Saturday."""
    if atom in CRON_DAYS:
        return CRON_DAYS.index(atom)
    if atom.isdigit() and int(atom) <= 7:
        return int(atom)
    raise ValueError(f"day of week {atom!r} is not 0-7 or mon-sun")


def _weekdays(field: str) -> str:
    """Return a crontab day-of-week field as the list of days it names.

    Cron counts Sunday as 0 (and 7) and Monday as 1; APScheduler 3's CronTrigger counts Monday as 0, and
    ``from_crontab`` passes the numbers through, so "0 7 * * 1" would fire on Tuesdays. Its name ranges differ too
    ("sun-sat" is refused there). Listing the days by name means the same to both.

    >>> _weekdays("1"), _weekdays("1-5"), _weekdays("0,6"), _weekdays("*/2"), _weekdays("*")
    ('mon', 'mon,tue,wed,thu,fri', 'sun,sat', 'sun,tue,thu,sat', '*')
    >>> _weekdays("sun-sat") == _weekdays("0-6"), _weekdays("mon-fri/2"), _weekdays("fri-sun")
    (True, 'mon,wed,fri', 'fri,sat,sun')
    """
    names: list[str] = []
    for part in field.lower().split(","):
        body, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            raise ValueError(f"day of week {part!r}: the step must be a whole number above 0")
        if body == "*" and not step:
            names.append("*")
            continue
        ends = [0, 6] if body == "*" else [_day(atom) for atom in body.split("-")]
        if len(ends) > 2:
            raise ValueError(f"day of week {part!r} is not a day or a range of days")
        first, last = ends[0], ends[-1]
        last = 7 if last == 0 and first > 0 else last  # "fri-sun": Sunday closes the week
        if first > last:
            raise ValueError(f"day of week {part!r} runs backwards")
        names += [CRON_DAYS[day % 7] for day in range(first, last + 1, int(step or 1))]
    return ",".join(dict.fromkeys(names))


def trigger(expression: str, timezone: str, *, setting: str = "schedule") -> BaseTrigger:
    """Return a trigger for a crontab expression ("0 6 * * *") or an interval ("every 30m", "every 10s")."""
    match = EVERY.match(expression.strip())
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours"}[match.group(2).lower()]
        return IntervalTrigger(**{unit: int(match.group(1))}, timezone=timezone)
    try:
        fields = expression.split()
        if len(fields) != 5:
            raise ValueError(f"expected 5 fields, got {len(fields)}")
        minute, hour, day, month, weekday = fields
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=_weekdays(weekday),
                           timezone=timezone)  # fmt: skip
    except ValueError as exc:
        raise ScheduleError(
            f"{setting}: {expression!r} is neither a crontab line nor 'every N[smh]' ({exc})"
        ) from None


def build_scheduler(engine: Engine, settings: Settings) -> BlockingScheduler:
    """Return a scheduler with the run and digest jobs; errors are logged and recorded as job runs."""
    scheduler = BlockingScheduler(
        timezone=settings.timezone, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )

    def run_job() -> None:
        with run_lock(engine):
            result = run_pipeline(engine=engine, settings=settings, digest=False)
        if result.exit_code:
            raise RuntimeError(f"steps failed: {', '.join(k for k, v in result.steps.items() if v == 'failed')}")

    def digest_job() -> None:
        # A pipeline run may hold the lock right now: wait for it (bounded) instead of skipping the week.
        with run_lock(engine, wait=settings.lock_wait):
            now = now_in(settings.zone)
            week = local_week(now, settings.zone)
            begun = utcnow()
            sent = expire_and_retry(engine=engine, settings=settings, now=now, current_week=week)
            sent.add(send_digests(engine=engine, settings=settings, week=week, as_of=now, send=True))
            record_step(engine, "digest", "failed" if sent.failed else "success", sent.counts,
                        "; ".join(sent.errors) or None, watermark=week, started=begun)  # fmt: skip
        if sent.failed:
            raise RuntimeError("; ".join(sent.errors))

    def listen(event: JobExecutionEvent) -> None:
        if event.exception is not None:
            locked = isinstance(event.exception, LockedError)
            logger.log(
                logging.WARNING if locked else logging.ERROR, "Job %s failed: %s", event.job_id, event.exception
            )
            record_step(
                engine, f"schedule:{event.job_id}", "skipped" if locked else "failed", error=str(event.exception)
            )
        else:
            record_step(engine, f"schedule:{event.job_id}", "success")

    def started(_event: SchedulerEvent) -> None:
        for job in scheduler.get_jobs():
            logger.info("Scheduled %s (%s): next at %s", job.id, job.trigger, job.next_run_time)

    run_trigger = trigger(settings.schedule_run, settings.timezone, setting="KANSENRADAR_SCHEDULE_RUN")
    digest_trigger = trigger(settings.schedule_digest, settings.timezone, setting="KANSENRADAR_SCHEDULE_DIGEST")
    scheduler.add_job(run_job, run_trigger, id="run", name="crawl, analyse, match")
    scheduler.add_job(digest_job, digest_trigger, id="digest", name="digests")
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    return scheduler


def serve(engine: Engine, settings: Settings) -> None:
    """Run the scheduler until SIGTERM or SIGINT."""
    scheduler = build_scheduler(engine, settings)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("Received %s, stopping the scheduler", signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
    logger.info("Scheduler stopped")
