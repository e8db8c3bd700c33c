"""OCDS release and record packages -> notice records (one per release, or per record's compiled release).

The eForms profile's fields map back onto the eForms social codes: ``otherRequirements.reservedParticipation``,
``contractTerms.reservedExecution`` and ``sustainability[].goal`` (see ``../shared/docs/sources.md``, section 5).
"""

from __future__ import annotations

from typing import Any

from crawler.parsers.codes import country_alpha2, language_alpha2
from crawler.parsers.common import (
    clean_text,
    lot_ids,
    parse_amount,
    parse_date,
    parse_datetime,
    social_union,
    unique,
    value_amount,
)
from storage.records import NoticeRecord

RESERVED = {"shelteredWorkshop": "res-ws", "publicServiceMissionOrganization": "res-pub-ser"}
SOCIAL_GOALS = {
    "social.disadvantagedEmploymentOpportunities": "opp",
    "social.laborRightsPromotion": "work-cond",
    "social.accessibility": "acc-all",
    "social.genderEquality": "gen-eq",
    "social.ethnicEquality": "et-eq",
    "social.humanRightsInSupplyChain": "hum-right",
    "social.humanRightsInSupplyChains": "hum-right",
}
COUNTRY_NAMES = {
    "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "united kingdom": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "belgium": "BE", "belgië": "BE", "germany": "DE",
    "france": "FR", "ireland": "IE", "paraguay": "PY", "mexico": "MX", "méxico": "MX",
}  # fmt: skip


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _money(value: Any) -> dict[str, Any] | None:
    amount = value_amount(_dict(value).get("amount"))
    return None if amount is None else {"amount": amount, "currency": _dict(value).get("currency")}


def _cpv(classification: Any) -> str | None:
    item = _dict(classification)
    code = str(item.get("id") or "").split("-")[0]
    return code if str(item.get("scheme", "")).upper() == "CPV" and len(code) == 8 and code.isdigit() else None


def _items_cpv(items: list[Any]) -> list[str]:
    codes = []
    for item in items:
        codes.append(_cpv(_dict(item).get("classification")))
        codes += [_cpv(c) for c in _list(_dict(item).get("additionalClassifications"))]
    return unique(codes)


def _regions(items: list[Any]) -> list[str]:
    regions = []
    for item in items:
        for address in [*_list(item.get("deliveryAddresses")), _dict(item.get("deliveryAddress"))]:
            region = str(_dict(address).get("region") or "")
            if region[:2].isalpha() and region[:2].isupper() and len(region) <= 5 and region.isalnum():
                regions.append(region)
    return unique(regions)


def _country(address: dict[str, Any]) -> str | None:
    code = address.get("country")
    if isinstance(code, str) and len(code) in (2, 3):
        return country_alpha2(code)
    name = str(address.get("countryName") or "").strip()
    if len(name) == 2 and name.isalpha():
        return name.upper()
    return COUNTRY_NAMES.get(name.lower())


def _buyer(release: dict[str, Any]) -> dict[str, Any]:
    buyer = _dict(release.get("buyer"))
    parties = [_dict(p) for p in _list(release.get("parties"))]
    party = next((p for p in parties if buyer.get("id") and p.get("id") == buyer.get("id")), None)
    party = party or next((p for p in parties if "buyer" in _list(p.get("roles"))), {})
    address = _dict(party.get("address"))
    return {
        "name": buyer.get("name") or party.get("name"),
        "country": _country(address),
        "city": address.get("locality"),
        "nuts": None,
    }


def _criteria(lot: dict[str, Any]) -> list[dict[str, Any]]:
    criteria = []
    for criterion in _list(_dict(lot.get("awardCriteria")).get("criteria")):
        criterion = _dict(criterion)
        numbers = [_dict(n).get("number") for n in _list(criterion.get("numbers"))]
        criteria.append(
            {"type": criterion.get("type"), "name": criterion.get("name"),
             "description": criterion.get("description"), "weight": parse_amount(numbers[0]) if numbers else None}
        )  # fmt: skip
    return criteria


def _social(holder: dict[str, Any]) -> dict[str, Any]:
    requirements = _dict(holder.get("otherRequirements"))
    terms = _dict(holder.get("contractTerms"))
    goals = [str(_dict(s).get("goal") or "") for s in _list(holder.get("sustainability"))]
    return {
        "reserved_participation": unique(
            RESERVED.get(code) for code in _list(requirements.get("reservedParticipation"))
        ),
        "reserved_execution": "yes" if terms.get("reservedExecution") is True else None,
        "strategic_procurement": ["soc-obj"] if any(g.startswith("social") for g in goals) else [],
        "social_objective": unique(SOCIAL_GOALS.get(goal) for goal in goals),
        "performance_terms": clean_text([terms.get("performanceTerms")]),
        "strategic_procurement_description": clean_text(
            _dict(s).get("description") for s in holder.get("sustainability") or []
        ),
    }


def _documents_url(tender: dict[str, Any]) -> str | None:
    """Return the tender documents' address: the bidding documents, else the first document with a URL."""
    documents = [d for d in map(_dict, _list(tender.get("documents"))) if d.get("url")]
    bidding = [d for d in documents if d.get("documentType") == "biddingDocuments"]
    return next((str(d["url"]) for d in bidding + documents), None)


def _notice_type(release: dict[str, Any]) -> str:
    tags = set(_list(release.get("tag")))
    if tags & {"award", "awardUpdate", "contract", "contractUpdate"} or release.get("awards"):
        return "can-standard"
    if tags & {"tender", "tenderAmendment", "tenderUpdate"} or _dict(release.get("tender")).get("status") == "active":
        return "cn-standard"
    return "pin-only"


def release_record(release: dict[str, Any], *, source: str) -> NoticeRecord:
    """Return the notice record of one OCDS release (or compiled release)."""
    tender = _dict(release.get("tender"))
    items = [_dict(i) for i in _list(tender.get("items"))]
    cpvs = unique([_cpv(tender.get("classification")), *_items_cpv(items)])
    lots = []
    closes = parse_datetime(_dict(tender.get("tenderPeriod")).get("endDate"))
    for lot in (_dict(x) for x in _list(tender.get("lots"))):
        lot_items = [i for i in items if i.get("relatedLot") == lot.get("id")]
        lot_cpvs = _items_cpv(lot_items)
        lots.append(
            {
                "lot_id": str(lot.get("id") or f"LOT-{len(lots) + 1}"),
                "title": lot.get("title"),
                "description": lot.get("description"),
                "cpv_main": lot_cpvs[0] if lot_cpvs else None,
                "cpv_additional": lot_cpvs[1:],
                "estimated_value": _money(lot.get("value")),
                # A lot without a period of its own closes with the tender.
                "deadline": parse_datetime(_dict(lot.get("tenderPeriod")).get("endDate")) or closes,
                "nuts": _regions(lot_items),
                "award_criteria": _criteria(lot),
                **_social(lot),
            }
        )
    for lot, identifier in zip(lots, lot_ids([lot["lot_id"] for lot in lots]), strict=True):
        lot["lot_id"] = identifier
    tender_social = _social(tender)
    deadlines = [d for d in [closes, *(lot["deadline"] for lot in lots)] if d]
    return NoticeRecord.model_validate(
        {
            "source": source,
            "format": "ocds",
            "notice_id": str(release.get("ocid") or release.get("id")),
            "publication_number": None,
            "procedure_id": release.get("ocid"),
            # The release date orders versions: a later release of the same ocid replaces an earlier one.
            "version": release.get("date"),
            "notice_type": _notice_type(release),
            "language": language_alpha2(release.get("language")) or None,
            "title": tender.get("title"),
            "description": tender.get("description"),
            "buyer": _buyer(release),
            "cpv_main": cpvs[0] if cpvs else None,
            "cpv_additional": cpvs[1:],
            "nuts": _regions(items),
            "estimated_value": _money(tender.get("value")),
            "publication_date": parse_date(release.get("date")),
            "deadline": min(deadlines) if deadlines else None,
            "url": next((d.get("url") for d in map(_dict, _list(tender.get("documents"))) if d.get("url")), None),
            "documents_url": _documents_url(tender),
            "lots": lots,
            # The tender itself can carry the same fields as its lots.
            "social": social_union([*lots, tender_social]),
        }
    )


def package_releases(package: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the releases a package describes: its releases, or each record's compiled (else newest) release."""
    if isinstance(package.get("releases"), list):
        return [_dict(r) for r in package["releases"] if _dict(r).get("ocid")]
    releases = []
    for record in (_dict(r) for r in _list(package.get("records"))):
        compiled = _dict(record.get("compiledRelease"))
        if compiled.get("ocid") or compiled.get("tender"):
            releases.append({"ocid": record.get("ocid"), **compiled})
            continue
        embedded = [_dict(r) for r in _list(record.get("releases")) if _dict(r).get("ocid")]
        if embedded:
            releases.append(max(embedded, key=lambda r: str(r.get("date") or "")))
    return releases
