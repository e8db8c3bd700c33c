"""`kansenradar clauses`, `analyse` and `eval clauses` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from jobs.cli import cli
from matcher import DETECTOR_VERSION
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import ClauseFinding, Notice
from tests.factories import make_record

CORPUS = Path(__file__).resolve().parents[1] / "data" / "clauses"


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
    answers = {a["id"]: a for a in map(json.loads, result.stdout.splitlines())}
    assert list(answers) == ["a", "b", 7, "c", "d"]  # every valid line answered, in order
    assert answers["a"]["labels"] == ["social_return"] and answers["a"]["text_analysed"] is True
    finding = answers["a"]["findings"][0]
    assert finding["evidence"] == "De opdrachtnemer besteedt 5% aan social return."
    assert finding["source"] in ("rule", "model") and 0 < finding["confidence"] <= 1
    assert answers[7]["labels"] == [] and answers[7]["findings"] == []
    assert answers["c"] == {"id": "c", "lang": "fi", "text_analysed": False,
                            "reason": "no clause rules for language 'fi'", "labels": [], "findings": []}  # fmt: skip
    assert "social_return" in answers["d"]["labels"] and answers["d"]["lang"] == "fr"
    assert "<stdin>:2: not valid JSON" in result.stderr
    assert "<stdin>:4: needs an id and a text string" in result.stderr


def test_every_language_gets_an_answer() -> None:
    lines = "\n".join(json.dumps(item) for item in [
        {"id": 1, "text": "Kontrakten er forbeholdt beskyttede værksteder.", "lang": "da"},
        {"id": 2, "text": "Il contratto è riservato ai laboratori protetti e agli operatori economici."},
        {"id": 3, "text": "Ο διαγωνισμός αφορά την προμήθεια υπηρεσιών καθαρισμού."},
        {"id": 4, "text": "Este contrato está reservado a centros especiales de empleo.", "lang": "es"},
        {"id": 5, "text": "Social return: 5% van de opdrachtwaarde."},
    ])  # fmt: skip
    result = CliRunner().invoke(cli, ["clauses"], input=lines)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a["lang"], a["text_analysed"]) for a in answers] == [
        (1, "da", False), (2, "it", False), (3, "el", False), (4, "es", False), (5, "nl", True)]  # fmt: skip
    assert all("reason" in a for a in answers[:4]) and answers[4]["labels"] == ["social_return"]
    bad = CliRunner().invoke(cli, ["clauses"], input=json.dumps({"id": 6, "text": "x", "lang": "Danish"}))
    assert bad.exit_code == 1 and "lang must be a language code" in bad.stderr


def test_a_few_words_the_identifier_cannot_place_are_read_by_their_clause_words() -> None:
    # py3langid is unsure of two English words (English 0.24, Spanish 0.22): the English rules know them. Words
    # that no rule language's clauses hold stay unplaced, with the reason.
    lines = "\n".join(json.dumps({"id": n, "text": text}) for n, text in
                      enumerate(["Reserved contract.", "SROI 5%", "Lot 3."]))  # fmt: skip
    result = CliRunner().invoke(cli, ["clauses"], input=lines)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["text_analysed"], a["labels"]) for a in answers] == [
        (True, ["reserved_contract"]), (True, ["social_return"]), (False, [])]  # fmt: skip
    assert answers[0]["lang"] == "en" and answers[1]["lang"] in ("nl", "en", "de", "fr") and answers[2]["lang"] is None
    assert answers[2]["reason"] == "language not recognised"


def test_languages_as_notices_write_them_a_bom_and_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    # eForms and TED write "NLD"; people "NL" or "nl-BE"; older systems "dut". A file saved with a byte-order mark,
    # and a line with a byte that is not UTF-8: that line is reported, the others answered.
    text = "De opdrachtnemer besteedt 5% aan social return."
    lines = [json.dumps({"id": n, "text": text, "lang": lang}).encode() for n, lang in
             enumerate(["NLD", "NL", "nl-BE", "dut"])]  # fmt: skip
    lines.insert(2, b'{"id": "broken", "text": "caf\xe9"}')
    path = tmp_path / "snippets.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    result = CliRunner().invoke(cli, ["clauses", str(path)])
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a["lang"], a["labels"]) for a in answers] == [(n, "nl", ["social_return"]) for n in range(4)]
    assert f"{path}:3: not UTF-8 text" in result.stderr and ":1:" not in result.stderr


def test_clauses_can_show_negated_mentions() -> None:
    line = json.dumps({"id": 1, "text": "Social return is niet van toepassing."})
    result = CliRunner().invoke(cli, ["clauses", "--negated"], input=line)
    (answer,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert answer["labels"] == [] and answer["findings"][0]["negated"] is True


def test_eval_prints_rules_model_and_combined_scores() -> None:
    result = CliRunner().invoke(cli, ["eval", "clauses", str(CORPUS), "--split", "dev"])
    assert result.exit_code == 0, result.output
    assert "rules P/R/F1" in result.stdout and "model P/R/F1" in result.stdout and "combined P/R/F1" in result.stdout
    assert "macro-F1" in result.stdout and "false positives on negatives" in result.stdout
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("macro-F1"))
    point = float(lines[at].split()[-1])
    low, high = (float(v) for v in lines[at + 1].split()[-1].split("-"))
    assert lines[at + 1].strip().startswith("95% interval") and low <= point <= high and low < high
    assert "documents" in lines[-1] and "bootstrap" in lines[-1]


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


def test_eval_says_there_is_no_interval_for_one_document(tmp_path: Path) -> None:
    line = {"id": "a", "text": "Social return: 5% van de opdrachtwaarde.", "lang": "nl", "labels": ["social_return"]}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "clauses", str(path)])
    assert result.exit_code == 0, result.output
    spans = [line.split()[2:] for line in result.stdout.splitlines() if line.startswith("  95% interval")]
    assert spans == [["-", "-", "-"], ["-", "-", "-"]] and "nan" not in result.stdout


@pytest.mark.parametrize("content", ["", "not json\n", '{"id": 1, "text": "x"}\n'])
def test_eval_of_a_file_without_labelled_snippets_says_so(tmp_path: Path, content: str) -> None:
    path = tmp_path / "none.jsonl"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "clauses", str(path)])
    assert result.exit_code == 2 and "no labelled snippets to score" in result.stderr
    assert "macro-F1" not in result.stdout


def test_eval_shows_a_second_readers_score_and_the_detectors_where_both_read_alike(tmp_path: Path) -> None:
    snippets = [
        {"id": "a", "text": "Social return: 5% van de opdrachtwaarde.", "lang": "nl", "labels": ["social_return"]},
        {"id": "b", "text": "Levering van kantoorartikelen.", "lang": "nl", "labels": []},
        {"id": "c", "text": "Alle rechten voorbehouden.", "lang": "nl", "labels": []},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in snippets), encoding="utf-8")
    second = tmp_path / "second.jsonl"
    # The second reader differs on one snippet: a false positive of theirs on a negative.
    reading = [("a", ["social_return"]), ("b", []), ("c", ["reserved_contract"])]
    second.write_text("".join(json.dumps({"ref": i, "labels": labels}) + "\n" for i, labels in reading))
    result = CliRunner().invoke(cli, ["eval", "clauses", str(path), "--second", str(second)])
    assert result.exit_code == 0, result.output
    assert "reader 2 P/R/F1" in result.stdout
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    assert rows["reserved_contract"][-4:] == ["0.00", "1.00", "0.00", "0"]  # reader 2's P/R/F1 and the support
    assert "false positives on negatives" in result.stdout and "50.0%" in result.stdout  # 1 of 2 negatives
    assert "both readers labelled 2 of 3 snippets alike" in result.stdout


def test_eval_refuses_a_second_reading_that_misses_snippets(tmp_path: Path) -> None:
    line = {"id": "a", "text": "Social return: 5% van de opdrachtwaarde.", "lang": "nl", "labels": ["social_return"]}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps({"ref": "other", "labels": []}) + "\n")
    result = CliRunner().invoke(cli, ["eval", "clauses", str(path), "--second", str(second)])
    assert result.exit_code == 2 and "1 of the 1 snippets scored were not read a second time" in result.stderr
    second.write_text(json.dumps({"ref": "a", "labels": ["no_such_label"]}) + "\n")
    result = CliRunner().invoke(cli, ["eval", "clauses", str(path), "--second", str(second)])
    assert result.exit_code == 2 and "line 1" in result.stderr and "macro-F1" not in result.stdout
    second.write_bytes(b'\xff{"ref": "a", "labels": []}\n')  # not UTF-8: named, no traceback, before any scoring
    result = CliRunner().invoke(cli, ["eval", "clauses", str(path), "--second", str(second)])
    assert result.exit_code == 2 and f"{second}: not readable as UTF-8" in result.stderr
