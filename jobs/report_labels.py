"""Names in the coverage report's language: clause labels, groups (months, sectors, regions, peers) and the
evidence of structured codes, which ``matcher`` writes in English ("BT-71 res-ws: participation is reserved ...")
and a Dutch report shows by the eForms code list's Dutch label."""

from __future__ import annotations

import re
from datetime import date

from jobs.language import catalog
from jobs.sectors import RESIDENT_SECTORS
from matcher import i18n
from matcher.codelists import country_label, cpv_label, label, region_label
from matcher.i18n import N_

LABEL_NAMES = {
    "reserved_contract": N_("Reserved contract"),
    "social_return": N_("Social return"),
    "employment_of_disadvantaged": N_("Jobs for the disadvantaged"),
    "social_enterprise_subcontracting": N_("Social enterprises"),
    "local_community_partnering": N_("Local / community partners"),
    "right_to_challenge": N_("Right to Challenge"),
    "social_award_criterion": N_("Social award criterion"),
}
GROUP_NAMES = {"buyer": N_("buyer"), "month": N_("month"), "cpv-division": N_("sector (CPV division)"),
               "region": N_("region")}  # fmt: skip
ORIGIN_NAMES = {"text": N_("text"), "code": N_("code")}
# The eForms code list behind each business term whose codes become findings.
CODE_LISTS = {"BT-71": "reserved-procurement", "BT-775": "social-objective", "BT-06": "strategic-procurement"}
# BT-736 is a yes/no indicator without a code list of its own.
RESERVED_EXECUTION = N_("The contract must be performed within the framework of sheltered employment programmes.")
CODE_EVIDENCE = re.compile(r"^(BT-\d+)\s+([\w-]+)\s*:")


def evidence_text(evidence: str, origin: str, lang: str) -> str:
    """Return the evidence as the reader reads it: a sentence unchanged, a structured code by its label.

    >>> evidence_text("BT-71 res-ws: participation is reserved to sheltered workshops", "code", "nl")[:40]
    'BT-71 res-ws: Deelname is voorbehouden a'
    """
    found = CODE_EVIDENCE.match(evidence) if origin == "code" else None
    if found is None:
        return evidence
    term, code = found.groups()
    named = label(CODE_LISTS[term], code, lang) if term in CODE_LISTS else None
    if term == "BT-736":
        named = catalog(lang).gettext(RESERVED_EXECUTION)
    return f"{term} {code}: {named}" if named else evidence


def group_label(kind: str, key: str, lang: str) -> str:
    """Return what people read for a group key: a buyer's name, "oktober 2026", a CPV or NUTS label, a sector."""
    _ = catalog(lang).gettext
    if key in ("?", "?/?", ""):
        return _("unknown")
    if kind == "month":
        year, month = map(int, key.split("-"))
        return i18n.date_text(date(year, month, 1), lang, "LLLL y")
    if kind == "cpv-division":
        return cpv_label(key.ljust(8, "0"), lang) or key
    if kind == "cpv":
        return cpv_label(key, lang) or key
    if kind == "region":
        return region_label(key, lang) or key
    if kind == "sector":
        return _(RESIDENT_SECTORS[key][0]) if key in RESIDENT_SECTORS else key
    if kind == "peers":
        country, legal_type = key.split("/")
        kind_name = label("buyer-legal-type", legal_type, lang) if legal_type != "?" else None
        where = country_label(country, lang) if country != "?" else None
        return ", ".join(part for part in (kind_name or _("Buyer type unknown"), where) if part)
    return key
