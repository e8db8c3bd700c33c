"""``kansenradar match``: which tenders fit which resident company, why, and what is missing."""

from __future__ import annotations

from datetime import date

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, Locked
from jobs.clock import as_of_moment, now_in, show
from jobs.locks import LockedError, run_lock
from jobs.output import MOMENT, NOTICE_ID, date_option, echo_jsonl, echo_table


@click.command("match", context_settings=CONTEXT_SETTINGS)
@click.option("--company", "company_id", metavar="ID", help="Only this company.")
@click.option(
    "--since",
    callback=date_option,
    metavar="DATE",
    help="Only notices published on or after DATE, for companies whose lists stand; a company scored anew (new, "
    "changed, with new feedback, after new models, or named by --company) gets every open notice.",
)
@click.option(
    "--as-of", callback=date_option, metavar="DATE", help="Evaluate as if today were DATE (scores everything again)."
)
@click.option(
    "--include-closed",
    is_flag=True,
    help="Look back: also rank tenders whose deadline has passed, aged undated ones and award notices.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Score everything again and refit the text model (default: only what changed since the last run).",
)
@click.option("--quiet", is_flag=True, help="Print a one-line summary instead of the matches.")
@click.option("--format", "output_format", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.pass_context
def match_command(ctx: click.Context, company_id: str | None, since: date | None, as_of: date | None,
                  include_closed: bool, full: bool, quiet: bool, output_format: str) -> None:  # fmt: skip
    """Score stored notices for each company, store the matches and list them best first with reasons.

    Incremental: after a first run, only notices and companies that are new or changed are scored, and each
    company keeps its best matches, as a full run would. The text model is kept between runs and fitted again
    when the corpus has changed by a tenth, or with --full. Takes the same lock as `run` (exit 3 while another
    holds it).

    \b
    Example:
        kansenradar match --company groen-noord --format jsonl
    """
    from jobs.match import UnknownCompanyError, match_companies, stored_matches  # scikit-learn: only when matching

    app = app_from(ctx)
    moment = as_of_moment(as_of, app.zone) if as_of else now_in(app.zone)
    try:
        # One writer of matches at a time: beside a `run` matching, both would replace the same companies' lists.
        with run_lock(app.engine):
            run = match_companies(engine=app.engine, as_of=moment, company_id=company_id, since=since,
                                  include_closed=include_closed, full=full or as_of is not None, refit=full,
                                  undated_days=app.settings.undated_days, today=as_of is None,
                                  zone=app.zone, workers=app.settings.workers)  # fmt: skip
            # Listed under the lock too: another run must not replace the lists between storing and showing them.
            listed = [] if quiet else stored_matches(engine=app.engine, company_ids=run.company_ids, as_of=moment)
    except LockedError as exc:
        raise Locked(f"not started: {exc}") from None
    except UnknownCompanyError:
        raise click.BadParameter(f"no company with id {company_id!r}", param_hint="--company") from None
    if quiet:
        click.echo(f"Matched {run.companies} companies ({run.mode}{', text model refitted' if run.refitted else ''}):"
                   f" {run.notices_scored} notices scored, {run.written} matches written.")  # fmt: skip
        return
    if not listed:
        # On stderr, so that a script reading the list gets an empty list and nothing else.
        if include_closed:
            click.echo(f"No tender matched ({run.notices_scored} notices scored).", err=True)
        else:
            click.echo(f"No open tender matched ({run.notices_scored} notices scored); --as-of DATE or "
                       "--include-closed look back.", err=True)  # fmt: skip
    if not listed and output_format == "table":
        return  # a header over nothing reads as a broken table
    if output_format == "jsonl":
        keys = ("company_id", "notice_id", "source", "lots", "kind", "score", "parts", "reasons")
        echo_jsonl({key: m[key] for key in keys} for m in listed)
        return
    rows = [[m["company_id"], f"{m['score']:.2f}", m["kind"], m["notice_id"], ", ".join(m["lots"]),
             show(m["deadline"], app.zone), m["title"] or "", "; ".join(m["reasons"][:2])]
            for m in listed]  # fmt: skip
    echo_table(["company", "score", "kind", "notice", "lots", "deadline", "title", "why"], rows,
               widths=[20, 5, 7, NOTICE_ID, 10, MOMENT, 48, 80])  # fmt: skip
