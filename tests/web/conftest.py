"""One real `kansenradar serve` process per test module, on a free port of 127.0.0.1, over a database with two
companies from a company file, two notices (two buyers, two months) and the matches `match` stored for them."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from jobs.demo_web import free_port
from jobs.demo_web import served as serve
from jobs.settings import Settings
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.conftest import POSTGRES_URL, PROJECT_ROOT, _reset_postgres
from tests.factories import make_record
from tests.peers import missing

SECRET = "test-only-secret-key-" + "k" * 24
COMPANIES = """\
- id: groen-noord
  name: Groen Noord
  email: info@groen-noord.example
  description: Groenonderhoud en zwerfvuil ruimen in Amsterdam-Noord.
  cpv: ["7731"]
  regions: ["NL32"]
  capacity: {max_contract_value: 250000, staff: 12}
- id: green-co
  name: Green Co
  email: hello@green.example
  language: en
  description: Green maintenance, pruning and litter picking in Amsterdam-Noord.
  cpv: ["7731"]
  regions: ["NL32"]
- id: stopper
  name: Stopper & Zn
  email: stop@stopper.example
  description: Groenonderhoud in Amsterdam.
  cpv: ["7731"]
  regions: ["NL32"]
"""
NOTICE_TITLE = "Groenonderhoud openbare ruimte Amsterdam-Noord"


@dataclass
class Served:
    """A running server: its address, the database behind it, settings that sign links as it checks them."""

    base: str
    database_url: str
    settings: Settings
    folder: Path
    log: Path
    tokens: list[str] = field(default_factory=list)

    def run(self, *args: str) -> str:
        """Run a kansenradar command against the served database and return its stdout."""
        result = CliRunner().invoke(cli, ["--database-url", self.database_url, *args])
        assert result.exit_code == 0, result.output
        return result.stdout


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    """Return the reply to a GET (or a POST of ``data``), error statuses included."""
    method = "POST" if data is not None else "GET"
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def _prepare(url: str, folder: Path) -> None:
    engine = get_engine(url)
    upgrade(engine)
    engine.dispose()
    (folder / "companies.yaml").write_text(COMPANIES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--database-url", url, "companies", "import", str(folder / "companies.yaml")])
    assert result.exit_code == 0, result.output
    soon = datetime.now(UTC) + timedelta(days=20)
    engine = get_engine(url)
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(title=NOTICE_TITLE, deadline=soon))
        utrecht = make_record(
            notice_id="222222-2026", publication_number="222222-2026", procedure_id="p-utrecht",
            title="Schoonmaak buurthuizen Utrecht", description="Schoonmaak van vier buurthuizen.",
            buyer={"name": "Gemeente Utrecht", "country": "NL", "nuts": "NL310"}, cpv_main="90911000",
            cpv_additional=[], nuts=["NL310"], lots=[], social={}, deadline=soon, publication_date=date(2026, 10, 5),
            url="https://ted.europa.eu/en/notice/-/detail/222222-2026",
        )  # fmt: skip
        repository.upsert_notice(session=session, record=utrecht)
    engine.dispose()
    result = CliRunner().invoke(cli, ["--database-url", url, "match", "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Start `kansenradar serve` over a prepared database (SQLite, then PostgreSQL when configured)."""
    folder = tmp_path_factory.mktemp("served")
    if request.param == "postgres":
        if not POSTGRES_URL:
            missing("KANSENRADAR_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)")
        url = POSTGRES_URL
        engine = get_engine(url)
        _reset_postgres(engine)
    else:
        url, engine = f"sqlite:///{folder / 'served.db'}", None
    with pytest.MonkeyPatch.context() as patch:
        # The same isolation the per-test fixture gives: no developer settings, no .env from the working folder.
        for name in [n for n in os.environ if n.startswith("KANSENRADAR_") and n != "KANSENRADAR_TEST_POSTGRES_URL"]:
            patch.delenv(name)
        patch.chdir(folder)
        _prepare(url, folder)
        port = free_port(0)
        base = f"http://127.0.0.1:{port}"
        env = {"KANSENRADAR_SECRET_KEY": SECRET, "KANSENRADAR_PUBLIC_URL": base, "PYTHONPATH": str(PROJECT_ROOT),
               "KANSENRADAR_SMTP_FROM": "Kansenradar <radar@kansen.example>"}  # fmt: skip
        log = folder / "serve.log"
        try:
            with ExitStack() as stack:
                try:
                    # No --log-level: the service's default (INFO, with stderr a file) must give the access log.
                    stack.enter_context(serve(database_url=url, port=port, env=env, log=log, cwd=folder))
                except RuntimeError as error:  # the log says why; on CI it is gone with the temporary folder
                    raise AssertionError(f"{error}:\n{log.read_text()}") from None
                settings = Settings(secret_key=SECRET, public_url=base)  # type: ignore[arg-type]
                yield Served(base, url, settings, folder, log)
        finally:
            if engine is not None:
                _reset_postgres(engine)
                engine.dispose()
