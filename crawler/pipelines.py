"""Item pipeline: each notice is written through ``storage`` in its own unit of work."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.items import NoticeItem
from storage import repository
from storage.db import ensure_schema, get_engine, session_scope
from storage.repository import FailedDocument

logger = logging.getLogger(__name__)


class StoragePipeline:
    """Upsert each notice; count new/updated/unchanged/stale notices in the crawl stats.

    One transaction per notice: a notice that fails to store leaves nothing behind and the crawl goes on.
    """

    def __init__(self, database_url: str, stats: StatsCollector, crawler: Crawler | None = None) -> None:
        self.database_url = database_url
        self.stats = stats
        self.crawler = crawler
        self.engine: Engine | None = None
        self.seen: set[tuple[str, str, str | None]] = set()

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
        if self.engine is not None:
            self.engine.dispose()

    def process_item(self, item: NoticeItem, spider: object = None) -> NoticeItem:
        record = item.record
        key = (record.source, record.notice_id, record.version)
        if key in self.seen:
            # The TED API lists a notice once per matching language version; store it once.
            self.stats.inc_value("kansenradar/duplicate")
            raise DropItem(f"Duplicate notice: {key!r}")
        self.seen.add(key)
        assert self.engine is not None
        try:
            with session_scope(self.engine) as session:
                outcome = repository.upsert_notice(session=session, record=record, content_hash=item.content_hash)
        except SQLAlchemyError as exc:
            self.stats.inc_value("kansenradar/failed")
            logger.error("%s: not stored (%s)", item.document, exc.__class__.__name__, exc_info=exc)
            spider = self.crawler.spider if self.crawler is not None else None
            if spider is not None and hasattr(spider, "failures"):
                # Queued like a document that failed to parse: the next crawl tries it again.
                spider.failures.append(FailedDocument(item.key or item.document, item.document,
                                                      f"not stored: {exc.__class__.__name__}",
                                                      record.publication_date))  # fmt: skip
            raise DropItem(f"Not stored: {item.document}") from None
        self.stats.inc_value(f"kansenradar/{outcome.value}")
        if record.publication_date is not None:
            self.stats.max_value("kansenradar/max_publication_date", record.publication_date.isoformat())
        return item
