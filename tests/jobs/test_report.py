"""Coverage report: numbers counted by hand on a known set agree in HTML, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.factories import make_record

NOTICES = [
    # Gemeente Utrecht, 3 tenders: one with social return in text, one reserved by code, one without (cleaning: missed)
    {
        "notice_id": "1-2026",
        "procedure_id": "p1",
        "buyer": {"name": "Gemeente Utrecht", "country": "NL"},
        "publication_date": "2026-10-05",
        "title": "Groenonderhoud",
        "description": "Social return: 5% van de opdrachtwaarde.",
        "lots": [],
    },
    {
        "notice_id": "2-2026",
        "procedure_id": "p2",
        "buyer": {"name": "Gemeente Utrecht", "country": "NL"},
        "publication_date": "2026-11-02",
        "title": "Catering",
        "description": "Levering van maaltijden.",
        "cpv_main": "55520000",
        "cpv_additional": [],
        "lots": [{"lot_id": "LOT-1", "reserved_participation": ["res-ws"]}],
    },
    {
        "notice_id": "3-2026",
        "procedure_id": "p3",
        "buyer": {"name": "Gemeente Utrecht", "country": "NL"},
        "publication_date": "2026-11-20",
        "title": "Schoonmaak stadskantoor <b>",
        "description": "Schoonmaak van kantoren.",
        "cpv_main": "90911200",
        "cpv_additional": [],
        "lots": [],
    },
    # Waterschap, 1 tender with both social return and local partnering in text
    {
        "notice_id": "4-2026",
        "procedure_id": "p4",
        "buyer": {"name": "Waterschap Rivierenland", "country": "NL"},
        "publication_date": "2026-11-10",
        "title": "Dijkonderhoud",
        "cpv_main": "45246000",
        "cpv_additional": [],
        "lots": [],
        "description": "De opdrachtnemer besteedt 5% aan social return. Bij de uitvoering werkt de opdrachtnemer "
        "samen met het lokale bewonersbedrijf en met buurtbewoners.",
    },
]


@pytest.fixture
def url(database_url: str) -> str:
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for data in NOTICES:
            repository.upsert_notice(session=session, record=make_record(**data))
    engine.dispose()
    return database_url


def _report(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, "report", "coverage", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_numbers_agree_with_a_hand_count_in_every_format(url: str) -> None:
    text = _report(url, "--format", "csv")
    assert text.startswith("\ufeffgroup,")  # a byte-order mark, so spreadsheets read UTF-8
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    utrecht, water, total = rows["Gemeente Utrecht"], rows["Waterschap Rivierenland"], rows["total"]
    assert (utrecht["tenders"], utrecht["with_clause"]) == ("3", "2")
    assert (utrecht["social_return_text"], utrecht["reserved_contract_code"], utrecht["reserved_contract_text"]) == (
        "1", "1", "0")  # fmt: skip
    assert (water["tenders"], water["with_clause"], water["local_community_partnering_any"]) == ("1", "1", "1")
    assert (total["tenders"], total["with_clause"], total["social_return_any"]) == ("4", "3", "2")
    assert float(total["share"]) == pytest.approx(0.75)

    data = json.loads(_report(url, "--format", "json"))
    assert data["total"] == {
        k: (float(v) if k == "share" else int(v) if k != "group" else v) for k, v in total.items()
    }
    assert {g["group"]: g["with_clause"] for g in data["groups"]} == {
        "Gemeente Utrecht": 2,
        "Waterschap Rivierenland": 1,
    }
    assert [m["notice_id"] for m in data["missed_opportunities"]] == ["3-2026"]
    assert {(e["notice_id"], e["label"], e["origin"]) for e in data["evidence"]} == {
        ("1-2026", "social_return", "text"), ("2-2026", "reserved_contract", "code"),
        ("4-2026", "social_return", "text"), ("4-2026", "local_community_partnering", "text")}  # fmt: skip
    assert [(t["month"], t["tenders"], t["with_clause"]) for t in data["trend"]] == [
        ("2026-10", 1, 1),
        ("2026-11", 3, 2),
    ]

    html = _report(url)
    assert "3 van de 4 aanbestedingen (75%)" in html
    cells = re.findall(r"<tr[^>]*><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td class=\"share\">(\d+)%", html)
    assert ("Gemeente Utrecht", "3", "2", "67") in cells and ("Totaal", "4", "3", "75") in cells
    assert "<svg" in html and "http://" not in html.split("<svg", 1)[0].replace("http://www.w3.org", "")
    assert "Schoonmaak stadskantoor &lt;b&gt;" in html
    assert "Social return: 5% van de opdrachtwaarde." in html


def test_filters_and_grouping(url: str, tmp_path: Path) -> None:
    data = json.loads(_report(url, "--format", "json", "--buyer", "waterschap", "--group-by", "month"))
    assert data["total"]["tenders"] == 1 and data["groups"][0]["group"] == "2026-11"
    data = json.loads(_report(url, "--format", "json", "--from", "2026-11-01", "--to", "2026-11-15"))
    assert data["total"]["tenders"] == 2
    data = json.loads(_report(url, "--format", "json", "--group-by", "cpv-division", "--lang", "en"))
    assert any(g["group"].startswith("90 Sewage, refuse, cleaning") for g in data["groups"])
    output = tmp_path / "out" / "coverage.html"
    CliRunner().invoke(cli, ["--database-url", url, "report", "coverage", "--output", str(output), "--lang", "en"])
    assert "3 of 4 tenders (75%)" in output.read_text(encoding="utf-8")
