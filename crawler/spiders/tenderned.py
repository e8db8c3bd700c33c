"""TenderNed's publication API (list, then each publication's detail)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.base import TenderSpider
from crawler.exceptions import SpiderArgumentError
from crawler.items import NoticeItem
from crawler.parsers.common import parse_date


class Tenderned(TenderSpider):
    """
    Source
        ``GET {KANSENRADAR_TENDERNED_API_URL}/publicaties`` (0-based ``page``, ``size``, ``publicatieDatumVanaf``,
        ``publicatieDatumTot``), then ``/publicaties/{publicatieId}``.
    Notice types
        All TenderNed publication types (announcements, awards, PINs, changes).
    Spider arguments
        ``since``/``until`` (YYYY-MM-DD), ``size`` (page size, default 100).
    Caveats
        HTTP Basic credentials (``KANSENRADAR_TENDERNED_USER``/``_PASSWORD``) are sent to the API's host when
        configured (``jobs.crawl`` sets Scrapy's ``HTTPAUTH_*``): public sources disagree on whether they are needed.
    """

    name = "tenderned"
    # TenderSpider
    source = "tenderned"

    def __init__(self, *args: Any, size: Any = 100, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.size = min(100, max(1, int(size)))
        except ValueError:
            raise SpiderArgumentError(f"size: {size!r} is not a whole number") from None

    @property
    def api_url(self) -> str:
        """Return the API base URL from the settings."""
        default = "https://www.tenderned.nl/papi/tenderned-rs-tns/v2"
        return str(self.settings.get("KANSENRADAR_TENDERNED_API_URL", default)).rstrip("/")

    def _page(self, page: int) -> scrapy.Request:
        query: dict[str, Any] = {"page": page, "size": self.size}
        if self.since:
            query["publicatieDatumVanaf"] = self.since.isoformat()
        if self.until:
            query["publicatieDatumTot"] = self.until.isoformat()
        return scrapy.Request(
            f"{self.api_url}/publicaties?{urlencode(query)}",
            callback=self.parse,
            errback=self.failed_listing,
            cb_kwargs={"page": page},
            headers={"Accept": "application/json"},
        )

    async def listing(self) -> AsyncIterator[Any]:
        yield self._page(0)

    def parse(self, response: Response, page: int = 0, **kwargs: Any) -> Iterator[scrapy.Request]:
        read = self.read_entries(response, "content", "a content list of publications")
        if read is None:
            return
        data, content = read
        for item in content:
            publication_id = item.get("publicatieId")
            url = f"{self.api_url}/publicaties/{publication_id}"
            if publication_id and url not in self.retrying:
                yield scrapy.Request(
                    url,
                    callback=self.parse_detail,
                    errback=self.failed_request,
                    cb_kwargs={"document": f"tenderned-{publication_id}.json"},
                    headers={"Accept": "application/json"},
                    meta={"queue_key": url, "publication_date": parse_date(str(item.get("publicatieDatum") or ""))},
                )
        if content and data.get("last") is False:
            yield self._page(page + 1)

    def retry(self, key: str, document: str, publication_date: date | None) -> Iterator[Any]:
        for request in super().retry(key, document, publication_date):
            yield request.replace(headers={"Accept": "application/json"})

    def parse_detail(self, response: Response, document: str) -> Iterator[NoticeItem]:
        """Parse one publication's detail."""
        yield from self.notice_items(response.body, document=document, key=response.meta.get("queue_key"),
                                     publication_date=response.meta.get("publication_date"))  # fmt: skip
