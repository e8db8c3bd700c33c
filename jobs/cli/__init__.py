"""The ``kansenradar`` command line: a thin click layer over storage, crawler and matcher."""

from __future__ import annotations

import logging
import sys
from importlib.metadata import version

import click
from pydantic import ValidationError

from jobs.app import App
from jobs.cli.base import CONTEXT_SETTINGS, Cli, ConfigError
from jobs.cli.clauses import analyse, clauses
from jobs.cli.companies import companies
from jobs.cli.crawl import crawl_command, parse
from jobs.cli.data import db, notices, runs
from jobs.cli.demo import demo
from jobs.cli.digest import digest_command
from jobs.cli.evaluation import eval_group
from jobs.cli.feedback import feedback
from jobs.cli.match import match_command
from jobs.cli.report import report_group
from jobs.cli.run import run_command, schedule_command
from jobs.cli.serve import links_command, serve_command
from jobs.logs import configure_logging
from jobs.settings import describe_error, load_settings

logger = logging.getLogger(__name__)
SERVICES = frozenset({"serve", "schedule"})  # long-lived: they log at INFO unless told otherwise


@click.group(name="kansenradar", cls=Cli, context_settings=CONTEXT_SETTINGS)
@click.version_option(version("kansenradar"), "-V", "--version")
@click.option(
    "--database-url", metavar="URL", help="Database to use (default: KANSENRADAR_DATABASE_URL or ./kansenradar.db)."
)
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--log-format", type=click.Choice(["text", "json"]), help="Log line format on stderr.")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, log_level: str | None, log_format: str | None) -> None:
    """Kansenradar: public tenders that resident companies can win or help deliver.

    Settings come from KANSENRADAR_* environment variables or a .env file; options here override them.

    \b
    Exit codes: 0 done; 1 a step failed (the rest is stored); 2 configuration or usage error; 3 locked.
    """
    try:
        settings = load_settings(
            database_url=database_url, log_level=log_level and log_level.upper(), log_format=log_format
        )
    except ValidationError as exc:
        raise ConfigError(describe_error(exc)) from None
    if settings.log_level is None:
        # Under cron nobody reads routine progress: only warnings and errors, unless asked for more. A service
        # (the web service, the scheduler) logs what it does: its journal is where an operator looks.
        service = ctx.invoked_subcommand in SERVICES
        settings = settings.model_copy(update={"log_level": "INFO" if service or sys.stderr.isatty() else "WARNING"})
    configure_logging(level=settings.log_level or "WARNING", log_format=settings.log_format)
    app = App(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


for command in (parse, crawl_command, clauses, analyse, eval_group, companies, notices, runs, db, match_command,
                feedback, digest_command, report_group, run_command, schedule_command, serve_command, links_command,
                demo):  # fmt: skip
    cli.add_command(command)
