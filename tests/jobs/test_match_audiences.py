"""Whom the work is for, through the run that users start (``match``): the tenders' text is dropped before
scoring there, so whom a notice names must be read before. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

import jobs.models
from jobs.match import match_companies
from jobs.models import scoring_fingerprint
from matcher.rules.audiences import AUDIENCE_PHRASES
from matcher.tenders import tenders_from_record
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.types import utcnow
from tests.factories import make_profile, make_record

SAME = "Zelfde werkveld"


def test_a_re_integration_company_fits_work_for_jobseekers_and_its_lots(database_url: str) -> None:
    now = utcnow()
    engine = get_engine(database_url)
    upgrade(engine)
    deadline = now + timedelta(days=30)
    for_jobseekers = make_record(notice_id="1-2026", publication_number="1-2026", procedure_id="p-1", lots=[],
                                 title="Re-integratietrajecten", cpv_main="80530000", cpv_additional=[],
                                 description="Begeleiding van werkzoekenden en bijstandsgerechtigden naar werk.",
                                 publication_date=now.date(), deadline=deadline)  # fmt: skip
    # Only the notice's description names jobseekers; its lots (each within the company's capacity) share it.
    lots = [{"lot_id": f"LOT-000{n}", "title": f"Perceel {n}", "cpv_main": "80530000",
             "estimated_value": {"amount": 300_000.0, "currency": "EUR"}} for n in (1, 2)]  # fmt: skip
    in_lots = make_record(notice_id="2-2026", publication_number="2-2026", procedure_id="p-2", lots=lots,
                          title="Trajecten naar werk", cpv_main="80530000", cpv_additional=[],
                          description="Dienstverlening voor werkzoekenden met een uitkering, in twee regio's.",
                          estimated_value={"amount": 1_200_000.0, "currency": "EUR"},
                          publication_date=now.date(), deadline=deadline)  # fmt: skip
    for_anyone = make_record(notice_id="3-2026", publication_number="3-2026", procedure_id="p-3", lots=[],
                             title="Cursussen zakelijk schrijven", cpv_main="80530000", cpv_additional=[],
                             description="Schrijftrainingen voor beleidsmedewerkers van de gemeente.",
                             publication_date=now.date(), deadline=deadline)  # fmt: skip
    werk = make_profile(id="werk", cpv=["80530000"], capacity={"max_contract_value": 400_000}, regions=["NL"],
                        description="Wij helpen werkzoekenden uit de buurt weer aan het werk.")  # fmt: skip
    with session_scope(engine) as session:
        repository.store_notices(session=session, items=[(r, None) for r in (for_jobseekers, in_lots, for_anyone)])
        repository.upsert_company(session=session, profile=werk)
    match_companies(engine=engine, as_of=now + timedelta(hours=1))
    with session_scope(engine) as session:
        found = {n.notice_id: match for match, n in repository.matches_of(session=session, company_id="werk")}
    assert found["1-2026"].parts["cpv"] == 1.0 and not found["1-2026"].reasons[0].startswith(SAME)
    assert found["2-2026"].lots and found["2-2026"].parts["cpv"] == 1.0  # a lot, named by its notice
    # Writing courses for civil servants are related work at most: below the company's threshold, not offered.
    assert "3-2026" not in found
    engine.dispose()


def test_a_lot_is_named_by_its_own_and_its_notices_words_not_its_siblings() -> None:
    lots = [{"lot_id": "LOT-1", "title": "Detachering van werkzoekenden bij werkgevers", "cpv_main": "79620000"},
            {"lot_id": "LOT-2", "title": "Inhuur van tijdelijk personeel voor de afvalverwerking",
             "cpv_main": "79620000"}]  # fmt: skip
    record = make_record(lots=lots, title="Personeelsdiensten", description="Twee percelen.", cpv_main="79620000",
                         cpv_additional=[])  # fmt: skip
    whole, first, second = tenders_from_record(record, {})
    assert whole.audiences == first.audiences == {"jobseekers"} and second.audiences == frozenset()
    told = make_record(lots=lots, title="Personeelsdiensten", description="Voor werkzoekenden uit de regio.")
    assert all(t.audiences == {"jobseekers"} for t in tenders_from_record(told, {}))  # the notice's words hold


def test_a_changed_audience_word_changes_the_scoring_fingerprint(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    before = scoring_fingerprint(engine, None)
    monkeypatch.setitem(AUDIENCE_PHRASES, "jobseekers", (*AUDIENCE_PHRASES["jobseekers"], "naar de arbeidsmarkt"))
    assert scoring_fingerprint(engine, None) != before
    engine.dispose()


def test_a_changed_way_of_reading_descriptions_changes_the_scoring_fingerprint(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new fingerprint is what makes `match` read stored companies' descriptions again (``read_again``).
    engine = get_engine(database_url)
    upgrade(engine)
    before = scoring_fingerprint(engine, None)
    monkeypatch.setattr(jobs.models, "WORKFORCE_PHRASES", (*jobs.models.WORKFORCE_PHRASES, "buurtcoöperatie"))
    after_phrase = scoring_fingerprint(engine, None)
    monkeypatch.setattr(jobs.models, "REJOINED", re.compile(r"\b(re|her)-(?=integr)", re.IGNORECASE))
    after_pattern = scoring_fingerprint(engine, None)
    how = {**jobs.models.HOW_NOT_WHAT, "nl": jobs.models.HOW_NOT_WHAT["nl"] | {"opknappen"}}
    monkeypatch.setattr(jobs.models, "HOW_NOT_WHAT", how)
    assert len({before, after_phrase, after_pattern, scoring_fingerprint(engine, None)}) == 4
    engine.dispose()
