"""One-line errors: every failure a user can cause names the setting or argument, exits 2 (configuration or
usage) or 1 (a step failed), and shows no traceback unless asked with --log-level debug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from storage.db import get_engine, upgrade
from tests.dbutil import rows
from tests.replay import PROJECT_ROOT


def _check(result: object, code: int, *needles: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == code, (result.exit_code, stderr)  # type: ignore[attr-defined]
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr, (needle, stderr)


def _db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    engine = get_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.mark.parametrize(
    ("content", "command"),
    [
        (b"\x00\x01garbage" * 512, ["notices"]),
        (b"just some text, not a database\n" * 64, ["companies", "list"]),
        (b"SQLite format 3\x00" + b"\xff" * 4000, ["db", "upgrade"]),
    ],  # fmt: skip
)
def test_a_file_that_is_no_database(tmp_path: Path, content: bytes, command: list[str]) -> None:
    (tmp_path / "x.db").write_bytes(content)
    result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{tmp_path / 'x.db'}", *command])
    _check(result, 2, "KANSENRADAR_DATABASE_URL", "x.db", "not an SQLite database")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "not a database URL"),
        ("mysql://user@localhost/kansen", "unsupported database 'mysql'"),
        ("postgresql+pg8000://user@127.0.0.1/kansen", "no driver for 'postgresql+pg8000'"),
        ("postgresql://nobody@127.0.0.1:1/kansen", "cannot use postgresql"),
    ],
)
def test_database_urls_that_cannot_work(url: str, message: str) -> None:
    _check(CliRunner().invoke(cli, ["--database-url", url, "db", "upgrade"]), 2, "KANSENRADAR_DATABASE_URL", message)


def test_a_database_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{tmp_path / 'file' / 'sub' / 'x.db'}", "db",
                                      "upgrade"])  # fmt: skip
    _check(result, 2, "KANSENRADAR_DATABASE_URL", "cannot create the folder")


@pytest.mark.parametrize("command", [["notices"], ["db", "upgrade"], ["companies", "list"]])
def test_a_folder_named_as_the_database(tmp_path: Path, command: list[str]) -> None:
    # Not "no database at" (it is there, as a folder) nor SQLite's "unable to open database file".
    (tmp_path / "data.db").mkdir()
    result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{tmp_path / 'data.db'}", *command])
    _check(result, 2, "KANSENRADAR_DATABASE_URL", "data.db is a folder, not a database file", "data.db/kansenradar.db")


def test_a_database_opened_read_only_says_why_it_cannot_write(tmp_path: Path) -> None:
    url = _db(tmp_path)
    read_only = f"sqlite:///file:{tmp_path / 'ok.db'}?mode=ro&uri=true"
    assert CliRunner().invoke(cli, ["--database-url", read_only, "notices"]).exit_code == 0  # reading is fine
    (tmp_path / "c.csv").write_text("id,name,description,cpv\nkeuken,Keuken,Catering,5552\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--database-url", read_only, "companies", "import", str(tmp_path / "c.csv")])
    _check(result, 2, "KANSENRADAR_DATABASE_URL", f"the URL opens {tmp_path / 'ok.db'} read-only", "command writes")
    assert rows(url, "SELECT COUNT(*) FROM company") == [(0,)]


def test_sqlite_uri_parameters_count_only_where_sqlite_reads_them(tmp_path: Path) -> None:
    url = _db(tmp_path)
    immutable = f"sqlite:///file:{tmp_path / 'ok.db'}?immutable=1&uri=true"
    _check(CliRunner().invoke(cli, ["--database-url", immutable, "db", "upgrade"]), 2, "read-only (mode=ro or immu")
    # Without uri=true SQLite never sees mode=ro (SQLAlchemy leaves it out and warns): the database is writable.
    with pytest.warns(Warning, match="uri=true"):
        result = CliRunner().invoke(cli, ["--database-url", f"{url}?mode=ro", "db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_a_home_relative_database_is_made_in_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--database-url", "sqlite:///~/data/k.db", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "home" / "data" / "k.db").is_file() and not (tmp_path / "~").exists()


def test_a_database_this_user_may_not_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As a user other than the owner meets it (root may write anything, so the permission is what os.access says).
    url = _db(tmp_path)
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path / "ok.db")
    result = CliRunner().invoke(cli, ["--database-url", url, "db", "upgrade"])
    _check(result, 2, "KANSENRADAR_DATABASE_URL", f"this user may not write {tmp_path / 'ok.db'}")
    assert CliRunner().invoke(cli, ["--database-url", url, "notices"]).exit_code == 0  # reading needs no write


def test_postgresql_without_the_postgres_extra(tmp_path: Path) -> None:
    # As on an installation without `pip install 'kansenradar[postgres]'`: psycopg cannot be imported.
    code = "import sys; sys.modules['psycopg'] = None; from jobs.cli import cli; cli()"
    result = subprocess.run([sys.executable, "-c", code, "--database-url", "postgresql://u@127.0.0.1/k", "notices"],
                            capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(PROJECT_ROOT)},
                            check=False)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "pip install 'kansenradar[postgres]'" in result.stderr


def test_an_unknown_time_zone() -> None:
    result = CliRunner().invoke(cli, ["notices"], env={"KANSENRADAR_TIMEZONE": "Mars/Olympus"})
    _check(result, 2, "KANSENRADAR_TIMEZONE", "unknown time zone 'Mars/Olympus'")
    assert result.stderr.count("Mars/Olympus") == 1  # named once, not again as "(got ...)"


def test_an_outbox_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the outbox folder should be")
    result = CliRunner().invoke(cli, ["--database-url", _db(tmp_path), "digest"],
                                env={"KANSENRADAR_OUTBOX": str(tmp_path / "blocked")})  # fmt: skip
    _check(result, 2, "KANSENRADAR_OUTBOX", "cannot write there")


def test_run_refuses_a_public_address_without_its_key_before_any_step(tmp_path: Path) -> None:
    url = _db(tmp_path)
    env = {"KANSENRADAR_PUBLIC_URL": "https://kansen.example.org", "KANSENRADAR_SECRET_KEY": "",
           "KANSENRADAR_CRAWL_SOURCES": ""}  # fmt: skip
    result = CliRunner().invoke(cli, ["--database-url", url, "run", "--digest"], env=env)
    _check(result, 2, "KANSENRADAR_SECRET_KEY is not set")
    assert not rows(url, "SELECT name FROM job_run WHERE name IN ('analyse', 'match')")  # no step ran first


def test_a_demo_folder_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file")
    _check(
        CliRunner().invoke(cli, ["demo", "--output", str(tmp_path / "blocked" / "demo")]),
        2,
        "--output",
        "cannot write",
    )


@pytest.mark.parametrize("command", [["match", "--company", "nope"], ["digest", "--company", "nope"]])
def test_unknown_company_ids_are_errors(tmp_path: Path, command: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--database-url", _db(tmp_path), *command],
                                env={"KANSENRADAR_OUTBOX": str(tmp_path / "out")})  # fmt: skip
    _check(result, 2, "--company", "no company with id 'nope'")


def test_a_report_period_that_ends_before_it_starts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--database-url", _db(tmp_path), "report", "coverage", "--from", "2026-12-01",
                                      "--to", "2026-11-01"])  # fmt: skip
    _check(result, 2, "--from", "2026-12-01 is after --to 2026-11-01")


def test_an_unexpected_failure_is_one_line_and_a_traceback_only_in_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jobs.cli.data

    def boom(**_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs.cli.data.repository, "iter_notices", boom)
    url = _db(tmp_path)
    _check(CliRunner().invoke(cli, ["--database-url", url, "notices"]), 1, "RuntimeError: disk on fire",
           "--log-level debug")  # fmt: skip
    debug = CliRunner().invoke(cli, ["--database-url", url, "--log-level", "debug", "notices"])
    assert debug.exit_code == 1 and "Traceback" in debug.stderr


def test_schedule_refuses_a_public_address_without_its_key_at_start(tmp_path: Path) -> None:
    # Its digest job would otherwise fail only at the first digest time, in a log line.
    env = {"KANSENRADAR_PUBLIC_URL": "https://kansen.example.org", "KANSENRADAR_SECRET_KEY": ""}
    result = CliRunner().invoke(cli, ["--database-url", _db(tmp_path), "schedule"], env=env)
    _check(result, 2, "KANSENRADAR_SECRET_KEY is not set")
