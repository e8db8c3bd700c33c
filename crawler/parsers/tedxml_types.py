"""TED XML forms and codes -> eForms notice types and buyer legal types (code tables of ``crawler.parsers.tedxml``)."""

from __future__ import annotations

# Form -> eForms notice type; forms with a NOTICE/@TYPE choice are resolved in notice_type.
FORM_TYPES = {
    "F02": "cn-standard", "F03": "can-standard", "F05": "cn-standard", "F06": "can-standard", "F07": "qu-sy",
    "F08": "pin-buyer", "F12": "cn-desg", "F13": "can-desg", "F14": "corr", "F15": "veat", "F16": "pin-only",
    "F17": "cn-standard", "F18": "can-standard", "F19": "subco", "F20": "can-modif", "F24": "cn-standard",
    "F25": "can-standard", "T01": "pin-tran", "T02": "can-tran",
}  # fmt: skip
NOTICE_TYPES = {
    "PRI_ONLY": "pin-only", "PER_ONLY": "pin-only", "PRI_REDUCING_TIME_LIMITS": "pin-rtl",
    "PER_REDUCING_TIME_LIMITS": "pin-rtl", "PRI_CALL_COMPETITION": "pin-cfc-standard",
    "PER_CALL_COMPETITION": "pin-cfc-standard", "CONTRACT": "cn-standard", "AWARD_CONTRACT": "can-standard",
    "CONCESSION": "cn-standard", "CONCESSION_AWARD": "can-standard", "CONCESSION_AWARD_CONTRACT": "can-standard",
    "PRI": "pin-cfc-standard",
}  # fmt: skip
# CODED_DATA_SECTION's TD_DOCUMENT_TYPE (the Publications Office's own reading of the notice) -> eForms notice type:
# what a form without a type of its own (R2.0.8 defence forms, T02 transport, OTH_NOT) is, and whether it reports
# a result. The codes and their labels are those of the real notices in ``../shared/data/notices``.
DOCUMENT_TYPES = {
    "0": "pin-only", "P": "pin-only", "A": "pin-cfc-standard", "M": "pin-cfc-standard", "2": "corr",
    "3": "cn-standard", "C": "cn-standard", "H": "cn-standard", "Y": "cn-standard", "D": "cn-desg",
    "7": "can-standard", "J": "can-standard", "K": "can-modif", "V": "veat", "R": "can-desg", "B": "pin-buyer",
    "O": "qu-sy", "Q": "qu-sy",
}  # fmt: skip
REPORTS = frozenset({"can-standard", "can-social", "can-modif", "can-desg", "can-tran", "veat"})  # results
SOCIAL_FORMS = frozenset({"F21", "F22", "F23"})
# CA_TYPE -> eForms buyer-legal-type, as the Publications Office's converter maps it (xslt/ca-types-mapping.xml).
BUYER_LEGAL_TYPES = {
    "BODY_PUBLIC": "body-pl", "EU_INSTITUTION": "eu-ins-bod-ag", "MINISTRY": "cga", "NATIONAL_AGENCY": "cga",
    "REGIONAL_AGENCY": "body-pl-ra", "REGIONAL_AUTHORITY": "ra",
}  # fmt: skip


def notice_type(form: str, notice_kind: str | None, document_code: str | None) -> str | None:
    """Return the eForms notice type of a TED XML notice: its form ("F02", "T02"), the form's NOTICE/@TYPE and the
    coded data's TD_DOCUMENT_TYPE code.

    >>> notice_type("F02", None, "3"), notice_type("F23", "CONCESSION_AWARD_CONTRACT", "J")
    ('cn-standard', 'can-social')
    >>> notice_type("T02", None, "7"), notice_type("F02", None, "7"), notice_type("MOV", None, "3")
    ('can-tran', 'can-standard', 'cn-standard')
    """
    document = DOCUMENT_TYPES.get(document_code or "")
    if form in ("F01", "F04"):
        by_form: str | None = NOTICE_TYPES.get(notice_kind or "", "pin-only")
    elif form in SOCIAL_FORMS:
        by_form = NOTICE_TYPES.get(notice_kind or "") or document or "cn-standard"
    else:
        by_form = FORM_TYPES.get(form)
    # The form's own type wins, unless it says less than the document type: none at all, or a call where the
    # Publications Office says the notice reports a result (an award offered as an open tender).
    chosen = document if by_form is None or (document in REPORTS and by_form not in REPORTS) else by_form
    if form in SOCIAL_FORMS:
        social = {"cn-standard": "cn-social", "can-standard": "can-social", "pin-cfc-standard": "pin-cfc-social"}
        return social.get(chosen or "", chosen)
    return chosen
