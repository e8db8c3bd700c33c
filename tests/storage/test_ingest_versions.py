"""Version order: what ``store_notices`` reports, the row it writes and the findings it drops agree."""

from __future__ import annotations

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import repository
from storage.db import session_scope
from storage.models import ClauseFinding, Notice
from storage.repository import Outcome
from storage.repository.ingest import _link_procedures, _version_order, _write
from storage.repository.notices import version_key
from storage.rows import NoticeRow
from tests.factories import make_record


def _add_finding(engine: Engine) -> None:
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None and stored.id is not None
        session.add(
            ClauseFinding(
                notice_pk=stored.id, label="social_return", evidence="Social return: 5%", field="description",
                origin="text", detector_version="1",
            )
        )  # fmt: skip
        stored.clauses_version = "1"
        session.add(stored)


def _findings(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(ClauseFinding)).one()


def test_version_10_replaces_version_9(engine: Engine) -> None:
    # Text order puts "10" before "9"; version_key (and so the report) puts it after.
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(version="9", title="Negen"))
    _add_finding(engine)
    with session_scope(engine) as session:
        assert repository.upsert_notice(session=session, record=make_record(version="10", title="Tien")) is (
            Outcome.UPDATED
        )
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None
        assert (stored.version, stored.title, stored.clauses_version) == ("10", "Tien", None)
    assert _findings(engine) == 0


def test_refused_update_keeps_its_findings(engine: Engine) -> None:
    # An update the upsert's WHERE turns down (here an older version, as a concurrent writer's newer one would make
    # it) neither drops the findings of the row it did not change nor is reported as an update.
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(version="3", title="Drie"))
    _add_finding(engine)
    older = make_record(version="2", title="Twee")
    with session_scope(engine) as session:
        refused = _write(session, [NoticeRow.of(older)], [Outcome.UPDATED])
    assert refused == {("ted", "123456-2026"): Outcome.STALE}
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None and (stored.version, stored.clauses_version) == ("3", "1")
    assert _findings(engine) == 1


# Numbers (with leading zeros, beyond 64 bits), other text (OCDS release dates), and the empty string.
VERSIONS = [None, "", "0", "00", "1", "01", "2", "9", "10", "010", "99", "100", "1000000000000000000000000",
            "abc", "Abc", "a", "2024-01-15T10:00:00Z", "2024-01-15T10:00:00.5+01:00", "2024-01-15", "v2", "é",
            "z"]  # fmt: skip


def test_sql_version_order_is_version_key(engine: Engine) -> None:
    with session_scope(engine) as session:
        for number, version in enumerate(VERSIONS):
            repository.upsert_notice(session=session, record=make_record(notice_id=f"n{number}", version=version))
        dialect = session.get_bind().dialect.name
        order = ", ".join(_version_order("version", dialect))
        rows = session.execute(text(f"SELECT version FROM notice ORDER BY {order}, notice_id")).all()
    got = [version_key(version) for (version,) in rows]
    assert got == sorted(version_key(version) for version in VERSIONS)


def test_newest_of_a_procedure_is_the_highest_version(engine: Engine) -> None:
    with session_scope(engine) as session:
        for version in ("9", "10"):
            repository.upsert_notice(session=session, record=make_record(notice_id=f"n-{version}", version=version))
        _link_procedures(session, {("ted", make_record().procedure_id or "")})
    with session_scope(engine) as session:
        rows = {n.notice_id: n for n in session.exec(select(Notice)).all()}
        assert rows["n-10"].superseded_by is None
        assert rows["n-9"].superseded_by == rows["n-10"].id


@pytest.mark.parametrize("newer", ["10", "100"])
def test_stored_newer_version_is_stale_not_updated(engine: Engine, newer: str) -> None:
    with session_scope(engine) as session:
        repository.upsert_notice(session=session, record=make_record(version=newer, title="Nieuw"))
    with session_scope(engine) as session:
        assert repository.upsert_notice(session=session, record=make_record(version="9", title="Oud")) is (
            Outcome.STALE
        )
    with session_scope(engine) as session:
        stored = repository.get_notice(session=session, source="ted", notice_id="123456-2026")
        assert stored is not None and stored.title == "Nieuw"
