"""`kansenradar run` end to end: replayed TED responses -> crawl -> analyse -> match -> digests by real SMTP.

Every test runs on SQLite and, where KANSENRADAR_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobs.processes import stop
from tests.crawler.test_spiders_e2e import _search_page, _ted_notices
from tests.dbutil import rows, scalar
from tests.processes import wait_for
from tests.replay import PROJECT_ROOT, Reply, Seen, replay_server, run_cli
from tests.shared import shared
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
  name: Werkt <Samen>
  email: werk@samen.example
  description: Re-integratie, social return en werving en selectie van personeel.
  cpv: ["7961", "7962"]
  regions: ["NL"]
  capacity: {max_contract_value: 500000}
  digest: {min_score: 0.2}
"""


def _env(url: str, tmp_path: Path, base: str, port: int) -> dict[str, str]:
    return {
        "KANSENRADAR_DATABASE_URL": url,
        "KANSENRADAR_TED_API_URL": f"{base}/v3",
        "KANSENRADAR_CRAWL_SOURCES": "ted",
        "KANSENRADAR_CRAWL_DELAY": "0",
        "KANSENRADAR_RETRY_BACKOFF": "0.05",
        "KANSENRADAR_CRAWL_FIRST_DAYS": "2000",
        # The recorded notices are years old; those without a deadline are offered anyway.
        "KANSENRADAR_UNDATED_DAYS": "3650",
        "KANSENRADAR_SMTP_HOST": "127.0.0.1",
        "KANSENRADAR_SMTP_PORT": str(port),
        "KANSENRADAR_SMTP_STARTTLS": "false",
        "KANSENRADAR_SMTP_FROM": "Kansenradar <radar@kansen.example>",
        "KANSENRADAR_OUTBOX": str(tmp_path / "outbox"),
        # A crawl stopped by SIGTERM finishes the request in flight first: keep that short.
        "KANSENRADAR_CONNECT_TIMEOUT": "5",
    }


# The recorded calls closed long ago: their deadlines move to 2099, so that a run today still offers them.
_DEADLINES = re.compile(rb"(<(?:efac:InterestExpressionReceptionPeriod|cac:TenderSubmissionDeadlinePeriod|"
                        rb"cac:ParticipationRequestReceptionPeriod)>\s*<cbc:EndDate>)\d{4}")  # fmt: skip


def _serve_ted(server: object, delay: float = 0.0) -> None:
    notices = {number: (_DEADLINES.sub(rb"\g<1>2099", data), published)
               for number, (data, published) in _ted_notices().items()}  # fmt: skip
    numbers = [(n, published) for n, (_d, published) in notices.items()]
    page = _search_page(server.base, numbers, None)  # type: ignore[attr-defined]

    def search(_request: Seen) -> Reply:
        time.sleep(delay)
        return Reply.json(page)

    server.route("POST", "/v3/notices/search", search)  # type: ignore[attr-defined]
    for number, (data, _published) in notices.items():
        server.route("GET", f"/en/notice/{number}/xml", Reply(200, data))  # type: ignore[attr-defined]


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
    return subprocess.Popen([sys.executable, "-m", "jobs", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**clean, **env, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip


def _crawl_children(parent: int) -> list[int]:
    """Return the pids of `python -m jobs crawl` processes whose parent is ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == parent and b"crawl" in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_run_crawls_a_drop_folder(tmp_path: Path, database_url: str) -> None:
    # A folder where notices arrive (an export, a mounted share): the files source of `run`.
    drop = tmp_path / "binnen"
    drop.mkdir()
    for name in ("583624-2023.xml", "2024-OJS044-00127505.xml"):
        shutil.copy(shared("notices", "eforms-real", name), drop / name)
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_CRAWL_SOURCES": "files",
           "KANSENRADAR_FILES_PATHS": str(drop), "KANSENRADAR_OUTBOX": str(tmp_path / "outbox")}  # fmt: skip
    first = run_cli("run", "--no-digest", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "crawl:files success" in first.stdout and scalar(database_url, "SELECT count(*) FROM notice") == 2
    # A file that cannot be read: the crawl read the folder and stored the rest, as its job run says; exit 1.
    (drop / "kapot.xml").write_text("<ContractNotice><unclosed>", encoding="utf-8")
    partly = run_cli("run", "--no-digest", env=env, cwd=tmp_path)
    assert partly.returncode == 1 and "Run: crawl:files success (1 not stored), analyse success" in partly.stdout
    listed = run_cli("runs", "--format", "jsonl", env=env, cwd=tmp_path)
    crawl = next(json.loads(line) for line in listed.stdout.splitlines() if '"crawl:files"' in line)
    assert crawl["status"] == "success" and crawl["counts"]["failed"] == 1
    unset = run_cli("run", "--no-digest", env={**env, "KANSENRADAR_FILES_PATHS": ""}, cwd=tmp_path)
    assert unset.returncode == 2 and "KANSENRADAR_FILES_PATHS must be set" in unset.stderr
    # A malformed OCDS address stops the run before any work, also one that would crawl on Scrapyd (which keys the
    # crawl's job run by the address before a worker could say it is bad).
    for scrapyd in ("", "http://127.0.0.1:9/"):
        bad = run_cli("run", "--no-digest", env={**env, "KANSENRADAR_CRAWL_SOURCES": "files,ocds",
                      "KANSENRADAR_OCDS_URL": "https://[::1/releases.json", "KANSENRADAR_SCRAPYD_URL": scrapyd},
                      cwd=tmp_path)  # fmt: skip
        assert bad.returncode == 2 and "KANSENRADAR_OCDS_URL: https://[::1/releases.json is not a URL" in bad.stderr
        assert "Traceback" not in bad.stderr


def test_run_crawls_matches_and_mails_once_then_retries_failed_mail(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "companies.yaml").write_text(COMPANIES, encoding="utf-8")
    with replay_server() as server, smtp_server() as (mailbox, port):
        _serve_ted(server)
        env = _env(database_url, tmp_path, server.base, port)
        assert run_cli("companies", "import", "companies.yaml", env=env, cwd=tmp_path).returncode == 0
        mailbox.refuse = True
        first = run_cli("--log-format", "json", "run", "--digest", env=env, cwd=tmp_path)
        assert first.returncode == 1, first.stderr  # the digest step failed: SMTP refused
        assert "crawl:ted success, analyse success, match success, digest failed" in first.stdout
        assert mailbox.messages == []
        assert scalar(database_url, "SELECT count(*) FROM notice") == 5
        assert scalar(database_url, "SELECT count(*) FROM match") > 0
        assert {r[0] for r in rows(database_url, "SELECT status FROM delivery")} == {"pending"}
        names = {r[0] for r in rows(database_url, "SELECT name FROM job_run")}
        assert {"crawl:ted", "analyse", "match", "digest"} <= names
        mailbox.refuse = False
        second = run_cli("run", "--digest", env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        # The repairs company's one tender of its trade is an award notice: a result, no opportunity, no digest.
        assert len(mailbox.messages) == 1 and not mailbox.to("klus@west.example")
        message = mailbox.to("werk@samen.example")[0]
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Werkt &lt;Samen&gt;" in html and "127505-2024" in html
        assert message.get_body(preferencelist=("plain",)).get_content()
        assert message["List-Unsubscribe"] and message["Message-ID"] and message["Date"]
        third = run_cli("run", "--digest", env=env, cwd=tmp_path)
        assert third.returncode == 0 and len(mailbox.messages) == 1


def test_two_concurrent_runs_one_exits_3(tmp_path: Path, database_url: str) -> None:
    with replay_server() as server, smtp_server() as (_mailbox, port):
        _serve_ted(server, delay=4.0)
        env = _env(database_url, tmp_path, server.base, port)
        first = _start(["run", "--no-digest"], env, tmp_path)
        wait_for(lambda: server.seen("POST", "/v3/notices/search"))
        second = run_cli("run", "--no-digest", env=env, cwd=tmp_path)
        _out, err = first.communicate(timeout=120)
    assert second.returncode == 3, second.stderr
    assert second.stderr.startswith("Error: not started: another run holds") and second.stderr.count("\n") == 1
    if database_url.startswith("sqlite"):
        assert "the run lock " in second.stderr and ".lock" in second.stderr  # which file, to look at or remove
    assert first.returncode == 0, err


def test_the_database_option_reaches_the_crawl_child(tmp_path: Path, database_url: str) -> None:
    # `--database-url` is an option of the parent's command line: the crawl child crawled into the default
    # ./kansenradar.db while analyse and match used the database given, and all reported success.
    drop = tmp_path / "binnen"
    drop.mkdir()
    shutil.copy(shared("notices", "eforms-real", "583624-2023.xml"), drop / "583624-2023.xml")
    env = {"KANSENRADAR_CRAWL_SOURCES": "files", "KANSENRADAR_FILES_PATHS": str(drop),
           "KANSENRADAR_OUTBOX": str(tmp_path / "outbox")}  # fmt: skip
    result = run_cli("--database-url", database_url, "--log-format", "json", "run", "--no-digest", env=env,
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert scalar(database_url, "SELECT count(*) FROM notice") == 1
    assert not (tmp_path / "kansenradar.db").exists()
    assert all(line.startswith("{") for line in result.stderr.splitlines() if line.strip())  # the child's too


def test_sigterm_stops_the_crawl_child_and_the_run(tmp_path: Path, database_url: str) -> None:
    with replay_server() as server, smtp_server() as (_mailbox, port):
        _serve_ted(server, delay=30.0)  # the crawl child waits on the search page
        env = _env(database_url, tmp_path, server.base, port)
        run = _start(["run", "--no-digest"], env, tmp_path)
        wait_for(lambda: server.seen("POST", "/v3/notices/search"))
        children = _crawl_children(run.pid)
        assert children, "no crawl child found"
        run.send_signal(signal.SIGTERM)
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 1, err
        assert "stopped by SIGTERM" in err and "Traceback" not in err
        wait_for(lambda: not any(_alive(pid) for pid in children), timeout=30)
    # The child shut down cleanly: its job run is closed, not left running.
    assert [r[0] for r in rows(database_url, "SELECT status FROM job_run WHERE name = 'crawl:ted'")] == ["failed"]


def test_kill_9_takes_the_crawl_child_along_and_the_next_run_marks_it_abandoned(
    tmp_path: Path, database_url: str
) -> None:
    with replay_server() as server, smtp_server() as (_mailbox, port):
        _serve_ted(server, delay=30.0)
        env = _env(database_url, tmp_path, server.base, port)
        run = _start(["run", "--no-digest"], env, tmp_path)
        wait_for(lambda: server.seen("POST", "/v3/notices/search"))
        wait_for(lambda: scalar(database_url, "SELECT count(*) FROM job_run WHERE name = 'crawl:ted'") == 1)
        children = _crawl_children(run.pid)
        assert children
        run.kill()
        run.communicate(timeout=30)
        # The kernel tells the orphan (PR_SET_PDEATHSIG): it stops instead of crawling on.
        wait_for(lambda: not any(_alive(pid) for pid in children), timeout=30)
        status = scalar(database_url, "SELECT status FROM job_run WHERE name = 'crawl:ted'")
        assert status in ("failed", "running")  # closed cleanly on SIGTERM, or cut off mid-write
        if status == "running":
            env_offline = {**env, "KANSENRADAR_CRAWL_SOURCES": "none"}
            assert run_cli("run", "--no-digest", env=env_offline, cwd=tmp_path).returncode == 0
            found = rows(database_url, "SELECT status, error FROM job_run WHERE name = 'crawl:ted'")
            assert found[0][0] == "abandoned" and "is gone" in found[0][1]


def test_a_running_row_of_a_dead_process_is_marked_abandoned(tmp_path: Path, database_url: str) -> None:
    from storage import repository
    from storage.db import get_engine, session_scope, upgrade

    engine = get_engine(database_url)
    upgrade(engine)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name="crawl:ted")
        run.pid = int(dead.stdout)  # a process that has exited
        session.add(run)
    engine.dispose()
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_CRAWL_SOURCES": "none"}
    assert run_cli("run", "--no-digest", env=env, cwd=tmp_path).returncode == 0
    ((status, error),) = rows(database_url, "SELECT status, error FROM job_run WHERE name = 'crawl:ted'")
    assert status == "abandoned" and f"process {dead.stdout.strip()}" in error


def test_configuration_error_exits_2(tmp_path: Path) -> None:
    env = {"KANSENRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "KANSENRADAR_CRAWL_SOURCES": "nosuch"}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "KANSENRADAR_CRAWL_SOURCES" in result.stderr
    bad_setting = run_cli("run", env={**env, "KANSENRADAR_SMTP_PORT": "many"}, cwd=tmp_path)
    assert bad_setting.returncode == 2 and "KANSENRADAR_SMTP_PORT" in bad_setting.stderr


def test_schedule_fires_records_and_stops_on_sigterm(tmp_path: Path, database_url: str) -> None:
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_CRAWL_SOURCES": "none",
           "KANSENRADAR_SCHEDULE_RUN": "every 1s", "KANSENRADAR_SCHEDULE_DIGEST": "0 7 * * 1",
           "KANSENRADAR_OUTBOX": str(tmp_path / "outbox"), "KANSENRADAR_LOG_LEVEL": "INFO"}  # fmt: skip
    process = _start(["schedule"], env, tmp_path)
    query = "SELECT count(*) FROM job_run WHERE name = 'schedule:run' AND status = 'success'"
    try:
        wait_for(lambda: _count_or_zero(database_url, query) > 0)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        stop(process, grace=15)
    assert process.returncode == 0, err
    assert "Scheduler stopped" in err
    assert "Scheduled digest (cron[" in err and "next at 20" in err  # the next fire times, at start


def test_sigterm_stops_the_running_scheduled_job_and_its_crawl(tmp_path: Path, database_url: str) -> None:
    # The scheduler's SIGTERM handler stopped the scheduler only: its running job crawled, analysed and matched
    # on (for hours with a real source), and a second signal ended it with a traceback and nothing recorded.
    with replay_server() as server, smtp_server() as (_mailbox, port):
        _serve_ted(server, delay=30.0)  # the crawl child waits on the search page
        env = {**_env(database_url, tmp_path, server.base, port), "KANSENRADAR_SCHEDULE_RUN": "every 1s",
               "KANSENRADAR_SCHEDULE_DIGEST": "0 7 * * 1", "KANSENRADAR_LOG_LEVEL": "INFO"}  # fmt: skip
        process = _start(["schedule"], env, tmp_path)
        try:
            wait_for(lambda: server.seen("POST", "/v3/notices/search"), timeout=60)
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            process.send_signal(signal.SIGTERM)  # an impatient operator: harmless
            _out, err = process.communicate(timeout=90)
        finally:
            stop(process, grace=15)
    assert process.returncode == 1, err
    assert "still stopping" in err and "SchedulerNotRunningError" not in err
    names = [name for (name,) in rows(database_url, "SELECT name FROM job_run ORDER BY id")]
    assert "crawl:ted" in names and "analyse" not in names and "match" not in names  # stopped before its next step
    statuses = dict(rows(database_url, "SELECT name, status FROM job_run WHERE name IN ('crawl:ted', 'schedule:run')"))
    assert statuses == {"crawl:ted": "failed", "schedule:run": "failed"}  # closed and recorded, not left running


def _count_or_zero(url: str, query: str) -> int:
    try:
        return int(scalar(url, query))
    except Exception:  # the schema is not there yet
        return 0


def _scheduled_job_waits_for_the_lock(tmp_path: Path, database_url: str, job: str, schedules: dict[str, str]) -> None:
    """Hold the run lock while the scheduled ``job`` fires: it waits (neither failed nor skipped), then succeeds."""
    from jobs.locks import run_lock
    from storage.db import get_engine, upgrade

    engine = get_engine(database_url)
    upgrade(engine)
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_CRAWL_SOURCES": "none",
           "KANSENRADAR_OUTBOX": str(tmp_path / "outbox"), "KANSENRADAR_LOCK_WAIT": "60",
           "KANSENRADAR_LOG_LEVEL": "INFO", **schedules}  # fmt: skip
    query = f"SELECT status FROM job_run WHERE name = 'schedule:{job}'"
    with run_lock(engine):
        process = _start(["schedule"], env, tmp_path)
        time.sleep(5)
        assert rows(database_url, query) == []  # waiting, neither failed nor skipped
    try:
        wait_for(lambda: rows(database_url, query))
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        stop(process, grace=15)
        engine.dispose()
    assert rows(database_url, query)[0][0] == "success", err
    assert "LockedError" not in err and "Traceback" not in err


def test_scheduled_digest_waits_for_the_run_lock_instead_of_skipping_the_week(
    tmp_path: Path, database_url: str
) -> None:
    # A long pipeline run holds the lock when the digest job fires.
    _scheduled_job_waits_for_the_lock(tmp_path, database_url, "digest", {
        "KANSENRADAR_SCHEDULE_RUN": "0 6 1 1 *", "KANSENRADAR_SCHEDULE_DIGEST": "every 2s"})  # fmt: skip


def test_scheduled_run_waits_for_a_hand_command_instead_of_skipping_the_day(tmp_path: Path, database_url: str) -> None:
    # A hand `match` holds the lock when the run job fires.
    _scheduled_job_waits_for_the_lock(tmp_path, database_url, "run", {
        "KANSENRADAR_SCHEDULE_RUN": "every 2s", "KANSENRADAR_SCHEDULE_DIGEST": "0 6 1 1 *"})  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_crawl_of_an_archive_stopped_mid_way_closes_and_records_itself(
    tmp_path: Path, database_url: str, how: str
) -> None:
    # It waited for ever in "Closing spider (shutdown)" (Scrapy never saw its last notice stored), and Ctrl-C, which
    # reaches every process of the terminal's group, left tracebacks of the parsing workers and no summary.
    archives = [str(shared("notices", "corpus", name)) for name in ("ted-xml.tar.gz", "eforms.tar.gz")]
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_WORKERS": "2"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
    crawl = subprocess.Popen([sys.executable, "-m", "jobs", "crawl", "files", *archives], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env={**clean, **env, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip
    try:
        wait_for(lambda: crawl.poll() is None and _stored(database_url), timeout=120)
        workers = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()
                   and _parent(int(entry.name)) == crawl.pid]  # fmt: skip
        if how == "SIGTERM":
            crawl.send_signal(signal.SIGTERM)
        else:
            os.killpg(crawl.pid, signal.SIGINT)
        out, err = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.communicate()
    assert crawl.returncode == 1, err
    assert out.startswith("crawl files: failed; fetched") and out.rstrip().endswith("(closed: shutdown)"), out
    assert "Traceback" not in err and "never retrieved" not in err, err
    assert rows(database_url, "SELECT status FROM job_run WHERE name = 'crawl:files'") == [("failed",)]
    wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=30)


def _parent(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _stored(url: str) -> int:
    """Return how many notices are stored; 0 before the crawl has made the database and its tables."""
    try:
        return int(scalar(url, "SELECT count(*) FROM notice"))
    except Exception:  # no database or no table yet: nothing stored
        return 0
