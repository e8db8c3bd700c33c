"""Any OCDS release-package endpoint or file, following ``links.next``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import scrapy
from scrapy.http import Response

from crawler.base import TenderSpider
from crawler.exceptions import SpiderArgumentError


class Ocds(TenderSpider):
    """
    Source
        An OCDS release or record package at ``url``: an HTTP(S) endpoint such as UK Find a Tender's
        ``/api/1.0/ocdsReleasePackages``, or a local file.
    Notice types
        Every release (or record's compiled release) in the package.
    Spider arguments
        ``url`` (required), ``since`` with ``since_param`` (the endpoint's date filter, e.g. ``updatedFrom``),
        ``until``.
    Caveats
        Pages are followed through the package's ``links.next``; releases outside since/until are dropped.
    """

    name = "ocds"
    # TenderSpider
    source = "ocds"

    def __init__(self, *args: Any, url: Any = None, since_param: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise SpiderArgumentError("url: give an OCDS endpoint or package file")
        text = str(url)
        self.url = text if urlparse(text).scheme in ("http", "https", "file") else Path(text).resolve().as_uri()
        self.since_param = since_param or None

    async def listing(self) -> AsyncIterator[Any]:
        url = self.url
        if self.since and self.since_param and not url.startswith("file:"):
            joiner = "&" if "?" in url else "?"
            url = f"{url}{joiner}{urlencode({self.since_param: f'{self.since}T00:00:00'})}"
        yield scrapy.Request(url, callback=self.parse, errback=self.failed_listing)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        # A package page is both a listing (its links.next leads on) and the notices themselves: if it cannot be
        # read, the pages after it are never fetched, so the crawl is incomplete.
        data = self.read_listing(response)
        if not isinstance(data, dict):
            if data is not None:
                self.listing_failed(response.url, "JSON that is not an OCDS package or release")
            return
        yield from self.notice_items(response.body, document=response.url, filter_dates=True)
        links = data.get("links") or {}
        next_url = links.get("next") if isinstance(links, dict) else None
        if next_url:
            yield scrapy.Request(response.urljoin(str(next_url)), callback=self.parse, errback=self.failed_listing)
