"""Steps of a run as job runs: when each began, how a stop ends a run, when a schedule sends a missed digest."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import datetime, timedelta

import pytest
import time_machine
from click.testing import CliRunner

from jobs.cli import cli
from jobs.runs import record_step
from storage.db import get_engine, upgrade
from storage.types import utcnow
from tests.dbutil import rows


def test_a_recorded_step_keeps_its_start(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    # The clock stands still while the step is recorded: on a busy machine recording it took over a second, and
    # "took" read 181 s.
    with time_machine.travel(utcnow(), tick=False):
        began = utcnow() - timedelta(minutes=3)
        record_step(engine, "analyse", "success", {"analysed": 5}, started=began)
    engine.dispose()
    ((started, finished),) = rows(database_url, "SELECT started_at, finished_at FROM job_run WHERE name = 'analyse'")
    listed = CliRunner().invoke(cli, ["--database-url", database_url, "runs", "--format", "jsonl"])
    (run,) = [r for r in map(json.loads, listed.stdout.splitlines()) if r["type"] == "job_run"]
    assert run["started_at"] < run["finished_at"] and str(started)[:16] == began.strftime("%Y-%m-%d %H:%M")
    assert finished is not None
    table = CliRunner().invoke(cli, ["--database-url", database_url, "runs"]).stdout
    assert "  180 s  " in table, table


def test_a_signal_during_a_step_stops_the_run_before_match_and_digest(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The operator's SIGTERM arrives while notices are analysed: the run must stop there, not go on to match and
    # mail digests built on half the analysis (each step's catch-all took the stop for a failing step).
    import jobs.pipeline

    def analyse_until_stopped(**_kwargs: object) -> tuple[int, int]:
        os.kill(os.getpid(), signal.SIGTERM)  # the real handler `run` installs raises here
        time.sleep(30)
        raise AssertionError("the signal did not stop the step")

    monkeypatch.setattr(jobs.pipeline, "analyse_pending", analyse_until_stopped)
    env = {"KANSENRADAR_CRAWL_SOURCES": "none"}
    result = CliRunner().invoke(cli, ["--database-url", database_url, "run", "--digest"], env=env)
    assert result.exit_code == 1 and "stopped by SIGTERM" in result.stderr, result.output
    # No crawl was running: none is said to have been stopped.
    assert "Run stopped by SIGTERM.\n" in result.stderr and "crawls were stopped" not in result.stderr
    assert "Received SIGTERM: stopping" in result.stderr and "0 child" not in result.stderr
    recorded = rows(database_url, "SELECT name, status, error FROM job_run ORDER BY id")
    assert recorded == [("analyse", "failed", "interrupted: stopped by SIGTERM")]  # no match, no digest


def test_a_schedule_sends_the_digest_its_job_missed(database_url: str) -> None:
    from jobs.schedule import missed_digest, trigger
    from jobs.settings import Settings

    engine = get_engine(database_url)
    upgrade(engine)
    settings = Settings(database_url=database_url)
    due = missed_digest(trigger("0 7 * * 1", settings.timezone))
    monday = datetime(2026, 12, 7, tzinfo=settings.zone)
    assert not due(engine, settings, monday.replace(hour=6))  # before the digest job's time
    assert due(engine, settings, monday.replace(hour=9))  # after it, and no digest this week: the process was down
    assert due(engine, settings, monday.replace(hour=9) + timedelta(days=3))  # later in the week too
    record_step(engine, "digest", "success", {"sent": 2}, watermark="2026-W50")
    assert not due(engine, settings, monday.replace(hour=9))  # sent this week
    assert not due(engine, settings, monday.replace(hour=6) + timedelta(days=7))  # next week, before its time
    engine.dispose()


def test_a_crawl_reads_its_own_run_not_one_started_beside_it(database_url: str) -> None:
    # Two crawls of one feed at once: each printed the other's counts and exit code (the newest run of the name).
    from jobs.crawl import last_run_id, run_since
    from storage import repository
    from storage.db import session_scope

    engine = get_engine(database_url)
    upgrade(engine)
    before = last_run_id(engine, "files")
    with session_scope(engine) as session:
        mine = repository.start_job_run(session=session, name="crawl:files").id
        other = repository.start_job_run(session=session, name="crawl:files")
        other.pid = os.getpid() + 1  # a second crawl, started after this one
    found, newest = run_since(engine, "files", before, pid=os.getpid()), run_since(engine, "files", before)
    engine.dispose()
    assert found is not None and found.id == mine
    assert newest is not None and newest.id != mine  # what it printed before
