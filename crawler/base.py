"""The base spider: argument parsing, parsing documents into items, counting what failed, and the retry queue."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.exceptions import ParseError, SpiderArgumentError
from crawler.items import NoticeItem
from crawler.parsing import Parsed, parse_one
from storage import repository
from storage.db import get_engine, session_scope
from storage.repository import FailedDocument

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


def by_container(entries: list[FailedDocument]) -> dict[str, list[FailedDocument]]:
    """Group queued documents by what holds them: their key before ``#`` (a package's URL, an archive's path)."""
    grouped: dict[str, list[FailedDocument]] = {}
    for entry in entries:
        grouped.setdefault(entry.key.partition("#")[0], []).append(entry)
    return grouped


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

    A subclass writes ``listing()`` (its start requests); ``start()`` first retries the documents earlier crawls
    of this spider could not fetch or parse (the retry queue), then runs the listing.

    Spider arguments every spider takes:

    ``since`` / ``until``
        Publication dates (YYYY-MM-DD) bounding the crawl; ``jobs`` passes the last successful crawl's
        watermark as ``since``.
    """

    source = "file"

    def __init__(self, *args: Any, since: Any = None, until: Any = None, partial: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A crawl narrowed to part of its source (some codes, countries, some packages, at most N notices) says
        # nothing about where the source's next crawl may start: it records no watermark.
        self.partial = str(partial or "").lower() in ("1", "true", "yes")
        self.since = date_argument("since", since)
        self.until = date_argument("until", until)
        if self.since and self.until and self.since > self.until:
            raise SpiderArgumentError(f"since ({self.since}) is after until ({self.until})")
        # What the JobRunRecorder extension writes to the retry queue when the spider closes.
        self.failures: list[FailedDocument] = []
        self.resolved: list[str] = []
        self.retrying: set[str] = set()
        self.retry_entries: dict[str, FailedDocument] = {}  # what each key in ``retrying`` was queued as
        self.queued: set[str] = set()  # every key in the queue, given up or not: a success removes it
        self.given_up: dict[str, datetime] = {}  # keys given up on, with when they were last tried

    @property
    def feed(self) -> str:
        """Return what this crawl's job runs (``crawl:<feed>``) and retry queue are kept under: the spider's name,
        unless one spider reads several independent sources (OCDS addresses), each with its own watermark."""
        return str(self.name)

    @property
    def watermark(self) -> str | None:
        """Return where the next incremental crawl starts when this one stored nothing newer."""
        return self.since.isoformat() if self.since and not self.partial else None

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"kansenradar/{name}")

    @property
    def parse_processes(self) -> int | None:
        """Return how many processes parse a large crawl's documents (``KANSENRADAR_WORKERS``; None: the cores)."""
        return (self.settings.getint("KANSENRADAR_WORKERS") if self.settings else 0) or None

    def in_window(self, publication_date: date | None) -> bool:
        """Return whether a publication date falls within since/until (unknown dates are kept)."""
        if publication_date is None:
            return True
        return not ((self.since and publication_date < self.since) or (self.until and publication_date > self.until))

    # Start: the retry queue first, then the listing

    async def start(self) -> AsyncIterator[Any]:
        due = []
        for entry in self._due():
            self.retrying.add(entry.key)
            self.retry_entries[entry.key] = FailedDocument(entry.key, entry.document, entry.last_error,
                                                           entry.publication_date)  # fmt: skip
            logger.info("Retrying %s (attempt %d; last error: %s)", entry.document, entry.attempts + 1,
                        entry.last_error)  # fmt: skip
            due.append(self.retry_entries[entry.key])
        for request_or_item in self.retries(due):
            yield request_or_item
        async for request_or_item in self.listing():
            yield request_or_item

    async def listing(self) -> AsyncIterator[Any]:
        """Yield the crawl's start requests (or items); every source spider writes this."""
        raise NotImplementedError
        yield  # pragma: no cover

    def _due(self) -> list[Any]:
        url = self.settings.get("KANSENRADAR_DATABASE_URL") if self.settings else None
        if not url:
            return []
        engine = get_engine(url)
        try:
            with session_scope(engine) as session:
                entries = repository.list_failures(session=session, source=self.feed)
                self.queued = {entry.key for entry in entries}
                # Given up because they could not be read: one that could not be stored (a locked database) is fine.
                self.given_up = {e.key: e.last_attempt_at for e in entries
                                 if e.status == "gave_up" and not e.last_error.startswith("not stored")}  # fmt: skip
                return list(repository.due_failures(session=session, source=self.feed))
        finally:
            engine.dispose()

    def retries(self, entries: list[FailedDocument]) -> Iterator[Any]:
        """Yield what fetches the queued documents again: each on its own, unless a source groups them (the members
        of one package are read from one download)."""
        for entry in entries:
            yield from self.retry(entry.key, entry.document, entry.publication_date)

    def retry(self, key: str, document: str, publication_date: date | None) -> Iterator[Any]:
        """Yield what fetches one queued document again; HTTP sources request its URL."""
        yield scrapy.Request(key, callback=self.parse_retry, errback=self.failed_request, dont_filter=True,
                             meta={"queue_key": key, "publication_date": publication_date},
                             cb_kwargs={"document": document})  # fmt: skip

    def parse_retry(self, response: Response, document: str) -> Iterator[NoticeItem]:
        """Parse a document fetched again from the retry queue."""
        yield from self.notice_items(response.body, document=document, key=response.meta.get("queue_key"))

    # Documents into items, failures into the queue

    def read_listing(self, response: Response) -> Any:
        """Return a listing page's JSON, or ``None`` after counting the crawl as incomplete.

        A search page that answers 200 but is not JSON (an HTML error page, a truncated body) must fail the crawl:
        the pages after it were never fetched, so the watermark may not move on.
        """
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            kind = response.headers.get(b"Content-Type", b"").decode("latin-1") or "no content type"
            self.listing_failed(response.url, f"not JSON ({kind}; {exc.__class__.__name__}: {exc})")
            return None

    def read_entries(self, response: Response, key: str, what: str,
                     ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:  # fmt: skip
        """Return a listing page's JSON object and its list of entries under ``key``, or ``None`` after counting the
        crawl as incomplete: not JSON, or no list of objects there (``what`` names the list in the log)."""
        data = self.read_listing(response)
        if data is None:
            return None
        entries = data.get(key) if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            self.listing_failed(response.url, f"JSON without {what}")
            return None
        return data, entries

    def listing_failed(self, url: str, reason: str) -> None:
        """Count a listing (search page, package, index) that could not be read: the crawl is incomplete."""
        self._count("listing_failed")
        logger.error("%s: listing unreadable, crawl incomplete: %s", url, reason)

    def notice_items(
        self, body: bytes | ParseError, *, document: str, filter_dates: bool = False, key: str | None = None,
        publication_date: date | None = None,
    ) -> Iterator[NoticeItem]:  # fmt: skip
        """Parse one document and yield its notices; a bad document is logged by name, counted and queued."""
        parsed = parse_one(body, document, key or document, self.source)
        yield from self.items_of(parsed, filter_dates=filter_dates, publication_date=publication_date)

    def items_of(
        self, parsed: Parsed, *, filter_dates: bool = False, publication_date: date | None = None
    ) -> Iterator[NoticeItem]:
        """Yield the notices of a parsed document; count and queue a document that has none."""
        self._count("fetched")
        if parsed.skipped:
            self._count("skipped")
            logger.info("Skipped %s", parsed.error)
            self._resolve(parsed.key)
            return
        if parsed.error is not None:
            self._count("failed")
            logger.error("%s", parsed.error)
            self.failures.append(FailedDocument(parsed.key, parsed.document, parsed.error.reason, publication_date))
            return
        if parsed.part_errors:
            # Its good parts are stored below; the document stays queued, so its bad parts are listed and tried
            # again (and given up) like any document that failed.
            self._count("failed")
            for error in parsed.part_errors:
                logger.error("%s", error)
            reasons = "; ".join(f"{e.name}: {e.reason}" for e in parsed.part_errors[:3])
            more = f" (and {len(parsed.part_errors) - 3} more)" if len(parsed.part_errors) > 3 else ""
            self.failures.append(FailedDocument(parsed.key, parsed.document, reasons + more, publication_date))
        else:
            self._resolve(parsed.key)
        for row in parsed.rows:
            if filter_dates and not self.in_window(row.publication_date):
                self._count("outside")  # counted and said at the end: a first crawl of an old file stores nothing
                continue
            yield NoticeItem(row=row, document=parsed.document, key=parsed.key)

    def record_missing_retries(self) -> list[FailedDocument]:
        """Queue as failed, and return, every retried document that was neither parsed nor failed.

        An archive member or package member no longer there yields nothing; left alone its queue entry would stay
        due, its attempts never rise, it would never be given up and would hold the watermark back for good.
        """
        done = set(self.resolved) | {failure.key for failure in self.failures}
        missing = [
            FailedDocument(key, entry.document, "not found on retry", entry.publication_date)
            for key, entry in self.retry_entries.items()
            if key in self.retrying and key not in done
        ]
        for failure in missing:
            self._count("failed")
            logger.error("%s: not found on retry", failure.document)
        self.failures.extend(missing)
        return missing

    def _resolve(self, key: str) -> None:
        if key in self.retrying or key in self.queued:
            self.resolved.append(key)

    def failed_request(self, failure: Failure) -> None:
        """Count and queue each notice document a request could not fetch (after retries), and log why."""
        request = getattr(failure, "request", None)
        url = request.url if request else "?"
        reason = f"download failed ({failure.getErrorMessage()})"
        logger.error("%s: %s", url, reason)
        if request is None:
            self._count("failed")
            return
        # A request that fetched several queued documents at once (a package's members) fails for each of them.
        entries = request.meta.get("queue_entries") or [
            FailedDocument(request.meta.get("queue_key") or url, request.cb_kwargs.get("document") or url, reason,
                           request.meta.get("publication_date"))
        ]  # fmt: skip
        for entry in entries:
            self._count("failed")
            self.failures.append(replace(entry, error=reason))

    def failed_listing(self, failure: Failure) -> None:
        """Count a listing that could not be fetched: the crawl is incomplete."""
        request = getattr(failure, "request", None)
        self.listing_failed(request.url if request else "?", f"download failed ({failure.getErrorMessage()})")
