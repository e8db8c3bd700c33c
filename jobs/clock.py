"""Local time: one configured zone for ISO weeks, digest days, dates typed on the command line and times shown.

Storage keeps UTC; people live in ``KANSENRADAR_TIMEZONE`` (default Europe/Amsterdam). A digest made at Monday
00:30 in Amsterdam belongs to that Monday's week, although it is still Sunday in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo


def now_in(zone: tzinfo) -> datetime:
    """Return the current time as an aware datetime in ``zone``."""
    return datetime.now(UTC).astimezone(zone)


def iso_week(day: date) -> str:
    """Return the ISO week of a date as ``2026-W48``.

    >>> iso_week(date(2027, 1, 1))
    '2026-W53'
    """
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """Return the Monday of an ISO week written ``YYYY-Www``, or raise ``ValueError``."""
    try:
        year, number = week.split("-W")
        return date.fromisocalendar(int(year), int(number), 1)
    except (ValueError, TypeError):
        raise ValueError(f"{week!r} is not an ISO week such as 2026-W48") from None


def local_week(moment: datetime, zone: tzinfo) -> str:
    """Return the ISO week a moment falls in where people live."""
    return iso_week(moment.astimezone(zone).date())


def as_of_moment(day: date, zone: tzinfo) -> datetime:
    """Return the moment an ``--as-of DATE`` stands for: noon of that day where people live."""
    return datetime.combine(day, time(12, 0), tzinfo=zone)


def show_day(day: date | None) -> str:
    """Return a date as ``show`` writes one ("10-12-2026"), so that a table's dates read alike.

    >>> show_day(date(2026, 12, 10)), show_day(None)
    ('10-12-2026', '')
    """
    return day.strftime("%d-%m-%Y") if day is not None else ""


def show(moment: datetime | None, zone: tzinfo, *, with_date: bool = True) -> str:
    """Return a moment as people read it here: local date and time with the zone ("10-12-2026 12:00 CET").

    >>> from zoneinfo import ZoneInfo
    >>> show(datetime(2026, 12, 10, 11, 0, tzinfo=UTC), ZoneInfo("Europe/Amsterdam"))
    '10-12-2026 12:00 CET'
    """
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return local.strftime("%d-%m-%Y %H:%M %Z" if with_date else "%H:%M %Z")
