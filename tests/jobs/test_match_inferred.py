"""A company that gave no CPV codes is read by the model that scores it: codes inferred at import under another
model (or by older code) are read again when every score is. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from jobs.match import match_companies
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import Company
from storage.types import utcnow
from tests.factories import make_profile, make_record


def test_codes_inferred_under_another_model_are_read_again(database_url: str) -> None:
    now = utcnow()
    engine = get_engine(database_url)
    upgrade(engine)
    record = make_record(notice_id="1-2026", publication_number="1-2026", procedure_id="p-1", lots=[],
                         title="Groenonderhoud plantsoenen", cpv_main="77310000", publication_date=now.date(),
                         deadline=now + timedelta(days=30))  # fmt: skip
    words = make_profile(id="groen-woorden", cpv=[], description="Wij maaien gras, snoeien hagen en wieden onkruid.")
    coded = make_profile(id="groen-codes", cpv=["7731"])
    with session_scope(engine) as session:
        repository.store_notices(session=session, items=[(record, None)])
        for profile in (words, coded):
            repository.upsert_company(session=session, profile=profile)
        # As if imported when another model (or older code) read the description as cleaning.
        repository.set_inferred_cpv(session=session, company_id="groen-woorden", codes=[("909", 1.0)])

    first = match_companies(engine=engine, as_of=now + timedelta(hours=1))
    assert first.mode == "full"
    with session_scope(engine) as session:
        read = session.get(Company, "groen-woorden")
        assert read is not None and read.cpv_inferred and read.cpv_inferred[0][0].startswith("773")
        assert all(not code.startswith("909") for code, _sure in read.cpv_inferred)
        assert session.get(Company, "groen-codes").cpv_inferred == []  # codes the company gave are not read over
        matched = repository.matches_of(session=session, company_id="groen-woorden")
        assert [notice.notice_id for _match, notice in matched] == ["1-2026"]
    # The run dated the change to its own start: the next run has nothing new to look at for that company.
    second = match_companies(engine=engine, as_of=now + timedelta(hours=2))
    assert second.mode == "incremental" and second.notices_scored == 1  # the dated notice, as every day
    engine.dispose()
