"""``kansenradar run`` and ``kansenradar schedule``: headless operation from cron or as a service."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from jobs.app import app_from

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    with click.progressbar(length=total, label="Analysing", file=sys.stderr, show_pos=True) as bar:
        yield bar.update


@click.command("run", context_settings=CONTEXT_SETTINGS)
@click.option("--digest/--no-digest", default=None, help="Send digests now / never (default: on digest day).")
@click.pass_context
def run_command(ctx: click.Context, digest: bool | None) -> None:
    """One pass for cron: crawl KANSENRADAR_CRAWL_SOURCES, analyse, match, and send digests on digest day.

    \b
    Exit codes:
        0  everything worked
        1  a source or step failed; the rest completed and is stored
        2  configuration error (the message names the setting)
        3  another run holds the lock
    """
    # Every step's libraries (Scrapy, spaCy, scikit-learn) load only when a run starts.
    from jobs.pipeline import CONFIG_ERROR, LOCKED, ConfigurationError, LockedError, run_lock, run_pipeline

    app = app_from(ctx)
    progress = _progress if sys.stderr.isatty() else None  # bars for people, plain lines for cron
    try:
        with run_lock(app.engine, app.settings.database_url):
            result = run_pipeline(engine=app.engine, settings=app.settings, digest=digest, progress=progress)
    except LockedError as exc:
        click.echo(f"Not started: {exc}", err=True)
        ctx.exit(LOCKED)
    except ConfigurationError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        ctx.exit(CONFIG_ERROR)
    click.echo("Run: " + ", ".join(f"{step} {status}" for step, status in result.steps.items()))
    ctx.exit(result.exit_code)


@click.command("schedule", context_settings=CONTEXT_SETTINGS)
@click.pass_context
def schedule_command(ctx: click.Context) -> None:
    """Run as one long-lived process: the pipeline on KANSENRADAR_SCHEDULE_RUN, digests on _SCHEDULE_DIGEST.

    Expressions are crontab lines ("0 6 * * *") or intervals ("every 30m"), in KANSENRADAR_TIMEZONE. Stops
    cleanly on SIGTERM or SIGINT.
    """
    from jobs.pipeline import CONFIG_ERROR
    from jobs.schedule import serve

    app = app_from(ctx)
    try:
        serve(app.engine, app.settings)
    except ValueError as exc:
        click.echo(f"Configuration error: KANSENRADAR_SCHEDULE_*: {exc}", err=True)
        ctx.exit(CONFIG_ERROR)
