"""Any OCDS release-package endpoint or file, following ``links.next``."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import url2pathname

import scrapy
from scrapy.http import Response

from crawler.base import TenderSpider
from crawler.exceptions import SpiderArgumentError

DEFAULT_PORTS = {"http": 80, "https": 443}


class Ocds(TenderSpider):
    """
    Source
        An OCDS release or record package at ``url``: an HTTP(S) endpoint such as UK Find a Tender's
        ``/api/1.0/ocdsReleasePackages``, or a local file.
    Notice types
        Every release (or record's compiled release) in the package.
    Spider arguments
        ``url`` (required), ``since`` with ``since_param`` (the endpoint's date filter, e.g. ``updatedFrom``),
        ``until``; ``primary`` (``1``) when ``url`` is the installation's own address (``KANSENRADAR_OCDS_URL``).
    Caveats
        Pages are followed through the package's ``links.next``; releases outside since/until are dropped.
        Every address is its own source: its job runs, watermark and retry queue are kept under ``ocds`` for the
        primary address and ``ocds#<key>`` for any other, so crawling a second address neither starts from nor
        moves the first one's watermark.
    """

    name = "ocds"
    # TenderSpider
    source = "ocds"

    def __init__(
        self, *args: Any, url: Any = None, since_param: Any = None, primary: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise SpiderArgumentError("url: give an OCDS endpoint or package file")
        self.url = address(str(url))
        self.since_param = since_param or None
        self.primary = str(primary or "").lower() in ("1", "true", "yes")

    @property
    def feed(self) -> str:
        return feed_of(self.url, primary=self.primary)

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


def address(url: str) -> str:
    """Return the address a crawl of ``url`` reads, written one way: a local path or ``file:`` URL as the resolved
    file's URL; an HTTP(S) URL with its scheme and host in lower case and without its default port. A URL that
    cannot be read (a port that is no number, an unclosed IPv6 bracket) is a ``SpiderArgumentError`` naming it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SpiderArgumentError(f"url: {url} is not a URL one can fetch ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "file"):
        return Path(url).resolve().as_uri()
    if scheme == "file":
        return Path(url2pathname(parts.path)).resolve().as_uri()
    host = (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    port = port if port != DEFAULT_PORTS[scheme] else None
    user = parts.netloc.rpartition("@")[0]
    netloc = (f"{user}@" if user else "") + host + (f":{port}" if port else "")
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))


def feed_of(url: str, *, primary: bool) -> str:
    """Return what a crawl of the OCDS address ``url`` is kept under: ``ocds`` for the installation's own address,
    else ``ocds#`` and a short digest of the address (short enough for the retry queue's source column)."""
    if primary:
        return "ocds"
    return "ocds#" + hashlib.sha256(address(url).encode()).hexdigest()[:8]
