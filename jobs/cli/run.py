"""``kansenradar run`` and ``kansenradar schedule``: headless operation from cron or as a service."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, FAILED, ConfigError, Locked


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    with click.progressbar(length=total, label="Analysing", file=sys.stderr, show_pos=True) as bar:
        yield bar.update


@click.command("run", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--digest/--no-digest",
    default=None,
    help="Send this week's digests now / not at all (default: when due: on or after digest day, once).",
)
@click.pass_context
def run_command(ctx: click.Context, digest: bool | None) -> None:  # fmt: skip
    """One pass for cron: crawl KANSENRADAR_CRAWL_SOURCES, analyse, match, and send digests when due.

    SIGTERM or SIGINT stops the crawl children too; a job run a dead process left "running" is marked abandoned
    by the next run.

    \b
    Exit codes:
        0  everything worked
        1  a source or step failed; the rest completed and is stored
        2  configuration error (the message names the setting)
        3  another run holds the lock
    """
    # Every step's libraries (Scrapy, spaCy, scikit-learn) load only when a run starts.
    from jobs.pipeline import LockedError, check_settings, run_lock, run_pipeline
    from jobs.processes import Interrupted, stop_children_on_signals

    app = app_from(ctx)
    check_settings(app.settings, digest=digest)  # before the database is opened (or made) at all
    progress = _progress if sys.stderr.isatty() else None  # bars for people, plain lines for cron
    try:
        with stop_children_on_signals(), run_lock(app.engine):
            result = run_pipeline(engine=app.engine, settings=app.settings, digest=digest, progress=progress)
    except LockedError as exc:
        raise Locked(f"not started: {exc}") from None
    except Interrupted as exc:
        click.echo(f"Run {exc}" + ("; its crawls were stopped." if exc.crawling else "."), err=True)
        ctx.exit(FAILED)
    click.echo("Run: " + ", ".join(f"{step} {status}" for step, status in result.steps.items()))
    ctx.exit(result.exit_code)


@click.command("schedule", context_settings=CONTEXT_SETTINGS)
@click.pass_context
def schedule_command(ctx: click.Context) -> None:
    """Run as one long-lived process: the pipeline on KANSENRADAR_SCHEDULE_RUN, digests on _SCHEDULE_DIGEST.

    Expressions are crontab lines ("0 6 * * *") or intervals ("every 30m"), in KANSENRADAR_TIMEZONE. The digest job
    waits up to KANSENRADAR_LOCK_WAIT seconds for a running pipeline; each run also retries digests that could not
    be sent and sends the week's when the digest job missed its time. SIGTERM or SIGINT stops it, and a running
    job too (crawls are closed and recorded, a run stops before its next step).

    \b
    Exit codes:
        0  stopped by a signal while idle
        1  stopped by a signal that cut a running job off
        2  configuration error (the message names the setting)
    """
    from jobs.pipeline import ConfigurationError, check_settings
    from jobs.schedule import ScheduleError, serve

    app = app_from(ctx)
    try:
        # Checked now: a setting that makes every run fail would otherwise show at the first run, in a log line.
        check_settings(app.settings)
        cut_off = serve(app.engine, app.settings)
    except (ScheduleError, ConfigurationError) as exc:
        raise ConfigError(str(exc)) from None
    ctx.exit(FAILED if cut_off else 0)
