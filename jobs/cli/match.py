"""``kansenradar match``: which tenders fit which resident company, why, and what is missing."""

from __future__ import annotations

from datetime import date

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, ConfigError
from jobs.clock import as_of_moment, now_in, show
from jobs.output import date_option, echo_jsonl, echo_table


@click.command("match", context_settings=CONTEXT_SETTINGS)
@click.option("--company", "company_id", metavar="ID", help="Only this company.")
@click.option("--since", callback=date_option, metavar="DATE", help="Only notices published on or after DATE.")
@click.option("--as-of", callback=date_option, metavar="DATE", help="Evaluate as if today were DATE.")
@click.option("--include-closed", is_flag=True, help="Also rank tenders whose deadline has passed.")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.pass_context
def match_command(ctx: click.Context, company_id: str | None, since: date | None, as_of: date | None,
                  include_closed: bool, output_format: str) -> None:  # fmt: skip
    """Score stored notices for each company, store the matches and list them best first with reasons.

    Re-running updates the stored matches instead of adding new ones.

    \b
    Example:
        kansenradar match --company groen-noord --format jsonl
    """
    from jobs.match import UnknownCompanyError, match_companies  # scikit-learn: only when matching

    app = app_from(ctx)
    moment = as_of_moment(as_of, app.zone) if as_of else now_in(app.zone)
    try:
        run = match_companies(engine=app.engine, as_of=moment, company_id=company_id, since=since,
                              include_closed=include_closed, cpv_labels=app.settings.cpv_labels)  # fmt: skip
    except UnknownCompanyError:
        raise click.BadParameter(f"no company with id {company_id!r}", param_hint="--company") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"KANSENRADAR_CPV_LABELS {app.settings.cpv_labels}: {exc}") from None
    if output_format == "jsonl":
        echo_jsonl(m.as_dict() for m in run.matches)
        return
    rows = []
    for m in run.matches:
        deadline = run.deadlines.get(m.notice_id)
        rows.append([m.company_id, f"{m.score:.2f}", m.kind, m.notice_id, m.lot_id or "",
                     show(deadline, app.zone), run.titles.get(m.notice_id, ""),
                     "; ".join(m.reasons[:2])])  # fmt: skip
    echo_table(["company", "score", "kind", "notice", "lot", "deadline", "title", "why"], rows,
               widths=[20, 5, 7, 16, 10, 20, 48, 80])  # fmt: skip
