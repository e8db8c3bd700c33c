"""``kansenradar schedule``: one long-lived process that runs the pipeline and the digests on a schedule.

APScheduler 3.x (BlockingScheduler, memory job store, coalesce, one instance per job). Crawls run in child
processes, so Twisted's reactor never needs a restart here. SIGTERM and SIGINT stop it cleanly.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta
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
from jobs.logs import brief
from jobs.pipeline import Due, digests_done, run_pipeline
from jobs.processes import Interrupted, children_text, stop_children
from jobs.runs import record_step
from jobs.settings import Settings
from storage.types import utcnow

logger = logging.getLogger(__name__)
CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # by cron's numbers (7 is Sunday again)
EVERY = re.compile(r"^every\s+(\d+)\s*([smh])$", re.IGNORECASE)
UNITS = {"s": ("seconds", 1), "m": ("minutes", 60), "h": ("hours", 3600)}  # an interval's unit: its name, its seconds


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
        unit, seconds = UNITS[match.group(2).lower()]
        count = int(match.group(1))
        # 0 APScheduler would take as one second (the whole pipeline back to back, failing against itself); beyond
        # a year its date arithmetic overflows.
        if not 0 < count * seconds <= 366 * 86400:
            raise ScheduleError(f"{setting}: {expression!r} is no interval; give 'every N[smh]' from 1 second to a "
                                "year")  # fmt: skip
        return IntervalTrigger(**{unit: count}, timezone=timezone)
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


def missed_digest(digest_trigger: BaseTrigger) -> Due:
    """Return when a run under ``schedule`` sends this week's digests itself: the digest job's time this week has
    passed and no digest run of this week succeeded (the process was down at that time, or the job failed)."""

    def due(engine: Engine, settings: Settings, now: datetime) -> bool:
        local = now.astimezone(settings.zone)
        monday = datetime.combine(local.date() - timedelta(days=local.isoweekday() - 1), time(0), tzinfo=settings.zone)
        fired = digest_trigger.get_next_fire_time(None, monday)
        return fired is not None and fired <= now and not digests_done(engine, settings, now)

    return due


class _ReportedByListener(logging.Filter):
    """Drop APScheduler's own "Job ... raised an exception" record: ``build_scheduler``'s listener reports it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.endswith("raised an exception"))


def build_scheduler(engine: Engine, settings: Settings, stopping: Callable[[], int | None] | None = None,
                    ) -> BlockingScheduler:  # fmt: skip
    """Return a scheduler with the run and digest jobs; errors are logged and recorded as job runs.

    ``stopping`` returns the signal that asked the process to stop, if any: a run job then stops before its next
    step.
    """
    scheduler = BlockingScheduler(
        timezone=settings.timezone, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )
    # The listener below reports a failed job (and records it); APScheduler's executor would log it a second time.
    executors = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, _ReportedByListener) for f in executors.filters):
        executors.addFilter(_ReportedByListener())

    digest_trigger = trigger(settings.schedule_digest, settings.timezone, setting="KANSENRADAR_SCHEDULE_DIGEST")

    def run_job() -> None:
        # The digest job sends the week's digests at its time; a run also retries the earlier ones that could not
        # be sent, and sends the week's when the digest job missed its time, as a run from cron does.
        # A hand `analyse` or `match` may hold the lock for minutes: wait for it (bounded), not skip the day.
        with run_lock(engine, wait=settings.lock_wait):
            result = run_pipeline(engine=engine, settings=settings, due=missed_digest(digest_trigger),
                                  stopping=stopping)  # fmt: skip
        if result.exit_code:
            failed = ", ".join(f"{step} {status}" for step, status in result.unfinished.items())
            raise RuntimeError(f"not every step did all its work: {failed}")

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
            if locked:
                logger.warning("Job %s skipped: %s", event.job_id, event.exception)
            else:  # one line with the reason; the traceback under --log-level debug, as for any command
                logger.error("Job %s failed: %s", event.job_id, brief(event.exception))
                logger.debug("Job %s failed", event.job_id, exc_info=event.exception)
            record_step(
                engine, f"schedule:{event.job_id}", "skipped" if locked else "failed", error=str(event.exception)
            )
        else:
            record_step(engine, f"schedule:{event.job_id}", "success")

    def started(_event: SchedulerEvent) -> None:
        for job in scheduler.get_jobs():
            logger.info("Scheduled %s (%s): next at %s", job.id, job.trigger, job.next_run_time)

    run_trigger = trigger(settings.schedule_run, settings.timezone, setting="KANSENRADAR_SCHEDULE_RUN")
    scheduler.add_job(run_job, run_trigger, id="run", name="crawl, analyse, match")
    scheduler.add_job(digest_job, digest_trigger, id="digest", name="digests")
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    return scheduler


def serve(engine: Engine, settings: Settings) -> bool:
    """Run the scheduler until SIGTERM or SIGINT; return whether a job was running when it stopped.

    A running job is stopped too: its crawl children get SIGTERM (they close their crawl and record it), and a run
    stops before its next step. The process waits for that before it exits.
    """
    signalled: list[int] = []
    scheduler = build_scheduler(engine, settings, stopping=lambda: signalled[0] if signalled else None)
    running = _Running()
    for job in scheduler.get_jobs():
        job.modify(func=running.counted(job.func))

    def stop(signum: int, _frame: FrameType | None) -> None:
        if signalled:  # a second signal while stopping: the first is being handled
            logger.warning("Received %s again: still stopping", signal.Signals(signum).name)
            return
        signalled.append(signum)
        logger.info("Received %s, stopping the scheduler%s", signal.Signals(signum).name,
                    children_text(stop_children(), " and "))  # fmt: skip
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def started(_event: SchedulerEvent) -> None:
        if signalled and scheduler.running:  # the signal came while the scheduler was starting
            scheduler.shutdown(wait=False)

    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
    running.wait_until_idle()  # shutdown(wait=False) returns at once: a job may still be finishing its step
    logger.info("Scheduler stopped")
    return running.interrupted


class _Running:
    """How many jobs are running (in the scheduler's threads), and whether a stop cut one off."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()
        self.interrupted = False

    def counted(self, func: Callable[[], None]) -> Callable[[], None]:
        def job() -> None:
            with self._changed:
                self._count += 1
            try:
                func()
            except Interrupted as exc:
                self.interrupted = True
                raise RuntimeError(f"{exc}: the job stopped before its next step") from None
            finally:
                with self._changed:
                    self._count -= 1
                    self._changed.notify_all()

        return job

    def wait_until_idle(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._count == 0)
