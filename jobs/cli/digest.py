"""``kansenradar digest``: weekly digests to resident companies."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, ConfigError, Locked
from jobs.clock import iso_week, local_week, now_in, week_start
from jobs.companies import UnknownCompanyError
from jobs.locks import LockedError, run_lock
from jobs.output import writable_folder
from jobs.runs import record_step
from jobs.web import tokens
from storage.types import utcnow


@click.command("digest", context_settings=CONTEXT_SETTINGS)
@click.option("--week", metavar="YYYY-Www",
              help="ISO week of the digest (default: this week, local time); a past week's digest offers the stored "
                   "matches that were open on that week's digest day (`match --as-of DAY` first matches for that "
                   "day).")  # fmt: skip
@click.option("--company", "company_id", metavar="ID", help="Only this company.")
@click.option(
    "--send", is_flag=True, help="Send by SMTP (KANSENRADAR_SMTP_*); otherwise write .eml files to the outbox."
)
@click.option("--resend-uncertain", is_flag=True,
              help="Also send digests a crash left uncertain (they may have gone out already).")  # fmt: skip
@click.pass_context
def digest_command(ctx: click.Context, week: str | None, company_id: str | None, send: bool,
                   resend_uncertain: bool) -> None:  # fmt: skip
    """Deliver each company's digest of matched tenders for a week, once per company and week.

    Dutch unless the company's language is en; HTML and plain-text parts and the deadlines as an .ics
    attachment; with KANSENRADAR_PUBLIC_URL, feedback links and one-click unsubscribe. Without --send, or without SMTP
    settings, the messages go to KANSENRADAR_OUTBOX as .eml files. A failed send stays pending for later runs;
    the exit code is then 1. Takes the same lock as `run` (exit 3 while another holds it).

    \b
    Example:
        kansenradar digest --send
    """
    app = app_from(ctx)
    now = as_of = now_in(app.zone)
    if week is not None:
        try:
            monday = week_start(week)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--week") from None
        week = iso_week(monday)  # "2026-W5" is 2026-W05: weeks are compared and stored as text
        if week > local_week(now, app.zone):
            # Its tenders are not known yet, and a digest made now would stand for that week's (sent once).
            raise click.BadParameter(f"{week} has not begun: a week's digest is made in or after it",
                                     param_hint="--week")  # fmt: skip
        if week < local_week(now, app.zone):
            # A past week's digest offers what was open on that week's digest day, not what is open today.
            day = monday + timedelta(days=app.settings.digest_weekday - 1)
            as_of = datetime.combine(day, time.min, tzinfo=app.zone)
            click.echo(f"{week} is past: stored matches open on {day.isoformat()} "
                       f"(`kansenradar match --as-of {day.isoformat()}` matches for that day)", err=True)  # fmt: skip
    week = week or local_week(now, app.zone)
    from jobs.digest import send_digests  # Jinja2, Babel, icalendar: only when digests are made

    tokens.links_enabled(app.settings)  # a public address without its key is a setting to fix, not a crash
    if send and not app.settings.smtp_host:
        click.echo("KANSENRADAR_SMTP_HOST is not set: writing to the outbox instead", err=True)
    if not (send and app.settings.smtp_host):
        problem = writable_folder(app.settings.outbox)
        if problem:
            raise ConfigError(f"KANSENRADAR_OUTBOX {app.settings.outbox}: {problem}")
    started = utcnow()
    try:
        with run_lock(app.engine):
            run = send_digests(engine=app.engine, settings=app.settings, week=week, as_of=as_of, company_id=company_id,
                               send=send, resend_uncertain=resend_uncertain)  # fmt: skip
    except LockedError as exc:
        raise Locked(f"not started: {exc}") from None
    except UnknownCompanyError:
        raise click.BadParameter(f"no company with id {company_id!r}", param_hint="--company") from None
    # In `runs` beside the scheduled ones; under its own name, so that the schedule's weekly digest still goes out.
    record_step(app.engine, "digest:manual", "failed" if run.failed else "success", dict(run.counts),
                "; ".join(run.errors) or None, watermark=week, started=started)  # fmt: skip
    click.echo(f"Digests {week}: " + ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in run.counts.items()))
    for error in run.errors:
        click.echo(f"  {error}", err=True)
    if run.failed:
        ctx.exit(1)
