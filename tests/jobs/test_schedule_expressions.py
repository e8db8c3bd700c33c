"""Schedule expressions mean what they mean to cron: "1" is Monday, "0" and "7" are Sunday."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jobs.schedule import ScheduleError, trigger

ZONE = "Europe/Amsterdam"
SATURDAY_NOON = datetime(2026, 12, 5, 12, 0, tzinfo=ZoneInfo(ZONE))


@pytest.mark.parametrize(
    ("expression", "next_fire"),
    [
        ("0 7 * * 1", "Mon 2026-12-07 07:00"),  # the default digest schedule: Monday, as in crontab(5)
        ("0 7 * * 0", "Sun 2026-12-06 07:00"),
        ("0 7 * * 7", "Sun 2026-12-06 07:00"),
        ("30 5 * * 1-5", "Mon 2026-12-07 05:30"),
        ("0 13 * * 6,0", "Sat 2026-12-05 13:00"),
        ("0 7 * * mon-fri", "Mon 2026-12-07 07:00"),
        ("0 7 * * sun-sat", "Sun 2026-12-06 07:00"),
        ("0 7 * * tue-fri/2", "Tue 2026-12-08 07:00"),
        ("0 6 * * *", "Sun 2026-12-06 06:00"),
    ],
)
def test_days_of_the_week_count_as_in_cron(expression: str, next_fire: str) -> None:
    fire = trigger(expression, ZONE).get_next_fire_time(SATURDAY_NOON, SATURDAY_NOON)
    assert fire is not None and fire.strftime("%a %Y-%m-%d %H:%M") == next_fire


@pytest.mark.parametrize(
    "expression", ["0 7 * * mon-fri-x", "0 7 * *", "0 7 * * 8", "61 7 * * *", "0 7 * * */x", "0 7 * * fri-mon",
                   "0 7 * * */0", "0 7 * * *-5", "every 0m", "every 0s", "every 00h", "every 99999999999h",
                   "every 8785h"],
)  # fmt: skip
def test_a_wrong_expression_is_refused_by_name(expression: str) -> None:
    with pytest.raises(ScheduleError, match="schedule_digest"):
        trigger(expression, ZONE, setting="schedule_digest")
