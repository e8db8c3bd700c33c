"""A real Scrapyd on 127.0.0.1 (from this venv, behind a login) with Kansenradar's egg deployed (tests only).

Its environment has no KANSENRADAR_* variables and no PYTHONPATH: every job gets its settings through schedule.json
and imports the spiders from the egg that ``scrapyd-deploy --build-egg`` built.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from jobs.demo_web import free_port
from jobs.processes import stop
from tests.processes import wait_for
from tests.replay import PROJECT_ROOT

PROJECT = "kansenradar"
USER, PASSWORD = "radar", "s3cret:pw"  # the ":" must travel %-encoded in a URL


@dataclass
class Scrapyd:
    """A running Scrapyd: ``base`` is its URL without the login; its calls send the login."""

    base: str
    folder: Path

    @property
    def url(self) -> str:
        """Return the URL with the login, as KANSENRADAR_SCRAPYD_URL takes it (the password's ":" %-encoded)."""
        return self.base.replace("://", f"://{USER}:{quote(PASSWORD, safe='')}@")

    def _open(self, request: Request, timeout: float = 30) -> Any:
        login = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request.add_header("Authorization", f"Basic {login}")
        with urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def get(self, endpoint: str, **params: str) -> Any:
        return self._open(Request(f"{self.base}{endpoint}?{urlencode(params)}"))

    def post(self, endpoint: str, params: list[tuple[str, str]]) -> Any:
        return self._open(Request(f"{self.base}{endpoint}", data=urlencode(params).encode()))

    def deploy(self, egg: Path, version: str) -> Any:
        """POST the egg to addversion.json as multipart/form-data, as scrapyd-deploy does."""
        boundary = "kansenradar-egg-boundary"
        fields = [(b'name="project"', PROJECT.encode()), (b'name="version"', version.encode()),
                  (b'name="egg"; filename="project.egg"', egg.read_bytes())]  # fmt: skip
        body = b"".join(b"--%s\r\nContent-Disposition: form-data; %s\r\n\r\n%s\r\n" % (boundary.encode(), head, value)
                        for head, value in fields) + b"--%s--\r\n" % boundary.encode()  # fmt: skip
        request = Request(f"{self.base}addversion.json", data=body,
                          headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
        return self._open(request, timeout=60)

    def wait(self, job: str, timeout: float = 45.0) -> dict[str, Any]:
        """Return the finished job's listjobs entry."""

        def finished() -> dict[str, Any] | None:
            entries = self.get("listjobs.json", project=PROJECT)["finished"]
            return next((dict(entry) for entry in entries if entry["id"] == job), None)

        return wait_for(finished, timeout=timeout, interval=0.2, what=f"Scrapyd job {job} finished")


@contextmanager
def scrapyd_server(folder: Path) -> Iterator[Scrapyd]:
    """Start scrapyd with its eggs, logs and queues in ``folder``, deploy the egg as version 1; stop it after."""
    port = free_port(0)
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {folder / 'eggs'}\n"
        f"logs_dir = {folder / 'logs'}\ndbs_dir = {folder / 'dbs'}\nitems_dir =\npoll_interval = 0.2\nmax_proc = 2\n"
        f"username = {USER}\npassword = {PASSWORD}\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANSENRADAR_") and k != "PYTHONPATH"}
    log = (folder / "scrapyd.out").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder, env=env, stdout=log,
                               stderr=subprocess.STDOUT)  # fmt: skip
    server = Scrapyd(f"http://127.0.0.1:{port}/", folder)

    def up() -> bool:
        try:
            return bool(server.get("daemonstatus.json")["status"] == "ok")
        except OSError:
            if process.poll() is not None:
                raise AssertionError(f"it exited with {process.returncode}") from None
            return False

    try:
        try:
            wait_for(up, timeout=30, interval=0.2, what="an answer")
        except AssertionError as error:  # its output says why; on CI it is gone with the temporary folder
            output = (folder / "scrapyd.out").read_text()
            raise AssertionError(f"scrapyd did not start ({error}):\n{output}") from None
        egg = folder / "kansenradar.egg"
        deploy = shutil.which("scrapyd-deploy", path=str(Path(sys.executable).parent)) or "scrapyd-deploy"
        built = subprocess.run([deploy, "--build-egg", str(egg)], cwd=PROJECT_ROOT, env=env, capture_output=True,
                               text=True, timeout=120, check=False)  # fmt: skip
        assert built.returncode == 0 and egg.is_file(), built.stderr
        answer = server.deploy(egg, "1")
        assert answer["status"] == "ok", answer
        yield server
    finally:
        stop(process, grace=15)
        log.close()
