"""Extension: record every crawl as a job run with its counts, so operators and incremental crawls can see it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.engine import Engine

from storage import repository
from storage.db import ensure_schema, get_engine, session_scope
from storage.models import JobRun

logger = logging.getLogger(__name__)

COUNTS = ("fetched", "new", "updated", "unchanged", "stale", "duplicate", "skipped", "failed")


class JobRunRecorder:
    """Open a ``crawl:<spider>`` job run when the spider opens and close it with the crawl's counts.

    The run succeeds when the spider finished and its listings (search pages, package downloads) all loaded;
    single notices that fail are counted, not fatal, so one broken notice cannot stall incremental crawls.
    """

    def __init__(self, crawler: Crawler, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.engine: Engine | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobRunRecorder:
        url = crawler.settings.get("KANSENRADAR_DATABASE_URL")
        if not url:
            raise NotConfigured("KANSENRADAR_DATABASE_URL is not set.")
        extension = cls(crawler, url)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.engine = get_engine(self.database_url)
        ensure_schema(self.engine)
        with session_scope(self.engine) as session:
            self.run_id = repository.start_job_run(session=session, name=f"crawl:{spider.name}").id

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.engine is not None and self.crawler.stats is not None
        stats: dict[str, Any] = self.crawler.stats.get_stats()
        counts = {name: int(stats.get(f"kansenradar/{name}", 0)) for name in COUNTS}
        listing_failed = int(stats.get("kansenradar/listing_failed", 0))
        status = "success" if reason == "finished" and not listing_failed else "failed"
        error = None if status == "success" else f"closed: {reason}; listings failed: {listing_failed}"
        watermark = stats.get("kansenradar/max_publication_date") or getattr(spider, "watermark", None)
        with session_scope(self.engine) as session:
            run = session.get(JobRun, self.run_id)
            if run is not None:
                repository.finish_job_run(
                    session=session, run=run, status=status, counts=counts, watermark=watermark, error=error
                )
        logger.info("Crawl %s %s: %s", spider.name, status, ", ".join(f"{k} {v}" for k, v in counts.items()))
        self.engine.dispose()
