"""TenderNed publication API JSON (``/papi/tenderned-rs-tns/v2/publicaties[/{id}]``) -> notice records.

Field names follow the publicly documented list and detail responses (``../shared/docs/sources.md``, section 4);
TenderNed publishes no schema, so unknown fields are ignored and missing ones stay null.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from crawler.parsers.common import clean_text, parse_date, parse_datetime, unique, value_amount
from storage.records import NoticeRecord

# TenderNed publication types -> eForms notice types (closest match).
PUBLICATION_TYPES = {
    "AAO": "cn-standard", "AGO": "can-standard", "VOP": "pin-only", "RVO": "pin-only", "WNO": "can-modif",
    "REC": "corr", "MAC": "pin-only",
}  # fmt: skip
NOTICE_URL = "https://www.tenderned.nl/aankondigingen/overzicht/{id}"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _code(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("code")
    return value if isinstance(value, str) else None


def publication_record(data: dict[str, Any], *, source: str = "tenderned") -> NoticeRecord:
    """Return the notice record of one TenderNed publication (list item or detail)."""
    publication_id = str(data.get("publicatieId") or "").strip()
    cpvs = [c for c in data.get("cpvCodes") or [] if isinstance(c, dict) and c.get("code")]
    main = next((c["code"] for c in cpvs if c.get("isHoofdOpdracht")), cpvs[0]["code"] if cpvs else None)
    codes = unique(str(c["code"]).split("-")[0] for c in cpvs)
    main_code = str(main).split("-")[0] if main else None
    nuts = unique(str(n.get("code") if isinstance(n, dict) else n) for n in data.get("nutsCodes") or [])
    value = value_amount(data.get("geraamdeWaarde"))
    link = data.get("link")
    return NoticeRecord.model_validate(
        {
            "source": source,
            "format": "tenderned",
            "notice_id": publication_id,
            "publication_number": None,
            "procedure_id": str(data["kenmerk"]) if data.get("kenmerk") is not None else None,
            "version": None,
            "notice_type": PUBLICATION_TYPES.get(_code(data.get("typePublicatie")) or ""),
            "language": "nl",
            "title": clean_text([data.get("aanbestedingNaam")]),
            "description": clean_text([data.get("opdrachtBeschrijving")]),
            "buyer": {
                "name": data.get("aanbestedendeDienstNaam") or data.get("opdrachtgeverNaam"),
                "country": "NL",
                "city": data.get("aanbestedendeDienstPlaats"),
                "nuts": None,
            },
            "cpv_main": main_code if main_code and len(main_code) == 8 else None,
            "cpv_additional": [c for c in codes if c != main_code and len(c) == 8],
            "nuts": [n for n in nuts if n and n[:2].isalpha()],
            "estimated_value": {"amount": value, "currency": "EUR"} if value is not None else None,
            "publication_date": parse_date(data.get("publicatieDatum")),
            # TenderNed writes Dutch local time; a closing time without offset is 12:00 in the Netherlands.
            "deadline": parse_datetime(data.get("sluitingsDatum"), default_tz=AMSTERDAM),
            "url": (link.get("href") if isinstance(link, dict) else None) or NOTICE_URL.format(id=publication_id),
        }
    )
