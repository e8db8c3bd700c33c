"""Crawls as Scrapyd jobs: one job per source on ``KANSENRADAR_SCRAPYD_URL``, then wait for its job run.

A job gets what a local crawl gets (``jobs.crawl``): the Scrapy settings as schedule.json ``setting=NAME=VALUE``
parameters and the spider arguments as plain parameters (``primary=1`` for the configured OCDS address). The spider
on the worker records its ``crawl:<source>`` job run in the shared database; that row, not Scrapyd, says how the
crawl went (Scrapyd keeps no exit status).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import unquote, urlencode, urljoin, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from scrapy.settings import get_settings_priority
from sqlalchemy.engine import Engine

from jobs.clock import now_in
from jobs.crawl import (
    CrawlOutcome,
    feed_of_arguments,
    last_run_id,
    resolve_since,
    scrapy_settings,
    spider_arguments,
)
from jobs.settings import Settings
from storage import repository
from storage.db import session_scope
from storage.models import JobRun

logger = logging.getLogger(__name__)

# Under Scrapyd, Scrapy's own log handler writes the job's log file (served by Scrapyd); there is no Kansenradar
# handler in the job's process to hand the lines to.
LOCAL_ONLY = frozenset({"LOG_INSTALL_ROOT_HANDLER"})
POLL_FIRST, POLL_MAX = 0.5, 5.0  # seconds between listjobs.json requests: quick for short crawls, then calmer
POLL_MISSES = 5  # listjobs.json requests in a row that may fail before the wait gives up


class ScrapydError(Exception):
    """Raised when Scrapyd cannot be reached or answers with an error, from ``ScrapydClient``."""


@dataclass(frozen=True)
class ScrapydJob:
    """A job as listjobs.json shows it: ``state`` is pending, running, finished, unknown (no longer listed), or
    unanswered (listjobs.json failed this time)."""

    id: str
    state: str
    pid: int | None = None
    log_url: str | None = None


class ScrapydClient:
    """The few calls of Scrapyd's JSON API a dispatcher needs. Credentials in the URL are sent as HTTP Basic."""

    def __init__(self, url: str, *, project: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.auth = None
        if parts.username:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            self.auth = "Basic " + base64.b64encode(pair).decode("ascii")
        netloc = parts.hostname or ""
        netloc = f"[{netloc}]" if ":" in netloc else netloc  # an IPv6 address
        netloc += f":{parts.port}" if parts.port else ""
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        # Without the user name and password: this is the address messages show.
        self.base = urlunsplit((parts.scheme, netloc, path, "", ""))
        self.project = project
        self.timeout = timeout

    def _call(self, endpoint: str, params: list[tuple[str, str]], *, post: bool = False) -> dict[str, Any]:
        url = urljoin(self.base, endpoint)
        data = urlencode(params).encode() if post else None
        request = Request(url if post else f"{url}?{urlencode(params)}", data=data, method="POST" if post else "GET")
        request.add_header("Accept", "application/json")
        if self.auth:
            request.add_header("Authorization", self.auth)
        try:
            with urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except HTTPError as exc:
            raise ScrapydError(f"Scrapyd at {self.base} answered {endpoint}: HTTP {exc.code} {exc.reason}") from None
        except (URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise ScrapydError(f"Scrapyd at {self.base} cannot be reached: {reason}") from None
        except ValueError:
            raise ScrapydError(f"Scrapyd at {self.base} answered {endpoint} with something that is not JSON") from None
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            message = answer.get("message") if isinstance(answer, dict) else answer
            raise ScrapydError(f"Scrapyd at {self.base} refused {endpoint}: {' '.join(str(message).split())}")
        return answer

    def schedule(self, spider: str, *, settings: dict[str, str], arguments: dict[str, str]) -> str:
        """Queue a crawl and return its job id."""
        params = [("project", self.project), ("spider", spider)]
        params += [("setting", f"{name}={value}") for name, value in settings.items()]
        params += list(arguments.items())
        return str(self._call("schedule.json", params, post=True)["jobid"])

    def job(self, job_id: str) -> ScrapydJob:
        """Return where a job is: pending, running, finished, or unknown."""
        answer = self._call("listjobs.json", [("project", self.project)])
        for state in ("pending", "running", "finished"):
            for entry in answer.get(state) or []:
                if entry.get("id") == job_id:
                    log_url = urljoin(self.base, entry["log_url"]) if entry.get("log_url") else None
                    return ScrapydJob(job_id, state, entry.get("pid"), log_url)
        return ScrapydJob(job_id, "unknown")

    def cancel(self, job_id: str) -> None:
        """Ask Scrapyd to stop a job (SIGINT: the spider closes and records its job run as failed)."""
        self._call("cancel.json", [("project", self.project), ("job", job_id)], post=True)


def job_settings(settings: Settings) -> dict[str, str]:
    """Return the Scrapy settings a job needs as text: what a local crawl adds to ``crawler.settings``."""
    scrapy = scrapy_settings(settings)
    added = get_settings_priority("cmdline")
    return {name: str(scrapy[name]) for name in scrapy
            if scrapy.getpriority(name) == added and name not in LOCAL_ONLY and scrapy[name] is not None}  # fmt: skip


def _job_run(engine: Engine, feed: str, *, after: int, pid: int | None) -> JobRun | None:
    """Return the job run the job created: the one with its process id, else the first one since it was queued."""
    with session_scope(engine) as session:
        runs = [run for run in repository.job_runs(session=session, limit=50, name=f"crawl:{feed}")
                if (run.id or 0) > after]  # fmt: skip
    mine = [run for run in runs if pid is not None and run.pid == pid]
    return (mine or runs[-1:] or [None])[0]


def _running(engine: Engine, feed: str) -> JobRun | None:
    with session_scope(engine) as session:
        runs = repository.job_runs(session=session, limit=1, name=f"crawl:{feed}", statuses=("running",))
    return runs[0] if runs else None


def _wait(client: ScrapydClient, job_id: str, timeout: float) -> ScrapydJob | None:
    """Return the job once Scrapyd has finished it (or forgotten it), or ``None`` when ``timeout`` passed first."""
    deadline = time.monotonic() + timeout
    pause, pid, misses = POLL_FIRST, None, 0
    while True:
        try:
            job = client.job(job_id)
            misses = 0
        except ScrapydError as exc:
            # Scrapyd restarting or a network blip: a few missed answers do not end a crawl that may still run.
            misses += 1
            if misses >= POLL_MISSES:
                raise
            logger.warning("Asking Scrapyd about job %s failed (%s); asking again", job_id, exc)
            job = ScrapydJob(job_id, "unanswered")
        pid = job.pid or pid  # finished jobs are listed without their process id
        if job.state in ("finished", "unknown"):
            return ScrapydJob(job.id, job.state, pid, job.log_url)
        if time.monotonic() + pause > deadline:
            return None
        time.sleep(pause)
        pause = min(pause * 1.5, POLL_MAX)


def crawl_on_scrapyd(*, engine: Engine, settings: Settings, source: str) -> int:
    """Crawl ``source`` as a Scrapyd job and wait for it; return 0 when it stored everything, else 1.

    1 also when a crawl of ``source`` is still running, when Scrapyd cannot be reached or refuses the job, when the
    wait (``KANSENRADAR_SCRAPYD_WAIT``) runs out (the job is cancelled then), and when the job left no finished job
    run (see its log on Scrapyd).
    """
    assert settings.scrapyd_url, "crawl_on_scrapyd needs KANSENRADAR_SCRAPYD_URL"
    client = ScrapydClient(settings.scrapyd_url, project=settings.scrapyd_project, timeout=settings.connect_timeout)
    today = now_in(settings.zone).date()
    since = resolve_since(engine=engine, settings=settings, source=source, explicit=None, today=today)
    options = {"today": today.isoformat()} if source == "ted_packages" else {}  # as `kansenradar crawl` passes it
    arguments = spider_arguments(settings, source, since=since, until=None, **options)
    feed = feed_of_arguments(source, arguments)  # the job run's name, as the spider on the worker writes it
    busy = _running(engine, feed)
    if busy is not None:
        # One job per source: a second crawl would race the first for the retry queue and the watermark.
        since_when = f"{busy.started_at.astimezone(settings.zone):%Y-%m-%d %H:%M %Z}"
        logger.error("Crawl of %s not queued: job run %s is still running on %s (pid %s) since %s", source, busy.id,
                     busy.host, busy.pid, since_when)  # fmt: skip
        return 1
    before = last_run_id(engine, feed)
    job_id = None
    try:
        job_id = client.schedule(source, settings=job_settings(settings), arguments=arguments)
        logger.info("Crawl of %s queued on Scrapyd at %s as job %s", source, client.base, job_id)
        job = _wait(client, job_id, settings.scrapyd_wait)
        if job is None:
            logger.error("Crawl of %s: Scrapyd job %s not finished after %.0f s (KANSENRADAR_SCRAPYD_WAIT); "
                         "cancelling it", source, job_id, settings.scrapyd_wait)  # fmt: skip
            client.cancel(job_id)
            return 1
    except ScrapydError as exc:
        logger.error("Crawl of %s on Scrapyd failed: %s", source, exc)
        return 1
    except BaseException:
        # Interrupted (SIGTERM to `run`): no crawl keeps writing after the run that owned it has gone.
        if job_id is not None:
            try:
                client.cancel(job_id)
            except ScrapydError as exc:
                logger.warning("Could not cancel Scrapyd job %s: %s", job_id, exc)
        raise
    run = _job_run(engine, feed, after=before, pid=job.pid)
    where = f" (its log: {job.log_url})" if job.log_url else ""
    if run is None:
        logger.error("Crawl of %s: Scrapyd job %s ended without recording a job run%s", source, job_id, where)
        return 1
    if run.status == "running":
        # The process was killed, or Scrapyd restarted and forgot the job; `run` marks the row abandoned later.
        said = "no longer lists the job" if job.state == "unknown" else "says the job ended"
        logger.error("Crawl of %s: Scrapyd %s, but job run %s is still 'running'%s", source, said, run.id, where)
        return 1
    outcome = CrawlOutcome(source=source, status=run.status, counts=dict(run.counts), error=run.error)
    if outcome.ok:
        logger.info("%s (Scrapyd job %s)", outcome.summary(), job_id)
        return 0
    logger.error("%s (Scrapyd job %s)%s", outcome.summary(), job_id, where)
    return 1
