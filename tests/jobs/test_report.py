"""Coverage report: numbers counted by hand on a known set agree in HTML, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlmodel import select

from crawler.parsers import parse_document
from jobs.cli import cli
from jobs.report import Coverage
from jobs.report_formats import to_html
from jobs.report_groups import GroupCoverage
from jobs.report_peers import BuyerStanding, standings
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.records import NoticeRecord
from tests.factories import make_record
from tests.shared import shared

NOTICES = [
    # Gemeente Utrecht, 4 tenders: social return in text; reserved by code; cleaning and playground repair without
    # a clause (both missed opportunities). August, then nothing in September, then October and November.
    {
        "notice_id": "1-2026",
        "procedure_id": "p1",
        "buyer": {"name": "Gemeente Utrecht", "country": "NL", "legal_type": "la"},
        "publication_date": "2026-10-05",
        "title": "Groenonderhoud",
        "description": "Social return: 5% van de opdrachtwaarde.",
        "lots": [],
    },
    {
        "notice_id": "2-2026",
        "procedure_id": "p2",
        "buyer": {"name": "Gemeente Utrecht", "country": "NL", "legal_type": "la"},
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
        "buyer": {"name": "Gemeente Utrecht", "country": "NL", "legal_type": "la"},
        "publication_date": "2026-11-20",
        "title": "Schoonmaak stadskantoor <b>",
        "description": "Schoonmaak van kantoren.",
        "cpv_main": "90911200",
        "cpv_additional": [],
        "lots": [],
    },
    {
        "notice_id": "5-2026",
        "procedure_id": "p5",
        "buyer": {"name": "Gemeente Utrecht", "country": "NL", "legal_type": "la"},
        "publication_date": "2026-08-14",
        "title": "Onderhoud speeltoestellen",
        "description": "Inspectie en reparatie van speeltoestellen.",
        "cpv_main": "50870000",
        "cpv_additional": [],
        "estimated_value": {"amount": 40000.0, "currency": "EUR"},
        "lots": [],
    },
    # Waterschap, 1 tender with both social return and local partnering in text
    {
        "notice_id": "4-2026",
        "procedure_id": "p4",
        "buyer": {"name": "Waterschap Rivierenland", "country": "NL", "legal_type": "la"},
        "publication_date": "2026-11-10",
        "title": "Dijkonderhoud",
        "cpv_main": "45246000",
        "cpv_additional": [],
        "lots": [],
        "description": "De opdrachtnemer besteedt 5% aan social return. Bij de uitvoering werkt de opdrachtnemer "
        "samen met het lokale bewonersbedrijf en met buurtbewoners.",
    },
    # The award of the Waterschap's tender: a result reported on a tender already counted, not a second tender. It
    # is the newest notice of the procedure, so the tender's own notice is superseded by it; still one tender.
    {
        "notice_id": "6-2026",
        "procedure_id": "p4",
        "notice_type": "can-standard",
        "buyer": {"name": "Waterschap Rivierenland", "country": "NL", "legal_type": "la"},
        "publication_date": "2026-11-25",
        "title": "Gunning dijkonderhoud",
        "cpv_main": "45246000",
        "cpv_additional": [],
        "lots": [],
        "estimated_value": {"amount": 30000000.0, "currency": "EUR"},
        "description": "De opdrachtnemer besteedt 5% aan social return.",
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


def _typed(row: dict[str, str]) -> dict[str, object]:
    """Return a CSV row with the types JSON gives (numbers as numbers)."""
    typed: dict[str, object] = {}
    for key, value in row.items():
        try:
            typed[key] = int(value)
        except ValueError:
            try:
                typed[key] = float(value)
            except ValueError:
                typed[key] = value
    return typed


def test_numbers_agree_with_a_hand_count_in_every_format(url: str) -> None:
    text = _report(url, "--format", "csv")
    assert text.startswith("\ufeffgroup,label,")  # a byte-order mark, so spreadsheets read UTF-8
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    utrecht, water, total = rows["Gemeente Utrecht"], rows["Waterschap Rivierenland"], rows["total"]
    assert (utrecht["tenders"], utrecht["with_clause"]) == ("4", "2")
    assert (utrecht["social_return_text"], utrecht["reserved_contract_code"], utrecht["reserved_contract_text"]) == (
        "1", "1", "0")  # fmt: skip
    assert (water["tenders"], water["with_clause"], water["local_community_partnering_any"]) == ("1", "1", "1")
    assert (total["tenders"], total["with_clause"], total["social_return_any"]) == ("5", "3", "2")
    assert float(total["share"]) == pytest.approx(0.6)
    # Estimated value in euros: four tenders of 180 000 and one of 40 000; three with a clause.
    assert (float(total["value_eur"]), float(total["value_with_clause_eur"])) == (760000.0, 540000.0)
    assert float(utrecht["social_return_value_eur"]) == 180000.0 and total["label"] == "Totaal"

    data = json.loads(_report(url, "--format", "json"))
    assert data["total"] == _typed(total)
    assert {g["group"]: g["with_clause"] for g in data["groups"]} == {
        "Gemeente Utrecht": 2,
        "Waterschap Rivierenland": 1,
    }
    assert [(m["notice_id"], m["sector"]) for m in data["missed_opportunities"]] == [
        ("3-2026", "cleaning"), ("5-2026", "repair")]  # fmt: skip
    assert data["missed_count"] == 2
    assert {(e["notice_id"], e["label"], e["origin"]) for e in data["evidence"]} == {
        ("1-2026", "social_return", "text"), ("2-2026", "reserved_contract", "code"),
        ("4-2026", "social_return", "text"), ("4-2026", "local_community_partnering", "text")}  # fmt: skip
    # A continuous axis: September had no tenders and is there all the same.
    assert [(t["month"], t["tenders"], t["with_clause"]) for t in data["trend"]] == [
        ("2026-08", 1, 0), ("2026-09", 0, 0), ("2026-10", 1, 1), ("2026-11", 3, 2)]  # fmt: skip
    assert data["period"] == {"from": "2026-08-14", "to": "2026-11-20"}
    assert [(b["buyer"], b["tenders"]) for b in data["top"]] == [("Gemeente Utrecht", 4)] and data["bottom"] == []

    html = _report(url)
    assert "3 van de 5 aanbestedingen (60%) noemen in de aankondiging minstens één inclusieve clausule." in html
    assert "Periode: 14 aug 2026 – 20 nov 2026" in html
    cells = re.findall(r"<tr[^>]*><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td class=\"share\">(\d+)%", html)
    assert ("Gemeente Utrecht", "4", "2", "50") in cells and ("Totaal", "5", "3", "60") in cells
    assert "€\xa0760.000" in html and "€\xa0540.000" in html
    assert "<svg" in html and "http://" not in html.split("<svg", 1)[0].replace("http://www.w3.org", "")
    assert "Schoonmaak stadskantoor &lt;b&gt;" in html
    assert "Social return: 5% van de opdrachtwaarde." in html
    # Structured codes by the Dutch label of the eForms code list, not matcher's English line.
    assert "BT-71 res-ws: Deelname is voorbehouden aan beschutte werkplaatsen" in html
    assert "participation is reserved" not in html
    # The missed playground repair: its sector, and its work by the CPV label of 50870000.
    assert "<td>Reparatie en onderhoud</td><td>Reparatie en onderhoud van speelplaatsuitrusting</td>" in html


def test_a_buyer_name_that_matches_nobody_is_said(url: str) -> None:
    # A typo looked like a buyer without clauses: "0 van de 0 aanbestedingen".
    result = CliRunner().invoke(cli, ["--database-url", url, "report", "coverage", "--buyer", "Nergenshuizen"])
    assert result.exit_code == 0 and "No buyer in the period has “Nergenshuizen” in its name" in result.stderr
    assert 'id="no-buyer">Geen aanbesteder in deze periode heeft “Nergenshuizen” in de naam.' in result.stdout
    assert 'id="no-buyer"' not in _report(url, "--buyer", "utrecht")


def test_filters_grouping_and_peers(url: str, tmp_path: Path) -> None:
    data = json.loads(_report(url, "--format", "json", "--buyer", "waterschap", "--group-by", "month"))
    # Over the period the peers were counted in (every notice's), not only the buyer's own days.
    assert data["total"]["tenders"] == 1 and data["period"] == {"from": "2026-08-14", "to": "2026-11-20"}
    assert [(g["group"], g["tenders"]) for g in data["groups"]] == [
        ("2026-08", 0), ("2026-09", 0), ("2026-10", 0), ("2026-11", 1)]  # fmt: skip
    # The buyer against its peers: local authorities in the Netherlands (Utrecht's four tenders count too).
    (standing,) = data["standings"]
    assert (standing["buyer"], standing["peer_group"], standing["tenders"]) == (
        "Waterschap Rivierenland", "Lokale overheid, Nederland", 1)  # fmt: skip
    assert (standing["peer_tenders"], standing["peer_with_clause"], standing["rank"]) == (5, 3, None)
    data = json.loads(_report(url, "--format", "json", "--buyer", "utrecht"))
    assert (data["standings"][0]["rank"], data["standings"][0]["ranked_peers"]) == (1, 1)
    data = json.loads(_report(url, "--format", "json", "--from", "2026-11-01", "--to", "2026-11-15"))
    assert data["total"]["tenders"] == 2
    data = json.loads(_report(url, "--format", "json", "--group-by", "month", "--from", "2026-09-01"))
    assert [(g["group"], g["label"], g["tenders"]) for g in data["groups"]] == [
        ("2026-09", "september 2026", 0), ("2026-10", "oktober 2026", 1), ("2026-11", "november 2026", 3)]  # fmt: skip
    # "Until 9999-12-31" (no end): the months that hold notices, not eight thousand years of empty ones (as text,
    # "10000-01" sorted before "9999-12" and the axis never ended).
    data = json.loads(_report(url, "--format", "json", "--group-by", "month", "--from", "0001-01-01", "--to",
                              "9999-12-31"))  # fmt: skip
    assert [(g["group"], g["tenders"]) for g in data["groups"]] == [
        ("2026-08", 1),
        ("2026-09", 0),
        ("2026-10", 1),
        ("2026-11", 3),
    ]
    data = json.loads(_report(url, "--format", "json", "--group-by", "cpv-division", "--lang", "en"))
    sectors = {g["group"]: g["label"] for g in data["groups"]}
    assert sectors["90"] == "Sewage, refuse, cleaning and environmental services"
    data = json.loads(_report(url, "--format", "json", "--group-by", "region"))
    assert {g["group"]: g["label"] for g in data["groups"]} == {"NL32": "Noord-Holland"}
    english = json.loads(_report(url, "--format", "json", "--lang", "en"))
    code = next(e for e in english["evidence"] if e["origin"] == "code")
    assert code["evidence"].startswith("BT-71 res-ws: Participation is reserved to sheltered workshops")
    output = tmp_path / "out" / "coverage.html"
    CliRunner().invoke(cli, ["--database-url", url, "report", "coverage", "--output", str(output), "--lang", "en"])
    page = output.read_text(encoding="utf-8")
    assert "3 of 5 tenders (60%) announce at least one inclusive clause in the notice." in page
    assert "Period: 14 Aug 2026 – 20 Nov 2026" in page and "€760,000" in page


def test_long_lists_are_collapsed_in_html_but_complete_in_csv(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for number in range(20):
            repository.upsert_notice(session=session, record=make_record(
                notice_id=f"{100 + number}-2026", procedure_id=f"q{number}", title="Levering kantoorartikelen",
                description="Pennen en papier.", cpv_main="30190000", cpv_additional=[], lots=[],
                buyer={"name": f"Gemeente {number:02d}", "country": "NL"}))  # fmt: skip
    engine.dispose()
    html = _report(database_url)
    assert html.count("<td>Gemeente ") == 15 and "5 andere groepen" in html
    assert len(_report(database_url, "--format", "csv").splitlines()) == 1 + 20 + 1


def test_codes_count_in_every_language_and_the_report_says_what_was_read(database_url: str) -> None:
    # A Danish notice: no text rules for Danish, but its reservation code (BT-71 res-ws) is a clause all the same.
    danish = make_record(notice_id="7-2026", procedure_id="p7", language="da", title="Rengøring af skoler",
                         description="Rengøring af skoler. Social return: 5 % af kontraktværdien.",
                         buyer={"name": "Aarhus Kommune", "country": "DK"}, nuts=["DK042"],
                         lots=[{"lot_id": "LOT-1", "reserved_participation": ["res-ws"]}],
                         social={"reserved_participation": ["res-ws"]})  # fmt: skip
    dutch = make_record(notice_id="8-2026", procedure_id="p8", buyer={"name": "Gemeente Utrecht", "country": "NL"},
                        lots=[], social={})  # fmt: skip
    # A Danish notice with an English title: its text is not read for a title that could be.
    titled = make_record(notice_id="9-2026", procedure_id="p9", language="da", title="Software as a Service",
                         description="Levering af software til kommunens skoler og dagtilbud i en periode på fire år "
                         "med mulighed for forlængelse.", buyer={"name": "Odense Kommune", "country": "DK"},
                         lots=[], social={})  # fmt: skip
    # Codes of a whole notice without lots (an OCDS tender): a reservation all the same.
    lotless = make_record(notice_id="10-2026", procedure_id="p10", description="Schoonmaak van het gemeentehuis.",
                          buyer={"name": "Gemeente Zwolle", "country": "NL"}, lots=[],
                          social={"reserved_participation": ["res-ws"]})  # fmt: skip
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for record in (danish, dutch, titled, lotless):
            repository.upsert_notice(session=session, record=record)
    engine.dispose()
    result = CliRunner().invoke(cli, ["--database-url", database_url, "analyse"])
    assert result.exit_code == 0, result.output
    rows = {row["group"]: row for row in json.loads(_report(database_url, "--format", "json"))["groups"]}
    aarhus, utrecht = rows["Aarhus Kommune"], rows["Gemeente Utrecht"]
    assert (aarhus["tenders"], aarhus["with_clause"], aarhus["text_analysed"], aarhus["codes_only"]) == (1, 1, 0, 1)
    assert aarhus["reserved_contract_code"] == 1 and aarhus["social_return_text"] == 0  # Danish text is not read
    assert (utrecht["text_analysed"], utrecht["codes_only"], utrecht["social_return_text"]) == (1, 0, 1)
    assert (rows["Odense Kommune"]["text_analysed"], rows["Odense Kommune"]["codes_only"]) == (0, 1)
    zwolle = rows["Gemeente Zwolle"]
    assert (zwolle["with_clause"], zwolle["reserved_contract_code"], zwolle["text_analysed"]) == (1, 1, 1)


def test_an_awarded_tender_counts_once_by_the_newest_notice_that_opened_it(database_url: str) -> None:
    def notice(number: int, procedure: str, day: str, description: str, **extra: Any) -> NoticeRecord:
        return make_record(notice_id=f"{number}-2026", procedure_id=procedure, publication_date=day,
                           description=description, buyer={"name": f"Gemeente {procedure}", "country": "NL"},
                           lots=[], social={}, cpv_main="77310000", **extra)  # fmt: skip

    sroi = "Maaien van bermen. Social return: 5% van de opdrachtwaarde."
    notices = [
        # The call, its change (a new notice, published later) and the award: the change speaks for the tender.
        notice(91, "p9", "2026-09-01", "Maaien van bermen."),
        notice(92, "p9", "2026-09-08", sroi),
        notice(93, "p9", "2026-11-03", "Gunning: maaien van bermen.", notice_type="can-standard"),
        # A call and its change, not awarded yet: the change is current and counts, the call does not.
        notice(95, "p11", "2026-09-01", "Maaien van bermen."),
        notice(96, "p11", "2026-09-08", sroi),
        # A change without a notice type (the document did not say) is no result: it still hides the call.
        notice(97, "p12", "2026-09-01", "Maaien van bermen."),
        notice(98, "p12", "2026-09-08", sroi, notice_type=None),
        notice(99, "p12", "2026-11-03", "Gunning: maaien van bermen.", notice_type="can-standard"),
        # Only the award of a procedure is known: a result, not counted.
        notice(94, "p10", "2026-11-04", "Gunning van een opdracht zonder oproep.", notice_type="can-standard"),
        # A TED XML call and its corrigendum (F14, not linked by procedure): the corrigendum repeats the call's
        # title and text but is no tender of its own.
        notice(100, "p13", "2026-09-01", sroi, format="ted-xml", publication_number="100-2026"),
        notice(
            101,
            "p13",
            "2026-09-15",
            sroi,
            format="ted-xml",
            notice_type="corr",
            publication_number="101-2026",
            refers_to="100-2026",
        ),
        # A corrigendum of a call published before the data began: the only record of its tender, it counts.
        notice(
            102,
            "p14",
            "2026-09-15",
            sroi,
            format="ted-xml",
            notice_type="corr",
            publication_number="102-2026",
            refers_to="7-2025",
        ),
        # A Dutch tender on TED and on TenderNed (the TED notice links its TenderNed page): one tender.
        notice(103, "p15", "2026-09-01", sroi, tenderned_id="881001"),
        make_record(
            notice_id="881001",
            source="tenderned",
            format="tenderned",
            procedure_id="TN-15",
            publication_number=None,
            version=None,
            publication_date="2026-09-01",
            description=sroi,
            buyer={"name": "Gemeente p15", "country": "NL"},
            lots=[],
            social={},
        ),  # fmt: skip
    ]
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for record in notices:
            repository.upsert_notice(session=session, record=record)
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "analyse"]).exit_code == 0
    data = json.loads(_report(database_url, "--format", "json"))
    assert {g["group"]: (g["tenders"], g["with_clause"]) for g in data["groups"]} == {
        "Gemeente p9": (1, 1), "Gemeente p11": (1, 1), "Gemeente p12": (1, 1), "Gemeente p13": (1, 1),
        "Gemeente p14": (1, 1), "Gemeente p15": (1, 1)}  # fmt: skip
    assert sorted(e["notice_id"] for e in data["evidence"]) == ["100-2026", "102-2026", "103-2026", "92-2026",
                                                                 "96-2026", "98-2026"]  # fmt: skip
    assert data["evidence_count"] == len(data["evidence"])  # all of them: the cap (500) is far off


def test_equal_shares_share_a_place_among_peers() -> None:
    buyers = {name: GroupCoverage(name, name) for name in ("Almere", "Hellevoetsluis", "Utrecht")}
    for name, with_clause in (("Almere", 0), ("Hellevoetsluis", 0), ("Utrecht", 2)):
        for index in range(3):
            found = [("social_return", "text", "Social return: 5%.")] if index < with_clause else []
            buyers[name].add(found, True, None)
    peers = dict.fromkeys(buyers, ("NL", "la"))
    places = {s.buyer: (s.rank, s.ranked_peers) for s in standings(buyers, peers, set(buyers), "nl")}
    assert places == {"Utrecht": (1, 3), "Almere": (2, 3), "Hellevoetsluis": (2, 3)}


def test_an_awarded_ocds_tender_still_counts(database_url: str) -> None:
    # OCDS keeps every release of a contracting process in one notice: once its record holds the award, the
    # tender it announced (London Borough of Barnet) was left out of the report altogether.
    # Not a process without a call: a direct award (Mexico's INAH), a contract release without a tender section.
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for name in ("ocds-213czf-000-00001.json", "record-package-1.json", "release-package_1.1-2.json"):
            path = shared("ocds", name)
            for record in parse_document(path.read_bytes(), name=path.name, source="ocds"):
                assert record.notice_type == "can-standard"
                repository.upsert_notice(session=session, record=record)
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "analyse"]).exit_code == 0
    data = json.loads(_report(database_url, "--format", "json"))
    assert [(g["group"], g["tenders"]) for g in data["groups"]] == [("London Borough of Barnet", 1)]


def test_one_buyer_however_its_name_is_written(database_url: str) -> None:
    # Real notices name one buyer "Enedis" and "ENEDIS", "SYTRAL Mobilités" with ' and ’: they were separate rows,
    # rankings and peers; a buyer stored with double spaces was not found by the dashboard's filter.
    names = ["Enedis", "Enedis", "ENEDIS", "Sytral Mobilit\u00e9s l'agence", "SYTRAL Mobilit\u00e9s l\u2019agence",
             "Gemeente  Dubbel\u00a0 Spatie"]  # fmt: skip
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for number, name in enumerate(names):
            record = make_record(notice_id=f"{number}-2026", procedure_id=f"b{number}", lots=[], social={},
                                 buyer={"name": name, "country": "FR"})  # fmt: skip
            repository.upsert_notice(session=session, record=record)
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "analyse"]).exit_code == 0
    data = json.loads(_report(database_url, "--format", "json"))
    assert sorted((g["group"], g["tenders"]) for g in data["groups"]) == [
        ("Enedis", 3), ("Gemeente  Dubbel\u00a0 Spatie", 1), ("Sytral Mobilit\u00e9s l'agence", 2)]  # fmt: skip
    (standing,) = json.loads(_report(database_url, "--format", "json", "--buyer", "ENEDIS"))["standings"]
    assert (standing["buyer"], standing["tenders"]) == ("Enedis", 3)
    found = json.loads(_report(database_url, "--format", "json", "--buyer", "gemeente dubbel spatie"))
    assert [g["tenders"] for g in found["groups"]] == [1]


def test_a_value_given_per_lot_only_is_the_tenders_value(database_url: str) -> None:
    # A real Tuscan health-authority notice gives its €16.1 million on its lot only: it showed "no estimate".
    record = make_record(estimated_value=None, social={}, lots=[
        {"lot_id": "LOT-0001", "title": "Noord", "estimated_value": {"amount": 90000.0, "currency": "EUR"}},
        {"lot_id": "LOT-0002", "title": "Zuid", "estimated_value": {"amount": 60000.0, "currency": "EUR"}},
        {"lot_id": "LOT-0003", "title": "Oost"}])  # fmt: skip
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=record)
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "analyse"]).exit_code == 0
    total = json.loads(_report(database_url, "--format", "json"))["total"]
    assert (total["valued"], total["value_eur"]) == (1, 150000.0)


def test_the_dashboard_counts_stored_findings_of_an_older_detector_and_says_so(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After an upgrade, every dashboard request read each notice afresh with spaCy until `analyse` ran (80 ms a
    # notice per request: hours for a large database). The command line reads afresh; the web counts what is stored.
    # One notice per chunk, an outdated one after one never analysed: the choice holds for every chunk.
    import jobs.report
    from storage.models import Notice

    monkeypatch.setattr(jobs.report, "CHUNK", 1)
    engine = get_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for number in (1, 2, 3):
            record = make_record(notice_id=f"{number}-2026", procedure_id=f"p{number}", lots=[], social={})
            repository.upsert_notice(session=session, record=record)
    engine.dispose()
    assert CliRunner().invoke(cli, ["--database-url", database_url, "analyse"]).exit_code == 0
    engine = get_engine(database_url)
    with session_scope(engine) as session:  # outdated, never analysed, outdated: in this order
        for notice in session.exec(select(Notice)):
            notice.clauses_version = None if notice.notice_id == "2-2026" else "clauses-0+old"
            session.add(notice)
    read: list[object] = []
    analyse = jobs.report.readings_by_notice

    def counted(**kwargs: Any) -> Any:
        read.extend(pk for pk, _record, version in kwargs["notices"] if version is None or kwargs["fresh"])
        return analyse(**kwargs)

    monkeypatch.setattr(jobs.report, "readings_by_notice", counted)
    web = jobs.report.coverage(engine=engine, fresh=False)
    assert (web.stale, web.total.with_clause, len(read)) == (2, 3, 1)  # stored findings; only the new one read
    read.clear()
    command = jobs.report.coverage(engine=engine)
    assert (command.stale, command.total.with_clause, len(read)) == (0, 3, 3)
    assert jobs.report.coverage(engine=engine, fresh=False, buyer="nobody").stale == 0  # the buyers shown only
    engine.dispose()


def test_large_counts_read_with_the_reader_s_thousands_separator() -> None:
    # "139 van de 2025 aanbestedingen" reads as the year 2025: every count in a sentence is a formatted number.
    groups = [GroupCoverage(group=f"g{n}", label=f"Gemeente {n}", tenders=1) for n in range(1_700)]
    total = GroupCoverage(group="", tenders=2_025, with_clause=139)
    peers = BuyerStanding(buyer="Gemeente X", peer_group="Lokale overheid, Nederland", tenders=40, with_clause=9,
                          rank=1_002, ranked_peers=1_311, peer_buyers=2_450, peer_tenders=9_000,
                          peer_with_clause=700)  # fmt: skip
    report = Coverage(group_by="buyer", period=("2026-01-01", "2026-11-30"), buyer="Gemeente X", groups=groups,
                      total=total, months=[], evidence=[], missed=[], stale=1_234, standings=[peers])  # fmt: skip
    dutch, english = to_html(report, "nl"), to_html(report, "en")
    assert "139 van de 2.025 aanbestedingen (7%) noemen in de aankondiging" in dutch
    assert "1.685 andere groepen" in dutch and "1.234 aanbestedingen zijn gelezen" in dutch
    assert "139 of 2,025 tenders (7%) announce" in english and "1,685 other groups" in english
    assert "1,234 tenders were read" in english
    assert "2.450 aanbesteders" in dutch and "1.002 van 1.311" in dutch and "1,002 of 1,311" in english
