"""Repository behaviour on real databases: upserts, versions, deliveries, rollback, job runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage import repository
from storage.db import session_scope
from storage.models import ClauseFinding, Delivery, JobRun, Notice
from storage.repository import Outcome
from tests.factories import make_profile, make_record


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_same_notice_twice_is_one_row(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert repository.upsert_notice(session=session, record=make_record()) is Outcome.NEW
    with session_scope(engine) as session:
        assert repository.upsert_notice(session=session, record=make_record()) is Outcome.UNCHANGED
    assert _count(engine, Notice) == 1


def test_raw_hash_decides_when_given(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(), content_hash="a" * 64)
    with session_scope(engine) as session:
        outcome = repository.upsert_notice(session=session, record=make_record(), content_hash="a" * 64)
    assert outcome is Outcome.UNCHANGED


def test_new_version_updates_the_row_and_its_record(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record())
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None and stored.id is not None
        session.add(
            ClauseFinding(
                notice_pk=stored.id,
                label="social_return",
                evidence="Social return: 5%",
                field="description",
                origin="text",
                detector_version="1",
            )
        )
    newer = make_record(
        version="02", title="Groenonderhoud Noord (gewijzigd)", lots=[{"lot_id": "LOT-0001", "title": "Heel Noord"}]
    )
    with session_scope(engine) as session:
        assert repository.upsert_notice(session=session, record=newer) is Outcome.UPDATED
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None and stored.id is not None
        assert (stored.version, stored.title) == ("02", "Groenonderhoud Noord (gewijzigd)")
        assert [lot["title"] for lot in stored.record["lots"]] == ["Heel Noord"]
        assert repository.to_record(stored) == newer
    assert _count(engine, Notice) == 1
    # Findings made from the old text are dropped so the notice gets analysed again.
    assert _count(engine, ClauseFinding) == 0


def test_older_version_does_not_overwrite_newer(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(version="03", title="Derde versie"))
    with session_scope(engine) as session:
        outcome = repository.upsert_notice(session=session, record=make_record(version="02", title="Tweede"))
    assert outcome is Outcome.STALE
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None and stored.title == "Derde versie"


def test_same_id_from_other_source_is_another_notice(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record())
        repository.upsert_notice(session=session, record=make_record(source="file"))
    assert _count(engine, Notice) == 2


def test_deadline_comes_back_timezone_aware(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record())
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None
        assert stored.deadline == datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
        assert stored.deadline.tzinfo is not None


def test_list_notices_since_filters_and_orders(engine: Engine) -> None:
    with session_scope(engine) as session:
        for number, day in (("1-2026", 1), ("2-2026", 20), ("3-2026", 10)):
            record = make_record(notice_id=number, publication_date=f"2026-11-{day:02d}")
            repository.upsert_notice(session=session, record=record)
    with session_scope(engine) as session:
        ids = [n.notice_id for n in repository.list_notices(session=session, since=datetime(2026, 11, 5).date())]
    assert ids == ["2-2026", "3-2026"]


def test_rollback_leaves_nothing_half_written(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(notice_id="1-2026"))
        repository.upsert_notice(session=session, record=make_record(notice_id="2-2026"))
        repository.upsert_company(session=session, profile=make_profile())
        raise RuntimeError("crawl interrupted")
    assert _count(engine, Notice) == 0


def test_failed_statement_rolls_back_the_whole_unit(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile())
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record())
        repository.add_delivery(session=session, company_id="groen-noord", iso_week="2026-W48")
        repository.add_delivery(session=session, company_id="groen-noord", iso_week="2026-W48")
    assert _count(engine, Notice) == 0
    assert _count(engine, Delivery) == 0


def test_database_enforces_one_delivery_per_company_and_week(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile())
        repository.add_delivery(session=session, company_id="groen-noord", iso_week="2026-W48")
    # Bypass the ORM: the constraint lives in the schema, not in Python.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO delivery (company_id, iso_week, status, attempts, created_at) "
                "VALUES ('groen-noord', '2026-W48', 'pending', 0, CURRENT_TIMESTAMP)"
            )
        )
    with session_scope(engine) as session:
        repository.add_delivery(session=session, company_id="groen-noord", iso_week="2026-W49")
        found = repository.get_delivery(session=session, company_id="groen-noord", iso_week="2026-W48")
        assert found is not None and found.status == "pending"
    assert _count(engine, Delivery) == 2


def test_delivery_needs_an_existing_company(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        repository.add_delivery(session=session, company_id="nobody", iso_week="2026-W48")


def test_company_upsert_by_id(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert repository.upsert_company(session=session, profile=make_profile()) is Outcome.NEW
        assert repository.upsert_company(session=session, profile=make_profile()) is Outcome.UNCHANGED
    with session_scope(engine) as session:
        changed = make_profile(name="Groen Noord BV", certifications=["VCA"])
        assert repository.upsert_company(session=session, profile=changed) is Outcome.UPDATED
    with session_scope(engine) as session:
        (company,) = repository.list_companies(session=session)
        assert repository.to_profile(company) == make_profile(name="Groen Noord BV", certifications=["VCA"])


def test_last_successful_run(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = repository.start_job_run(session=session, name="crawl:ted")
        repository.finish_job_run(
            session=session, run=first, status="success", counts={"new": 3}, watermark="2026-11-20"
        )
        second = repository.start_job_run(session=session, name="crawl:ted")
        repository.finish_job_run(session=session, run=second, status="failed", error="HTTP 503")
        repository.start_job_run(session=session, name="crawl:ocds")
    with session_scope(engine) as session:
        last = repository.last_successful_run(session=session, name="crawl:ted")
        assert last is not None
        assert (last.watermark, last.counts) == ("2026-11-20", {"new": 3})
        assert repository.last_successful_run(session=session, name="crawl:ocds") is None
        runs = repository.job_runs(session=session)
        assert [r.name for r in runs] == ["crawl:ocds", "crawl:ted", "crawl:ted"]
        assert session.exec(select(JobRun).where(JobRun.status == "running")).one().finished_at is None


def test_change_notice_supersedes_the_earlier_notice_of_its_procedure(engine: Engine) -> None:
    original = make_record(notice_id="100-2026", publication_date="2026-11-02")
    change = make_record(notice_id="200-2026", publication_date="2026-11-09", title="Gewijzigd")
    other = make_record(notice_id="300-2026", procedure_id="another-procedure")
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=original)
        repository.upsert_notice(session=session, record=other)
    with session_scope(engine) as session:
        assert [n.notice_id for n in repository.list_notices(session=session, current_only=True)] == [
            "300-2026",
            "100-2026",
        ]
        repository.upsert_notice(session=session, record=change)
    with session_scope(engine) as session:
        current = repository.list_notices(session=session, current_only=True)
        assert sorted(n.notice_id for n in current) == ["200-2026", "300-2026"]
        old = repository.get_notice(session=session, source="ted", notice_id="100-2026")
        new = repository.get_notice(session=session, source="ted", notice_id="200-2026")
        assert old is not None and new is not None and old.superseded_by == new.id
        assert len(repository.list_notices(session=session)) == 3


def test_ted_xml_reference_numbers_do_not_link_notices(engine: Engine) -> None:
    first = make_record(notice_id="1-2021", format="ted-xml", procedure_id="2021/01", version=None)
    second = make_record(notice_id="2-2021", format="ted-xml", procedure_id="2021/01", version=None)
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=first)
        repository.upsert_notice(session=session, record=second)
        assert len(repository.list_notices(session=session, current_only=True)) == 2
