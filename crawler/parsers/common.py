"""Helpers shared by the parsers: dates, deadlines, numbers, publication numbers, de-duplication."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

# TED XML gives local times without an offset; TED's own pages show them as Brussels time.
BRUSSELS = ZoneInfo("Europe/Brussels")
_OFFSET_RE = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def unique(values: Iterable[str | None]) -> list[str]:
    """Return the non-empty values once each, in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def social_union(holders: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Return the record's ``social`` field: the union of the lots' social codes ("none"/"no" already left out)."""
    holders = list(holders)
    return {
        "reserved_participation": unique(c for h in holders for c in h.get("reserved_participation") or []),
        "reserved_execution": ["yes"] if any(h.get("reserved_execution") == "yes" for h in holders) else [],
        "strategic_procurement": unique(c for h in holders for c in h.get("strategic_procurement") or []),
        "social_objective": unique(c for h in holders for c in h.get("social_objective") or []),
    }


def publication_number(value: str | None) -> str | None:
    """Return a TED publication number without leading zeros: "00127505-2024" -> "127505-2024"."""
    if not value:
        return None
    number, _, year = value.strip().partition("-")
    if not number.isdigit() or not year.isdigit():
        return value.strip()
    return f"{int(number)}-{year}"


def ojs_number(value: str | None) -> str | None:
    """Return an Official Journal reference as a publication number: "2020/S 224-549591" -> "549591-2020"."""
    match = re.fullmatch(r"\s*(\d{4})\s*/\s*S\s*\d+\s*-\s*(\d+)\s*", value or "")
    return f"{int(match.group(2))}-{match.group(1)}" if match else None


# The page of a tender on TenderNed, the Dutch platform: "https://www.tenderned.nl/aankondigingen/overzicht/343577".
_TENDERNED_PAGE = re.compile(r"tenderned\.nl/aankondigingen/overzicht/(\d{1,16})(?!\d)", re.IGNORECASE)


def tenderned_id(addresses: Iterable[str | None]) -> str | None:
    """Return the TenderNed publication a notice's addresses (documents, submission) lead to, if any.

    Dutch buyers publish on TenderNed, which sends notices above the EU thresholds on to TED; the TED notice then
    links to the tender's TenderNed page, whose number is the publication's ``publicatieId``.

    >>> tenderned_id([None, "https://www.tenderned.nl/aankondigingen/overzicht/343577/details"])
    '343577'
    """
    for address in addresses:
        match = _TENDERNED_PAGE.search(address or "")
        if match:
            return match.group(1)
    return None


def _split_offset(value: str) -> tuple[str, timezone | None]:
    match = _OFFSET_RE.search(value)
    if not match:
        return value, None
    text = match.group(1)
    if text == "Z":
        return value[: match.start()], UTC
    sign = 1 if text[0] == "+" else -1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return value[: match.start()], timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(value: str | None) -> date | None:
    """Return the calendar date of an ISO date or datetime ("2024-03-29+01:00", "20240329"), or ``None``."""
    if not value:
        return None
    text = value.strip()
    if len(text) >= 8 and text[:8].isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_datetime(value: str | None, *, default_tz: timezone | ZoneInfo = UTC) -> datetime | None:
    """Return an aware datetime from an ISO datetime; a value without offset is in ``default_tz`` (the zone the
    source publishes in: UTC for OCDS, which requires offsets anyway; Amsterdam for TenderNed)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(value)
        return datetime.combine(day, time(23, 59, 59), tzinfo=default_tz) if day else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=default_tz)


# "12:00", "12:00:00.0000000", and as TED XML also writes them: "9:00", "9.00", "09h00".
_CLOCK = re.compile(r"(\d{1,2})\s*[:.hH]\s*(\d{2})(?::(\d{2})(?:\.\d+)?)?")


def _clock(text: str) -> time | None:
    """Return the time of day written in ``text``, or ``None`` when it is none.

    >>> _clock("9:00"), _clock("12:30:00.0000000"), _clock("24:00"), _clock("noon")
    (datetime.time(9, 0), datetime.time(12, 30), None, None)
    """
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    return time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def combine_deadline(day: str | None, clock: str | None, *, default_tz: timezone | ZoneInfo = UTC) -> datetime | None:
    """Combine an eForms date ("2024-04-02+02:00") and time ("12:00:00+02:00") into an aware datetime.

    Without a time, the deadline is the end of that day: submission is open for the whole date.
    """
    if not day:
        return None
    day_text, day_tz = _split_offset(day.strip())
    parsed_day = parse_date(day_text)
    if parsed_day is None:
        return None
    tz: timezone | ZoneInfo = day_tz or default_tz
    parsed_time = time(23, 59, 59)
    if clock:
        clock_text, clock_tz = _split_offset(clock.strip())
        parsed_time = _clock(clock_text) or parsed_time
        tz = clock_tz or tz
    return datetime.combine(parsed_day, parsed_time.replace(tzinfo=None), tzinfo=tz).astimezone(UTC)


def parse_amount(value: str | None) -> float | None:
    """Return a non-negative amount from "3887000.00" or "3 887 000,00", or ``None``."""
    if value is None:
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        amount = float(text)
    except ValueError:
        return None
    return amount if amount >= 0 else None


# Buyers who will not state a value write 0, 0.01 or 1 where a form asks for one (90 of the 3,700 shared TED notices):
# such an amount says nothing about the size of the work, and shown as "geraamde waarde € 1" it misleads.
PLACEHOLDER_BELOW = 100.0


def value_amount(value: str | None) -> float | None:
    """Return an amount of money a notice gives as a value, or ``None`` for none or a placeholder.

    >>> value_amount("1.00"), value_amount("0,01"), value_amount("250 000"), value_amount(None)
    (None, None, 250000.0, None)
    """
    amount = parse_amount(value)
    return amount if amount is not None and amount >= PLACEHOLDER_BELOW else None


def clean_text(parts: Iterable[str | None], *, separator: str = "\n") -> str | None:
    """Join text parts, collapsing runs of whitespace inside each; ``None`` when nothing is left."""
    cleaned = [" ".join(part.split()) for part in parts if part and part.strip()]
    return separator.join(cleaned) or None


MAX_LOT_ID = 64


def lot_ids(raw: list[str | None], *, prefix: str = "LOT") -> list[str]:
    """Return one usable, unique identifier per lot, in order.

    Buyers' lot numbers are free text in TED XML ("1, 2, 3, … 20" for lots described together) and may repeat or
    run long; such a lot is named by its position instead, so every lot stays addressable and none is lost.

    >>> lot_ids(["1", "1", None, "x" * 80])
    ['1', 'LOT-2', 'LOT-3', 'LOT-4']
    """
    seen: set[str] = set()
    result = []
    for position, value in enumerate(raw, start=1):
        text = " ".join((value or "").split())
        if not text or len(text) > MAX_LOT_ID or text in seen:
            text = f"{prefix}-{position}"
            while text in seen:
                text += "'"
        seen.add(text)
        result.append(text)
    return result
