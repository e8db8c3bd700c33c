"""``kansenradar serve``: the web service behind the digests' links and the coverage dashboard; ``links``."""

from __future__ import annotations

import logging
import socket
from datetime import date

import click

from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, ConfigError
from jobs.clock import as_of_moment
from jobs.output import date_option
from jobs.web import tokens
from storage.db import session_scope
from storage.models import Company

logger = logging.getLogger(__name__)


def _bind(host: str, port: int) -> socket.socket:
    """Return a listening socket, so a port in use is a one-line configuration error before anything starts."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError:
            sock.close()
            raise
    except OSError as exc:
        raise ConfigError(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})") from None
    return sock


@click.command("serve", context_settings=CONTEXT_SETTINGS)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (the proxy's side).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--as-of",
    metavar="DATE",
    callback=date_option,
    help="Show companies the tenders open on this day (YYYY-MM-DD; a demo's day), not today.",
)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, as_of: date | None) -> None:
    """Serve the feedback, unsubscribe and company pages and the coverage dashboard over HTTP.

    Meant for a reverse proxy that terminates TLS (see the README): paths /feedback/TOKEN, /unsubscribe/TOKEN,
    /company/TOKEN, /coverage and /health. Needs KANSENRADAR_SECRET_KEY; stops cleanly on SIGTERM.

    \b
    Example:
        KANSENRADAR_SECRET_KEY=... kansenradar serve --port 8080
    """
    import uvicorn

    from jobs.web.app import create_app

    app = app_from(ctx)
    tokens.require_key(app.settings)
    moment = as_of_moment(as_of, app.zone) if as_of else None
    web = create_app(settings=app.settings, engine=app.engine, as_of=moment)
    sock = _bind(host, port)
    # Logging stays ours (log_config=None); uvicorn's access log is off because it prints paths, and paths carry
    # tokens: jobs.web.access logs requests with the tokens cut out.
    config = uvicorn.Config(web, log_config=None, access_log=False, server_header=False, lifespan="off",
                            timeout_graceful_shutdown=10)  # fmt: skip
    logger.info("Serving on http://%s:%d (public address %s)", host, port, app.settings.public_url or "not set")
    uvicorn.Server(config).run(sockets=[sock])


@click.command("links", context_settings=CONTEXT_SETTINGS)
@click.option("--company", "company_id", required=True, metavar="ID", help="The company whose links to print.")
@click.pass_context
def links_command(ctx: click.Context, company_id: str) -> None:
    """Print a company's signed page link (and its unsubscribe link), to hand out by hand.

    Needs KANSENRADAR_PUBLIC_URL and KANSENRADAR_SECRET_KEY; the page link is valid KANSENRADAR_LINK_DAYS days.

    \b
    Example:
        kansenradar links --company groen-noord
    """
    app = app_from(ctx)
    tokens.require_key(app.settings)
    tokens.require_public_url(app.settings)
    with session_scope(app.reader) as session:
        if session.get(Company, company_id) is None:
            raise click.BadParameter(f"no company with id {company_id!r}", param_hint="--company")
    click.echo(f"company page: {tokens.company_url(app.settings, company_id=company_id)}")
    click.echo(f"unsubscribe:  {tokens.unsubscribe_url(app.settings, company_id=company_id)}")
