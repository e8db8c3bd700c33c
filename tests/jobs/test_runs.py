"""A step recorded when it is done still says when it began, so `runs` shows how long it took."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from jobs.cli import cli
from jobs.runs import record_step
from storage.db import get_engine, upgrade
from storage.types import utcnow
from tests.dbutil import rows


def test_a_recorded_step_keeps_its_start(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
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
