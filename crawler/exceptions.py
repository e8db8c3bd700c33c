"""Exceptions raised by the crawler package."""

from __future__ import annotations


class CrawlerError(Exception):
    """Base class for exceptions from within the crawler package."""


class ParseError(CrawlerError):
    """Raised when a document cannot be turned into notice records, from ``crawler.parsers``.

    The message starts with the document's name so a log line or a stderr line says which file failed.
    """

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, str]]:
        # Errors cross between parsing workers and the crawl; the default (the message as the only argument) cannot
        # be unpickled, and an unreadable result breaks the whole worker pool.
        return type(self), (self.name, self.reason)


class SpiderArgumentError(CrawlerError):
    """Raised when a spider argument's value is invalid, from a spider's ``from_crawler``."""


class NotATenderError(ParseError):
    """Raised when a document is a valid notice that announces no procurement (e.g. an eForms business registration
    notice), from ``crawler.parsers``; crawls count it as skipped, not failed."""
