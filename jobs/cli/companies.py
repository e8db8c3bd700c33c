"""``kansenradar companies``: import and list resident-company profiles."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from jobs.app import App, app_from
from jobs.cli.base import CONTEXT_SETTINGS, ConfigError, Locked
from jobs.companies import CompanyFileError, load_company_file, store_companies
from jobs.locks import LockedError, run_lock
from jobs.output import FORMATS, echo_jsonl, echo_table
from storage import repository
from storage.db import session_scope
from storage.models import Company
from storage.repository import Outcome


@click.group(context_settings=CONTEXT_SETTINGS)
def companies() -> None:
    """Resident-company profiles: import from YAML or CSV, list, unsubscribe, resubscribe, remove."""


def import_companies(app: App, path: Path) -> tuple[dict[Outcome, int], int, int]:
    """Import the valid rows of a company file and report the others; return counts, the number refused and the
    number of companies without codes whose CPV branches were inferred from their description."""
    try:
        loaded = load_company_file(path)
    except CompanyFileError as exc:
        raise ConfigError(f"{path}: {exc}") from None  # the file as a whole cannot be read: a usage error
    for error in loaded.errors:
        click.echo(f"{path}:{error.line}: {error.reason}", err=True)
    if not loaded.profiles and not loaded.errors:
        # Not an error (an emptied list imports nothing), but "0 new" alone reads as if the rows were ignored.
        click.echo(f"{path}: no companies in it (a YAML list of companies, or a CSV header with rows)", err=True)
    counts, inferred = store_companies(
        app.engine, [profile for _line, profile in loaded.profiles], workers=app.settings.workers
    )
    return counts, len(loaded.errors), inferred


@companies.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def companies_import(ctx: click.Context, file: Path) -> None:
    """Import company profiles from FILE (.yaml, .yml or .csv), updating companies with the same id.

    Each bad row is reported with its line number and skipped; the good rows are stored. The exit code is 1
    when any row was refused, 2 when the file cannot be read at all (not YAML, unknown CSV columns).

    \b
    Example:
        kansenradar companies import companies.yaml
    """
    counts, refused, inferred = import_companies(app_from(ctx), file)
    click.echo(
        f"{counts[Outcome.NEW]} new, {counts[Outcome.UPDATED]} updated, {counts[Outcome.UNCHANGED]} unchanged, "
        f"{refused} refused."
        + (
            f" CPV codes inferred from the description for {inferred} without codes "
            "(see companies list and companies suggest-cpv)."
            if inferred
            else ""
        )
    )
    if refused:
        ctx.exit(1)


@companies.command("list", context_settings=CONTEXT_SETTINGS)
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def companies_list(ctx: click.Context, output_format: str) -> None:
    """List the stored company profiles."""
    app = app_from(ctx)
    with session_scope(app.reader) as session:
        stored = [(repository.to_profile(c), c.unsubscribed_at, repository.inferred_cpv(c))
                  for c in repository.list_companies(session=session)]  # fmt: skip
    if output_format == "jsonl":
        # unsubscribed_at and cpv_inferred are not part of the profile (an import never reads them), so they follow.
        echo_jsonl({**profile.model_dump(mode="json"), "cpv_inferred": [list(pair) for pair in codes],
                    "unsubscribed_at": when.isoformat() if when else None}
                   for profile, when, codes in stored)  # fmt: skip
        return
    echo_table(
        ["id", "name", "lang", "cpv (~ inferred)", "regions", "max value", "e-mail", "unsubscribed"],
        (
            [p.id, p.name, p.language, " ".join(p.cpv) or " ".join(f"~{code}" for code, _sure in codes),
             " ".join(p.regions) or "anywhere",
             "" if p.capacity.max_contract_value is None else f"{p.capacity.max_contract_value:,.0f}", p.email or "",
             when.astimezone(app.zone).date().isoformat() if when else ""]
            for p, when, codes in stored
        ),
        widths=[24, 32, 4, 24, 18, 12, 32, 12],
    )  # fmt: skip


@companies.command("unsubscribe", context_settings=CONTEXT_SETTINGS)
@click.argument("company_id", metavar="ID")
@click.pass_context
def companies_unsubscribe(ctx: click.Context, company_id: str) -> None:
    """Send no more digests to a company that asked by mail (the digest's mailto unsubscribe, or a reply); the
    digest's web link, where KANSENRADAR_PUBLIC_URL is set, does this by itself. Re-importing does not undo it.

    \b
    Example:
        kansenradar companies unsubscribe groen-noord
    """
    with session_scope(app_from(ctx).engine) as session:
        known = session.get(Company, company_id)
        if known is None:
            raise click.BadParameter(f"no company with id {company_id!r}", param_hint="ID")
        already = known.unsubscribed_at is not None
        repository.unsubscribe(session=session, company_id=company_id)
    click.echo(f"{company_id} was already unsubscribed." if already else f"{company_id} gets no digests any more.")


@companies.command("resubscribe", context_settings=CONTEXT_SETTINGS)
@click.argument("company_id", metavar="ID")
@click.pass_context
def companies_resubscribe(ctx: click.Context, company_id: str) -> None:
    """Send digests again to a company that unsubscribed (when it asks for them back).

    \b
    Example:
        kansenradar companies resubscribe groen-noord
    """
    with session_scope(app_from(ctx).engine) as session:
        known = session.get(Company, company_id)
        if known is None:
            raise click.BadParameter(f"no company with id {company_id!r}", param_hint="ID")
        subscribed = known.unsubscribed_at is None
        repository.resubscribe(session=session, company_id=company_id)
    click.echo(f"{company_id} already gets digests." if subscribed else f"{company_id} gets digests again.")


@companies.command("remove", context_settings=CONTEXT_SETTINGS)
@click.argument("company_ids", metavar="ID...", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask; needed where no one can answer (cron, scripts).")
@click.pass_context
def companies_remove(ctx: click.Context, company_ids: tuple[str, ...], yes: bool) -> None:
    """Delete companies and what the database keeps about them: profile, contact address, matches, feedback and
    the record of their digests (a company that asks to be forgotten). All IDs must be stored, or nothing is
    deleted. Takes the same lock as `run` (exit 3 while another holds it).

    Not touched: digests written to the outbox folder (listed, to delete by hand), logs and the errors of past job
    runs, which may name the company or its address. Remove the company from your company file too: importing it
    again with the same ID adds it again, and the links in its old digests then work again.

    \b
    Example:
        kansenradar companies remove groen-noord --yes
    """
    app = app_from(ctx)
    wanted = list(dict.fromkeys(company_ids))
    with session_scope(app.reader) as session:
        unknown = [company_id for company_id in wanted if session.get(Company, company_id) is None]
    if unknown:
        # A typo in a list must not remove the rest half-way: nothing is deleted.
        raise click.BadParameter(f"no company with id {', '.join(map(repr, unknown))}; nothing removed",
                                 param_hint="ID")  # fmt: skip
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("companies remove deletes data for good: add --yes to confirm without a terminal")
        click.confirm(f"Delete {', '.join(wanted)} and all kept about {'it' if len(wanted) == 1 else 'them'}?",
                      abort=True, err=True)  # fmt: skip
    try:
        # Beside a match or digest run, a company gone half-way would break its transaction for every company.
        with run_lock(app.engine):
            for company_id in wanted:
                # One transaction per company: a company is gone with all of its rows, or not at all.
                with session_scope(app.engine) as session:
                    removed = repository.remove_company(session=session, company_id=company_id)
                if removed is None:  # removed by another command since it was looked up
                    click.echo(f"{company_id} was removed already.")
                    continue
                click.echo(f"{company_id} removed: " + ", ".join(f"{name} {count}" for name, count in removed.items()))
    except LockedError as exc:
        raise Locked(f"not started: {exc}") from None
    files = sorted(path for company_id in wanted for pattern in (f"*/{company_id}.eml", f"*/{company_id}.html")
                   for path in app.settings.outbox.glob(pattern))  # fmt: skip
    if files:
        click.echo(f"{len(files)} digest file(s) of {'it' if len(wanted) == 1 else 'them'} remain in the outbox "
                   f"({app.settings.outbox}); delete them by hand if they must go too:", err=True)  # fmt: skip
        for path in files:
            click.echo(f"  {path}", err=True)


@companies.command("suggest-cpv", context_settings=CONTEXT_SETTINGS)
@click.argument("company_id", metavar="ID")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True)
@click.pass_context
def companies_suggest_cpv(ctx: click.Context, company_id: str, output_format: str) -> None:
    """Print the CPV codes a company's description points to, best first, with their labels and the words that
    led there (what matching uses for a company without codes of its own), by the CPV model the last match or
    companies import learned (it learns nothing itself).

    \b
    Example:
        kansenradar companies suggest-cpv groen-noord
    """
    from jobs.models import MIN_CORPUS, corpus_size, last_cpv_model  # scikit-learn: only when suggesting
    from matcher.codelists import cpv_with_check_digit
    from matcher.cpv import code_label
    from matcher.cpv_suggest import suggest

    app = app_from(ctx)
    with session_scope(app.reader) as session:
        company = next((c for c in repository.list_companies(session=session) if c.id == company_id), None)
        if company is None:
            raise click.BadParameter(f"no company with id {company_id!r}", param_hint="ID")
        description, language, own = company.description, company.language, list(company.cpv)
    # Read-only: the model as the last match or import kept it (fitting one takes a minute and writes the database).
    size = corpus_size(app.reader)
    model, learned = last_cpv_model(app.reader, size=size)
    if not learned and size >= MIN_CORPUS:
        click.echo("The CPV model has not been learned from the stored notices yet (match or companies import "
                   "learn it); these suggestions come from the labels and trade words alone.", err=True)  # fmt: skip
    rows = [(cpv_with_check_digit(s.code.ljust(8, "0")), s.confidence, code_label(s.code, language), s.words)
            for s in suggest(model, description)]  # fmt: skip
    if output_format == "jsonl":
        echo_jsonl({"code": code, "confidence": sure, "label": label, "words": list(words), "given": own}
                   for code, sure, label, words in rows)  # fmt: skip
        return
    if own:
        click.echo(f"{company_id} gave its own codes ({' '.join(own)}); matching uses those, not these.")
    echo_table(["code", "sure", "label", "words"],
               ([code, f"{sure:.2f}", label, ", ".join(words)] for code, sure, label, words in rows),
               widths=[12, 5, 60, 40])  # fmt: skip
