"""``kansenradar feedback``: what companies say about their matches, and what they said."""

from __future__ import annotations

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS
from jobs.clock import show
from jobs.output import FORMATS, MOMENT, NOTICE_ID, echo_jsonl, echo_table
from storage import repository
from storage.db import session_scope
from storage.models import Company


@click.group(context_settings=CONTEXT_SETTINGS)
def feedback() -> None:
    """A company's word on a tender: relevant or not. The latest word per company, notice and lot counts."""


@feedback.command("add", context_settings=CONTEXT_SETTINGS)
@click.option("--company", "company_id", metavar="ID", required=True, help="The company giving its word.")
@click.option("--notice", "notice_id", metavar="NOTICE_ID", required=True,
              help="The notice, as `notices --format jsonl` and `match --format jsonl` print it.")  # fmt: skip
@click.option("--source", type=click.Choice(["ted", "tenderned", "ocds", "file"]),
              help="Where the notice came from, when two sources share its id.")  # fmt: skip
@click.option("--lot", "lot_id", metavar="LOT_ID", help="Only this lot of the notice.")
@click.option("--relevant/--not-relevant", default=None, help="Fits us / not for us (one of the two is needed).")
@click.option("--reason", metavar="TEXT", help="Why, in the company's words.")
@click.pass_context
def feedback_add(ctx: click.Context, company_id: str, notice_id: str, source: str | None, lot_id: str | None,
                 relevant: bool | None, reason: str | None) -> None:  # fmt: skip
    """Record that a tender is (not) relevant for a company.

    A notice marked not relevant never comes back for that company; every word also moves the ranking of
    similar notices at the next `match`.

    \b
    Example:
        kansenradar feedback add --company groen-noord --notice 123456-2026 --not-relevant --reason "te ver weg"
    """
    if relevant is None:
        # Click names only the first of a flag pair as missing ("Missing option '--relevant'").
        raise click.UsageError("say whether the tender fits: --relevant or --not-relevant")
    with session_scope(app_from(ctx).engine) as session:
        if session.get(Company, company_id) is None:
            raise click.BadParameter(f"no company with id {company_id!r}", param_hint="--company")
        try:
            notice = repository.find_notice(session=session, notice_id=notice_id, source=source)
        except repository.NoticeNotFoundError as exc:
            raise click.BadParameter(str(exc), param_hint="--notice") from None
        lots = {lot.get("lot_id") for lot in notice.record.get("lots") or []}
        if lot_id is not None and lot_id not in lots:
            known = ", ".join(sorted(lots)) or "no lots"
            raise click.BadParameter(f"notice {notice_id} has no lot {lot_id!r} ({known})", param_hint="--lot")
        assert notice.id is not None
        repository.set_feedback(session=session, company_id=company_id, notice_pk=notice.id, lot_id=lot_id,
                                relevant=relevant, reason=reason, channel="cli")  # fmt: skip
    word = "relevant" if relevant else "not relevant"
    click.echo(f"Recorded: {notice_id}{f' lot {lot_id}' if lot_id else ''} is {word} for {company_id}.")


@feedback.command("list", context_settings=CONTEXT_SETTINGS)
@click.option("--company", "company_id", metavar="ID", help="Only this company.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def feedback_list(ctx: click.Context, company_id: str | None, output_format: str) -> None:
    """List the recorded feedback, newest first."""
    app = app_from(ctx)
    with session_scope(app.reader) as session:
        if company_id is not None and session.get(Company, company_id) is None:
            raise click.BadParameter(f"no company with id {company_id!r}", param_hint="--company")
        rows = repository.list_feedback(session=session, company_id=company_id)
    if output_format == "jsonl":
        echo_jsonl({"company_id": r.company_id, "notice_id": r.notice_id, "source": r.source, "lot_id": r.lot_id,
                    "relevant": r.relevant, "reason": r.reason, "channel": r.channel,
                    "updated_at": r.updated_at.isoformat()} for r in rows)  # fmt: skip
        return
    echo_table(["company", "notice", "lot", "word", "reason", "when", "title"],
               ([r.company_id, r.notice_id, r.lot_id or "", "relevant" if r.relevant else "not relevant",
                 r.reason or "", show(r.updated_at, app.zone), r.title or ""] for r in rows),
               widths=[20, NOTICE_ID, 10, 12, 40, MOMENT, 50])  # fmt: skip
