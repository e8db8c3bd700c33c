"""The web application of ``kansenradar serve``: five paths, security headers on every response, no tokens in logs.

Paths: ``/feedback/{token}``, ``/unsubscribe/{token}``, ``/company/{token}`` (jobs.web.pages), ``/coverage``
(jobs.web.dashboard) and ``/health``. It is meant to run behind a reverse proxy that terminates TLS.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobs.settings import Settings
from jobs.web import dashboard, pages
from jobs.web.rendering import CONTENT_SECURITY_POLICY, error_page
from storage.db import check_connection
from storage.exceptions import StorageError

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("jobs.web.access")

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    # The path carries the token: no page may hand it on as a Referer (links to TED and the buyers' sites).
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    # Pages behind a token are someone's own; no proxy or browser cache should keep them.
    (b"cache-control", b"no-store"),
]
TOKEN_PATH = re.compile(r"^/(feedback|unsubscribe|company)/[^/]+")


def redact(path: str) -> str:
    """Return a request path fit for a log line: the token of a link replaced by ``…``.

    >>> redact("/feedback/WzEsMl0.abc.def"), redact("/coverage")
    ('/feedback/…', '/coverage')
    """
    return TOKEN_PATH.sub(r"/\1/…", path)


class Hardened:
    """ASGI wrapper around the whole app: security headers on every response, even a 500, and an access log line
    without tokens (uvicorn's own access log is off because it would print them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.monotonic(), 0

        async def send_hardened(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                names = {name.lower() for name, _value in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(name, value) for name, value in SECURITY_HEADERS if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_hardened)
        finally:
            access_logger.info("%s %s %s %.0f ms", scope["method"], redact(scope["path"]), status or 500,
                               (time.monotonic() - started) * 1000)  # fmt: skip


async def health(request: Request) -> Response:
    """200 with ``{"status": "ok"}`` when the database answers, else 503: for the proxy's and operator's checks."""
    try:
        await run_in_threadpool(check_connection, request.app.state.engine)
    except StorageError:
        logger.warning("Health check: the database does not answer")
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def _http_error(_request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        return error_page(500)
    response = error_page(exc.status_code)
    response.headers.update(exc.headers or {})  # a 405 says which methods are allowed
    return response


async def _server_error(_request: Request, _exc: Exception) -> Response:
    return error_page(500)


def create_app(*, settings: Settings, engine: Engine, as_of: datetime | None = None) -> ASGIApp:
    """Return the ASGI application; ``settings`` must carry ``KANSENRADAR_SECRET_KEY``; ``as_of`` is the moment
    the pages judge which tenders are still open (default: now)."""
    if settings.secret_key is None:
        raise ValueError("KANSENRADAR_SECRET_KEY is not set")
    handlers: dict[Any, Any] = {HTTPException: _http_error, 500: _server_error}
    app = Starlette(
        routes=[*pages.ROUTES, *dashboard.ROUTES, Route("/health", health, methods=["GET"])],
        exception_handlers=handlers,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.as_of = as_of
    return Hardened(app)
