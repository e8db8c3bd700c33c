"""Logging set-up for the command line: readable lines on a terminal, plain or JSON lines under cron."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any


def brief(exc: BaseException) -> str:
    """Return an exception as one line, ``ExcType: message`` (a database error's message spans lines)."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


class BriefExceptions(logging.Formatter):
    """Write an exception as one line ("ExcType: message") unless tracebacks are wanted (``--log-level debug``)."""

    def __init__(self, *args: Any, tracebacks: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tracebacks = tracebacks

    def formatException(self, ei: Any) -> str:
        if self.tracebacks:
            return super().formatException(ei)
        _kind, value, _tb = ei
        return f"  ({brief(value)})" if value is not None else ""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        # logging caches the formatted traceback on the record; the brief form is joined onto the same line.
        return text.replace("\n  (", "  (", 1) if not self.tracebacks else text

    def formatStack(self, stack_info: str) -> str:
        return super().formatStack(stack_info) if self.tracebacks else ""


class JsonFormatter(BriefExceptions):
    """Format each record as one JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


class QuietLibraries(logging.Filter):
    """Drop the libraries' routine lines below WARNING; Scrapy re-enables its own DEBUG loggers when it starts."""

    PREFIXES = ("scrapy", "twisted", "alembic", "sqlalchemy", "apscheduler", "py.warnings", "spacy", "matplotlib")

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.name.startswith(self.PREFIXES)


def configure_logging(*, level: str, log_format: str) -> None:
    """Send logs to stderr in the chosen format; quiet the chatty libraries below WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    if level != "DEBUG":
        handler.addFilter(QuietLibraries())
    tracebacks = level == "DEBUG"
    if log_format == "json":
        handler.setFormatter(JsonFormatter(tracebacks=tracebacks))
    else:
        # The machine's zone, named: the tables show KANSENRADAR_TIMEZONE, and a bare "19:23:27" reads as that.
        handler.setFormatter(BriefExceptions("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S %Z",
                                             tracebacks=tracebacks))  # fmt: skip
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # spaCy logs pipeline set-up at INFO through a handler of its own.
    for noisy in ("alembic", "sqlalchemy", "scrapy", "apscheduler", "spacy"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
