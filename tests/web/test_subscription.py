"""Unsubscribing in storage: idempotent, kept through imports, listed, and undone only by an operator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from jobs.cli import cli
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.factories import make_profile


def test_unsubscribe_keeps_the_first_time_and_resubscribe_undoes_it(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    first = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        for company_id in ("a-company", "b-company"):
            repository.upsert_company(session=session, profile=make_profile(id=company_id))
        assert repository.unsubscribe(session=session, company_id="nobody") is None
        assert repository.unsubscribe(session=session, company_id="a-company", at=first) is not None
    with session_scope(engine) as session:
        company = repository.unsubscribe(session=session, company_id="a-company", at=first + timedelta(days=1))
        assert company is not None and company.unsubscribed_at == first
        assert repository.is_unsubscribed(session=session, company_id="a-company")
        assert not repository.is_unsubscribed(session=session, company_id="b-company")
        assert not repository.is_unsubscribed(session=session, company_id="nobody")
        assert repository.subscribed(session=session) == ["b-company"]
        assert repository.subscribed(session=session, company_ids=["a-company"]) == []
        repository.upsert_company(session=session, profile=make_profile(id="a-company", name="Renamed"))
    engine.dispose()

    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--database-url", database_url, *args])
        return result.exit_code, result.output

    listed = {
        row["id"]: row for row in map(json.loads, invoke("companies", "list", "--format", "jsonl")[1].splitlines())
    }
    assert listed["a-company"]["name"] == "Renamed"
    assert listed["a-company"]["unsubscribed_at"] == "2026-12-01T09:00:00+00:00"
    table = invoke("companies", "list")[1].splitlines()
    assert table[0].endswith("unsubscribed") and table[2].endswith("2026-12-01")
    assert invoke("companies", "unsubscribe", "b-company") == (0, "b-company gets no digests any more.\n")
    assert invoke("companies", "unsubscribe", "nobody")[0] == 2
    assert invoke("companies", "resubscribe", "b-company") == (0, "b-company gets digests again.\n")
    assert invoke("companies", "resubscribe", "a-company") == (0, "a-company gets digests again.\n")
    # Said as it is when nothing changes (the first unsubscribe time is kept).
    assert invoke("companies", "resubscribe", "a-company") == (0, "a-company already gets digests.\n")
    assert invoke("companies", "unsubscribe", "b-company") == (0, "b-company gets no digests any more.\n")
    assert invoke("companies", "unsubscribe", "b-company") == (0, "b-company was already unsubscribed.\n")
    assert invoke("companies", "resubscribe", "b-company") == (0, "b-company gets digests again.\n")
    code, output = invoke("companies", "resubscribe", "nobody")
    assert code == 2 and "no company with id 'nobody'" in output
    listed = {
        row["id"]: row for row in map(json.loads, invoke("companies", "list", "--format", "jsonl")[1].splitlines())
    }
    assert listed["a-company"]["unsubscribed_at"] is None
