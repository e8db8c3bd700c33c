"""TED daily and monthly XML packages (tar.gz of notice XML)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.archives import iter_archive
from crawler.base import TenderSpider, by_container, date_argument, list_argument
from crawler.exceptions import SpiderArgumentError
from crawler.items import NoticeItem
from crawler.parsing import Document, parse_all
from storage.repository import FailedDocument

logger = logging.getLogger(__name__)
PACKAGE_TIMEOUT = 1800  # seconds: a monthly package is hundreds of megabytes, unlike a search page


MAX_ISSUES = 400  # the OJ S has about 250 issues a year


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year}-{month}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_argument(value: str, *, today: date) -> str:
    """Return a finished month ("2026-11") in TED's package form ("2026-11"; "2026-1" for January), or raise.

    TED publishes a monthly package once the month is over: asking for this month (or a later one) would
    fetch nothing, or a package that later grows.
    """
    year, _, month = value.strip().partition("-")
    if not (len(year) == 4 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        raise SpiderArgumentError(f"months: {value!r} is not a month in the form YYYY-MM")
    if (int(year), int(month)) >= (today.year, today.month):
        raise SpiderArgumentError(f"months: {value} is not finished yet; TED publishes a monthly package after it")
    return f"{int(year)}-{int(month)}"


def _issues(value: Any) -> list[str]:
    issues: list[str] = []
    for part in list_argument(value):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()) or len(first) != 9:
            raise SpiderArgumentError(f"issues: {part!r} is not an OJ S issue such as 202600173 or a range")
        if last and (last[:4] != first[:4] or int(last) < int(first) or int(last) - int(first) >= MAX_ISSUES):
            # Issue numbers restart each year: "202500250-202600003" is a hundred thousand issues that do not exist.
            raise SpiderArgumentError(f"issues: {part!r} must stay within one year and span at most {MAX_ISSUES} "
                                      "issues (give one range per year)")  # fmt: skip
        issues += [str(n) for n in range(int(first), int(last or first) + 1)]
    return issues


class TedPackages(TenderSpider):
    """
    Source
        TED bulk packages: ``{KANSENRADAR_TED_PACKAGES_URL}/daily/{yyyy}{nnnnn}`` (by OJ S issue) and
        ``.../monthly/{yyyy-n}``.
    Notice types
        Every notice in the package (eForms and TED XML).
    Spider arguments
        ``issues`` (``202600173`` or ``202600173-202600180``, comma-separated), ``months`` (``2026-11``);
        ``since``/``until`` alone fetch the monthly packages covering the range and keep notices inside it.
    Caveats
        Daily packages are numbered by OJ S issue, not by date (TED's release calendar maps the two).
    """

    name = "ted_packages"
    # TenderSpider
    source = "ted"

    def __init__(self, *args: Any, issues: Any = None, months: Any = None, today: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = date_argument("today", today) or date.today()
        self.issues = _issues(issues)
        self.months = [month_argument(m, today=today) for m in list_argument(months)]
        self.next_start: date | None = None
        # Named packages are part of the source (a backfill, one day): also when Scrapyd schedules them directly.
        self.partial = self.partial or bool(self.issues or self.months)
        if not self.issues and not self.months:
            if not self.since:
                raise SpiderArgumentError("give issues, months, or since (and until) for the monthly packages")
            end = min(self.until or today, today)
            # Only finished months: the current one is left for the next crawl, when its package exists.
            self.months = [
                m for m in _months(self.since, end) if tuple(map(int, m.split("-"))) < (today.year, today.month)
            ]
            if not self.months:
                logger.info("No finished month since %s: nothing to fetch yet", self.since)
            else:
                # The next crawl starts with the month after the last one read: the newest notice of a month's
                # package lies inside it, and starting there fetched the same package again every day.
                year, month = map(int, self.months[-1].split("-"))
                after = date(year + month // 12, month % 12 + 1, 1)
                # ... unless --until cut the last month short: its rest is the next crawl's.
                self.next_start = after if self.until is None or self.until >= after - timedelta(days=1) else None

    @property
    def base_url(self) -> str:
        """Return the packages' base URL from the settings."""
        return str(self.settings.get("KANSENRADAR_TED_PACKAGES_URL", "https://ted.europa.eu/packages")).rstrip("/")

    async def listing(self) -> AsyncIterator[Any]:
        targets = [f"daily/{issue}" for issue in self.issues] + [f"monthly/{month}" for month in self.months]
        for target in targets:
            yield scrapy.Request(
                f"{self.base_url}/{target}",
                callback=self.parse,
                errback=self.failed_listing,
                cb_kwargs={"package": target.replace("/", "-") + ".tar.gz"},
                meta={"download_timeout": PACKAGE_TIMEOUT},
            )

    async def parse(self, response: Response, package: str = "package.tar.gz", **kwargs: Any,
                    ) -> AsyncIterator[NoticeItem]:  # fmt: skip
        """Parse a package's notices (on every core: a monthly package holds tens of thousands)."""
        # A retried package is read for its queued members only, whatever their dates.
        queued = response.meta.get("queue_entries")
        members = {entry.document for entry in queued} if queued else None

        def documents() -> Iterator[Document]:
            for document, body in iter_archive(response.body, name=package):
                if document == package:  # the package itself is unreadable
                    self.listing_failed(response.url, str(body))
                elif members is None or document in members:
                    yield body, document, f"{response.url}#{document}"

        async for parsed in parse_all(documents(), self.source, processes=self.parse_processes):
            for item in self.items_of(parsed, filter_dates=members is None):
                yield item

    def retries(self, entries: list[FailedDocument]) -> Iterator[Any]:
        # The queued members of one package come from one download of it, not one download each.
        for url, queued in by_container(entries).items():
            yield scrapy.Request(url, callback=self.parse, errback=self.failed_request, dont_filter=True,
                                 meta={"queue_entries": queued, "download_timeout": PACKAGE_TIMEOUT},
                                 cb_kwargs={"package": queued[0].document.split("/", 1)[0]})  # fmt: skip
