"""TED daily and monthly XML packages (tar.gz of notice XML)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.archives import iter_archive
from crawler.base import TenderSpider, list_argument
from crawler.exceptions import SpiderArgumentError
from crawler.items import NoticeItem


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year}-{month}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _issues(value: Any) -> list[str]:
    issues: list[str] = []
    for part in list_argument(value):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()) or len(first) != 9:
            raise SpiderArgumentError(f"issues: {part!r} is not an OJ S issue such as 202600173 or a range")
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

    def __init__(self, *args: Any, issues: Any = None, months: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues = _issues(issues)
        self.months = [m.replace("-0", "-") for m in list_argument(months)]
        if not self.issues and not self.months:
            if not self.since:
                raise SpiderArgumentError("give issues, months, or since (and until) for the monthly packages")
            self.months = _months(self.since, self.until or date.today())

    async def start(self) -> AsyncIterator[Any]:
        base = self.settings.get("KANSENRADAR_TED_PACKAGES_URL", "https://ted.europa.eu/packages").rstrip("/")
        targets = [f"daily/{issue}" for issue in self.issues] + [f"monthly/{month}" for month in self.months]
        for target in targets:
            yield scrapy.Request(
                f"{base}/{target}",
                callback=self.parse,
                errback=self.failed_listing,
                cb_kwargs={"package": target.replace("/", "-") + ".tar.gz"},
            )

    def parse(self, response: Response, package: str = "package.tar.gz", **kwargs: Any) -> Iterator[NoticeItem]:
        for document, body in iter_archive(response.body, name=package):
            if document == package:  # the package itself is unreadable
                self._count("listing_failed")
            yield from self.notice_items(body, document=document, filter_dates=True)
