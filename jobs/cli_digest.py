"""``kansenradar digest``: weekly digests to resident companies."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from jobs.app import app_from
from jobs.digest import iso_week, send_digests, week_start

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.command("digest", context_settings=CONTEXT_SETTINGS)
@click.option("--week", metavar="YYYY-Www", help="ISO week of the digest (default: this week).")
@click.option("--company", "company_id", metavar="ID", help="Only this company.")
@click.option(
    "--send", is_flag=True, help="Send by SMTP (KANSENRADAR_SMTP_*); otherwise write .eml files to the outbox."
)
@click.pass_context
def digest_command(ctx: click.Context, week: str | None, company_id: str | None, send: bool) -> None:
    """Deliver each company's digest of matched tenders for a week, once per company and week.

    Dutch unless the company's language is en; HTML and plain-text parts. Without --send, or without SMTP
    settings, the messages go to KANSENRADAR_OUTBOX as .eml files. A failed send stays pending for the next run;
    the exit code is then 1.

    \b
    Example:
        kansenradar digest --send
    """
    app = app_from(ctx)
    now = datetime.now(UTC)
    if week is not None:
        try:
            week_start(week)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--week") from None
    week = week or iso_week(now.date())
    if send and not app.settings.smtp_host:
        click.echo("KANSENRADAR_SMTP_HOST is not set: writing to the outbox instead", err=True)
    run = send_digests(engine=app.engine, settings=app.settings, week=week, as_of=now, company_id=company_id,
                       send=send)  # fmt: skip
    click.echo(f"Digests {week}: " + ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in run.counts.items()))
    if run.counts["failed"]:
        ctx.exit(1)
