"""Exceptions raised by the crawler package."""


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


class SpiderArgumentError(CrawlerError):
    """Raised when a spider argument's value is invalid, from a spider's ``from_crawler``."""


class NotATenderError(ParseError):
    """Raised when a document is a valid notice that announces no procurement (e.g. an eForms business registration
    notice), from ``crawler.parsers``; crawls count it as skipped, not failed."""
