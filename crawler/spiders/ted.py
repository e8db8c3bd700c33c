"""TED Search API v3, then each notice's XML."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import JsonRequest, Response

from crawler.base import TenderSpider, list_argument
from crawler.exceptions import SpiderArgumentError
from crawler.items import NoticeItem

FIELDS = ["publication-number", "publication-date", "notice-type", "links"]
BRUSSELS = ZoneInfo("Europe/Brussels")  # TED publishes on Brussels time


class Ted(TenderSpider):
    """
    Source
        TED Search API v3: ``POST {KANSENRADAR_TED_API_URL}/notices/search`` (anonymous), expert query, ITERATION
        pagination; then ``links.xml.MUL`` of each notice.
    Notice types
        Those named in ``notice_types`` (default: calls for competition).
    Spider arguments
        ``since``/``until`` (YYYY-MM-DD), ``countries`` (ISO alpha-3, comma-separated; buyer country or place of
        performance), ``cpv`` (CPV prefixes), ``notice_types``, ``page_size`` (max 250), ``max_notices``.
    Caveats
        The API lists a notice once per matching language version; duplicates are requested once.
    """

    name = "ted"
    # TenderSpider
    source = "ted"

    def __init__(
        self,
        *args: Any,
        countries: Any = "NLD",
        cpv: Any = None,
        notice_types: Any = "cn-standard,cn-social,pin-cfc-standard,pin-cfc-social,pin-rtl,subco",
        page_size: Any = 100,
        max_notices: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.countries = [c.upper() for c in list_argument(countries)]
        self.cpv = [c.rstrip("*") for c in list_argument(cpv)]
        self.notice_types = list_argument(notice_types)
        try:
            self.page_size = min(250, max(1, int(page_size)))
            self.max_notices = int(max_notices) if max_notices not in (None, "") else None
        except ValueError:
            raise SpiderArgumentError("page_size and max_notices must be whole numbers") from None
        if any(len(c) != 3 or not c.isalpha() for c in self.countries):
            raise SpiderArgumentError(f"countries must be ISO alpha-3 codes such as NLD: {countries!r}")
        if any(not c.isdigit() for c in self.cpv):
            raise SpiderArgumentError(f"cpv must be CPV codes or prefixes: {cpv!r}")
        self.requested: set[str] = set()

    def build_query(self) -> str:
        """Return the expert query for this crawl's settings."""
        parts = []
        if self.countries:
            countries = " ".join(self.countries)
            parts.append(f"(buyer-country IN ({countries}) OR place-of-performance-country-lot IN ({countries}))")
        if self.cpv:
            parts.append("(" + " OR ".join(f"classification-cpv = {code}*" for code in self.cpv) + ")")
        if self.notice_types:
            parts.append(f"notice-type IN ({' '.join(self.notice_types)})")
        if self.since:
            parts.append(f"publication-date >= {self.since:%Y%m%d}")
        if self.until:
            parts.append(f"publication-date <= {self.until:%Y%m%d}")
        return " AND ".join(parts) or "publication-date >= 20221114"

    def _search(self, token: str | None) -> JsonRequest:
        body: dict[str, Any] = {
            "query": self.build_query(),
            "fields": FIELDS,
            "limit": self.page_size,
            "scope": "ALL",
            "paginationMode": "ITERATION",
        }
        if token:
            body["iterationNextToken"] = token
        url = self.settings.get("KANSENRADAR_TED_API_URL", "https://api.ted.europa.eu/v3").rstrip("/")
        return JsonRequest(
            f"{url}/notices/search", data=body, callback=self.parse, errback=self.failed_listing, dont_filter=True
        )

    async def listing(self) -> AsyncIterator[Any]:
        yield self._search(None)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        read = self.read_entries(response, "notices", "a list of notices")
        if read is None:
            return
        data, notices = read
        for notice in notices:
            number = notice.get("publication-number") or notice.get("ND")
            url = ((notice.get("links") or {}).get("xml") or {}).get("MUL")
            if not number or not url or number in self.requested or url in self.retrying:
                continue  # listed once per language version; or already asked for from the retry queue
            if self.max_notices is not None and len(self.requested) >= self.max_notices:
                self.partial = True  # stopped early: the notices after these were never asked for
                return
            self.requested.add(number)
            yield scrapy.Request(
                url, callback=self.parse_notice, errback=self.failed_request, cb_kwargs={"document": f"{number}.xml"},
                meta={"queue_key": url, "publication_date": publication_day(notice)},
            )  # fmt: skip
        token = data.get("iterationNextToken")
        if token and notices:
            yield self._search(token)

    def parse_notice(self, response: Response, document: str) -> Iterator[NoticeItem]:
        """Parse one notice's XML."""
        yield from self.notice_items(response.body, document=document, key=response.meta.get("queue_key"),
                                     publication_date=response.meta.get("publication_date"))  # fmt: skip


def publication_day(notice: dict[str, Any]) -> date | None:
    """Return a search result's publication date, or ``None``.

    The API answers ``publication-date`` as "2024-03-29+01:00" or ``PD`` as the UTC instant of midnight in
    Brussels ("2022-02-06T23:00:00Z" for 7 February), as in the recorded response.

    >>> publication_day({"PD": "2022-02-06T23:00:00Z"}), publication_day({"publication-date": "2024-03-29+01:00"})
    (datetime.date(2022, 2, 7), datetime.date(2024, 3, 29))
    """
    value = notice.get("publication-date") or notice.get("PD")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        if "T" in value:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(BRUSSELS).date()
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
