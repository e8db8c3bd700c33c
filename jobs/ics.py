"""The calendar attachment of a digest: each tender's deadline as an event, with a reminder when work must start.

One VEVENT per tender with a deadline. Its UID names the company and the notice, so next week's digest updates
the same event in a calendar instead of adding another; the reminder fires the company's preparation days
before the deadline (``preparation_days`` of its profile), or later where that moment has passed (``reminder``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from jobs.language import catalog

PRODID = "-//Kansenradar//Weekly digest//NL"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Deadline:
    """One tender's deadline as the calendar needs it."""

    source: str
    notice_id: str
    title: str
    deadline: datetime
    buyer: str = ""
    url: str | None = None


def event_uid(company_id: str, source: str, notice_id: str, domain: str) -> str:
    """Return the stable UID of a company's event for a notice.

    >>> event_uid("groen-noord", "ocds", "ocds-213czf-000/1", "kansen.example")
    'kansenradar.groen-noord.ocds.ocds-213czf-000-1@kansen.example'
    """
    parts = (UNSAFE.sub("-", part) for part in (company_id, source, notice_id))
    return f"kansenradar.{'.'.join(parts)}@{domain}"


def reminder(deadline: datetime, preparation_days: int, now: datetime) -> timedelta:
    """Return when, before ``deadline``, its reminder fires: ``preparation_days`` ahead (two hours for 0), or where
    that moment has passed (a tender found late) a day ahead, else two hours, else at the deadline: a reminder in
    the past never fires. Next week's digest updates the event, so a tender still listed then is reminded again,
    a day ahead: a last call.

    >>> now = datetime(2026, 12, 4, 9, tzinfo=UTC)
    >>> [reminder(now + timedelta(days=d), 10, now).total_seconds() / 3600 for d in (14, 9, 0.5, 0.05)]
    [-240.0, -24.0, -2.0, 0.0]
    >>> [reminder(now + timedelta(days=d), 0, now).total_seconds() / 3600 for d in (14, 0.05)]
    [-2.0, 0.0]
    """
    wanted = timedelta(days=preparation_days) if preparation_days else timedelta(hours=2)
    for ahead in (wanted, timedelta(days=1), timedelta(hours=2)):
        if ahead <= wanted and deadline - ahead > now:
            return -ahead
    return timedelta(0)


def deadlines_calendar(*, company_id: str, deadlines: Sequence[Deadline], preparation_days: int, domain: str,
                       lang: str, now: datetime) -> bytes:  # fmt: skip
    """Return an iCalendar file (RFC 5545) with one event per deadline and a reminder ``preparation_days`` ahead."""
    _ = catalog(lang).gettext
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Kansenradar deadlines"))
    for item in deadlines:
        event = Event()
        event.add("uid", event_uid(company_id, item.source, item.notice_id, domain))
        event.add("dtstamp", now.astimezone(UTC))
        # A deadline is a moment: the event starts and ends there (no DTEND), stored in UTC so every client agrees.
        event.add("dtstart", item.deadline.astimezone(UTC))
        event.add("summary", _("Deadline: %(title)s") % {"title": item.title})
        event.add("description", "\n".join(part for part in (item.buyer, item.url) if part))
        if item.url:
            event.add("url", item.url)
        # Free time: the deadline marks a moment, it does not block the day.
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Start preparing: %(title)s") % {"title": item.title})
        alarm.add("trigger", reminder(item.deadline, preparation_days, now))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
