"""``kansenradar report coverage``: inclusive-clause coverage for procurement officers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from jobs.app import app_from
from jobs.output import date_option
from jobs.report import GROUPS, coverage, to_csv, to_json, trend_svg
from matcher import LABELS

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
TEXTS = {
    "nl": {"title": "Inclusieve clausules in aanbestedingen", "grouped": "Per", "period": "Periode", "buyer": "Aanbesteder",
           "detector": "detector", "tenders": "Aanbestedingen", "with_clause": "Met clausule", "share": "Aandeel",
           "total": "Totaal", "trend": "Verloop per maand", "evidence": "Bewijs: de zinnen", "none": "Geen.",
           "summary": "{with_clause} van de {tenders} aanbestedingen ({share:.0%}) bevatten minstens één inclusieve clausule.",
           "text_code": "Tussen haakjes: gevonden in de tekst / in gestructureerde eForms-codes.",
           "missed": "Gemiste kansen", "notice": "Aanbesteding", "sector": "Sector",
           "missed_intro": "Aanbestedingen in sectoren waar bewonersbedrijven werken (schoonmaak, groen, catering, "
                           "reparaties, zorg) zonder enige inclusieve clausule.",
           "group_names": {"buyer": "aanbesteder", "month": "maand", "cpv-division": "sector (CPV)", "region": "regio"},
           "origins": {"text": "tekst", "code": "code"},
           "labels": {"reserved_contract": "Voorbehouden", "social_return": "Social return",
                      "employment_of_disadvantaged": "Werk voor kwetsbaren", "social_enterprise_subcontracting": "Sociale inkoop",
                      "local_community_partnering": "Lokaal / bewoners", "right_to_challenge": "Right to Challenge",
                      "social_award_criterion": "Sociaal gunningscriterium"}},
    "en": {"title": "Inclusive clauses in tenders", "grouped": "By", "period": "Period", "buyer": "Buyer",
           "detector": "detector", "tenders": "Tenders", "with_clause": "With a clause", "share": "Share",
           "total": "Total", "trend": "Per month", "evidence": "Evidence: the sentences", "none": "None.",
           "summary": "{with_clause} of {tenders} tenders ({share:.0%}) carry at least one inclusive clause.",
           "text_code": "In brackets: found in the text / in structured eForms codes.",
           "missed": "Missed opportunities", "notice": "Tender", "sector": "Sector",
           "missed_intro": "Tenders in sectors where resident companies work (cleaning, green, catering, repairs, "
                           "care) without any inclusive clause.",
           "group_names": {"buyer": "buyer", "month": "month", "cpv-division": "sector (CPV)", "region": "region"},
           "origins": {"text": "text", "code": "code"},
           "labels": {"reserved_contract": "Reserved", "social_return": "Social return",
                      "employment_of_disadvantaged": "Jobs for the disadvantaged",
                      "social_enterprise_subcontracting": "Social enterprises", "local_community_partnering": "Local / community",
                      "right_to_challenge": "Right to Challenge", "social_award_criterion": "Social award criterion"}},
}  # fmt: skip


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
@click.pass_context
def coverage_command(ctx: click.Context, buyer: str | None, start: date | None, end: date | None, group_by: str,
                     output_format: str, output: Path | None, lang: str) -> None:  # fmt: skip
    """How many tenders carry inclusive clauses, per group, with the evidence and the missed opportunities.

    HTML is one self-contained file (charts as inline SVG); CSV and JSON carry the same numbers.

    \b
    Example:
        kansenradar report coverage --buyer Utrecht --from 2026-01-01 --output coverage.html
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    report = coverage(engine=app_from(ctx).engine, group_by=group_by, buyer=buyer, start=start, end=end, lang=lang)
    if output_format == "csv":
        text = to_csv(report)
    elif output_format == "json":
        text = to_json(report)
    else:
        environment = Environment(loader=PackageLoader("jobs", "templates"), autoescape=select_autoescape(["j2"]))
        text = environment.get_template("coverage.html.j2").render(
            report=report, t=TEXTS[lang], lang=lang, labels=LABELS, chart=trend_svg(report.months, lang)
        )
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Coverage report ({output_format}) written to {output}", err=True)
