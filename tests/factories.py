"""Builders for records and profiles used across the tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage.records import CompanyProfile, NoticeRecord


def make_record(**overrides: Any) -> NoticeRecord:
    """Return a plausible Dutch notice record; keyword arguments replace fields."""
    data: dict[str, Any] = {
        "source": "ted",
        "format": "eforms",
        "notice_id": "123456-2026",
        "publication_number": "123456-2026",
        "procedure_id": "3f1c2b7e-0000-4000-8000-000000000001",
        "version": "01",
        "notice_type": "cn-standard",
        "language": "nl",
        "title": "Groenonderhoud openbare ruimte Amsterdam-Noord",
        "description": "Maaien, snoeien en onkruidbeheer. Social return: 5% van de opdrachtwaarde.",
        "buyer": {"name": "Gemeente Amsterdam", "country": "NL", "city": "Amsterdam", "nuts": "NL329"},
        "cpv_main": "77310000",
        "cpv_additional": ["77311000"],
        "nuts": ["NL329"],
        "estimated_value": {"amount": 180000.0, "currency": "EUR"},
        "publication_date": date(2026, 11, 2),
        "deadline": datetime(2026, 12, 10, 12, 0, tzinfo=UTC),
        "url": "https://ted.europa.eu/en/notice/-/detail/123456-2026",
        "lots": [
            {
                "lot_id": "LOT-0001",
                "title": "Perceel Noord-West",
                "cpv_main": "77310000",
                "estimated_value": {"amount": 90000.0, "currency": "EUR"},
                "nuts": ["NL329"],
                "reserved_participation": ["res-ws"],
            },
            {"lot_id": "LOT-0002", "title": "Perceel Noord-Oost", "cpv_main": "77310000", "nuts": ["NL329"]},
        ],
        "social": {"reserved_participation": ["res-ws"]},
    }
    data.update(overrides)
    if "social" not in overrides:
        # The whole notice's codes are those of its lots, as the eForms and TED XML parsers gather them.
        codes = {code for lot in data.get("lots") or [] for code in lot.get("reserved_participation") or []}
        data["social"] = {"reserved_participation": sorted(codes)}
    return NoticeRecord.model_validate(data)


def make_profile(**overrides: Any) -> CompanyProfile:
    """Return a resident-company profile; keyword arguments replace fields."""
    data: dict[str, Any] = {
        "id": "groen-noord",
        "name": "Groen Noord",
        "description": "Groenonderhoud en zwerfvuil ruimen in Amsterdam-Noord.",
        "email": "info@groen-noord.example",
        "cpv": ["7731"],
        "regions": ["NL329"],
        "capacity": {"max_contract_value": 250000, "staff": 12},
    }
    data.update(overrides)
    return CompanyProfile.model_validate(data)


def local_today() -> date:
    """Return today where the crawls count their days (KANSENRADAR_TIMEZONE's default): not the machine's UTC date,
    which is a day behind between midnight in Amsterdam and midnight UTC."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()
