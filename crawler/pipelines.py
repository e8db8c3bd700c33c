"""Item pipeline: notices are stored in batches, a few statements per batch (see ``storage.repository.ingest``)."""

from __future__ import annotations

import logging
from collections import Counter

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.items import NoticeItem
from storage import repository
from storage.db import driver_message, ensure_schema, get_engine, session_scope
from storage.repository import FailedDocument, Stored

logger = logging.getLogger(__name__)
BATCH = 500  # notices per transaction: large enough to amortise the round trips, small enough to lose little


class StoragePipeline:
    """Store notices in batches and count new/updated/unchanged/stale ones in the crawl stats.

    A batch is one transaction; a notice that cannot be stored loses only itself (storage retries the batch
    notice by notice) and is queued for the next crawl. Whatever is buffered is stored when the spider closes.
    A batch whose transaction fails as a whole (its commit: "database is locked") is queued notice by notice and
    counted as ``kansenradar/store_failed``, which fails the crawl's job run.
    """

    def __init__(self, database_url: str, stats: StatsCollector, crawler: Crawler | None = None) -> None:
        self.database_url = database_url
        self.stats = stats
        self.crawler = crawler
        self.engine: Engine | None = None
        self.buffer: list[NoticeItem] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        url = crawler.settings.get("KANSENRADAR_DATABASE_URL")
        if not url:
            raise NotConfigured("KANSENRADAR_DATABASE_URL is not set.")
        assert crawler.stats is not None
        return cls(url, crawler.stats, crawler)

    def open_spider(self, spider: object = None) -> None:
        self.engine = get_engine(self.database_url)
        ensure_schema(self.engine)

    def close_spider(self, spider: object = None) -> None:
        self.flush()
        if self.engine is not None:
            self.engine.dispose()

    def process_item(self, item: NoticeItem, spider: object = None) -> NoticeItem:
        self.buffer.append(item)
        if len(self.buffer) >= BATCH:
            self.flush()
        return item

    def flush(self) -> None:
        """Store the buffered notices in one transaction."""
        items, self.buffer = self.buffer, []
        if not items or self.engine is None:
            return
        try:
            with session_scope(self.engine, writes=True) as session:
                results = repository.store_notices(session=session, items=[item.row for item in items])
        except SQLAlchemyError as exc:
            # Raised from close_spider, Scrapy would only log it: the batch would be lost and the run a success.
            error = f"batch not stored: {type(exc).__name__}: {driver_message(exc)}"
            logger.error("A batch of %d notices was not stored (%s); they are queued for the next crawl",
                         len(items), error)  # fmt: skip
            self.stats.inc_value("kansenradar/store_failed")
            results = [Stored(None, error)] * len(items)
        spider = self.crawler.spider if self.crawler is not None else None
        outcomes: Counter[str] = Counter()
        dates = []
        for item, stored in zip(items, results, strict=True):
            if stored.outcome is None:
                outcomes["failed"] += 1
                logger.error("%s: not stored (%s)", item.document, stored.error)
                if spider is not None and hasattr(spider, "failures"):
                    # Queued like a document that failed to parse: the next crawl tries it again.
                    spider.failures.append(FailedDocument(item.key or item.document, item.document,
                                                          f"not stored: {stored.error}",
                                                          item.row.publication_date))  # fmt: skip
                continue
            outcomes[stored.outcome.value] += 1
            if item.row.publication_date is not None:
                dates.append(item.row.publication_date)
        # Counted once per batch: Scrapy's stats cost a few microseconds a call, twice per notice adds up.
        for outcome, count in outcomes.items():
            self.stats.inc_value(f"kansenradar/{outcome}", count)
        if dates:
            self.stats.max_value("kansenradar/max_publication_date", max(dates).isoformat())
