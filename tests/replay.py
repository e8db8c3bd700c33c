"""A local HTTP server on 127.0.0.1 that replays recorded and hand-written responses, and a CLI runner.

Spiders are tested end to end against it: real sockets, real Scrapy, a real database file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Reply:
    """One HTTP response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Seen], Reply]


def sequence(*replies: Reply) -> Handler:
    """Return a handler that answers with each reply in turn, then keeps answering with the last."""
    queue = list(replies)

    def handle(_request: Seen) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handle


class ReplayServer:
    """Routes ``(method, path)`` to handlers; unknown paths get 404. Records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Seen] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()),
                            self.rfile.read(length) if length else b"")  # fmt: skip
                server.requests.append(seen)
                handler = server.routes.get((self.command, parts.path))
                reply = handler(seen) if handler else Reply(404, b"not found")
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, method: str, path: str, handler: Handler | Reply) -> None:
        """Answer ``method path`` with a handler or a fixed reply."""
        self.routes[(method, path)] = handler if callable(handler) else sequence(handler)

    def seen(self, method: str, path: str) -> list[Seen]:
        """Return the requests received for ``method path``."""
        return [r for r in self.requests if r.method == method and r.path == path]


@contextmanager
def replay_server() -> Iterator[ReplayServer]:
    """Run a ReplayServer in a thread for the duration of the block."""
    server = ReplayServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def run_cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run ``python -m jobs ARGS`` the way cron would: a fresh process, settings from the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}
    clean["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "jobs", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
