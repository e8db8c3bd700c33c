"""TED XML R2.0.8/R2.0.9 (``TED_EXPORT``, forms F01-F25) -> notice records.

The original-language form is read. ``LEFTI`` social elements map onto the eForms social codes as the Publications
Office's own converter (OP-TED/ted-xml-data-converter, ``lot.xslt``) does. ``PARTICULAR_PROFESSION`` is left out on
purpose: a contract restricted to a profession is not a social reservation.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from crawler.exceptions import ParseError
from crawler.parsers.codes import country_alpha2, country_zone, language_alpha2
from crawler.parsers.common import (
    BRUSSELS,
    clean_text,
    combine_deadline,
    lot_ids,
    ojs_number,
    parse_amount,
    parse_date,
    publication_number,
    tenderned_id,
    unique,
    value_amount,
)
from crawler.parsers.tedxml_types import BUYER_LEGAL_TYPES, notice_type
from storage.records import NoticeRecord

# The addresses a notice gives (documents, participation, buyer profile, e-tendering): one may be its TenderNed page.
LINKS = ("{*}URL_DOCUMENT", "{*}URL_PARTICIPATION", "{*}URL_TOOL", "{*}URL_BUYER", "{*}IA_URL_ETENDERING")


@cache
def _steps(path: str) -> tuple[tuple[str, ...], str]:
    *parents, last = path.split("/")
    return tuple(parents), last


# One-step child paths ("{*}A", most look-ups) go through iterchildren: lxml's path engine costs twice as much per
# call, and a TED XML notice takes some fifty look-ups. Deeper paths cost it no more than a walk by hand.
def _find(element: etree._Element | None, path: str) -> etree._Element | None:
    """Return the first element at a child path, like ``element.find(path)``."""
    if element is None:
        return None
    parents, last = _steps(path)
    return element.find(path) if parents else next(element.iterchildren(last), None)


def _all(element: etree._Element | None, path: str) -> list[etree._Element]:
    """Return every element at a child path, in document order, like ``element.findall(path)``."""
    if element is None:
        return []
    parents, last = _steps(path)
    return element.findall(path) if parents else list(element.iterchildren(last))


def _text(element: etree._Element | None) -> str | None:
    """Return an element's text including its <P> paragraphs, one paragraph per line."""
    if element is None:
        return None
    if not len(element):  # a leaf (most dates, codes and names): its text, without a search for paragraphs
        return clean_text([element.text])
    paragraphs = element.findall("{*}P")
    if paragraphs:
        return clean_text("".join(p.itertext()) for p in paragraphs)
    return clean_text(["".join(element.itertext())])


def _attr(element: etree._Element | None, path: str, name: str) -> str | None:
    found = _find(element, path)
    return None if found is None else found.get(name)


def _original_form(root: etree._Element) -> etree._Element:
    forms = [form for form in _all(_find(root, "{*}FORM_SECTION"), "*") if isinstance(form.tag, str)]
    if not forms:
        raise ParseError("", "TED XML without a form in FORM_SECTION")
    original = _text(_find(root, "{*}CODED_DATA_SECTION/{*}NOTICE_DATA/{*}LG_ORIG"))
    return next(
        (f for f in forms if f.get("CATEGORY") == "ORIGINAL"),
        next((f for f in forms if original and f.get("LG") == original), forms[0]),
    )


def _ml(root: etree._Element, kind: str, lang: str | None) -> str | None:
    """Return a title (``TI_DOC``) or authority name (``AA_NAME``) from the translation section."""
    section = _find(root, "{*}TRANSLATION_SECTION")
    if kind == "TI_DOC":
        entries = _all(section, "{*}ML_TITLES/{*}ML_TI_DOC")
        chosen = next((e for e in entries if (e.get("LG") or "").lower() == lang), entries[0] if entries else None)
        return _text(_find(chosen, "{*}TI_TEXT"))
    names = _all(section, "{*}ML_AA_NAMES/{*}AA_NAME")
    chosen = next((e for e in names if (e.get("LG") or "").lower() == lang), names[0] if names else None)
    return _text(chosen)


def _notice_type(form: etree._Element, coded: etree._Element | None) -> str | None:
    # Transport forms are MOVE elements whose FORM attribute names them (T01, T02).
    code = form.get("FORM") or "" if etree.QName(form).localname == "MOVE" else etree.QName(form).localname[:3]
    return notice_type(
        code, _attr(form, "{*}NOTICE", "TYPE"), _attr(coded, "{*}CODIF_DATA/{*}TD_DOCUMENT_TYPE", "CODE")
    )


def _total(values: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """Return the value of the notice: of its one contract, or of several together when they share a currency."""
    given = [v for v in values if v is not None]
    if len(given) <= 1 or len({v["currency"] for v in given}) > 1:
        return given[0] if given else None
    return {"amount": sum(v["amount"] for v in given), "currency": given[0]["currency"]}


def _submission(text: str | None, zone: ZoneInfo) -> datetime | None:
    """Return the coded deadline ("20210210 15:00", DT_DATE_FOR_SUBMISSION) of a form whose own one was not read.

    >>> _submission("20210210 15:00", ZoneInfo("Europe/Bucharest")).isoformat()
    '2021-02-10T13:00:00+00:00'
    """
    match = re.fullmatch(r"\s*(\d{4})(\d{2})(\d{2})(?:\s+(\d{1,2}:\d{2}))?\s*", text or "")
    if not match:
        return None
    year, month, day, clock = match.groups()
    return combine_deadline(f"{year}-{month}-{day}", clock, default_tz=zone)


def _web_address(text: str | None) -> str | None:
    """Return a URL as written, with ``http://`` added where TED XML gives a bare host ("www.example.cz/x").

    >>> _web_address("www.egordion.cz/nabidka"), _web_address("https://x.eu/d"), _web_address(None)
    ('http://www.egordion.cz/nabidka', 'https://x.eu/d', None)
    """
    text = (text or "").strip()
    if not text:
        return None
    return text if "://" in text else f"http://{text}"


def _money(element: etree._Element | None) -> dict[str, Any] | None:
    amount = value_amount(element.text if element is not None else None)
    return None if amount is None else {"amount": amount, "currency": element.get("CURRENCY")}  # type: ignore[union-attr]


def _criteria(lot: etree._Element) -> list[dict[str, Any]]:
    criteria = []
    for kind, path in (
        ("quality", "{*}AC/{*}AC_QUALITY"),
        ("cost", "{*}AC/{*}AC_COST"),
        ("price", "{*}AC/{*}AC_PRICE"),
    ):
        for criterion in _all(lot, path):
            name = _text(_find(criterion, "{*}AC_CRITERION"))
            weight = _text(_find(criterion, "{*}AC_WEIGHTING"))
            criteria.append(
                {
                    "type": kind,
                    # No invented names: an unnamed price criterion stays unnamed (its type says what it is).
                    "name": name,
                    "description": None,
                    "weight": parse_amount((weight or "").rstrip("%").strip()) if weight else None,
                }
            )
    return criteria


def _social(form: etree._Element) -> tuple[list[str], str | None]:
    reserved = []
    if form.find(".//{*}RESTRICTED_SHELTERED_WORKSHOP") is not None:
        reserved.append("res-ws")
    if form.find(".//{*}RESERVED_ORGANISATIONS_SERVICE_MISSION") is not None:
        reserved.append("res-pub-ser")
    execution = "yes" if form.find(".//{*}RESTRICTED_SHELTERED_PROGRAM") is not None else None
    return reserved, execution


def parse_ted_xml(root: etree._Element, *, name: str, source: str) -> NoticeRecord:
    """Return the notice record of a TED XML (``TED_EXPORT``) notice."""
    doc_id = root.get("DOC_ID")
    if not doc_id:
        raise ParseError(name, "TED XML without DOC_ID")
    try:
        form = _original_form(root)
    except ParseError as exc:
        raise ParseError(name, exc.reason) from None
    coded = _find(root, "{*}CODED_DATA_SECTION")
    contract = _find(form, "{*}OBJECT_CONTRACT")
    authority = _find(form, "{*}CONTRACTING_BODY")
    body = _find(authority, "{*}ADDRESS_CONTRACTING_BODY")
    procedure = _find(form, "{*}PROCEDURE")
    lefti = _find(form, "{*}LEFTI")
    lang = (form.get("LG") or _text(_find(coded, "{*}NOTICE_DATA/{*}LG_ORIG")) or "").lower() or None
    country = country_alpha2(
        _attr(body, "{*}COUNTRY", "VALUE") or _attr(coded, "{*}NOTICE_DATA/{*}ISO_COUNTRY", "VALUE")
    )
    # TED XML writes the buyer's local time, without an offset.
    zone = country_zone(country) or BRUSSELS
    deadline = combine_deadline(
        _text(_find(procedure, "{*}DATE_RECEIPT_TENDERS")),
        _text(_find(procedure, "{*}TIME_RECEIPT_TENDERS")),
        default_tz=zone,
    ) or _submission(_text(_find(coded, "{*}CODIF_DATA/{*}DT_DATE_FOR_SUBMISSION")), zone)
    reserved, execution = _social(form)
    performance = _text(_find(lefti, "{*}PERFORMANCE_CONDITIONS"))
    selection = clean_text(
        _text(_find(lefti, path))
        for path in ("{*}SUITABILITY", "{*}ECONOMIC_FINANCIAL_INFO", "{*}TECHNICAL_PROFESSIONAL_INFO")
    )
    # Forms that keep it elsewhere (R2.0.8 defence forms) have the Publications Office's coded CPV.
    cpv_main = _attr(contract, "{*}CPV_MAIN/{*}CPV_CODE", "CODE") or _attr(
        coded, "{*}NOTICE_DATA/{*}ORIGINAL_CPV", "CODE"
    )
    lots = []
    # A prior information notice may announce several contracts (one OBJECT_CONTRACT each): all their lots count.
    contracts = _all(form, "{*}OBJECT_CONTRACT")
    items = [(part, item) for part in contracts for item in _all(part, "{*}OBJECT_DESCR")]
    for number, (part, item) in enumerate(items, start=1):
        lot_no = _text(_find(item, "{*}LOT_NO"))
        part_cpv = _attr(part, "{*}CPV_MAIN/{*}CPV_CODE", "CODE") or cpv_main
        # Lot numbers start again in each contract: with several, a lot is named by its position.
        lot_id = (lot_no or f"ITEM-{item.get('ITEM') or number}") if len(contracts) == 1 else f"ITEM-{number}"
        own_title = _text(_find(item, "{*}TITLE"))
        lots.append(
            {
                "lot_id": lot_id,
                "title": own_title or (_text(_find(part, "{*}TITLE")) if part is not contract else None),
                "description": _text(_find(item, "{*}SHORT_DESCR")),
                "cpv_main": _attr(item, "{*}CPV_MAIN/{*}CPV_CODE", "CODE") or part_cpv,
                "cpv_additional": unique(c.get("CODE") for c in _all(item, "{*}CPV_ADDITIONAL/{*}CPV_CODE")),
                "estimated_value": _money(_find(item, "{*}VAL_OBJECT")),
                "deadline": deadline,
                "nuts": unique(n.get("CODE") for n in _all(item, "{*}NUTS")),
                "reserved_participation": reserved,
                "reserved_execution": execution,
                "performance_terms": performance,
                "additional_information": _text(_find(item, "{*}INFO_ADD")),
                "award_criteria": _criteria(item),
                "selection_criteria": selection,
            }
        )
    for lot, identifier in zip(lots, lot_ids([lot["lot_id"] for lot in lots], prefix="ITEM"), strict=True):
        lot["lot_id"] = identifier
    nuts = unique(n for lot in lots for n in lot["nuts"]) or unique(
        n.get("CODE") for n in _all(_find(coded, "{*}NOTICE_DATA"), "{*}PERFORMANCE_NUTS")
    )
    pub_number = publication_number(doc_id)
    uri = next((u.text for u in _all(coded, "{*}NOTICE_DATA/{*}URI_LIST/{*}URI_DOC") if u.get("LG") == "EN"), None)
    data = {
        "source": source,
        "format": "ted-xml",
        "notice_id": pub_number,
        "publication_number": pub_number,
        "procedure_id": _text(_find(contract, "{*}REFERENCE_NUMBER")),
        "refers_to": ojs_number(_text(_find(coded, "{*}NOTICE_DATA/{*}REF_NOTICE/{*}NO_DOC_OJS"))),
        "tenderned_id": tenderned_id(
            u.text
            for u in root.iter(
                "{*}URL_DOCUMENT", "{*}URL_PARTICIPATION", "{*}URL_TOOL", "{*}URL_BUYER", "{*}IA_URL_ETENDERING"
            )
        ),
        "version": None,
        "notice_type": _notice_type(form, coded),
        "language": language_alpha2(lang),
        # Forms without OBJECT_CONTRACT (OTH_NOT, older defence forms) fall back on their free text and the
        # translation section's titles and authority names.
        "title": _text(_find(contract, "{*}TITLE")) or _text(form.find(".//{*}TI_DOC")) or _ml(root, "TI_DOC", lang),
        "description": _text(_find(contract, "{*}SHORT_DESCR")) or _text(form.find(".//{*}CONTENTS")),
        "additional_information": _text(_find(form, "{*}COMPLEMENTARY_INFO/{*}INFO_ADD")),
        "buyer": {
            "name": _text(_find(body, "{*}OFFICIALNAME"))
            or _text(form.find(".//{*}ADDRESS_NOT_STRUCT/{*}ORGANISATION"))
            or _ml(root, "AA_NAME", lang),
            "country": country,
            "city": _text(_find(body, "{*}TOWN")) or _text(form.find(".//{*}ADDRESS_NOT_STRUCT/{*}TOWN")),
            "nuts": _attr(body, "{*}NUTS", "CODE"),
            "legal_type": BUYER_LEGAL_TYPES.get(_attr(authority, "{*}CA_TYPE", "VALUE") or ""),
        },
        "cpv_main": cpv_main,
        # The lots' own main codes too, as eForms gives them: a lot of other work is what the notice buys as well.
        "cpv_additional": [
            c for c in unique(c for lot in lots for c in (lot["cpv_main"], *lot["cpv_additional"])) if c != cpv_main
        ],
        "nuts": nuts,
        "estimated_value": _total(
            [
                _money(_find(part, "{*}VAL_ESTIMATED_TOTAL")) or _money(_find(part, "{*}VAL_TOTAL"))
                for part in contracts
            ]
        ),
        "publication_date": parse_date(_text(_find(coded, "{*}REF_OJS/{*}DATE_PUB"))),
        "deadline": deadline,
        "url": (uri or "").strip() or f"https://ted.europa.eu/en/notice/-/detail/{pub_number}",
        "documents_url": _web_address(_text(_find(authority, "{*}URL_DOCUMENT"))),
        "lots": lots,
        "social": {
            "reserved_participation": reserved,
            "reserved_execution": ["yes"] if execution == "yes" else [],
        },
    }
    return NoticeRecord.model_validate(data)
