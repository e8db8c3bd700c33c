"""Crawling on a real Scrapyd: the egg ``scrapyd-deploy`` builds, deployed through addversion.json, crawls into the
database; ``kansenradar run`` with KANSENRADAR_SCRAPYD_URL dispatches its crawls there and reads their job runs.

One real ``scrapyd`` process (``tests.scrapyd_server``: from this venv, on 127.0.0.1, behind a login, its eggs, logs
and queues in a temporary folder) serves the module.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy.engine import Engine

from crawler.spiders import SOURCES
from jobs.demo_web import free_port
from jobs.pipeline import mark_abandoned
from jobs.processes import stop
from jobs.scrapyd import job_settings
from jobs.settings import Settings
from storage import repository
from storage.db import get_engine, session_scope
from tests.dbutil import job_runs, scalar
from tests.processes import wait_for
from tests.replay import PROJECT_ROOT, ReplayServer, Reply, Seen, replay_server, run_cli
from tests.scrapyd_server import PASSWORD, PROJECT, Scrapyd, scrapyd_server
from tests.shared import shared

pytestmark = pytest.mark.slow

NOTICES = ("2024-OJS065-00191536.xml", "583624-2023.xml", "158253-2023.xml")
OCDS_FIRST_DAYS = "5000"  # the shared OCDS release is from 2018: the first crawl must reach back that far


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrapyd]:
    """Return one Scrapyd for the module, with the egg built by scrapyd-deploy deployed."""
    with scrapyd_server(tmp_path_factory.mktemp("scrapyd")) as server:
        yield server


def test_the_egg_holds_the_spiders_only(scrapyd: Scrapyd) -> None:
    with zipfile.ZipFile(scrapyd.folder / "kansenradar.egg") as egg:
        names = egg.namelist()
        entry_points = egg.read("EGG-INFO/entry_points.txt").decode()
    # storage (and its migrations), matcher and jobs come from Kansenradar installed beside Scrapyd.
    assert {name.split("/")[0] for name in names} == {"crawler", "EGG-INFO"}
    assert "settings = crawler.settings" in entry_points
    assert scrapyd.get("listspiders.json", project=PROJECT)["spiders"] == sorted(SOURCES)
    assert not (PROJECT_ROOT / "kansenradar_crawler.egg-info").exists()  # deploying leaves the work tree alone


def test_files_crawl_scheduled_on_scrapyd_stores_the_notices(
    tmp_path: Path, database_url: str, scrapyd: Scrapyd
) -> None:
    notices = tmp_path / "notices"
    notices.mkdir()
    for name in NOTICES:
        shutil.copy(shared("notices", "eforms-real", name), notices / name)
    settings = job_settings(Settings(database_url=database_url, crawl_delay=0))
    assert settings["KANSENRADAR_DATABASE_URL"] == database_url and "LOG_INSTALL_ROOT_HANDLER" not in settings
    params = [("project", PROJECT), ("spider", "files"), ("paths", str(notices))]
    answer = scrapyd.post("schedule.json", params + [("setting", f"{k}={v}") for k, v in settings.items()])
    assert answer["status"] == "ok", answer
    finished = scrapyd.wait(answer["jobid"])
    log = (scrapyd.folder / "logs" / PROJECT / "files" / f"{answer['jobid']}.log").read_text(encoding="utf-8")
    assert "Crawl files success" in log and "Traceback" not in log, log
    assert finished["log_url"].endswith(f"{answer['jobid']}.log")
    [(status, counts, _watermark)] = job_runs(database_url, "crawl:files")
    assert status == "success" and counts["new"] == 3 and counts["failed"] == 0, counts
    assert scalar(database_url, "SELECT count(*) FROM notice WHERE source = 'file'") == 3


def _run_env(database_url: str, scrapyd_url: str, ocds_url: str) -> dict[str, str]:
    return {
        "KANSENRADAR_DATABASE_URL": database_url,
        "KANSENRADAR_SCRAPYD_URL": scrapyd_url,
        "KANSENRADAR_CRAWL_SOURCES": "ocds",
        "KANSENRADAR_OCDS_URL": ocds_url,
        "KANSENRADAR_CRAWL_FIRST_DAYS": OCDS_FIRST_DAYS,
        "KANSENRADAR_CRAWL_DELAY": "0",
        "KANSENRADAR_SCRAPYD_WAIT": "60",
    }


def _ocds_jobs(scrapyd: Scrapyd) -> list[str]:
    jobs = scrapyd.get("listjobs.json", project=PROJECT)
    return sorted(job["id"] for state in ("pending", "running", "finished") for job in jobs[state]
                  if job["spider"] == "ocds")  # fmt: skip


def test_run_dispatches_its_crawls_to_scrapyd(tmp_path: Path, database_url: str, scrapyd: Scrapyd) -> None:
    package = shared("ocds", "release-package_1.1-2.json").resolve()
    env = _run_env(database_url, scrapyd.url, str(package))
    first = run_cli("run", "--no-digest", env=env, cwd=tmp_path, timeout=90)
    assert first.returncode == 0, first.stderr
    assert "crawl:ocds success, analyse success, match success" in first.stdout
    second = run_cli("run", "--no-digest", env=env, cwd=tmp_path, timeout=90)
    assert second.returncode == 0, second.stderr
    runs = job_runs(database_url, "crawl:ocds")
    assert [(status, counts["new"], counts["unchanged"]) for status, counts, _w in runs] == [
        ("success", 1, 0),
        ("success", 0, 1),  # the second crawl started from the first one's watermark and found nothing new
    ]
    assert runs[0][2] == "2018-12-18"
    assert scalar(database_url, "SELECT count(*) FROM notice WHERE source = 'ocds'") == 1
    assert len(_ocds_jobs(scrapyd)) >= 2


def test_a_crawl_that_fails_on_scrapyd_fails_the_run(tmp_path: Path, sqlite_url: str, scrapyd: Scrapyd) -> None:
    broken = tmp_path / "package.json"
    broken.write_text("<html>not an OCDS package</html>", encoding="utf-8")
    result = run_cli("run", "--no-digest", env=_run_env(sqlite_url, scrapyd.url, str(broken)), cwd=tmp_path,
                     timeout=90)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "crawl:ocds failed, analyse success" in result.stdout
    assert "crawl ocds: failed" in result.stderr and "/logs/kansenradar/ocds/" in result.stderr
    assert quote(PASSWORD, safe="") not in result.stderr  # the log URL is given without the login
    assert "Traceback" not in result.stderr
    [(status, counts, _watermark)] = job_runs(sqlite_url, "crawl:ocds")
    assert status == "failed", counts
    assert "listings failed" in scalar(sqlite_url, "SELECT error FROM job_run WHERE name = 'crawl:ocds'")


@contextmanager
def _stalled_package() -> Iterator[ReplayServer]:
    """Serve an OCDS package at /packages that arrives only when the block ends (after `run` stopped waiting)."""
    release = threading.Event()

    def slow(_request: Seen) -> Reply:
        release.wait(20)
        return Reply.json({"releases": []})

    with replay_server() as server:
        server.route("GET", "/packages", slow)
        try:
            yield server
        finally:
            release.set()


def _assert_cancelled(url: str, scrapyd: Scrapyd, *, crawling: bool) -> None:
    """Wait until Scrapyd holds no OCDS job any more, then check what the crawl recorded.

    A spider that was crawling (it asked for the package) closes as ``shutdown`` and records its crawl as failed.
    Under load a short wait can cancel it before that: a job not launched yet never runs; a process still starting
    (its job run written, the reactor and Scrapy's signal handling not yet up) just ends, and the next run marks its
    job run abandoned.
    """

    def active() -> list[str]:
        jobs = scrapyd.get("listjobs.json", project=PROJECT)
        return [job["id"] for state in ("pending", "running") for job in jobs[state] if job["spider"] == "ocds"]

    wait_for(lambda: not active(), timeout=30, interval=0.2, what="no OCDS job left on Scrapyd")
    runs = job_runs(url, "crawl:ocds")
    if not crawling and not runs:
        return
    if not crawling and runs[0][0] == "running":
        engine = get_engine(url)
        try:
            assert mark_abandoned(engine, Settings(database_url=url)) == 1
        finally:
            engine.dispose()
        assert job_runs(url, "crawl:ocds")[0][0] == "abandoned"
        return
    assert runs[0][0] == "failed"
    assert "closed: shutdown" in scalar(url, "SELECT error FROM job_run WHERE name = 'crawl:ocds'")


def test_a_crawl_past_the_wait_is_cancelled(tmp_path: Path, sqlite_url: str, scrapyd: Scrapyd) -> None:
    with _stalled_package() as server:
        env = _run_env(sqlite_url, scrapyd.url, f"{server.base}/packages")
        env |= {"KANSENRADAR_SCRAPYD_WAIT": "2", "KANSENRADAR_CONNECT_TIMEOUT": "5"}
        result = run_cli("run", "--no-digest", env=env, cwd=tmp_path, timeout=60)
        crawling = bool(server.seen("GET", "/packages"))
    assert result.returncode == 1, result.stderr
    assert "not finished after 2 s (KANSENRADAR_SCRAPYD_WAIT); cancelling it" in result.stderr
    _assert_cancelled(sqlite_url, scrapyd, crawling=crawling)


def test_sigterm_to_run_cancels_its_scrapyd_job(tmp_path: Path, sqlite_url: str, scrapyd: Scrapyd) -> None:
    with _stalled_package() as server:
        env = _run_env(sqlite_url, scrapyd.url, f"{server.base}/packages") | {"KANSENRADAR_CONNECT_TIMEOUT": "5"}
        clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
        run = subprocess.Popen([sys.executable, "-m", "jobs", "run", "--no-digest"], cwd=tmp_path, text=True,
                               env={**clean, **env, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)  # fmt: skip
        try:
            try:
                wait_for(lambda: server.seen("GET", "/packages"), timeout=30)
            except AssertionError:
                run.kill()
                pytest.fail(f"the Scrapyd job never asked for the package; run said: {run.communicate()[1]}")
            run.send_signal(signal.SIGTERM)
            _out, err = run.communicate(timeout=30)
        finally:
            stop(run, grace=15)
    assert run.returncode == 1, err
    assert "Traceback" not in err
    _assert_cancelled(sqlite_url, scrapyd, crawling=True)


def test_run_with_an_unreachable_scrapyd_exits_1_in_one_line(tmp_path: Path, sqlite_url: str) -> None:
    env = _run_env(sqlite_url, f"http://127.0.0.1:{free_port(0)}/", str(tmp_path / "unused.json"))
    result = run_cli("run", "--no-digest", env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "crawl:ocds failed, analyse success, match success" in result.stdout
    errors = [line for line in result.stderr.splitlines() if "cannot be reached" in line]
    assert len(errors) == 1 and "Scrapyd at http://127.0.0.1:" in errors[0], result.stderr
    assert "Traceback" not in result.stderr


def test_no_second_job_while_a_crawl_of_the_source_still_runs(
    tmp_path: Path, database_url: str, engine: Engine, scrapyd: Scrapyd
) -> None:
    with session_scope(engine) as session:
        busy = repository.start_job_run(session=session, name="crawl:ocds")  # this live process: not abandoned
    before = _ocds_jobs(scrapyd)
    env = _run_env(database_url, scrapyd.url, str(tmp_path / "unused.json"))
    result = run_cli("run", "--no-digest", env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"Crawl of ocds not queued: job run {busy.id} is still running" in result.stderr
    assert _ocds_jobs(scrapyd) == before
    assert [status for status, _counts, _w in job_runs(database_url, "crawl:ocds")] == ["running"]


def test_a_wrong_scrapyd_password_is_one_line_without_the_password(
    tmp_path: Path, sqlite_url: str, scrapyd: Scrapyd
) -> None:
    wrong = scrapyd.url.replace(quote(PASSWORD, safe=""), "wrong-secret")
    result = run_cli("run", "--no-digest", env=_run_env(sqlite_url, wrong, str(tmp_path / "x.json")), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "jobs.scrapyd" in line]
    assert len(errors) == 1 and "schedule.json: HTTP 401" in errors[0], result.stderr
    assert "wrong-secret" not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_scrapyd_workers_cannot_share_a_relative_sqlite_path(tmp_path: Path) -> None:
    # Each worker runs in a folder of its own, and would write its crawl to a database of its own there.
    env = {"KANSENRADAR_DATABASE_URL": "sqlite:///x.db", "KANSENRADAR_SCRAPYD_URL": "http://127.0.0.1:9/"}
    result = run_cli("run", "--no-digest", env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "KANSENRADAR_SCRAPYD_URL: crawl workers cannot share" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_scrapyd_url_must_be_http(tmp_path: Path, sqlite_url: str) -> None:
    env = {"KANSENRADAR_DATABASE_URL": sqlite_url, "KANSENRADAR_SCRAPYD_URL": "scrapyd-host:6800"}
    result = run_cli("run", env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "KANSENRADAR_SCRAPYD_URL" in result.stderr, result.stderr
