"""A scheduled job that fails is reported once, in one line, and recorded; a job skipped for the lock is a warning."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import text
from sqlalchemy.engine import Engine

from jobs.locks import LockedError
from jobs.schedule import build_scheduler
from jobs.settings import load_settings


def _fire(engine: Engine, database_url: str, job: object) -> None:
    settings = load_settings(database_url=database_url, schedule_run="0 6 1 1 *", schedule_digest="0 6 1 1 *")
    scheduler = build_scheduler(engine, settings)
    done = threading.Event()
    scheduler.add_listener(lambda _event: done.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    when = datetime.now(settings.zone) + timedelta(milliseconds=200)
    scheduler.add_job(job, "date", run_date=when, id="boom", name="boom")  # APScheduler's own lines name it too
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    try:
        assert done.wait(30)
    finally:
        scheduler.shutdown(wait=True)
        thread.join(10)


def _failing() -> None:
    raise RuntimeError("steps failed: crawl")


def _locked() -> None:
    raise LockedError("another run holds the lock")


@pytest.mark.parametrize(("job", "level", "said", "status"), [
    (_failing, logging.ERROR, "Job boom failed: RuntimeError: steps failed: crawl", "failed"),
    (_locked, logging.WARNING, "Job boom skipped: another run holds the lock", "skipped"),
])  # fmt: skip
def test_a_failed_job_is_logged_once_and_recorded(engine: Engine, database_url: str,
                                                   caplog: pytest.LogCaptureFixture, job: object, level: int,
                                                   said: str, status: str) -> None:  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        _fire(engine, database_url, job)
    about = [r for r in caplog.records if "boom" in r.getMessage() and r.levelno >= logging.WARNING]
    assert [(r.levelno, r.getMessage()) for r in about] == [(level, said)]
    if level == logging.ERROR:  # the traceback, for --log-level debug
        (debug,) = [r for r in caplog.records if r.levelno == logging.DEBUG and r.getMessage() == "Job boom failed"]
        assert isinstance(debug.exc_info[1], RuntimeError)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status FROM job_run WHERE name = 'schedule:boom'")).all()
    assert [r[0] for r in rows] == [status]
