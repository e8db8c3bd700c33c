"""``kansenradar report coverage``: inclusive-clause coverage for procurement officers."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, ConfigError
from jobs.output import check_period, date_option, writable_folder
from jobs.report import GROUPS, coverage
from jobs.report_formats import to_csv, to_html, to_json

logger = logging.getLogger(__name__)


@click.group("report", context_settings=CONTEXT_SETTINGS)
def report_group() -> None:
    """Reports for procurement officers."""


@report_group.command("coverage", context_settings=CONTEXT_SETTINGS)
@click.option("--buyer", metavar="TEXT", help="Only buyers whose name contains TEXT.")
@click.option("--from", "start", callback=date_option, metavar="DATE", help="Published on or after DATE.")
@click.option("--to", "end", callback=date_option, metavar="DATE", help="Published on or before DATE.")
@click.option("--group-by", type=click.Choice(GROUPS), default="buyer", show_default=True)
@click.option(
    "--format", "output_format", type=click.Choice(["html", "csv", "json"]), default="html", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--excel", is_flag=True, help="CSV for Dutch Excel: ';' between cells, decimal commas.")
@click.pass_context
def coverage_command(ctx: click.Context, buyer: str | None, start: date | None, end: date | None, group_by: str,
                     output_format: str, output: Path | None, lang: str, excel: bool) -> None:  # fmt: skip
    """How many tenders carry inclusive clauses, per group, with the evidence and the missed opportunities.

    HTML is one self-contained file (charts as inline SVG); CSV and JSON carry the same numbers. CSV starts
    with a byte-order mark so spreadsheets read it as UTF-8; cells that would run as formulas are neutralised.

    \b
    Example:
        kansenradar report coverage --buyer Utrecht --from 2026-01-01 --output coverage.html
    """
    check_period(start, end)
    if output is not None:
        problem = writable_folder(output.parent)
        if problem:
            raise ConfigError(f"--output {output}: {problem}")
    report = coverage(engine=app_from(ctx).reader, group_by=group_by, buyer=buyer, start=start, end=end, lang=lang)
    if buyer and not report.standings:
        logger.warning("No buyer in the period has “%s” in its name: the report counts no tenders", buyer)
    if output_format == "csv":
        text = to_csv(report, excel=excel)
    elif output_format == "json":
        text = to_json(report)
    else:
        text = to_html(report, lang)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Coverage report ({output_format}) written to {output}", err=True)
