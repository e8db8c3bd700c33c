"""Run one spider: in this process for the CLI, or in a subprocess for long-lived callers.

Twisted's reactor cannot be restarted, so a process that crawls more than once (the scheduler, ``run``) starts
``python -m jobs crawl`` for each crawl instead of calling ``crawl`` itself.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from sqlalchemy.engine import Engine

from crawler.spiders.files import Files
from crawler.spiders.ocds import Ocds, address, feed_of
from crawler.spiders.ted import Ted
from crawler.spiders.ted_packages import TedPackages
from crawler.spiders.tenderned import Tenderned
from jobs.processes import run_child
from jobs.settings import Settings
from storage import repository
from storage.db import session_scope
from storage.models import JobRun

logger = logging.getLogger(__name__)

SPIDERS = {spider.name: spider for spider in (Ted, TedPackages, Tenderned, Ocds, Files)}


@dataclass(frozen=True)
class CrawlOutcome:
    """How a crawl ended, as its job run recorded it."""

    source: str  # what the run is recorded under: the source, or ocds#<key> for an OCDS address not configured
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    address: str | None = None  # the OCDS address behind an ocds#<key>, said with it: `runs` shows only the key

    @property
    def ok(self) -> bool:
        """Return whether the crawl finished with every document stored or skipped."""
        return self.status == "success" and not self.counts.get("failed")

    def summary(self) -> str:
        """Return a one-line summary for people and logs.

        >>> CrawlOutcome("files", "success", {"new": 2, "updated": 0, "failed": 1}).summary()
        'crawl files: success; new 2, failed 1'
        >>> CrawlOutcome("files", "failed", error="the spider did not start (see the log)").summary()
        'crawl files: failed (the spider did not start (see the log))'
        """
        counts = ", ".join(f"{name} {value}" for name, value in self.counts.items() if value or name == "new")
        where = f" ({self.address})" if self.address else ""
        line = f"crawl {self.source}{where}: {self.status}" + (f"; {counts}" if counts else "")
        return line + (f" ({self.error})" if self.error else "")


def feed_name(settings: Settings, source: str, url: str | None = None) -> str:
    """Return what a crawl of ``source`` (of the OCDS address ``url``, default the configured one) is recorded under
    (``crawl:<feed>``): the source, or for an OCDS address not configured its own key, so that each address keeps
    its own watermark and retry queue."""
    return feed_of_arguments(source, spider_arguments(settings, source, since=None, until=None, url=url))


def feed_of_arguments(source: str, arguments: Mapping[str, str | None]) -> str:
    """Return what the spider of ``source`` given ``arguments`` records its crawl under, as the spider does."""
    url = arguments.get("url")
    if source != "ocds" or not url:
        return source
    return feed_of(url, primary=arguments.get("primary") == "1")


def _primary(settings: Settings, url: str) -> bool:
    return settings.ocds_url is not None and address(url) == address(settings.ocds_url)


def resolve_since(
    *, engine: Engine, settings: Settings, source: str, explicit: date | None, today: date, url: str | None = None
) -> date | None:
    """Return where a crawl starts: the explicit date, else the last successful crawl's watermark (of that OCDS
    address, ``url``, for ocds), else a default."""
    if explicit is not None or source == "files":
        return explicit
    feed = feed_name(settings, source, url)
    first = today - timedelta(days=settings.crawl_first_days)
    with session_scope(engine) as session:
        last = repository.last_successful_run(session=session, name=f"crawl:{feed}", watermarked=True)
        if last is None and feed != source and settings.ocds_url is None:
            # Before each address had its own key, an address given without KANSENRADAR_OCDS_URL was recorded as
            # crawl:ocds. Its first crawl under its own key starts no later than that watermark: what an earlier
            # start fetches again is stored as unchanged, what a later one skipped would be lost.
            legacy = repository.last_successful_run(session=session, name="crawl:ocds", watermarked=True)
            if legacy is not None and legacy.watermark:
                return min(first, date.fromisoformat(legacy.watermark))
    if last is not None and last.watermark:
        return date.fromisoformat(last.watermark)
    return first


def spider_arguments(
    settings: Settings, source: str, *, since: date | None, until: date | None, **options: object
) -> dict[str, str]:
    """Return the spider arguments for a crawl, with source defaults taken from the settings."""
    args: dict[str, object] = {"since": since, "until": until}
    if source == "ted":
        args |= {
            "countries": settings.ted_countries,
            "cpv": settings.ted_cpv,
            "notice_types": settings.ted_notice_types,
        }
    if source == "ocds":
        args |= {"url": settings.ocds_url, "since_param": settings.ocds_since_param}
    if source == "files" and settings.files_paths:
        # `run`'s files: a drop folder, read whole each time (an unchanged notice is stored once).
        args["paths"] = "\n".join(str(Path(p).expanduser().resolve()) for p in settings.files_paths)
    args |= {key: value for key, value in options.items() if value not in (None, (), [])}
    if source == "ocds" and args.get("url"):
        args["primary"] = "1" if _primary(settings, str(args["url"])) else None
    return {key: ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
            for key, value in args.items() if value not in (None, "", [], ())}  # fmt: skip


def scrapy_settings(settings: Settings) -> ScrapySettings:
    """Return Scrapy settings: the crawler's polite defaults plus this installation's values."""
    result = ScrapySettings()
    result.setmodule("crawler.settings", priority="project")
    result.setdict(
        {
            "KANSENRADAR_DATABASE_URL": settings.database_url,
            "KANSENRADAR_TED_API_URL": settings.ted_api_url,
            "KANSENRADAR_TED_PACKAGES_URL": settings.ted_packages_url,
            "KANSENRADAR_TENDERNED_API_URL": settings.tenderned_api_url,
            "KANSENRADAR_TENDERNED_USER": settings.tenderned_user,
            "KANSENRADAR_TENDERNED_PASSWORD": settings.tenderned_password,
            "KANSENRADAR_RETRY_BACKOFF_BASE": settings.retry_backoff,
            "KANSENRADAR_RETRY_LIMIT": settings.retry_limit,
            "KANSENRADAR_RETRY_QUEUE_BACKOFF": settings.retry_queue_backoff,
            # Offline, a look-up or a connection must fail in seconds, not minutes (packages ask for longer).
            "DNS_TIMEOUT": settings.dns_timeout,
            "DOWNLOAD_TIMEOUT": settings.connect_timeout,
            "DOWNLOAD_DELAY": settings.crawl_delay,
            "AUTOTHROTTLE_START_DELAY": settings.crawl_delay,
            "LOG_LEVEL": settings.log_level or "INFO",
            # Kansenradar's own handler (jobs.logs) stays in charge of where and how lines are written.
            "LOG_INSTALL_ROOT_HANDLER": False,
        },
        priority="cmdline",
    )
    # Unset (None) reads as 0 there: the crawl's process, on a Scrapyd host too, then parses on its own cores.
    result.set("KANSENRADAR_WORKERS", settings.workers, priority="cmdline")
    if settings.tenderned_user:
        # Scrapy sends these only to HTTPAUTH_DOMAIN, so other sources in the same process never see them.
        result.setdict(
            {
                "HTTPAUTH_USER": settings.tenderned_user,
                "HTTPAUTH_PASS": settings.tenderned_password or "",
                "HTTPAUTH_DOMAIN": urlparse(
                    settings.tenderned_api_url
                ).netloc.lower(),  # host[:port], as Scrapy compares
            },
            priority="cmdline",
        )
    return result


def last_run_id(engine: Engine, feed: str) -> int:
    """Return the id of the newest job run of ``crawl:<feed>`` (0 when there is none): what a crawl started after it
    records comes after it."""
    with session_scope(engine) as session:
        runs = repository.job_runs(session=session, limit=1, name=f"crawl:{feed}")
    return (runs[0].id or 0) if runs else 0


def run_since(engine: Engine, feed: str, after: int, *, pid: int | None = None) -> JobRun | None:
    """Return the newest job run of ``crawl:<feed>`` recorded after the run with id ``after``; with ``pid``, the
    newest that process of this host recorded (another crawl of the feed may have started beside it)."""
    with session_scope(engine) as session:
        runs = repository.job_runs(session=session, limit=1 if pid is None else 50, name=f"crawl:{feed}")
    here = socket.gethostname()
    mine = [run for run in runs if (run.id or 0) > after and (pid is None or (run.pid, run.host) == (pid, here))]
    return mine[0] if mine else None


def crawl(*, settings: Settings, engine: Engine, source: str, arguments: dict[str, str]) -> CrawlOutcome:
    """Run one spider to the end in this process (once per process) and return its recorded outcome."""
    feed = feed_of_arguments(source, arguments)
    where = arguments.get("url") if feed != source else None
    before = last_run_id(engine, feed)
    process = CrawlerProcess(scrapy_settings(settings))
    # Scrapy resets its loggers to DEBUG; keep its routine chatter (stats dumps, enabled middlewares) out of cron mail.
    logging.getLogger("scrapy").setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)
    process.crawl(SPIDERS[source], **arguments)
    process.start()
    run = run_since(engine, feed, before, pid=os.getpid())  # this crawl's own run, not another beside it
    if run is None:
        return CrawlOutcome(
            source=feed, status="failed", error="the spider did not start (see the log)", address=where
        )
    return CrawlOutcome(source=feed, status=run.status, counts=dict(run.counts), error=run.error, address=where)


def crawl_in_subprocess(source: str, options: list[str], *, env: dict[str, str] | None = None) -> int:
    """Run ``kansenradar crawl SOURCE OPTIONS`` in a child process that dies with this one; return its exit code."""
    command = [sys.executable, "-m", "jobs", "crawl", source, *options]
    logger.info("Starting %s", " ".join(command))
    return run_child(command, env={**os.environ, **(env or {})})
