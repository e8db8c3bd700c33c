"""`kansenradar match` and `eval matching` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from jobs.cli import cli
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import Match
from tests.factories import make_profile, make_record
from tests.shared import shared

DATA = Path(__file__).resolve().parents[1] / "data"


def _setup(url: str, *records: object) -> None:
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=["NL32"]))
        repository.upsert_company(session=session, profile=make_profile(id="schoon", name="Schoon", cpv=["9091"],
                                  description="Schoonmaak van kantoren en buurthuizen", regions=["NL33"]))  # fmt: skip
        for record in records:
            repository.upsert_notice(session=session, record=record)  # type: ignore[arg-type]
    engine.dispose()


def _run(url: str, *args: str) -> object:
    return CliRunner().invoke(cli, ["--database-url", url, "match", *args])


def test_match_lists_stores_and_does_not_duplicate(database_url: str) -> None:
    laptops = make_record(
        notice_id="2-2026", procedure_id="other", title="Laptops", cpv_main="30200000", cpv_additional=[],
        description="Levering van laptops", lots=[],
    )  # fmt: skip
    _setup(database_url, make_record(), laptops)  # fmt: skip
    first = _run(database_url, "--as-of", "2026-11-20", "--format", "jsonl")
    assert first.exit_code == 0, first.output
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert lines and {line["company_id"] for line in lines} == {"groen-noord"}
    best = lines[0]
    assert set(best) == {"company_id", "notice_id", "lot_id", "kind", "score", "parts", "reasons"}
    assert best["notice_id"] == "123456-2026" and best["kind"] == "bid"
    assert any("Inclusieve clausule" in r for r in best["reasons"])  # social return in the description
    again = _run(database_url, "--as-of", "2026-11-20", "--format", "jsonl")
    assert again.stdout == first.stdout
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        assert len(session.exec(select(Match)).all()) == len(lines)
    engine.dispose()
    table = _run(database_url, "--as-of", "2026-11-20", "--company", "groen-noord")
    assert "groen-noord" in table.stdout and "Past bij jullie werk" in table.stdout


def test_closed_tenders_only_when_asked(database_url: str) -> None:
    _setup(database_url, make_record())
    assert _run(database_url, "--as-of", "2027-01-15", "--format", "jsonl").stdout == ""
    looking_back = _run(database_url, "--as-of", "2027-01-15", "--include-closed", "--format", "jsonl")
    assert json.loads(looking_back.stdout.splitlines()[0])["notice_id"] == "123456-2026"


def test_empty_corpus(database_url: str) -> None:
    _setup(database_url)
    result = _run(database_url)
    assert result.exit_code == 0, result.output
    assert "company" in result.stdout and "groen-noord" not in result.stdout


def test_eval_matching_beats_both_baselines() -> None:
    notices = [shared("notices", "eforms-real"), shared("notices", "ted-xml")]
    result = CliRunner().invoke(cli, ["eval", "matching", str(DATA / "relevance_profiles.yaml"),
                                      str(DATA / "relevance.jsonl"), *map(str, notices)])  # fmt: skip
    assert result.exit_code == 0, result.output
    mean = next(line for line in result.stdout.splitlines() if line.startswith("mean")).split()
    full, cpv_only, keywords = float(mean[1]), float(mean[3]), float(mean[5])
    assert full > cpv_only and full > keywords


def test_relevance_set_shape() -> None:
    rows = [json.loads(line) for line in (DATA / "relevance.jsonl").read_text(encoding="utf-8").splitlines()]
    companies = {row["company"] for row in rows}
    assert len(companies) >= 6
    assert {row["judgement"] for row in rows} == {"relevant", "partner", "irrelevant"}
    assert all(row["reason"] for row in rows)
    per_company = {c: {row["notice"] for row in rows if row["company"] == c} for c in companies}
    assert len({frozenset(v) for v in per_company.values()}) == 1  # every company judged on the same notices
