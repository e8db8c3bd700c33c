"""Downloader middleware: retries with back-off on 429/5xx and time-outs."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import Response
from twisted.internet.error import DNSLookupError

logger = logging.getLogger(__name__)
NAME_ERRORS: tuple[type[Exception], ...] = (CannotResolveHostError, DNSLookupError)
DNS_RETRIES = 1


def retry_after_seconds(value: bytes | None) -> float | None:
    """Return the delay a Retry-After header asks for (seconds or an HTTP date), or ``None``."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, (parsedate_to_datetime(text) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry instead of retrying at once.

    Scrapy retries immediately; a server that answers 429 asks for the opposite. The wait honours Retry-After and
    otherwise doubles per attempt, within ``KANSENRADAR_RETRY_BACKOFF_MAX``; a server that asks for longer than that
    is not asked again in the same crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.base = crawler.settings.getfloat("KANSENRADAR_RETRY_BACKOFF_BASE", 2.0)
        self.cap = crawler.settings.getfloat("KANSENRADAR_RETRY_BACKOFF_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    def _will_retry(self, request: Request, exception: Exception | None = None) -> bool:
        limit = request.meta.get("max_retry_times", self.max_retry_times)
        if exception is not None and isinstance(exception, NAME_ERRORS):
            # A host name that does not resolve rarely starts resolving within a minute; offline, five retries with
            # back-off only delay the failure. One retry covers a resolver's hiccup.
            limit = min(limit, DNS_RETRIES)
        return request.meta.get("retry_times", 0) < limit

    def _delay(self, request: Request, response: Response | None) -> float:
        asked = retry_after_seconds(response.headers.get(b"Retry-After")) if response is not None else None
        attempt = request.meta.get("retry_times", 0)
        return min(self.cap, asked if asked is not None else self.base * 2**attempt)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        if not self._will_retry(request):
            return self._retry(request, f"{response.status} status") or response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None and asked > self.cap:
            # Retrying sooner than the server asked, within its ban, risks a longer one: this crawl lets the
            # request fail (a listing fails the crawl, a notice is queued) and the next crawl asks again.
            logger.warning("HTTP %s from %s asks to wait %.0f s, longer than a crawl waits (%.0f s): not retried in"
                           " this crawl", response.status, request.url, asked, self.cap)  # fmt: skip
            return response
        delay = self._delay(request, response)
        logger.info("HTTP %s from %s; retrying in %.1f s", response.status, request.url, delay)
        await asyncio.sleep(delay)
        return self._retry(request, f"{response.status} status") or response

    async def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Any:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        if not self._will_retry(request, exception):
            request.meta["max_retry_times"] = request.meta.get("retry_times", 0)
            return self._retry(request, exception)
        delay = self._delay(request, None)
        logger.info("%s for %s; retrying in %.1f s", type(exception).__name__, request.url, delay)
        await asyncio.sleep(delay)
        return self._retry(request, exception)
