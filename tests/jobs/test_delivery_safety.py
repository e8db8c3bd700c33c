"""Deliveries that survive a crash: never twice, never silently lost; on SQLite and PostgreSQL.

Reproduces what the earlier version did: after `kill -9` during `digest --send` a re-run mailed the same company
again; two `digest --send` at once ended in a traceback; a digest that failed on digest day was never retried.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from jobs.clock import iso_week, local_week, now_in
from jobs.digest import expire_and_retry, send_digests
from jobs.locks import run_lock
from jobs.settings import load_settings
from storage.db import get_engine
from tests.dbutil import rows
from tests.jobs.test_digest import _env, _prepare
from tests.replay import PROJECT_ROOT, run_cli
from tests.smtp import smtp_server


def _statuses(url: str) -> dict[tuple[str, str], str]:
    return {(c, w): s for c, w, s in rows(url, "SELECT company_id, iso_week, status FROM delivery")}


@pytest.mark.slow
def test_kill_9_during_send_never_sends_twice_and_reports_the_uncertain_one(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    week = local_week(now_in(load_settings().zone), load_settings().zone)
    with smtp_server() as (mailbox, port):
        env = {**_env(port, tmp_path), "KANSENRADAR_DATABASE_URL": database_url}
        mailbox.stall = 60.0  # the server keeps the first mail and is slow to say so
        clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
        sender = subprocess.Popen([sys.executable, "-m", "jobs", "digest", "--send"], cwd=tmp_path,
                                  env={**clean, **env, "PYTHONPATH": str(PROJECT_ROOT)},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        deadline = time.monotonic() + 60
        while not mailbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(mailbox.messages) == 1
        sender.kill()
        sender.communicate(timeout=30)
        mailbox.stall = 0.0
        first_to = str(mailbox.messages[0]["To"])
        assert _statuses(database_url)[("english", week)] == "sending"

        again = run_cli("digest", "--send", env=env, cwd=tmp_path)
        assert again.returncode == 1  # an operator must look at the uncertain one
        assert "english" in again.stderr and "uncertain" in again.stderr and "Traceback" not in again.stderr
        assert len(mailbox.to("hello@green.example")) == 1  # not mailed twice
        assert len(mailbox.to("info@groen-noord.example")) == 1  # the other company got its digest
        assert _statuses(database_url)[("english", week)] == "uncertain"
        listed = run_cli("runs", env=env, cwd=tmp_path)
        assert "uncertain" in listed.stdout and "english" in listed.stdout
        # The heading explains the statuses listed, and only those.
        assert "`digest --resend-uncertain`" in listed.stdout and "pending:" not in listed.stdout

        quiet = run_cli("digest", "--send", env=env, cwd=tmp_path)
        assert quiet.returncode == 0 and len(mailbox.messages) == 2  # reported once, not resent

        resend = run_cli("digest", "--send", "--resend-uncertain", env=env, cwd=tmp_path)
        assert resend.returncode == 0, resend.stderr
        copies = mailbox.to("hello@green.example")
        assert len(copies) == 2 and "hello@green.example" in first_to
        # The same message, recognisably: one Message-ID per company and week.
        assert copies[0]["Message-ID"] == copies[1]["Message-ID"] == f"<kansenradar.{week}.english@kansen.example>"
    assert _statuses(database_url)[("english", week)] == "sent"


def test_a_second_sender_waits_its_turn_with_exit_3(database_url: str, tmp_path: Path) -> None:
    _prepare(database_url)
    engine = get_engine(database_url)
    with smtp_server() as (mailbox, port), run_lock(engine):
        result = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--send"],
                                    env=_env(port, tmp_path))  # fmt: skip
    engine.dispose()
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: not started: another run holds") and result.stderr.count("\n") == 1
    assert mailbox.messages == []


def test_a_digest_that_failed_last_week_is_retried_within_the_window_then_expires(
    database_url: str, tmp_path: Path
) -> None:
    _prepare(database_url)
    engine = get_engine(database_url)
    with smtp_server() as (mailbox, port):
        settings = load_settings(database_url=database_url, **{k.removeprefix("KANSENRADAR_").lower(): v
                                                               for k, v in _env(port, tmp_path).items()})  # fmt: skip
        now = now_in(settings.zone)
        last_week = iso_week((now - timedelta(days=7)).date())
        mailbox.refuse = True
        failed = send_digests(engine=engine, settings=settings, week=last_week, as_of=now, send=True)
        assert failed.counts["failed"] == 2
        mailbox.refuse = False
        retried = expire_and_retry(engine=engine, settings=settings, now=now, current_week=iso_week(now.date()))
        assert retried.counts["sent"] == 2 and not retried.failed
        assert {m["Message-ID"].split(".")[1] for m in mailbox.messages} == {last_week}
        # A digest still pending after the window is expired and reported, not sent a week late.
        two_weeks = iso_week((now - timedelta(days=14)).date())
        mailbox.refuse = True
        send_digests(engine=engine, settings=settings, week=two_weeks, as_of=now, send=True, company_id="english")
        mailbox.refuse = False
        with engine.begin() as connection:
            from sqlalchemy import text

            connection.execute(text("UPDATE delivery SET created_at = :t WHERE iso_week = :w"),
                               {"t": now - timedelta(days=9), "w": two_weeks})  # fmt: skip
        expired = expire_and_retry(engine=engine, settings=settings, now=now, current_week=iso_week(now.date()))
    engine.dispose()
    assert expired.counts["expired"] == 1 and expired.failed
    assert "english" in expired.errors[0] and "not sent within 7 days" in expired.errors[0]
    assert _statuses(database_url)[("english", two_weeks)] == "expired"
    assert len(mailbox.messages) == 2


def test_run_sends_a_missed_digest_on_a_later_day_of_the_week_once(database_url: str) -> None:
    from jobs.pipeline import digest_due
    from jobs.runs import record_step

    _prepare(database_url)
    engine = get_engine(database_url)
    settings = load_settings(database_url=database_url, digest_weekday=1)
    now = now_in(settings.zone)
    tuesday = now + timedelta(days=(1 - now.weekday()) % 7)  # this week's or next week's Tuesday
    assert digest_due(engine, settings, tuesday)  # Monday's run never sent it
    record_step(engine, "digest", "failed", watermark=local_week(tuesday, settings.zone))
    assert digest_due(engine, settings, tuesday)  # a failed step is not done
    record_step(engine, "digest", "success", watermark=local_week(tuesday, settings.zone))
    assert not digest_due(engine, settings, tuesday)
    assert not digest_due(engine, settings, tuesday + timedelta(days=4))  # nor later that week
    assert digest_due(engine, settings, tuesday - timedelta(days=2))  # the Sunday before: last week, not done
    assert digest_due(engine, settings, tuesday + timedelta(days=6))  # next Monday: a new week
    engine.dispose()
