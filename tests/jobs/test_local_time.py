"""Local time: weeks, digest days and shown times where people live (Europe/Amsterdam unless configured).

The earlier version labelled digests made at Monday 00:30 in Amsterdam with the week before (UTC still said
Sunday) and showed a deadline of 12:00+01:00 as "11:00" without a zone.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner
from pydantic import ValidationError

from crawler.parsers import parse_document
from jobs.cli import cli
from jobs.clock import as_of_moment, local_week, show
from jobs.pipeline import digest_due
from jobs.settings import load_settings
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.records import NoticeRecord
from tests.factories import make_profile, make_record

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 7 December 2026, 00:30 in Amsterdam: still Sunday 6 December (week 49) in UTC.
MONDAY_0030 = datetime(2026, 12, 7, 0, 30, tzinfo=AMSTERDAM)


def _prepare(url: str, deadline: datetime) -> None:
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=["NL32"]))
        repository.upsert_notice(session=session, record=make_record(deadline=deadline))
    engine.dispose()


def test_a_digest_made_at_monday_0030_in_amsterdam_belongs_to_mondays_week(database_url: str, tmp_path: Path) -> None:
    assert MONDAY_0030.astimezone(UTC).isocalendar()[1] == 49  # UTC: still last week
    deadline = datetime(2026, 12, 17, 11, 0, tzinfo=UTC)  # 12:00 in Amsterdam
    _prepare(database_url, deadline)
    env = {"KANSENRADAR_OUTBOX": str(tmp_path / "outbox")}
    with time_machine.travel(MONDAY_0030, tick=False):
        assert CliRunner().invoke(cli, ["--database-url", database_url, "match"]).exit_code == 0
        result = CliRunner().invoke(cli, ["--database-url", database_url, "digest"], env=env)
    assert result.exit_code == 0, result.output
    assert "Digests 2026-W50:" in result.stdout
    eml = tmp_path / "outbox" / "2026-W50" / "groen-noord.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "1 kans in week 50 voor Groen Noord"
    assert message["Date"].endswith("+0100")  # written in local time, with its offset
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "do 17 dec 2026 12:00 (CET)" in text and "11:00" not in text


def test_digest_day_is_the_local_weekday(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    settings = load_settings(digest_weekday=1)
    assert MONDAY_0030.astimezone(UTC).isoweekday() == 7  # Sunday in UTC
    assert local_week(MONDAY_0030, settings.zone) == "2026-W50"
    assert digest_due(engine, settings, MONDAY_0030)  # Monday here: digest day
    sunday = load_settings(digest_weekday=7)
    assert not digest_due(engine, sunday, MONDAY_0030)  # Sunday in UTC, but a new Monday here: not due
    engine.dispose()


def test_times_are_shown_in_the_zone_of_their_season() -> None:
    assert show(datetime(2026, 12, 10, 11, 0, tzinfo=UTC), AMSTERDAM) == "10-12-2026 12:00 CET"
    assert show(datetime(2027, 7, 1, 10, 0, tzinfo=UTC), AMSTERDAM) == "01-07-2027 12:00 CEST"
    # The night the clocks go forward (28 March 2027): 01:59 UTC is 03:59 summer time.
    assert show(datetime(2027, 3, 28, 1, 59, tzinfo=UTC), AMSTERDAM) == "28-03-2027 03:59 CEST"
    assert show(datetime(2027, 3, 28, 0, 59, tzinfo=UTC), AMSTERDAM) == "28-03-2027 01:59 CET"


def test_as_of_dates_are_local_noon_across_a_dst_change() -> None:
    before, after = as_of_moment(date(2027, 3, 27), AMSTERDAM), as_of_moment(date(2027, 3, 28), AMSTERDAM)
    assert before.astimezone(UTC).hour == 11 and after.astimezone(UTC).hour == 10
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=23)


def test_match_as_of_is_a_local_date(database_url: str) -> None:
    # A deadline at 11:30 local time on the as-of day: open at local noon? No, closed: 11:30 < 12:00.
    _prepare(database_url, datetime(2026, 12, 10, 11, 30, tzinfo=AMSTERDAM))
    args = ["--database-url", database_url, "match", "--as-of", "2026-12-10", "--format", "jsonl"]
    assert CliRunner().invoke(cli, args).stdout == ""
    earlier = CliRunner().invoke(cli, [*args[:-4], "--as-of", "2026-12-09", "--format", "jsonl"])
    assert earlier.stdout.strip()


def test_a_naive_datetime_is_refused_at_the_record_boundary_with_its_field() -> None:
    with pytest.raises(ValidationError) as error:
        make_record(lots=[{"lot_id": "LOT-1", "deadline": datetime(2026, 12, 10, 12, 0)}])
    assert error.value.errors()[0]["loc"] == ("lots", 0, "deadline")
    assert error.value.errors()[0]["type"] == "timezone_aware"
    with pytest.raises(ValidationError, match="deadline"):
        NoticeRecord.model_validate({**make_record().model_dump(), "deadline": "2026-12-10T12:00:00"})


def test_tenderned_closing_times_without_offset_are_dutch_time() -> None:
    body = b'{"publicatieId": 9, "aanbestedingNaam": "x", "sluitingsDatum": "2027-07-01T12:00:00"}'
    (record,) = parse_document(body, name="t.json")
    assert record.deadline == datetime(2027, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 CEST
