"""``kansenradar db``, ``notices`` and ``runs``: the schema, the stored notices, and what the jobs did."""

from __future__ import annotations

from datetime import date

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS
from jobs.clock import show, show_day
from jobs.output import FORMATS, MOMENT, NOTICE_ID, date_option, echo_jsonl, echo_table, shorten_start
from storage import repository
from storage.db import current_revision, get_engine, head_revision, session_scope, upgrade_from

# What each status of an undelivered digest means to the operator, in the order listed.
_MAIL_STATUSES = (("pending", "pending: sent again by the next `digest --send`"),
                  ("uncertain", "uncertain: maybe sent; `digest --resend-uncertain` sends them again"),
                  ("expired", "expired: not sent, past the retry window"))  # fmt: skip


@click.group(context_settings=CONTEXT_SETTINGS)
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
    engine = get_engine(app_from(ctx).settings.database_url)
    try:
        before, after = upgrade_from(engine, revision)
    finally:
        engine.dispose()
    click.echo(f"Database at revision {after} (was {before or 'empty'}; newest {head_revision()}).")


@db.command("current", context_settings=CONTEXT_SETTINGS)
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Show the schema revision of the database without changing it."""
    engine = get_engine(app_from(ctx).settings.database_url, create=False)
    try:
        click.echo(current_revision(engine) or "empty")
    finally:
        engine.dispose()


@click.command(context_settings=CONTEXT_SETTINGS)
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
    app = app_from(ctx)
    with session_scope(app.reader) as session:
        rows = repository.iter_notices(session=session, since=since, limit=limit)
        if output_format == "jsonl":
            echo_jsonl(row.record for row in rows)
            return
        echo_table(
            ["published", "source", "notice", "deadline", "buyer", "title"],
            ([show_day(row.publication_date), row.source, row.notice_id, show(row.deadline, app.zone), row.buyer_name,
              row.title] for row in rows),
            widths=[10, 9, NOTICE_ID, MOMENT, 32, 60],
        )  # fmt: skip


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--failed", is_flag=True, help="Only runs that failed or were abandoned, and the queued notices.")
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True, help="At most this many runs.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def runs(ctx: click.Context, failed: bool, limit: int, output_format: str) -> None:
    """Show recent job runs (crawls, analyse, match, digests), notices waiting to be retried, and uncertain mail.

    \b
    Example:
        kansenradar runs --failed
    """
    app = app_from(ctx)
    statuses = ("failed", "abandoned") if failed else None
    with session_scope(app.reader) as session:
        rows = repository.job_runs(session=session, limit=limit, statuses=statuses)
        queued = repository.list_failures(session=session)
        mail = repository.deliveries(session=session, statuses=("pending", "uncertain", "expired", "sending"))
    if output_format == "jsonl":
        echo_jsonl({"type": "job_run", "id": r.id, "name": r.name, "status": r.status,
                    "started_at": r.started_at.isoformat(), "finished_at": r.finished_at and r.finished_at.isoformat(),
                    "counts": r.counts, "watermark": r.watermark, "error": r.error, "host": r.host, "pid": r.pid}
                   for r in rows)  # fmt: skip
        echo_jsonl({"type": "queued_notice", "source": q.source, "document": q.document, "key": q.key,
                    "status": q.status, "attempts": q.attempts, "last_error": q.last_error,
                    "next_attempt_at": q.next_attempt_at.isoformat()} for q in queued)  # fmt: skip
        echo_jsonl({"type": "delivery", "company_id": d.company_id, "week": d.iso_week, "status": d.status,
                    "attempts": d.attempts, "error": d.error} for d in mail)  # fmt: skip
        return
    echo_table(
        ["id", "job", "status", "started", "took", "counts", "error"],
        ([r.id, r.name, r.status, show(r.started_at, app.zone),
          f"{(r.finished_at - r.started_at).total_seconds():.0f} s" if r.finished_at else "",
          ", ".join(f"{k} {v}" for k, v in r.counts.items() if v), r.error or ""] for r in rows),
        widths=[6, 20, 9, MOMENT, 8, 50, 60],
    )  # fmt: skip
    if queued:
        click.echo("\nNotices waiting to be retried (gave_up: reported, no longer tried):")
        echo_table(
            ["source", "status", "tries", "next try", "document", "last error"],
            ([q.source, q.status, q.attempts, show(q.next_attempt_at, app.zone) if q.status == "pending" else "",
              shorten_start(q.document, 60), q.last_error] for q in queued),
            widths=[16, 8, 5, MOMENT, 60, 60],  # an OCDS address other than the configured one: ocds#<8 hex>
        )  # fmt: skip
    if mail:
        statuses = {d.status for d in mail}
        said = [text for status, text in _MAIL_STATUSES if status in statuses]
        click.echo("\nDigests not delivered" + (f" ({'; '.join(said)})" if said else "") + ":")
        echo_table(["company", "week", "status", "tries", "error"],
                   ([d.company_id, d.iso_week, d.status, d.attempts, d.error or ""] for d in mail),
                   widths=[24, 8, 10, 5, 80])  # fmt: skip
