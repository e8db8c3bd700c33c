"""Nothing lost at the end of a crawl: a batch whose commit fails is queued and fails the run; a retried document
that is no longer there counts as a failed attempt, so it is given up in time and stops holding the watermark; the
queued members of one package or archive are retried from one download or reading, each resolved or failed."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tarfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

import crawler.pipelines
from crawler.extensions import JobRunRecorder
from crawler.items import NoticeItem, NoticeRow
from crawler.pipelines import StoragePipeline
from crawler.spiders.files import Files
from storage.db import get_engine, upgrade
from storage.exceptions import DatabaseUnavailableError
from storage.repository import FailedDocument
from tests.dbutil import job_runs, rows
from tests.factories import make_record
from tests.replay import Reply, replay_server, run_cli, sequence
from tests.shared import shared


@contextmanager
def _commit_fails(engine: Engine, **_options: object) -> Iterator[Session]:
    # The work inside succeeds; the commit at the end does not, as when another process holds the SQLite lock.
    with Session(engine) as session:
        yield session
        session.rollback()
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))


def test_a_batch_whose_commit_fails_is_queued_and_fails_the_run(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scrapy_crawler = get_crawler(Files, {"KANSENRADAR_DATABASE_URL": database_url})
    spider = Files.from_crawler(scrapy_crawler, paths=str(tmp_path))
    scrapy_crawler.spider = spider
    recorder = JobRunRecorder.from_crawler(scrapy_crawler)
    recorder.spider_opened(spider)
    pipeline = StoragePipeline.from_crawler(scrapy_crawler)
    pipeline.open_spider(spider)
    monkeypatch.setattr(crawler.pipelines, "session_scope", _commit_fails)
    for number in ("1", "2"):
        record = make_record(notice_id=f"n-{number}", publication_number=f"n-{number}")
        pipeline.process_item(NoticeItem(row=NoticeRow.of(record), document=f"{number}.xml", key=f"in/{number}.xml"),
                              spider)  # fmt: skip
    pipeline.close_spider(spider)  # the final flush: Scrapy would only log an exception raised here
    assert [(f.key, f.error) for f in spider.failures] == [
        (f"in/{n}.xml", "not stored: batch not stored: OperationalError: database is locked") for n in ("1", "2")
    ]
    assert scrapy_crawler.stats.get_value("kansenradar/store_failed") == 1
    assert scrapy_crawler.stats.get_value("kansenradar/failed") == 2
    recorder.spider_closed(spider, "finished")
    ((status, counts, _watermark),) = job_runs(database_url, "crawl:files")
    assert status == "failed" and counts["failed"] == 2
    queued = rows(database_url, "SELECT key, status, attempts FROM crawl_failure ORDER BY key")
    assert queued == [("in/1.xml", "pending", 1), ("in/2.xml", "pending", 1)]


def test_a_crawl_the_database_refused_ends_without_recording(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # As on a Scrapyd host whose database URL opens it read-only: the run cannot start, and closing says so.
    url = f"sqlite:///{tmp_path / 'k.db'}"
    upgrade(get_engine(url))
    read_only = f"sqlite:///file:{tmp_path / 'k.db'}?mode=ro&uri=true"
    scrapy_crawler = get_crawler(Files, {"KANSENRADAR_DATABASE_URL": read_only})
    spider = Files.from_crawler(scrapy_crawler, paths=str(tmp_path))
    scrapy_crawler.spider = spider
    recorder = JobRunRecorder.from_crawler(scrapy_crawler)
    with pytest.raises(DatabaseUnavailableError, match="read-only"):
        recorder.spider_opened(spider)
    recorder.spider_closed(spider, "finished")
    assert "Crawl files not recorded: its job run could not be started" in caplog.text
    assert job_runs(url, "crawl:files") == []


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.slow
def test_an_archive_member_gone_on_retry_is_a_failed_attempt_and_given_up(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = shared("notices", "eforms-real", "583624-2023.xml").read_bytes()
    _zip(folder / "batch.zip", {"good.xml": good, "late.xml": b"<half a file"})
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_RETRY_QUEUE_BACKOFF": "0",
           "KANSENRADAR_RETRY_LIMIT": "2"}  # fmt: skip
    first = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert first.returncode == 1 and "late.xml: not well-formed XML" in first.stderr
    assert rows(database_url, "SELECT status, attempts FROM crawl_failure") == [("pending", 1)]
    # The crawl ran to its end (its watermark moves), and its run says what it could not store.
    assert rows(database_url, "SELECT status, error FROM job_run WHERE name = 'crawl:files'") == [
        ("success", "1 document not stored (listed by `kansenradar runs --failed`)")
    ]
    _zip(folder / "batch.zip", {"good.xml": good})  # the archive was replaced, without the broken member
    second = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert "late.xml: not found on retry" in second.stderr, second.stderr
    assert rows(database_url, "SELECT status, attempts, last_error FROM crawl_failure") == [
        ("gave_up", 2, "not found on retry")
    ]
    assert job_runs(database_url, "crawl:files")[-1][1]["failed"] == 1


def _package(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"20240402_065/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.slow
def test_queued_members_of_a_package_are_retried_from_one_download(tmp_path: Path, database_url: str) -> None:
    good, fixed = (
        shared("notices", "eforms-real", name).read_bytes()
        for name in ("2024-OJS044-00127505.xml", "2024-OJS065-00191536.xml")
    )
    first_package = _package({"good.xml": good, "bad1.xml": b"<unclosed", "bad2.xml": b"<also unclosed"})
    later_package = _package({"good.xml": good, "bad1.xml": fixed, "bad2.xml": b"<also unclosed"})
    with replay_server() as server:
        server.route("GET", "/packages/daily/202400065",
                     sequence(Reply(200, first_package), Reply(404, b"gone"), Reply(200, later_package)))  # fmt: skip
        server.route("GET", "/packages/daily/202400066", Reply(200, _package({})))
        env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_CRAWL_DELAY": "0",
               "KANSENRADAR_TED_PACKAGES_URL": f"{server.base}/packages",
               "KANSENRADAR_RETRY_QUEUE_BACKOFF": "0"}  # fmt: skip
        first = run_cli("crawl", "ted_packages", "--issue", "202400065", env=env, cwd=tmp_path)
        assert "new 1" in first.stdout and "failed 2" in first.stdout
        queued = "SELECT document, status, attempts, last_error FROM crawl_failure ORDER BY document"
        # The package cannot be fetched on retry: both of its queued members fail that attempt.
        second = run_cli("crawl", "ted_packages", "--issue", "202400066", env=env, cwd=tmp_path)
        assert len(server.seen("GET", "/packages/daily/202400065")) == 2, second.stderr
        assert [row[1:3] for row in rows(database_url, queued)] == [("pending", 2), ("pending", 2)]
        assert all(row[3].startswith("download failed") for row in rows(database_url, queued))
        third = run_cli("crawl", "ted_packages", "--issue", "202400066", env=env, cwd=tmp_path)
        assert len(server.seen("GET", "/packages/daily/202400065")) == 3, third.stderr
    assert "new 1" in third.stdout and "failed 1" in third.stdout
    ((document, status, attempts, error),) = rows(database_url, queued)
    assert document.endswith("bad2.xml") and (status, attempts) == ("pending", 3) and "not well-formed" in error
    assert len(rows(database_url, "SELECT id FROM notice")) == 2


def test_an_archive_queued_whole_and_a_member_of_it_are_both_retried(tmp_path: Path, database_url: str) -> None:
    archive = tmp_path / "a.zip"
    good = shared("notices", "eforms-real", "583624-2023.xml").read_bytes()
    _zip(archive, {"m1.xml": good, "m2.xml": good})
    scrapy_crawler = get_crawler(Files, {"KANSENRADAR_DATABASE_URL": database_url})
    spider = Files.from_crawler(scrapy_crawler, paths=str(tmp_path))
    member = f"{archive}/m1.xml"
    whole, one = (FailedDocument(str(archive), str(archive), "unreadable"),
                  FailedDocument(f"{archive}#{member}", member, "not well-formed XML"))  # fmt: skip
    spider.retrying = {whole.key, one.key}
    items = list(spider.retries([whole, one]))
    # Each member once: the queued one under its own entry, the other for the archive's; both entries resolved.
    assert sorted((item.document, item.key) for item in items) == sorted(
        [(f"{archive}/m2.xml", whole.key), (member, one.key)]
    )
    assert set(spider.resolved) == {whole.key, one.key}
    assert spider.crawler.stats.get_value("kansenradar/fetched") == 2
    # An archive that could not be opened is queued with itself as the member: once readable, all of it counts.
    unreadable = FailedDocument(f"{archive}#{archive}", str(archive), "not a readable archive")
    spider.retrying = {unreadable.key}
    assert sorted(item.document for item in spider.retries([unreadable])) == [member, f"{archive}/m2.xml"]
    assert unreadable.key in spider.resolved
    # The folder's listing that follows reads none of it again (nor counts it twice); a member retried on its own
    # is left out, the rest of its archive read.
    assert not [key for _body, _document, key in spider._documents() if key.startswith(str(archive))]
    spider.retrying = {one.key}
    assert [key for _body, _document, key in spider._documents()] == [f"{archive}#{archive}/m2.xml"]
    # The archive holding only the member queued twice: its own entry is still settled by reading it.
    _zip(archive, {"m1.xml": good})
    spider.retrying, spider.resolved = {whole.key, one.key}, []
    assert [(item.document, item.key) for item in spider.retries([whole, one])] == [(member, one.key)]
    assert set(spider.resolved) == {whole.key, one.key}


def test_a_crawl_whose_documents_all_fail_fails(tmp_path: Path, database_url: str) -> None:
    # Recorded as "success" before: `runs` and `runs --failed` showed nothing wrong when nothing at all was stored.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "half.xml").write_bytes(b"<half a file")
    (folder / "empty.xml").write_bytes(b"")
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_RETRY_QUEUE_BACKOFF": "0"}
    result = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert result.returncode == 1 and "failed 2" in result.stdout
    ((status, counts, _watermark),) = job_runs(database_url, "crawl:files")
    assert status == "failed" and counts["failed"] == 2 and counts["new"] == 0
    (error,) = rows(database_url, "SELECT error FROM job_run WHERE name = 'crawl:files'")[0]
    assert "no document read: all 2 failed" in error
    # One good document beside them: the crawl did its work, and says what it could not store.
    (folder / "good.xml").write_bytes(shared("notices", "eforms-real", "583624-2023.xml").read_bytes())
    again = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert again.returncode == 1 and "new 1" in again.stdout
    assert job_runs(database_url, "crawl:files")[-1][0] == "success"
    # A later crawl with nothing new whose only documents are those retries failing again: no failed crawl.
    (tmp_path / "later").mkdir()
    later = run_cli("crawl", "files", "later", env=env, cwd=tmp_path)
    assert "new 0" in later.stdout and "failed 2" in later.stdout, later.stdout
    assert job_runs(database_url, "crawl:files")[-1][0] == "success"


def test_a_drop_folder_passes_over_a_file_given_up_on_until_it_changes(tmp_path: Path, database_url: str) -> None:
    # Read whole every day, a drop folder failed the run every day for a file the retry queue had given up on.
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "583624-2023.xml").write_bytes(shared("notices", "eforms-real", "583624-2023.xml").read_bytes())
    broken = folder / "broken.xml"
    broken.write_text("<broken")
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_RETRY_LIMIT": "2"}
    codes = [run_cli("crawl", "files", str(folder), env=env, cwd=tmp_path).returncode for _ in range(2)]
    passed = run_cli("crawl", "files", str(folder), env=env, cwd=tmp_path)
    assert codes == [1, 1] and passed.returncode == 0, passed.stderr
    assert "Passed over 1 document(s) given up on earlier and unchanged since" in passed.stderr
    assert rows(database_url, "SELECT status, attempts FROM crawl_failure") == [("gave_up", 2)]
    named = run_cli("crawl", "files", str(broken), env=env, cwd=tmp_path)  # asked for by name: read
    assert named.returncode == 1 and "broken.xml: not well-formed XML" in named.stderr
    # Replaced by a copy that keeps an older modification time (cp -p, rsync -a): changed all the same.
    replacement = tmp_path / "replacement.xml"
    replacement.write_text("<still broken")
    os.utime(replacement, (time.time() - 86400, time.time() - 86400))
    time.sleep(0.01)
    shutil.copy2(replacement, broken)
    again = run_cli("crawl", "files", str(folder), env=env, cwd=tmp_path)
    assert again.returncode == 1 and "broken.xml: not well-formed XML" in again.stderr
