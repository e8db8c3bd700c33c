"""The base spider: argument parsing, parsing documents into items, and counting what failed."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import scrapy
from twisted.python.failure import Failure

from crawler.exceptions import NotATenderError, ParseError, SpiderArgumentError
from crawler.items import NoticeItem
from crawler.parsers import parse_document

# Part of every content hash: a parser change makes stored notices count as changed, so they are re-parsed.
PARSER_VERSION = b"kansenradar-parsers-1"

logger = logging.getLogger(__name__)


def date_argument(name: str, value: Any) -> date | None:
    """Return a spider argument as a date, or raise ``SpiderArgumentError``."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SpiderArgumentError(f"{name}: {value!r} is not a date in the form YYYY-MM-DD") from None


def list_argument(value: Any) -> list[str]:
    """Return a comma-separated spider argument as a list of non-empty strings."""
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class TenderSpider(scrapy.Spider):
    """Base class of Kansenradar's spiders.

    Class attributes a subclass sets:

    ``source``
        The notice records' ``source`` ("ted", "tenderned", "ocds" or "file").

    Spider arguments every spider takes:

    ``since`` / ``until``
        Publication dates (YYYY-MM-DD) bounding the crawl; ``jobs`` passes the last successful crawl's
        watermark as ``since``.
    """

    source = "file"

    def __init__(self, *args: Any, since: Any = None, until: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since = date_argument("since", since)
        self.until = date_argument("until", until)
        if self.since and self.until and self.since > self.until:
            raise SpiderArgumentError(f"since ({self.since}) is after until ({self.until})")

    @property
    def watermark(self) -> str | None:
        """Return where the next incremental crawl starts when this one stored nothing newer."""
        return self.since.isoformat() if self.since else None

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"kansenradar/{name}")

    def in_window(self, publication_date: date | None) -> bool:
        """Return whether a publication date falls within since/until (unknown dates are kept)."""
        if publication_date is None:
            return True
        return not ((self.since and publication_date < self.since) or (self.until and publication_date > self.until))

    def notice_items(
        self, body: bytes | ParseError, *, document: str, filter_dates: bool = False
    ) -> Iterator[NoticeItem]:
        """Parse one document and yield its notices; a bad document is logged by name and counted, never raised."""
        self._count("fetched")
        if isinstance(body, ParseError):
            self._count("failed")
            logger.error("%s", body)
            return
        try:
            records = parse_document(body, name=document, source=self.source)
        except NotATenderError as exc:
            self._count("skipped")
            logger.info("Skipped %s", exc)
            return
        except ParseError as exc:
            self._count("failed")
            logger.error("%s", exc)
            return
        digest = hashlib.sha256(PARSER_VERSION + body).hexdigest() if len(records) == 1 else None
        for record in records:
            if filter_dates and not self.in_window(record.publication_date):
                continue
            yield NoticeItem(record=record, content_hash=digest, document=document)

    def failed_request(self, failure: Failure) -> None:
        """Count a notice document that could not be fetched (after retries) and log why."""
        self._count("failed")
        request = getattr(failure, "request", None)
        logger.error("%s: download failed (%s)", request.url if request else "?", failure.getErrorMessage())

    def failed_listing(self, failure: Failure) -> None:
        """Count a listing (search page, package, index) that could not be fetched: the crawl is incomplete."""
        self._count("listing_failed")
        self.failed_request(failure)
