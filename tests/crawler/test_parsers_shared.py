"""Every shared real notice parses; field values checked against what the files say."""

from __future__ import annotations

import json
import tarfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crawler.exceptions import NotATenderError, ParseError
from crawler.parsers import parse_document
from storage.records import NoticeRecord
from tests.shared import SKIP_REASON, shared, shared_files

NOTICE_FILES = [
    *shared_files("notices/eforms-real"),
    *shared_files("notices/ted-xml"),
    *shared_files("notices/eforms-sdk-examples"),
]


def _one(*parts: str) -> NoticeRecord:
    path = shared(*parts)
    (record,) = parse_document(path.read_bytes(), name=path.name)
    return record


@pytest.mark.skipif(not NOTICE_FILES, reason=SKIP_REASON)
@pytest.mark.parametrize("path", NOTICE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shared_notice_parses(path: Path) -> None:
    expected_failure = path.name.startswith("INVALID_") or path.name.startswith(("X01", "X02"))
    try:
        records = parse_document(path.read_bytes(), name=path.name)
    except ParseError as exc:
        assert expected_failure, f"unexpected failure: {exc}"
        assert str(exc).startswith(path.name + ": ")
        if path.name.startswith("X0"):
            assert isinstance(exc, NotATenderError)
        return
    assert len(records) == 1
    record = records[0]
    assert record.notice_id
    assert record.format in ("eforms", "ted-xml")
    # The record survives the JSON round trip `kansenradar parse` and storage rely on.
    assert NoticeRecord.model_validate(json.loads(record.model_dump_json())) == record
    if not expected_failure and path.parent.name != "eforms-sdk-examples":
        assert record.title and record.buyer.name and record.publication_date


def test_dutch_award_notice_with_social_return_criterion() -> None:
    record = _one("notices", "eforms-real", "2024-OJS065-00191536.xml")
    assert (record.notice_id, record.publication_number) == ("191536-2024", "191536-2024")
    assert record.procedure_id == "9974ccf1-1d0a-4393-9198-33b67d6e2cb7"
    assert (record.notice_type, record.language, record.version) == ("can-standard", "nl", "01")
    assert record.title is not None and record.title.startswith("Reparatie vloeren en optimaliseren technische")
    assert record.buyer.model_dump() == {"name": "Waterschap Rivierenland", "country": "NL", "city": "Tiel",
                                         "nuts": "NL224", "legal_type": "ra"}  # fmt: skip
    assert record.cpv_main == "45000000"
    assert record.cpv_additional == ["45200000", "45300000", "45400000", "50700000"]
    assert record.publication_date == date(2024, 4, 2)
    assert record.estimated_value is not None and record.estimated_value.amount == 7_000_000
    assert [lot.lot_id for lot in record.lots] == ["LOT-0000"]
    names = [c.name for c in record.lots[0].award_criteria]
    assert "Social Return (criterium 5)" in names
    assert record.lots[0].award_criteria[-1].type == "price"
    assert record.social.model_dump() == {
        "reserved_participation": [], "reserved_execution": [], "strategic_procurement": [], "social_objective": []
    }  # fmt: skip
    assert record.url == "https://ted.europa.eu/en/notice/-/detail/191536-2024"


def test_dutch_social_regime_notice_uses_the_participation_deadline() -> None:
    record = _one("notices", "eforms-real", "2024-OJS056-00163529.xml")
    assert (record.notice_type, record.language) == ("cn-social", "nl")
    assert record.title == "Raamovereenkomst beveiliging Cruiseterminal"
    assert (record.buyer.name, record.buyer.country) == ("Haven van Antwerpen-Brugge, NV van publiek recht", "BE")
    assert (record.cpv_main, record.nuts) == ("79710000", ["BE211"])
    assert record.deadline == datetime(2024, 4, 15, 12, 0, tzinfo=UTC)  # 14:00+02:00


def test_dutch_prior_information_notice() -> None:
    record = _one("notices", "eforms-real", "2024-OJS044-00127505.xml")
    assert (record.notice_type, record.language) == ("pin-cfc-standard", "nl")
    assert record.buyer.name == "Ministerie van Defensie"
    assert record.cpv_main == "79610000"
    assert record.estimated_value is not None and record.estimated_value.amount == 1_000_000


def test_social_objective_codes_and_earliest_lot_deadline() -> None:
    record = _one("notices", "eforms-real", "583624-2023.xml")
    assert record.notice_type == "cn-social" and record.language == "fi"
    assert len(record.lots) == 4
    assert record.social.social_objective == ["opp", "work-cond"]
    assert record.deadline == min(lot.deadline for lot in record.lots if lot.deadline)
    assert record.deadline == datetime(2023, 10, 19, 9, 0, tzinfo=UTC)


def test_reserved_codes_from_sdk_examples() -> None:
    maximal = _one("notices", "eforms-sdk-examples", "cn_24_maximal.xml")
    assert maximal.social.reserved_participation == ["res-pub-ser"]
    assert maximal.social.reserved_execution == ["yes"]
    assert maximal.social.strategic_procurement == ["env-imp"]
    assert maximal.social.social_objective == ["acc-all"]
    assert maximal.version == "03"
    assert maximal.lots[0].performance_terms
    workshop = _one("notices", "eforms-sdk-examples", "pin-cfc-social_24.xml")
    assert (workshop.notice_type, workshop.social.reserved_participation) == ("pin-cfc-social", ["res-ws"])
    social = _one("notices", "eforms-sdk-examples", "cn-social_25.xml")
    assert social.social.reserved_execution == ["yes"] and social.social.social_objective == ["opp", "acc-all"]


def test_hundred_lots() -> None:
    record = _one("notices", "eforms-sdk-examples", "cn_24_maximal_100_lots.xml")
    assert len(record.lots) == 100
    assert len({lot.lot_id for lot in record.lots}) == 100


def test_multilingual_notice_keeps_its_own_language() -> None:
    record = _one("notices", "eforms-sdk-examples", "cn_24_multilingual.xml")
    assert record.language == "en"
    assert record.title is not None and record.title.startswith("Provision of IT Services Related to OP IT Systems")
    assert record.deadline == datetime(2020, 2, 3, 13, 0, tzinfo=UTC)


def test_ted_xml_dutch_award() -> None:
    record = _one("notices", "ted-xml", "008380-2021.xml")
    assert (record.format, record.notice_id, record.notice_type, record.language) == (
        "ted-xml", "8380-2021", "can-standard", "nl"
    )  # fmt: skip
    assert record.title == "Dienstverlening Walstroom binnenvaart en riviercruise."
    assert (record.buyer.name, record.buyer.city, record.buyer.nuts) == ("Havenbedrijf Rotterdam nv", "Rotterdam",
                                                                         "NL33C")  # fmt: skip
    assert record.cpv_main == "65320000" and record.publication_date == date(2021, 1, 8)


def test_ted_xml_social_form_and_deadline() -> None:
    record = _one("notices", "ted-xml", "20-295737-001-EXP.xml")
    assert record.notice_type == "cn-social"
    assert record.buyer.name == "Donegal County Council" and record.buyer.country == "IE"
    assert record.deadline == datetime(2020, 7, 31, 15, 0, tzinfo=UTC)  # 16:00 in Donegal (Irish summer time, UTC+1)
    assert record.estimated_value is not None and record.estimated_value.amount == 6000433


def test_ocds_packages() -> None:
    tender = shared("ocds", "ocds-213czf-000-00001-02-tender.json")
    (record,) = parse_document(tender.read_bytes(), name=tender.name, source="ocds")
    assert (record.source, record.format, record.notice_id) == ("ocds", "ocds", "ocds-213czf-000-00001")
    assert record.title == "Planned cycle lane improvements"
    assert (record.buyer.name, record.buyer.country) == ("London Borough of Barnet", "GB")
    assert record.cpv_main == "45233162" and record.notice_type == "cn-standard"
    assert record.estimated_value is not None and record.estimated_value.currency == "GBP"
    record_package = shared("ocds", "record-package-1.json")
    records = parse_document(record_package.read_bytes(), name=record_package.name, source="ocds")
    assert records and all(r.procedure_id == r.notice_id for r in records)
    release_package = shared("ocds", "release-package_1.1-2.json")
    assert parse_document(release_package.read_bytes(), name=release_package.name, source="ocds")


def test_documents_address_and_buyer_type() -> None:
    # eForms BT-15 per lot (the notice takes the first) and BT-11.
    eforms = _one("notices", "eforms-real", "2024-OJS056-00163529.xml")
    assert eforms.documents_url == eforms.lots[0].documents_url == "https://cloud.3p.eu/Downloads/1/16006/B3/2024"
    assert eforms.buyer.legal_type == "pub-undert"
    assert _one("notices", "eforms-real", "2024-OJS065-00191536.xml").documents_url is None  # none given
    # TED XML URL_DOCUMENT (entities resolved as XML, not as a page) and CA_TYPE mapped onto buyer-legal-type.
    ted = _one("notices", "ted-xml", "20-295737-001-EXP.xml")
    assert ted.documents_url == "http://irl.eu-supply.com/app/rfq/rwlentrance_s.asp?PID=168696&B=ETENDERS_SIMPLE"
    assert ted.buyer.legal_type == "ra"  # REGIONAL_AUTHORITY
    assert _one("notices", "ted-xml", "008380-2021.xml").buyer.legal_type is None  # a utility: no CA_TYPE
    # OCDS: the bidding documents, else the first document with an address.
    tender = shared("ocds", "ocds-213czf-000-00001-02-tender.json")
    (record,) = parse_document(tender.read_bytes(), name=tender.name, source="ocds")
    assert record.documents_url == "http://example.com/tender-notices/ocds-213czf-000-00001-01.html"


def _archived(archive: str, member: str) -> NoticeRecord:
    with tarfile.open(shared("notices", "corpus", archive)) as package:
        extracted = package.extractfile(member)
        assert extracted is not None
        (record,) = parse_document(extracted.read(), name=member)
    return record


def test_a_placeholder_value_is_no_value() -> None:
    # Real notices whose buyer wrote 1.00 where the form asks for a value (eForms BT-27, TED XML VAL_TOTAL).
    eforms = _archived("eforms.tar.gz", "meaningfy-ws__eforms-mapping-artefacts/573091-2024.xml")
    ted_xml = _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/075718-2021.xml")
    assert eforms.estimated_value is None and ted_xml.estimated_value is None
    assert all(lot.estimated_value is None or lot.estimated_value.amount >= 100 for lot in eforms.lots)


def test_a_corrigendum_names_the_notice_it_corrects() -> None:
    # A real F14: its REF_NOTICE is "2020/S 224-549591", the contract notice it corrects.
    record = _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/026522-2021.xml")
    assert (record.notice_type, record.publication_number, record.refers_to) == ("corr", "26522-2021", "549591-2020")
    assert _one("notices", "ted-xml", "20-295737-001-EXP.xml").refers_to is None  # a call that follows no notice


def test_a_ted_notice_names_its_tenderned_publication() -> None:
    # A real Dutch eForms notice: its documents (BT-15) and submission (BT-18) are at TenderNed's page of the tender.
    record = _archived("eforms.tar.gz", "meaningfy-ws__eforms-mapping-artefacts/433026-2024.xml")
    assert record.tenderned_id == "343577"
    # Dutch TED XML notices link TenderNed by another key ("akid/<hash>"), no publication number: nothing is guessed.
    assert _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/026522-2021.xml").tenderned_id is None


def test_the_first_date_a_company_must_meet_is_the_deadline() -> None:
    # A real PIN used as a call (politie, NL): it closes for expressions of interest (BT-630), on 22 November 2023.
    pin = _one("notices", "eforms-real", "666487-2023.xml")
    assert pin.deadline == datetime(2023, 11, 22, 10, 0, tzinfo=UTC)
    # Expressions of interest close on 15 October, tenders on 25 October: the earlier date is the one to meet.
    both = _archived("eforms.tar.gz", "meaningfy-ws__eforms-mapping-artefacts/563067-2024.xml")
    assert both.deadline is not None and both.deadline.date() == date(2024, 10, 15)
    assert all(lot.deadline is not None for lot in both.lots)


def test_ted_xml_deadlines_are_the_buyers_local_time() -> None:
    # Wageningen writes "9:00" (one digit): nine in the morning in the Netherlands, not the end of the day.
    assert _one("notices", "ted-xml", "20-377805-001-EXP.xml").deadline == datetime(2020, 9, 18, 7, 0, tzinfo=UTC)
    # A Bulgarian buyer's 23:59 on 10 February is 21:59 UTC (Sofia is UTC+2 in winter), not Brussels time.
    sofia = _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/012932-2022.xml")
    assert sofia.buyer.country == "BG" and sofia.deadline == datetime(2022, 2, 10, 21, 59, tzinfo=UTC)


def test_ted_xml_results_are_typed_as_results() -> None:
    # A social-services concession award (F23, NOTICE TYPE="CONCESSION_AWARD_CONTRACT") and a public transport award
    # (MOVE form T02): offered as open calls before.
    award = _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/259787-2021.xml")
    assert award.notice_type == "can-social"
    assert _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/028012-2022.xml").notice_type == "can-tran"


def test_a_defence_form_keeps_its_coded_cpv_and_deadline() -> None:
    # An R2.0.8 defence contract notice (Romania, guarding): its CPV and deadline are in the coded data section.
    record = _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/008473-2021.xml")
    assert record.cpv_main == "79713000"
    assert record.deadline == datetime(2021, 2, 10, 13, 0, tzinfo=UTC)  # 15:00 in Bucharest


def test_the_buyer_is_named_in_the_notices_language() -> None:
    # A Dutch notice of the Belgian federal justice service, which gives its name in French and Dutch.
    assert _one("notices", "eforms-real", "2024-OJS198-00612681.xml").buyer.name == "FOD Justitie"


def test_work_anywhere_in_a_country_is_that_country() -> None:
    # A real Dutch notice performed "anywhere in the country" (Region anyw-cou, Country NLD): before, it had no place
    # and the buyer's seat (NL224) stood for it, so a company elsewhere in the Netherlands was "outside its region".
    record = _one("notices", "eforms-real", "2024-OJS065-00191536.xml")
    assert record.nuts == ["NL"] and all(lot.nuts == ["NL"] for lot in record.lots)


def test_every_contract_of_a_notice_is_read() -> None:
    # A real F01 of the European Commission announces seven contracts (OBJECT_CONTRACT each); only the first was read.
    record = _archived("ted-xml.tar.gz", "OP-TED__ted-rdf-mapping/158721-2021.xml")
    assert len(record.lots) == 12 and len({lot.lot_id for lot in record.lots}) == 12
    assert {"64200000", "79132000"} <= set(record.cpv_additional) and "NL321" in record.nuts
    assert record.estimated_value is not None and record.estimated_value.amount > 1.8e9


def test_an_ocds_lot_without_a_period_of_its_own_closes_with_the_tender() -> None:
    # Written here (no shared file has lots with and without their own period).
    lots = [{"id": "1", "tenderPeriod": {"endDate": "2026-12-10T12:00:00Z"}}, {"id": "2"}]
    release = {"ocid": "ocds-x-1", "id": "1", "date": "2026-12-01T00:00:00Z", "tag": ["tender"],
               "tender": {"title": "Groenonderhoud", "tenderPeriod": {"endDate": "2026-12-20T12:00:00Z"},
                          "lots": lots}}  # fmt: skip
    (record,) = parse_document(json.dumps({"releases": [release]}).encode(), name="release.json", source="ocds")
    assert [lot.deadline for lot in record.lots] == [datetime(2026, 12, 10, 12, tzinfo=UTC),
                                                     datetime(2026, 12, 20, 12, tzinfo=UTC)]  # fmt: skip
    assert record.deadline == datetime(2026, 12, 10, 12, tzinfo=UTC)  # the first to close, as listings show
    assert record.closes_at() == datetime(2026, 12, 20, 12, tzinfo=UTC)
