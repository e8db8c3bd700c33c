"""The ``kansenradar`` command line: a thin click layer over storage, crawler and matcher."""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path

import click
from pydantic import ValidationError

from jobs.app import App, app_from
from jobs.cli_clauses import analyse, clauses, eval_group
from jobs.cli_crawl import crawl_command, parse
from jobs.cli_digest import digest_command
from jobs.cli_match import match_command
from jobs.cli_report import report_group
from jobs.cli_run import run_command, schedule_command
from jobs.companies import CompanyFileError, load_company_file
from jobs.logs import configure_logging
from jobs.output import date_option, echo_jsonl, echo_table
from jobs.settings import Settings, load_settings
from storage import repository
from storage.db import current_revision, get_engine, head_revision, session_scope, upgrade
from storage.exceptions import StorageError
from storage.repository import Outcome

logger = logging.getLogger(__name__)

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
FORMATS = click.Choice(["table", "jsonl"])


@click.group(name="kansenradar", context_settings=CONTEXT_SETTINGS)
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
    """
    try:
        settings = load_settings(
            database_url=database_url, log_level=log_level and log_level.upper(), log_format=log_format
        )
    except ValidationError as exc:
        raise click.UsageError(f"configuration error: {exc}") from None
    if settings.log_level is None:
        # Under cron nobody reads routine progress: only warnings and errors, unless asked for more.
        settings = settings.model_copy(update={"log_level": "INFO" if sys.stderr.isatty() else "WARNING"})
    configure_logging(level=settings.log_level, log_format=settings.log_format)
    app = App(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


cli.add_command(parse)
cli.add_command(crawl_command)
cli.add_command(clauses)
cli.add_command(analyse)
cli.add_command(eval_group)
cli.add_command(match_command)
cli.add_command(digest_command)
cli.add_command(report_group)
cli.add_command(run_command)
cli.add_command(schedule_command)


@cli.group(context_settings=CONTEXT_SETTINGS)
def db() -> None:
    """Database schema: create or migrate it, show its revision."""


@db.command("upgrade", context_settings=CONTEXT_SETTINGS)
@click.option("--revision", default="head", show_default=True, help="Migration revision to move to.")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Create the schema or bring it up to date (runs the Alembic migrations).

    \b
    Example:
        kansenradar db upgrade
    """
    settings: Settings = app_from(ctx).settings
    try:
        engine = get_engine(settings.database_url)
        try:
            before = current_revision(engine)
            after = upgrade(engine, revision)
        finally:
            engine.dispose()
    except StorageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Database at revision {after} (was {before or 'empty'}; newest {head_revision()}).")


@db.command("current", context_settings=CONTEXT_SETTINGS)
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Show the schema revision of the database without changing it."""
    engine = get_engine(app_from(ctx).settings.database_url)
    try:
        click.echo(current_revision(engine) or "empty")
    finally:
        engine.dispose()


@cli.group(context_settings=CONTEXT_SETTINGS)
def companies() -> None:
    """Resident-company profiles: import from YAML or CSV, list."""


def import_companies(app: App, path: Path) -> tuple[dict[Outcome, int], int]:
    """Import the valid rows of a company file and report the others; return counts and the number refused."""
    try:
        loaded = load_company_file(path)
    except CompanyFileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    for error in loaded.errors:
        click.echo(f"{path}:{error.line}: {error.reason}", err=True)
    counts = dict.fromkeys(Outcome, 0)
    with session_scope(app.engine) as session:
        for _line, profile in loaded.profiles:
            counts[repository.upsert_company(session=session, profile=profile)] += 1
    return counts, len(loaded.errors)


@companies.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def companies_import(ctx: click.Context, file: Path) -> None:
    """Import company profiles from FILE (.yaml, .yml or .csv), updating companies with the same id.

    Each bad row is reported with its line number and skipped; the good rows are stored. The exit code is 1
    when any row was refused.

    \b
    Example:
        kansenradar companies import companies.yaml
    """
    counts, refused = import_companies(app_from(ctx), file)
    click.echo(
        f"{counts[Outcome.NEW]} new, {counts[Outcome.UPDATED]} updated, {counts[Outcome.UNCHANGED]} unchanged, "
        f"{refused} refused."
    )
    if refused:
        ctx.exit(1)


def echo_companies(app: App, output_format: str) -> None:
    """Print the stored companies as a table or as JSON lines of their profiles."""
    with session_scope(app.engine) as session:
        rows = repository.list_companies(session=session)
        profiles = [repository.to_profile(company) for company in rows]
    if output_format == "jsonl":
        echo_jsonl(profile.model_dump(mode="json") for profile in profiles)
        return
    echo_table(
        ["id", "name", "lang", "cpv", "regions", "max value", "e-mail"],
        (
            [
                p.id,
                p.name,
                p.language,
                " ".join(p.cpv),
                " ".join(p.regions) or "anywhere",
                "" if p.capacity.max_contract_value is None else f"{p.capacity.max_contract_value:,.0f}",
                p.email or "",
            ]
            for p in profiles
        ),
        widths=[24, 32, 4, 24, 18, 12, 32],
    )


@companies.command("list", context_settings=CONTEXT_SETTINGS)
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def companies_list(ctx: click.Context, output_format: str) -> None:
    """List the stored company profiles."""
    echo_companies(app_from(ctx), output_format)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--since", callback=date_option, metavar="DATE", help="Only notices published on or after DATE (YYYY-MM-DD)."
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many notices.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def notices(ctx: click.Context, since: date | None, limit: int | None, output_format: str) -> None:
    """List stored notices, newest first; jsonl prints the stored notice records.

    \b
    Example:
        kansenradar notices --since 2026-11-01 --format jsonl
    """
    with session_scope(app_from(ctx).engine) as session:
        rows = repository.list_notices(session=session, since=since, limit=limit)
    if output_format == "jsonl":
        echo_jsonl(row.record for row in rows)
        return
    echo_table(
        ["published", "source", "notice", "deadline", "buyer", "title"],
        (
            [
                row.publication_date or "",
                row.source,
                row.notice_id,
                row.deadline.strftime("%Y-%m-%d %H:%M") if isinstance(row.deadline, datetime) else "",
                row.buyer_name,
                row.title,
            ]
            for row in rows
        ),
        widths=[10, 9, 24, 16, 32, 60],
    )


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-output"),
              show_default=True, help="Folder for the demo database and everything the demo writes.")  # fmt: skip
@click.pass_context
def demo(ctx: click.Context, output: Path) -> None:
    """Run Kansenradar offline on the example notices and companies it ships, into its own folder.

    Crawls the example eForms notices with the files spider, finds inclusive clauses, matches the six example
    resident companies, writes their digests to the outbox as .eml files and the coverage report as HTML.
    """
    from jobs.demo import DEMO_AS_OF, run_demo

    summary = run_demo(output, app_from(ctx).settings)
    click.echo(f"Kansenradar demo (as of {DEMO_AS_OF:%d-%m-%Y})")
    click.echo(f"  {summary.notices} example notices, {summary.with_clause} with an inclusive clause")
    click.echo(f"  database:        {summary.database}")
    click.echo(f"  digests (.eml):  {summary.outbox}")
    click.echo(f"  coverage report: {summary.report}\n")
    echo_table(["company", "bid", "partner", "digest"], ([c, b, p, f] for c, b, p, f in summary.rows),
               widths=[20, 4, 8, 90])  # fmt: skip
