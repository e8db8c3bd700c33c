"""``kansenradar parse`` and ``kansenradar crawl``: notices from files and sources into JSON lines or storage."""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path

import click

from crawler.archives import iter_path
from crawler.exceptions import ParseError, SpiderArgumentError
from crawler.parsers import parse_parts
from crawler.spiders import SOURCES
from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS
from jobs.clock import now_in
from jobs.output import check_period, date_option, echo_jsonl


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--source", default="file", show_default=True, type=click.Choice(["file", "ted", "tenderned", "ocds"]),
              help="Source written into the records.")  # fmt: skip
def parse(files: tuple[Path, ...], source: str) -> None:
    """Print the notice records in FILES as JSON lines (eForms, TED XML, OCDS, TenderNed JSON).

    FILES may be notice files, folders, .zip/.tar.gz archives, or - for standard input. A file that cannot be
    parsed (or a release of an OCDS package) is reported on stderr with its name and reason; the others still print,
    and the exit code is 1.

    \b
    Example:
        kansenradar parse notices/*.xml > notices.jsonl
    """
    failed = 0
    for path in files:
        documents = [("<stdin>", sys.stdin.buffer.read())] if str(path) == "-" else iter_path(path)
        if str(path) != "-" and not path.exists():
            documents = [(str(path), ParseError(str(path), "no such file or folder"))]
        for name, body in documents:
            try:
                if isinstance(body, ParseError):
                    raise body
                records, errors = parse_parts(body, name=name, source=source)
            except ParseError as exc:
                failed += 1
                click.echo(str(exc), err=True)
                continue
            echo_jsonl(record.model_dump(mode="json") for record in records)
            for error in errors:  # a bad release of a package; the good ones are printed
                failed += 1
                click.echo(str(error), err=True)
    if failed:
        click.echo(f"{failed} document(s) could not be parsed", err=True)
        sys.exit(1)


# The spiders name their arguments (Scrapyd passes them so); a person typed the options.
OPTION_NAMES = {"months": "--month", "issues": "--issue", "url": "--url (or KANSENRADAR_OCDS_URL)", "paths": "PATH",
                "countries": "--country", "cpv": "--cpv", "page_size": "--page-size", "max_notices": "--max-notices",
                "since": "--since", "until": "--until"}  # fmt: skip


def _as_options(message: str) -> str:
    """Return a spider's argument error with the command line's option names.

    >>> _as_options("months: 2026-12 is not finished yet"), _as_options("since (2026-12-01) is after until (x)")
    ('--month: 2026-12 is not finished yet', '--since (2026-12-01) is after --until (x)')
    """
    pattern = r"\b(" + "|".join(map(re.escape, OPTION_NAMES)) + r")\b(?=:| \(| and | must)"
    return re.sub(pattern, lambda m: OPTION_NAMES[m.group(1)], message)


@click.command("crawl", context_settings=CONTEXT_SETTINGS)
@click.argument("source", type=click.Choice(SOURCES))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--since",
    callback=date_option,
    metavar="DATE",
    help="Published on or after DATE (default: where the last successful crawl stopped).",
)
@click.option("--until", callback=date_option, metavar="DATE", help="Published on or before DATE.")
@click.option(
    "--country", "countries", multiple=True, help="ted: buyer/performance country, ISO alpha-3 (repeatable)."
)
@click.option("--cpv", multiple=True, help="ted: CPV code or prefix (repeatable).")
@click.option("--notice-type", "notice_types", multiple=True, help="ted: eForms notice type (repeatable).")
@click.option("--max-notices", type=click.IntRange(min=1), help="ted: stop after this many notices.")
@click.option("--page-size", type=click.IntRange(1, 250), help="ted: notices per search page.")
@click.option("--issue", "issues", multiple=True, help="ted_packages: OJ S issue (202600173) or range (repeatable).")
@click.option("--month", "months", multiple=True, help="ted_packages: monthly package, YYYY-MM (repeatable).")
@click.option("--url", help="ocds: release-package endpoint or file.")
@click.option("--since-param", help="ocds: the endpoint's query parameter for --since (e.g. updatedFrom).")
@click.pass_context
def crawl_command(ctx: click.Context, source: str, paths: tuple[Path, ...], since: date | None, until: date | None,
                  **options: object) -> None:  # fmt: skip
    """Crawl SOURCE into the database and record the run (ted, ted_packages, tenderned, ocds, files).

    Incremental: without --since a crawl starts from where the last successful crawl of SOURCE stopped. The exit
    code is 0 when every document was stored or skipped, 1 when something failed (the rest is stored).

    \b
    Examples:
        kansenradar crawl ted --cpv 7731 --cpv 9091
        kansenradar crawl files notices/ archive.tar.gz
        kansenradar crawl ocds --url https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages
    """
    from jobs.crawl import SPIDERS, crawl, resolve_since, spider_arguments  # Scrapy: only when crawling

    app = app_from(ctx)
    check_period(since, until, names=("--since", "--until"))
    if source == "files":
        if not paths and not app.settings.files_paths:
            raise click.UsageError("crawl files needs at least one PATH (or KANSENRADAR_FILES_PATHS)")
        if paths:
            options["paths"] = "\n".join(str(p.resolve()) for p in paths)
    elif paths:
        raise click.UsageError(f"crawl {source} takes no PATH arguments")
    today = now_in(app.zone).date()
    if source == "ted_packages":
        options["today"] = today.isoformat()
    # Arguments are checked before anything touches the database or the network.
    probe = since
    if probe is None and source == "ted_packages":
        probe = min(until or today, today) - timedelta(days=app.settings.crawl_first_days)
    try:
        SPIDERS[source](**spider_arguments(app.settings, source, since=probe, until=until, **options))
    except SpiderArgumentError as exc:
        raise click.UsageError(_as_options(str(exc))) from None
    if source == "ted_packages" and (options.get("issues") or options.get("months")):
        start = since  # named packages are read whole unless --since narrows them
    else:
        start = resolve_since(engine=app.engine, settings=app.settings, source=source, explicit=since, today=today,
                              url=options.get("url"))  # fmt: skip
    # Narrowed to part of the source: no watermark, so the next full crawl does not skip what this one left out.
    # (Each OCDS address is a source of its own, with its own watermark: see crawler.spiders.ocds.)
    narrowed = ("countries", "cpv", "notice_types", "max_notices")  # (ted_packages: issues, months: the spider)
    if any(options.get(name) for name in narrowed):
        options["partial"] = "1"
    arguments = spider_arguments(app.settings, source, since=start, until=until, **options)
    outcome = crawl(settings=app.settings, engine=app.engine, source=source, arguments=arguments)
    click.echo(outcome.summary())
    if not outcome.ok:
        ctx.exit(1)
