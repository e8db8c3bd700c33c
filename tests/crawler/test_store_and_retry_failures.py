"""Nothing lost at the end of a crawl: a batch whose commit fails is queued and fails the run; a retried document
that is no longer there counts as a failed attempt, so it is given up in time and stops holding the watermark."""

from __future__ import annotations

import sqlite3
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
from tests.dbutil import job_runs, rows
from tests.factories import make_record
from tests.replay import run_cli
from tests.shared import shared


@contextmanager
def _commit_fails(engine: Engine) -> Iterator[Session]:
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
    _zip(folder / "batch.zip", {"good.xml": good})  # the archive was replaced, without the broken member
    second = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert "late.xml: not found on retry" in second.stderr, second.stderr
    assert rows(database_url, "SELECT status, attempts, last_error FROM crawl_failure") == [
        ("gave_up", 2, "not found on retry")
    ]
    assert job_runs(database_url, "crawl:files")[-1][1]["failed"] == 1
