"""``kansenradar demo``: the whole pipeline offline on the example data the package ships."""

from __future__ import annotations

from pathlib import Path

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, ConfigError
from jobs.output import echo_table, writable_folder


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-output"),
              show_default=True, help="Folder for the demo database and everything the demo writes.")  # fmt: skip
@click.pass_context
def demo(ctx: click.Context, output: Path) -> None:
    """Run Kansenradar offline on the example notices and companies it ships, into its own folder.

    Crawls the example eForms notices with the files spider, finds inclusive clauses, matches the six example
    resident companies, and starts `kansenradar serve` on 127.0.0.1 with a demo-only key. Writes their digests
    (.eml files with a calendar attachment, links to that server) to the outbox, tries every link in them, writes
    the coverage report as HTML, and takes screenshots of a digest, a company page and the dashboard with
    headless Chromium when it is installed.
    """
    from jobs.demo import DEMO_AS_OF, run_demo

    problem = writable_folder(output)
    if problem:
        raise ConfigError(f"--output {output}: {problem}")
    summary = run_demo(output, app_from(ctx).settings)
    click.echo(f"Kansenradar demo (as of {DEMO_AS_OF:%d-%m-%Y})")
    click.echo(f"  {summary.notices} example notices, {summary.with_clause} with an inclusive clause")
    click.echo(f"  database:        {summary.database}")
    click.echo(f"  digests (.eml):  {summary.outbox}")
    click.echo(f"  coverage report: {summary.report}")
    failed = f", {len(summary.links_failed)} failed" if summary.links_failed else ""
    click.echo(f"  digest links:    {summary.links_checked} tried against {summary.public_url}{failed}")
    if summary.screenshots:
        click.echo("  screenshots:     " + ", ".join(str(path) for path in summary.screenshots))
    else:
        click.echo(f"  screenshots:     skipped: {summary.screenshots_skipped}")
    port = summary.public_url.rsplit(":", 1)[1]
    again = f"kansenradar serve --as-of {DEMO_AS_OF.date().isoformat()} --port {port}"
    click.echo(f"  links again:     cd {output} && {again}   (reads the .env there)\n")
    echo_table(["company", "bid", "partner", "digest"], ([c, b, p, f] for c, b, p, f in summary.rows),
               widths=[20, 4, 8, 90])  # fmt: skip
