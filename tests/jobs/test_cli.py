"""The command line as a user meets it: help everywhere, databases created on first use, notices out."""

from __future__ import annotations

import email
import email.policy
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from jobs.cli import cli
from jobs.demo_web import why_no_browser
from storage.db import get_engine, head_revision
from tests.dbutil import store
from tests.factories import make_record


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


@pytest.mark.parametrize("path", _command_paths(cli), ids=lambda p: " ".join(p) or "kansenradar")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help(path: tuple[str, ...], flag: str) -> None:
    result = CliRunner().invoke(cli, [*path, flag])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: kansenradar")


def test_reading_commands_never_set_up_another_database(database_url: str) -> None:
    # An empty database, or another application's, at a mistyped URL: read, not given Kansenradar's tables.
    engine = get_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE invoices (id integer)")
    try:
        for command in (["notices"], ["companies", "list"], ["runs"], ["report", "coverage"]):
            result = CliRunner().invoke(cli, ["--database-url", database_url, *command])
            assert result.exit_code == 2 and "no Kansenradar database at" in result.stderr, (command, result.output)
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"invoices"}
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE invoices")  # the shared PostgreSQL test database stays clean
        engine.dispose()


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


def test_reading_commands_never_create_a_database_writing_ones_do(tmp_path: Path) -> None:
    for command in (["notices"], ["companies", "list"], ["runs"], ["report", "coverage"], ["db", "current"]):
        result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{tmp_path / 'typo.db'}", *command])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.count("\n") == 1 and "KANSENRADAR_DATABASE_URL" in result.stderr
        assert "no database at" in result.stderr and not (tmp_path / "typo.db").exists()
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kansenradar.db").is_file()
    listed = CliRunner().invoke(cli, ["notices"])
    assert listed.exit_code == 0 and listed.stdout.startswith("published")


def test_db_upgrade_reports_the_revision(database_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", database_url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()} (was empty" in result.stdout
    again = CliRunner().invoke(cli, ["--database-url", database_url, "db", "upgrade"])
    assert f"(was {head_revision()}" in again.stdout
    current = CliRunner().invoke(cli, ["--database-url", database_url, "db", "current"])
    assert current.stdout.strip() == head_revision()


def test_database_url_from_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    result = CliRunner().invoke(cli, ["db", "upgrade"], env={"KANSENRADAR_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env.db").is_file()


def test_database_url_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"KANSENRADAR_DATABASE_URL=sqlite:///{tmp_path / 'dotenv.db'}\n")
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dotenv.db").is_file()


def test_bad_setting_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["notices"], env={"KANSENRADAR_LOG_FORMAT": "xml"})
    assert result.exit_code == 2
    assert result.stderr == "Error: KANSENRADAR_LOG_FORMAT: Input should be 'text' or 'json' (got 'xml')\n"


def test_bad_database_url_is_reported() -> None:
    result = CliRunner().invoke(cli, ["--database-url", "nonsense", "db", "upgrade"])
    assert result.exit_code == 2
    assert "not a database URL" in result.stderr


def test_notices_jsonl_prints_the_stored_records(database_url: str) -> None:
    old = make_record(notice_id="1-2026", publication_date="2026-10-01")
    new = make_record(notice_id="2-2026", publication_date="2026-11-20")
    store(database_url, old, new)
    result = CliRunner().invoke(cli, ["--database-url", database_url, "notices", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["notice_id"] for line in lines] == ["2-2026", "1-2026"]
    assert lines[0] == new.model_dump(mode="json")
    assert set(lines[0]) >= {
        "source",
        "format",
        "notice_id",
        "publication_number",
        "procedure_id",
        "version",
        "notice_type",
        "language",
        "title",
        "description",
        "buyer",
        "cpv_main",
        "cpv_additional",
        "nuts",
        "estimated_value",
        "publication_date",
        "deadline",
        "url",
        "lots",
        "social",
    }
    since = CliRunner().invoke(
        cli, ["--database-url", database_url, "notices", "--since", "2026-11-01", "--format", "jsonl"]
    )
    assert [json.loads(line)["notice_id"] for line in since.stdout.splitlines()] == ["2-2026"]


def test_notices_table(database_url: str) -> None:
    store(database_url, make_record(publication_date="2026-11-20"))
    result = CliRunner().invoke(cli, ["--database-url", database_url, "notices"])
    assert result.exit_code == 0, result.output
    assert "Gemeente Amsterdam" in result.stdout
    assert result.stdout.splitlines()[2].startswith("20-11-2026")  # dates written alike in one table
    assert "10-12-2026 13:00 CET" in result.stdout  # 12:00 UTC, shown where people live


def test_notices_since_must_be_a_date(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", sqlite_url, "notices", "--since", "last week"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_demo_runs_every_step_offline(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--output", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "kansenradar.db").is_file()
    assert "8 example notices, 6 with an inclusive clause" in result.stdout
    companies = (
        "groen-noord",
        "schoon-zuid",
        "buurtkeuken-oost",
        "klusbedrijf-west",
        "werkt-samen",
        "zorg-om-de-hoek",
    )
    emls = sorted(p.name for p in (tmp_path / "demo" / "outbox").rglob("*.eml"))
    assert emls == sorted(f"{c}.eml" for c in companies)
    html = (tmp_path / "demo" / "coverage.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Gemeente Rotterdam" in html
    for company in companies:
        assert company in result.stdout
    # Every digest carries its deadlines as a calendar, and its links answered the demo's own server.
    for eml in (tmp_path / "demo" / "outbox").rglob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert [part.get_content_type() for part in message.iter_attachments()] == ["text/calendar"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    tried = re.search(r"digest links: +(\d+) tried against http://127\.0\.0\.1:\d+\n", result.stdout)
    assert tried and int(tried.group(1)) >= 3 * len(companies)  # two feedback links, unsubscribe, company page
    if why_no_browser() is None:
        for name in ("digest.png", "company.png", "dashboard.png"):
            assert (tmp_path / "demo" / name).read_bytes().startswith(b"\x89PNG")
    else:
        assert f"screenshots:     skipped: {why_no_browser()}" in result.stdout
    again = CliRunner().invoke(cli, ["demo", "--output", str(tmp_path / "demo")])
    assert again.exit_code == 0, again.output
    assert "failed" not in again.stdout.split("digest links:")[1].splitlines()[0]  # the same port as the first run


def test_cli_start_up_leaves_the_heavy_libraries_unloaded() -> None:
    import subprocess
    import sys

    code = (
        "import sys, jobs.cli; "
        "print(sorted(m for m in ('spacy', 'scrapy', 'sklearn', 'twisted', 'numpy', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_source_names_match_the_spiders() -> None:
    from crawler.spiders import SOURCES
    from jobs.crawl import SPIDERS

    assert sorted(SOURCES) == sorted(SPIDERS)


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path) -> None:
    # `kansenradar clauses < lines | head -1`: the command's later writes meet a closed pipe.
    import shlex
    import subprocess
    import sys

    lines = tmp_path / "lines.jsonl"
    lines.write_text("".join(json.dumps({"id": n, "text": "Geen bijzonderheden.", "lang": "nl"}) + "\n"
                             for n in range(3000)), encoding="utf-8")  # fmt: skip
    command = (
        f"{shlex.quote(sys.executable)} -m jobs clauses < {shlex.quote(str(lines))} | head -1; exit ${{PIPESTATUS[0]}}"
    )
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300, check=False)
    assert len(result.stdout.splitlines()) == 1 and json.loads(result.stdout)["id"] == 0
    assert result.stderr == "" and result.returncode == 1  # quiet; 1 as Python's documented recipe for EPIPE
