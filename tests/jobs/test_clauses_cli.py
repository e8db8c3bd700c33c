"""`kansenradar clauses`, `analyse` and `eval clauses` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from jobs.cli import cli
from matcher import DETECTOR_VERSION
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import ClauseFinding, Notice
from tests.factories import make_record

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "clauses_dev.jsonl"


def test_clauses_answers_each_line_and_reports_bad_ones() -> None:
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": "De opdrachtnemer besteedt 5% aan social return.", "lang": "nl"}),
            "{not json",
            json.dumps({"id": "b", "text": ""}),
            json.dumps({"text": "no id"}),
            json.dumps({"id": 7, "text": "Participation is not reserved."}),
            json.dumps({"id": "c", "text": "x", "lang": "fi"}),
            json.dumps({"id": "d", "text": "Le marché comporte une clause sociale d'insertion."}),
        ]
    )
    result = CliRunner().invoke(cli, ["clauses", "-"], input=lines)
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a["labels"]) for a in answers] == [
        ("a", ["social_return"]), ("b", []), (7, []), ("d", ["social_return"])
    ]  # fmt: skip
    assert answers[0]["findings"][0]["evidence"] == "De opdrachtnemer besteedt 5% aan social return."
    assert answers[2]["findings"] == []
    assert "<stdin>:2: not valid JSON" in result.stderr
    assert "<stdin>:4: needs an id and a text string" in result.stderr
    assert "<stdin>:6: lang must be nl, en, de or fr" in result.stderr


def test_clauses_can_show_negated_mentions() -> None:
    line = json.dumps({"id": 1, "text": "Social return is niet van toepassing."})
    result = CliRunner().invoke(cli, ["clauses", "--negated"], input=line)
    (answer,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert answer["labels"] == [] and answer["findings"][0]["negated"] is True


def test_eval_prints_scores() -> None:
    result = CliRunner().invoke(cli, ["eval", "clauses", str(DEV_SET)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout and "false-positive rate on" in result.stdout
    assert "social_return" in result.stdout


def test_analyse_stores_findings_once_per_detector_version(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    clause = make_record(
        notice_id="1-2026",
        description="Op deze opdracht is social return van toepassing: 5% van de opdrachtwaarde.",
        lots=[{"lot_id": "LOT-0001", "reserved_participation": ["res-ws"]}],
    )
    plain = make_record(notice_id="2-2026", description="Levering van kantoorartikelen.", lots=[])
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=clause)
        repository.upsert_notice(session=session, record=plain)
    first = CliRunner().invoke(cli, ["--database-url", database_url, "analyse", "--batch-size", "1"])
    assert first.exit_code == 0, first.output
    assert "Analysed 2 notices" in first.stdout and "1 with an inclusive clause" in first.stdout
    with session_scope(engine) as session:
        rows = session.exec(select(ClauseFinding).order_by(ClauseFinding.label)).all()
        assert [(r.label, r.origin, r.field, r.lot_id) for r in rows] == [
            ("reserved_contract", "code", "BT-71", "LOT-0001"),
            ("social_return", "text", "description", None),
        ]
        assert all(r.detector_version == DETECTOR_VERSION for r in rows)
        assert {n.clauses_version for n in session.exec(select(Notice)).all()} == {DETECTOR_VERSION}
    again = CliRunner().invoke(cli, ["--database-url", database_url, "analyse"])
    assert "Analysed 0 notices" in again.stdout
    # An older detector's work is redone.
    with session_scope(engine) as session:
        for notice in session.exec(select(Notice)).all():
            notice.clauses_version = "clauses-0"
            session.add(notice)
    redo = CliRunner().invoke(cli, ["--database-url", database_url, "analyse"])
    assert "Analysed 2 notices" in redo.stdout
    with session_scope(engine) as session:
        assert len(session.exec(select(ClauseFinding)).all()) == 2
    engine.dispose()
