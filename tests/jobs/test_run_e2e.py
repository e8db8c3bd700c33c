"""`kansenradar run` end to end: replayed TED responses -> crawl -> analyse -> match -> digests by real SMTP."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawler.test_spiders_e2e import _search_page, _ted_notices
from tests.replay import PROJECT_ROOT, Reply, Seen, replay_server, run_cli
from tests.smtp import smtp_server

pytestmark = pytest.mark.slow

COMPANIES = """\
- id: klus
  name: Klusbedrijf <West>
  email: klus@west.example
  description: Bewonersbedrijf voor reparaties, onderhoud en renovatie van gebouwen en installaties.
  cpv: ["4545", "50700000", "45000000"]
  regions: ["NL2"]
  capacity: {max_contract_value: 250000}
  digest: {min_score: 0.2}
- id: werk
  name: Werkt Samen
  email: werk@samen.example
  description: Re-integratie, social return en werving en selectie van personeel.
  cpv: ["7961", "7962"]
  regions: ["NL"]
  capacity: {max_contract_value: 500000}
  digest: {min_score: 0.2}
"""


def _env(tmp_path: Path, base: str, port: int) -> dict[str, str]:
    return {
        "KANSENRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "KANSENRADAR_TED_API_URL": f"{base}/v3",
        "KANSENRADAR_CRAWL_SOURCES": "ted",
        "KANSENRADAR_CRAWL_DELAY": "0",
        "KANSENRADAR_RETRY_BACKOFF": "0.05",
        "KANSENRADAR_CRAWL_FIRST_DAYS": "2000",
        "KANSENRADAR_SMTP_HOST": "127.0.0.1",
        "KANSENRADAR_SMTP_PORT": str(port),
        "KANSENRADAR_SMTP_STARTTLS": "false",
        "KANSENRADAR_SMTP_FROM": "Kansenradar <radar@kansen.example>",
        "KANSENRADAR_OUTBOX": str(tmp_path / "outbox"),
    }


def _serve_ted(server: object, delay: float = 0.0) -> None:
    notices = _ted_notices()
    numbers = [(n, published) for n, (_d, published) in notices.items()]
    page = _search_page(server.base, numbers, None)  # type: ignore[attr-defined]

    def search(_request: Seen) -> Reply:
        time.sleep(delay)
        return Reply.json(page)

    server.route("POST", "/v3/notices/search", search)  # type: ignore[attr-defined]
    for number, (data, _published) in notices.items():
        server.route("GET", f"/en/notice/{number}/xml", Reply(200, data))  # type: ignore[attr-defined]


def test_run_crawls_matches_and_mails_once_then_retries_failed_mail(tmp_path: Path) -> None:
    (tmp_path / "companies.yaml").write_text(COMPANIES, encoding="utf-8")
    with replay_server() as server, smtp_server() as (mailbox, port):
        _serve_ted(server)
        env = _env(tmp_path, server.base, port)
        assert run_cli("companies", "import", "companies.yaml", env=env, cwd=tmp_path).returncode == 0
        mailbox.refuse = True
        first = run_cli("--log-format", "json", "run", "--digest", env=env, cwd=tmp_path)
        assert first.returncode == 1, first.stderr  # the digest step failed: SMTP refused
        assert "crawl:ted success, analyse success, match success, digest failed" in first.stdout
        assert mailbox.messages == []
        with sqlite3.connect(tmp_path / "run.db") as db:
            assert db.execute("SELECT count(*) FROM notice").fetchone()[0] == 5
            assert db.execute("SELECT count(*) FROM match").fetchone()[0] > 0
            assert {r[0] for r in db.execute("SELECT status FROM delivery")} == {"pending"}
            names = {r[0] for r in db.execute("SELECT name FROM job_run")}
            assert {"crawl:ted", "analyse", "match", "digest"} <= names
        mailbox.refuse = False
        second = run_cli("run", "--digest", env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert len(mailbox.messages) == 2
        message = next(m for m in mailbox.messages if "klus@west.example" in str(m["To"]))
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Klusbedrijf &lt;West&gt;" in html and "191536-2024" in html
        assert message.get_body(preferencelist=("plain",)).get_content()
        assert message["List-Unsubscribe"] and message["Message-ID"] and message["Date"]
        third = run_cli("run", "--digest", env=env, cwd=tmp_path)
        assert third.returncode == 0 and len(mailbox.messages) == 2


def test_two_concurrent_runs_one_exits_3(tmp_path: Path) -> None:
    with replay_server() as server, smtp_server() as (_mailbox, port):
        _serve_ted(server, delay=4.0)
        env = _env(tmp_path, server.base, port)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
        first = subprocess.Popen([sys.executable, "-m", "jobs", "run", "--no-digest"], cwd=tmp_path,
                                 env={**clean, **env, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 30
        while not server.seen("POST", "/v3/notices/search") and time.monotonic() < deadline:
            time.sleep(0.1)
        second = run_cli("run", "--no-digest", env=env, cwd=tmp_path)
        out, err = first.communicate(timeout=120)
    assert second.returncode == 3, second.stderr
    assert "another run holds" in second.stderr
    assert first.returncode == 0, err


def test_configuration_error_exits_2(tmp_path: Path) -> None:
    env = {"KANSENRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "KANSENRADAR_CRAWL_SOURCES": "nosuch"}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "KANSENRADAR_CRAWL_SOURCES" in result.stderr
    bad_setting = run_cli("run", env={**env, "KANSENRADAR_SMTP_PORT": "many"}, cwd=tmp_path)
    assert bad_setting.returncode == 2 and "smtp_port" in bad_setting.stderr


def test_schedule_fires_records_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {"KANSENRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'sched.db'}", "KANSENRADAR_CRAWL_SOURCES": "none",
           "KANSENRADAR_SCHEDULE_RUN": "every 1s", "KANSENRADAR_SCHEDULE_DIGEST": "0 7 * * 1",
           "KANSENRADAR_OUTBOX": str(tmp_path / "outbox"), "KANSENRADAR_LOG_LEVEL": "INFO"}  # fmt: skip
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
    process = subprocess.Popen([sys.executable, "-m", "jobs", "schedule"], cwd=tmp_path,
                               env={**clean, **env, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        recorded = 0
        while time.monotonic() < deadline and not recorded:
            time.sleep(0.5)
            if (tmp_path / "sched.db").exists():
                try:
                    with sqlite3.connect(tmp_path / "sched.db") as db:
                        recorded = db.execute("SELECT count(*) FROM job_run WHERE name = 'schedule:run' "
                                              "AND status = 'success'").fetchone()[0]  # fmt: skip
                except sqlite3.OperationalError:
                    pass  # schema not created yet
        assert recorded, "the scheduled run never finished"
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Scheduler stopped" in err
