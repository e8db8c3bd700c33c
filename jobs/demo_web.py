"""The web side of the demo: ``kansenradar serve`` over the demo database, its links tried, screenshots taken.

The server runs as its own process on 127.0.0.1, as an operator would run it, with a demo-only secret key. The
screenshots use headless Chromium through Selenium when both are there (Debian's ``chromium`` and
``chromium-driver``, ``pip install selenium``); without them the demo goes on and says why it has none.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jobs.processes import stop

logger = logging.getLogger(__name__)

DEMO_PORT = 8765
# The machine may be offline: without these flags Chromium spends its time trying to reach Google's services.
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars")  # fmt: skip


def free_port(preferred: int = DEMO_PORT) -> int:
    """Return ``preferred`` when nothing listens there on 127.0.0.1, else a port the system picks (``0``: any)."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As `serve` binds: a port whose last connections are still closing (TIME_WAIT) is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def status_of(url: str, data: bytes | None = None) -> int:
    """Return the HTTP status of a GET (or a POST of ``data``) to a local address."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # a 127.0.0.1 address the demo started
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@contextmanager
def served(
    *,
    database_url: str,
    port: int,
    env: dict[str, str],
    log: Path,
    options: Sequence[str] = (),
    serve_options: Sequence[str] = (),
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run ``kansenradar serve`` on 127.0.0.1:``port`` over the database; yield its address, stop it after.

    ``options`` are kansenradar's own options (``--log-level INFO``), given before ``serve``; ``cwd`` is the folder
    it runs in, where it would read a ``.env``; ``serve_options`` go after ``serve`` (``--as-of DATE``).
    """
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "jobs",
        "--database-url",
        database_url,
        *options,
        "serve",
        "--port",
        str(port),
        *serve_options,
    ]
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_")}, **env}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"kansenradar serve exited with {process.returncode}; see {log}")
            try:
                if status_of(f"{base}/health") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"kansenradar serve did not answer within a minute; see {log}")
            time.sleep(0.2)
        yield base
    finally:
        stop(process, grace=15)


def why_no_browser() -> str | None:
    """Return why screenshots cannot be taken here, or ``None`` when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[demo]')"
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "Chromium or its driver is not installed (Debian: apt-get install chromium chromium-driver)"
    return None


@contextmanager
def browser(profile: Path) -> Iterator[Any]:
    """Start headless Chromium with a fresh profile; yield the Selenium driver, quit it after."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, url: str, path: Path, width: int = 1000) -> Path:
    """Load ``url`` and save the whole page, top to bottom, as a PNG at ``path``."""
    driver.set_window_size(width, 900)
    driver.get(url)
    # The whole page rather than the first screenful: Chromium's DevTools capture beyond the viewport.
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
