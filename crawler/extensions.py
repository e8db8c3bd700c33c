"""Extension: record every crawl as a job run with its counts, and keep the retry queue, so nothing is lost."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.engine import Engine
from sqlmodel import Session
from twisted.python.failure import Failure

from storage import repository
from storage.db import ensure_schema, get_engine, session_scope
from storage.models import JobRun

logger = logging.getLogger(__name__)

COUNTS = ("fetched", "new", "updated", "unchanged", "stale", "skipped", "outside", "failed", "retried",
          "gave_up")  # fmt: skip
READ = ("new", "updated", "unchanged", "stale", "skipped", "outside")  # counts of documents read, stored or not


class JobRunRecorder:
    """Open a ``crawl:<feed>`` job run when the spider opens and close it with the crawl's counts. The feed is
    the spider's name, or for an OCDS address not configured, ``ocds#<key>``: each keeps its own watermark.

    The run succeeds when the spider finished, its listings (search pages, packages) all loaded, every batch of
    notices was stored and no callback raised. Single notices that fail are counted and queued for the next crawl
    (``crawl_failure``), not fatal, so one broken notice cannot stall incremental crawls; but the watermark never
    passes a queued notice. A crawl whose documents all failed (none read) fails: nothing of it can be trusted.
    """

    def __init__(self, crawler: Crawler, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.engine: Engine | None = None
        self.run_id: int | None = None
        self.errors: list[str] = []
        self.limit = crawler.settings.getint("KANSENRADAR_RETRY_LIMIT", 6)
        self.backoff = timedelta(seconds=crawler.settings.getfloat("KANSENRADAR_RETRY_QUEUE_BACKOFF", 3600.0))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobRunRecorder:
        url = crawler.settings.get("KANSENRADAR_DATABASE_URL")
        if not url:
            raise NotConfigured("KANSENRADAR_DATABASE_URL is not set.")
        extension = cls(crawler, url)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.engine = get_engine(self.database_url)
        ensure_schema(self.engine)
        with session_scope(self.engine) as session:
            self.run_id = repository.start_job_run(session=session, name=f"crawl:{spider.feed}").id

    def spider_error(self, failure: Failure, response: Any, spider: Spider) -> None:
        # A callback that raised lost whatever it would have yielded: the crawl is incomplete.
        url = getattr(response, "url", "?")
        self.errors.append(f"{url}: {failure.type.__name__ if failure.type else 'error'}: {failure.getErrorMessage()}")
        logger.error("Spider error at %s: %s", url, failure.getErrorMessage())

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Failure) -> None:
        self.errors.append(f"item {getattr(item, 'document', '?')}: {failure.getErrorMessage()}")

    def _watermark(self, session: Session, spider: Spider, stats: dict[str, Any]) -> str | None:
        """Return the newest publication date stored, held back to the oldest notice still queued; none for a
        partial crawl (``partial``), whose newest notice says nothing about the notices it left out."""
        if getattr(spider, "partial", False):
            return None
        # A spider that knows where its next crawl starts (after the packages of the months it read) says so.
        next_start = getattr(spider, "next_start", None)
        watermark: str | None = (next_start.isoformat() if next_start else None) or stats.get(
            "kansenradar/max_publication_date") or getattr(spider, "watermark", None)  # fmt: skip
        pending, earliest = repository.earliest_pending_date(session=session, source=spider.feed)
        if not pending:
            return watermark
        floor = earliest.isoformat() if earliest else getattr(spider, "watermark", None)
        if watermark is None or (floor is not None and floor < watermark):
            return floor
        return watermark

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        if self.engine is None or self.run_id is None:
            # spider_opened failed (the database refused the run; its error is in the log): nothing to record into.
            logger.error("Crawl %s not recorded: its job run could not be started", spider.feed)
            return
        if reason == "finished" and hasattr(spider, "record_missing_retries"):
            # Only a crawl that ran to its end knows a retried document is gone; a cancelled one may not have
            # asked yet. Done before the counts are read: these count as failed.
            spider.record_missing_retries()
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        listing_failed = int(stats.get("kansenradar/listing_failed", 0))
        store_failed = int(stats.get("kansenradar/store_failed", 0))
        # Every document the crawl found failed and none was read: a broken parser or source, not one bad notice
        # among many. Retries of earlier crawls' documents do not count: a day with nothing new is no failure.
        failures = list(getattr(spider, "failures", []))
        retrying = getattr(spider, "retrying", set())
        documents_failed = sum(1 for f in failures if f.key not in retrying)
        read = sum(int(stats.get(f"kansenradar/{name}", 0)) for name in READ)
        none_read = bool(documents_failed and not read)
        failed = bool(reason != "finished" or listing_failed or store_failed or self.errors or none_read)
        status = "failed" if failed else "success"
        problems = [f"closed: {reason}"] if reason != "finished" else []
        problems += [f"no document read: all {documents_failed} failed"] if none_read else []
        problems += [f"listings failed: {listing_failed}"] if listing_failed else []
        problems += [f"batches not stored: {store_failed}"] if store_failed else []
        problems += self.errors[:5]
        # It reads (the queue, the watermark), then writes: on SQLite it takes the write lock first, as a batch does.
        with session_scope(self.engine, writes=True) as session:
            failed_keys = {failure.key for failure in failures}
            resolved = [key for key in getattr(spider, "resolved", []) if key not in failed_keys]
            retried = len(retrying)
            repository.resolve_failures(session=session, source=spider.feed, keys=resolved)
            gave_up = repository.record_failures(session=session, source=spider.feed, failures=failures,
                                                 limit=self.limit, backoff=self.backoff)  # fmt: skip
            for entry in gave_up:
                logger.error("Gave up on %s after %d attempts: %s", entry.document, entry.attempts, entry.last_error)
            counts = {name: int(stats.get(f"kansenradar/{name}", 0)) for name in COUNTS}
            counts |= {"retried": retried, "gave_up": len(gave_up)}
            if counts["failed"]:
                # The crawl itself may have succeeded (its watermark moves); the documents it could not store wait in
                # the retry queue. Said here so that a "success" with failures in `runs` is not read as all stored.
                count = counts["failed"]
                problems.append(f"{count} document{'s' if count != 1 else ''} not stored "
                                "(listed by `kansenradar runs --failed`)")  # fmt: skip
            watermark = self._watermark(session, spider, stats)
            run = session.get(JobRun, self.run_id)
            if run is not None:
                repository.finish_job_run(session=session, run=run, status=status, counts=counts,
                                          watermark=watermark, error="; ".join(problems) or None)  # fmt: skip
        logger.info("Crawl %s %s: %s", spider.feed, status, ", ".join(f"{k} {v}" for k, v in counts.items()))
        if counts["outside"]:
            since, until = getattr(spider, "since", None), getattr(spider, "until", None)
            window = f"published from {since or 'any day'} to {until or 'now'}"
            logger.warning("Crawl %s: %d %s left out, not %s (--since and --until set the period)", spider.feed,
                           counts["outside"], "notice" if counts["outside"] == 1 else "notices", window)  # fmt: skip
        self.engine.dispose()


class CloseWhenIdle:
    """Let a crawl stopped mid-way (SIGTERM, Ctrl-C) close.

    Scrapy (2.19) lowers its count of items in progress for an item yielded by ``start()`` without looking whether a
    closing spider has become idle: a crawl stopped while such an item was being stored (a notice read from a folder
    or archive) waited for ever in "Closing spider (shutdown)". This looks every half second while the spider runs,
    as Scrapy does after an item that came from a response.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.looking: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CloseWhenIdle:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        # Imported here: importing the reactor at module level would install the default one before Scrapy's.
        from twisted.internet.task import LoopingCall

        self.looking = LoopingCall(self.close_if_idle)
        self.looking.start(0.5, now=False).addErrback(
            lambda failure: logger.error("Closing check stopped: %s", failure.getErrorMessage())
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.looking is not None and self.looking.running:
            self.looking.stop()

    def close_if_idle(self) -> None:
        """Fire the scraper's closing once it is idle, if it is closing and Scrapy has not fired it."""
        slot = getattr(getattr(self.crawler.engine, "scraper", None), "slot", None)
        if slot is not None and slot.closing is not None and not slot.closing.called and slot.is_idle():
            slot.closing.callback(self.crawler.spider)
