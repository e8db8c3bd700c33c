"""Days to a deadline move every day: an incremental run a week later states them, and scores the time part, as a
full run on that day would. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

from jobs.match import match_companies
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.types import utcnow
from tests.dbutil import rows
from tests.factories import make_profile, make_record


def _snapshot(url: str) -> list[tuple[object, ...]]:
    found = rows(url, "SELECT n.notice_id, ROUND(CAST(m.score AS NUMERIC), 5), m.reasons "
                      "FROM match m JOIN notice n ON n.id = m.notice_pk ORDER BY 1")  # fmt: skip
    return [(notice, float(score), reasons if isinstance(reasons, list) else json.loads(reasons))
            for notice, score, reasons in found]  # fmt: skip


def test_a_run_a_week_later_restates_the_days_to_each_deadline(database_url: str) -> None:
    # Days are counted by the calendar: a fixed time of day keeps every deadline on the same date at any hour.
    now = utcnow().replace(hour=6, minute=0, second=0, microsecond=0)
    engine = get_engine(database_url)
    upgrade(engine)
    records = [make_record(notice_id=f"{n}-2026", publication_number=f"{n}-2026", procedure_id=f"p-{n}",
                           title=f"Groenonderhoud plantsoenen {n}", lots=[], publication_date=now.date(),
                           deadline=now + timedelta(days=12 + 2 * n, hours=12)) for n in range(5)]  # fmt: skip
    undated = make_record(notice_id="9-2026", publication_number="9-2026", procedure_id="p-9", lots=[],
                          title="Groenonderhoud zonder termijn", publication_date=now.date(),
                          deadline=None)  # fmt: skip
    with session_scope(engine) as session:
        repository.store_notices(session=session, items=[(r, None) for r in [*records, undated]])
        repository.upsert_company(session=session, profile=make_profile(regions=[], preparation_days=10,
                                                                        digest={"min_score": 0.2}))  # fmt: skip
    assert match_companies(engine=engine, as_of=now + timedelta(hours=1)).mode == "full"
    before = {notice: reasons for notice, _score, reasons in _snapshot(database_url)}
    assert any("Nog 12 dagen" in line for line in before["0-2026"])

    later = now + timedelta(days=8, hours=1)
    second = match_companies(engine=engine, as_of=later)
    assert second.mode == "incremental"
    assert second.notices_scored == 5  # the dated ones; the undated notice's match stands as it was
    incremental = _snapshot(database_url)
    reasons = {notice: lines for notice, _score, lines in incremental}
    assert any("Nog 4 dagen" in line and "krap" in line for line in reasons["0-2026"])
    assert any("Nog 12 dagen" in line and "krap" not in line for line in reasons["4-2026"])
    assert match_companies(engine=engine, as_of=later, full=True).mode == "full"
    assert incremental == _snapshot(database_url)  # what a full run on that day stores, scores included
    engine.dispose()


def test_a_run_for_one_company_leaves_the_others_lists_alone(database_url: str) -> None:
    now = utcnow()
    engine = get_engine(database_url)
    upgrade(engine)
    records = [make_record(notice_id=f"{n}-2026", publication_number=f"{n}-2026", procedure_id=f"p-{n}", lots=[],
                           title=title, description=title, cpv_main=cpv, publication_date=now.date(),
                           deadline=now + timedelta(days=20 + n))
               for n, (title, cpv) in enumerate([("Groenonderhoud parken", "77310000"),
                                                 ("Schoonmaak scholen", "90911200")])]  # fmt: skip
    with session_scope(engine) as session:
        repository.store_notices(session=session, items=[(r, None) for r in records])
        for company, cpv, work in (("groen", "7731", "Groenonderhoud van parken"),
                                   ("schoon", "9091", "Schoonmaak van scholen")):  # fmt: skip
            profile = make_profile(id=company, cpv=[cpv], regions=[], description=work, digest={"min_score": 0.5})
            repository.upsert_company(session=session, profile=profile)
    match_companies(engine=engine, as_of=now + timedelta(hours=1))
    before = rows(database_url, "SELECT company_id, notice_pk FROM match ORDER BY 1, 2")
    assert len(before) == 2 and {company for company, _pk in before} == {"groen", "schoon"}  # each its own trade
    match_companies(engine=engine, as_of=now + timedelta(days=2), company_id="groen")
    match_companies(engine=engine, as_of=now + timedelta(days=3))
    assert rows(database_url, "SELECT company_id, notice_pk FROM match ORDER BY 1, 2") == before
    engine.dispose()
