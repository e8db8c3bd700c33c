"""eForms (UBL 2.3) notices -> notice records.

XPaths follow the eForms SDK's ``fields.json`` (see ``../shared/docs/sources.md``). Every root type is handled the
same way: ContractNotice, PriorInformationNotice and ContractAwardNotice share the structure read here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from crawler.exceptions import ParseError
from crawler.parsers.codes import country_alpha2, language_alpha2, nuts_country
from crawler.parsers.common import (
    clean_text,
    combine_deadline,
    lot_ids,
    parse_amount,
    parse_date,
    publication_number,
    social_union,
    tenderned_id,
    unique,
    value_amount,
)
from storage.records import NoticeRecord

ROOTS = frozenset({"ContractNotice", "PriorInformationNotice", "ContractAwardNotice"})
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
PROJECT = "cac:ProcurementProject"
TERMS = "cac:TenderingTerms"


def _xp(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=NS)


# Compiled once: the parser runs over thousands of notices per crawl.
X = {
    "notice_uuid": _xp("cbc:ID[@schemeName='notice-id']/text()"),
    "version": _xp("cbc:VersionID/text()"),
    "notice_type": _xp("cbc:NoticeTypeCode/text()"),
    "language": _xp("cbc:NoticeLanguageCode/text()"),
    "issue_date": _xp("cbc:IssueDate/text()"),
    "procedure_id": _xp("cbc:ContractFolderID/text()"),
    "pub_number": _xp(f"{EXT}/efac:Publication/efbc:NoticePublicationID[@schemeName='ojs-notice-id']/text()"),
    "pub_date": _xp(f"{EXT}/efac:Publication/efbc:PublicationDate/text()"),
    "buyer_ids": _xp("cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID/text()"),
    "buyer_legal_type": _xp(
        "cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode[@listName='buyer-legal-type']/text()"
    ),
    "organisations": _xp(f"{EXT}/efac:Organizations/efac:Organization/efac:Company"),
    "org_id": _xp("cac:PartyIdentification/cbc:ID/text()"),
    "org_name": _xp("cac:PartyName/cbc:Name"),
    "org_city": _xp("cac:PostalAddress/cbc:CityName/text()"),
    "org_nuts": _xp("cac:PostalAddress/cbc:CountrySubentityCode/text()"),
    "org_country": _xp("cac:PostalAddress/cac:Country/cbc:IdentificationCode/text()"),
    "project": _xp(PROJECT),
    "lots": _xp("cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot' or cbc:ID/@schemeName='Part']"),
    "id": _xp("cbc:ID/text()"),
    "name": _xp("cbc:Name"),
    "description": _xp("cbc:Description"),
    "note": _xp("cbc:Note"),
    "cpv_main": _xp("cac:MainCommodityClassification/cbc:ItemClassificationCode/text()"),
    "cpv_additional": _xp("cac:AdditionalCommodityClassification/cbc:ItemClassificationCode/text()"),
    "nuts": _xp("cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode/text()"),
    # BT-5071 "anyw-cou": anywhere in the given country (BT-5141), which is then the place of performance.
    "anywhere_in": _xp(
        "cac:RealizedLocation/cac:Address[cbc:Region='anyw-cou']/cac:Country/cbc:IdentificationCode/text()"
    ),
    "value": _xp("cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"),
    "deadline_date": _xp("cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndDate/text()"),
    "deadline_time": _xp("cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod/cbc:EndTime/text()"),
    "request_date": _xp("cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod/cbc:EndDate/text()"),
    "request_time": _xp("cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod/cbc:EndTime/text()"),
    # BT-630: a prior information notice used as a call closes for expressions of interest.
    "interest_date": _xp(f"cac:TenderingProcess/{EXT}/efac:InterestExpressionReceptionPeriod/cbc:EndDate/text()"),
    "interest_time": _xp(f"cac:TenderingProcess/{EXT}/efac:InterestExpressionReceptionPeriod/cbc:EndTime/text()"),
    "reserved_participation": _xp(
        f"{TERMS}/cac:TendererQualificationRequest/cac:SpecificTendererRequirement"
        "/cbc:TendererRequirementTypeCode[@listName='reserved-procurement']/text()"
    ),
    "reserved_execution": _xp(
        f"{TERMS}/cac:ContractExecutionRequirement/cbc:ExecutionRequirementCode[@listName='reserved-execution']/text()"
    ),
    "strategic": _xp(
        f"{PROJECT}/cac:ProcurementAdditionalType/cbc:ProcurementTypeCode[@listName='strategic-procurement']/text()"
    ),
    "strategic_text": _xp(
        f"{PROJECT}/cac:ProcurementAdditionalType[cbc:ProcurementTypeCode/@listName='strategic-procurement']"
        "/cbc:ProcurementType"
    ),
    "social_objective": _xp(
        f"{PROJECT}/cac:ProcurementAdditionalType/cbc:ProcurementTypeCode[@listName='social-objective']/text()"
    ),
    "performance_terms": _xp(
        f"{TERMS}/cac:ContractExecutionRequirement[cbc:ExecutionRequirementCode/@listName='conditions']"
        "/cbc:Description"
    ),
    "criteria": _xp(f"{TERMS}/cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"),
    "criterion_type": _xp("cbc:AwardingCriterionTypeCode/text()"),
    "criterion_weight": _xp(
        f"{EXT}/efac:AwardCriterionParameter[efbc:ParameterCode/@listName='number-weight']/efbc:ParameterNumeric/text()"
    ),
    "selection": _xp(f"{TERMS}/{EXT}/efac:SelectionCriteria/cbc:Description"),
    # Every address of the notice (documents BT-15, submission BT-18, buyer profiles): one may be its TenderNed page.
    "addresses": _xp("//cbc:URI/text() | //cbc:EndpointID/text() | //cbc:BuyerProfileURI/text()"),
    # BT-15: the address of the procurement documents.
    "documents": _xp(
        f"{TERMS}/cac:CallForTendersDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI/text()"
    ),
}


def _first(values: list[Any]) -> Any:
    return values[0].strip() if values and isinstance(values[0], str) else (values[0] if values else None)


def _text(elements: list[etree._Element], lang: str | None) -> str | None:
    """Return the text in the notice's own language, else English, else the first one given."""
    if not elements:
        return None
    by_lang = {el.get("languageID"): el for el in elements}
    chosen = next((by_lang[key] for key in (lang, "ENG") if key in by_lang), elements[0])
    return clean_text([chosen.text])


def _texts(elements: list[etree._Element], lang: str | None) -> str | None:
    """Return all texts in the chosen language (several descriptions are several paragraphs)."""
    if not elements:
        return None
    langs = {el.get("languageID") for el in elements}
    wanted = lang if lang in langs else ("ENG" if "ENG" in langs else elements[0].get("languageID"))
    return clean_text(el.text for el in elements if el.get("languageID") == wanted)


def _money(elements: list[etree._Element]) -> dict[str, Any] | None:
    if not elements:
        return None
    amount = value_amount(elements[0].text)
    return None if amount is None else {"amount": amount, "currency": elements[0].get("currencyID")}


def _cpvs(codes: list[str]) -> list[str]:
    return unique(code.strip().split("-")[0] for code in codes if code.strip()[:8].isdigit())


def _criteria(lot: etree._Element, lang: str | None) -> list[dict[str, Any]]:
    criteria = []
    for criterion in X["criteria"](lot):
        weight = _first(X["criterion_weight"](criterion))
        criteria.append(
            {
                "type": _first(X["criterion_type"](criterion)),
                "name": _text(X["name"](criterion), lang),
                "description": _texts(X["description"](criterion), lang),
                "weight": parse_amount(weight),
            }
        )
    return criteria


def _places(project: etree._Element) -> list[str]:
    """Return the places of performance as NUTS codes; work anywhere in a country is that country's code ("NL"),
    which every region of it lies in (without it the buyer's seat stood for the place)."""
    return unique([*X["nuts"](project), *(nuts_country(code) for code in X["anywhere_in"](project))])


def _deadline(lot: etree._Element) -> datetime | None:
    """Return the first date a company must meet for a lot: requests to participate (restricted procedures) and
    expressions of interest (a prior information notice used as a call) close before tenders do."""
    found = [
        combine_deadline(_first(X[f"{kind}_date"](lot)), _first(X[f"{kind}_time"](lot)))
        for kind in ("deadline", "request", "interest")
    ]
    return min((d for d in found if d is not None), default=None)


def _lot(lot: etree._Element, lang: str | None) -> dict[str, Any]:
    project = _first(X["project"](lot))
    project = project if project is not None else etree.Element("empty")
    reserved_execution = _first(X["reserved_execution"](lot))
    return {
        "lot_id": _first(X["id"](lot)) or "LOT",
        "title": _text(X["name"](project), lang),
        "description": _texts(X["description"](project), lang),
        "cpv_main": _first(_cpvs(X["cpv_main"](project))),
        "cpv_additional": _cpvs(X["cpv_additional"](project)),
        "estimated_value": _money(X["value"](project)),
        "deadline": _deadline(lot),
        "nuts": _places(project),
        "reserved_participation": unique(c.strip() for c in X["reserved_participation"](lot) if c.strip() != "none"),
        "reserved_execution": reserved_execution,
        "strategic_procurement": unique(c for c in X["strategic"](lot) if c != "none"),
        "strategic_procurement_description": _texts(X["strategic_text"](lot), lang),
        "social_objective": unique(X["social_objective"](lot)),
        "performance_terms": _texts(X["performance_terms"](lot), lang),
        "award_criteria": _criteria(lot, lang),
        "selection_criteria": _texts(X["selection"](lot), lang),
        "additional_information": _texts(X["note"](project), lang),
        "documents_url": _first(X["documents"](lot)),
    }


def _buyer(root: etree._Element, lang: str | None) -> dict[str, Any]:
    buyer_id = _first(X["buyer_ids"](root))
    companies = X["organisations"](root)
    company = next((c for c in companies if _first(X["org_id"](c)) == buyer_id), None)
    legal_type = _first(X["buyer_legal_type"](root))
    if company is None:
        return {"legal_type": legal_type}
    return {
        "legal_type": legal_type,
        "name": _text(X["org_name"](company), lang),  # "FOD Justitie" in a Dutch notice, not "SPF Justice"
        "country": country_alpha2(_first(X["org_country"](company))),
        "city": _first(X["org_city"](company)),
        "nuts": _first(X["org_nuts"](company)),
    }


def parse_eforms(root: etree._Element, *, name: str, source: str) -> NoticeRecord:
    """Return the notice record of an eForms notice; ``name`` is used in error messages."""
    lang3 = _first(X["language"](root))
    pub_number = publication_number(_first(X["pub_number"](root)))
    notice_id = pub_number or _first(X["notice_uuid"](root))
    if not notice_id:
        raise ParseError(name, "eForms notice without publication number or notice identifier (BT-701)")
    project = _first(X["project"](root))
    project = project if project is not None else etree.Element("empty")
    lots = [_lot(lot, lang3) for lot in X["lots"](root)]
    for lot, identifier in zip(lots, lot_ids([lot["lot_id"] for lot in lots]), strict=True):
        lot["lot_id"] = identifier
    deadlines = [lot["deadline"] for lot in lots if lot["deadline"] is not None]
    lot_cpvs = [lot["cpv_main"] for lot in lots] + [c for lot in lots for c in lot["cpv_additional"]]
    cpv_main = _first(_cpvs(X["cpv_main"](project))) or next((c for c in lot_cpvs if c), None)
    data = {
        "source": source,
        "format": "eforms",
        "notice_id": notice_id,
        "publication_number": pub_number,
        "procedure_id": _first(X["procedure_id"](root)),
        "tenderned_id": tenderned_id(X["addresses"](root)),
        "version": _first(X["version"](root)),
        "notice_type": _first(X["notice_type"](root)),
        "language": language_alpha2(lang3),
        "title": _text(X["name"](project), lang3),
        "description": _texts(X["description"](project), lang3),
        "additional_information": _texts(X["note"](project), lang3),
        "buyer": _buyer(root, lang3),
        "cpv_main": cpv_main,
        "cpv_additional": [c for c in unique([*_cpvs(X["cpv_additional"](project)), *lot_cpvs]) if c != cpv_main],
        "nuts": unique([*_places(project), *(n for lot in lots for n in lot["nuts"])]),
        "estimated_value": _money(X["value"](project)),
        # The dispatch date stands in for notices not (yet) published, such as the SDK examples.
        "publication_date": parse_date(_first(X["pub_date"](root)) or _first(X["issue_date"](root))),
        "deadline": min(deadlines) if deadlines else None,
        "url": f"https://ted.europa.eu/en/notice/-/detail/{pub_number}" if pub_number else None,
        "documents_url": next((lot["documents_url"] for lot in lots if lot["documents_url"]), None),
        "lots": lots,
        "social": social_union(lots),
    }
    return NoticeRecord.model_validate(data)
