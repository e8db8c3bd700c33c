"""Logging set-up for the command line: readable lines on a terminal, plain or JSON lines under cron."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any


class JsonFormatter(logging.Formatter):
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
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # spaCy logs pipeline set-up at INFO through a handler of its own.
    for noisy in ("alembic", "sqlalchemy", "scrapy", "apscheduler", "spacy"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
