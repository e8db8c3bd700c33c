"""Strict record types: the only contracts between the crawler, the CLI and storage.

``NoticeRecord`` is the notice record of ``DESIGN.md`` (what ``kansenradar parse`` prints and what the crawler's
pipeline hands to storage); ``CompanyProfile`` is one resident company as imported from YAML or CSV.
Both forbid unknown keys so a typo in a parser or a profile file is an error, not silently lost data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

CPV_RE = re.compile(r"^\d{2,8}$")
NUTS_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z0-9-]{2,}$")
COMPANY_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _short(length: int) -> object:
    # Columns have lengths (PostgreSQL enforces them, SQLite does not): the record refuses what would not fit,
    # so a too-long value is a parse error naming the field on both databases, not a failed insert on one.
    return StringConstraints(strip_whitespace=True, max_length=length)


def safe_url(value: str | None) -> str | None:
    """Return ``value`` when it is an http(s) URL, else ``None``: only those may ever become links.

    >>> safe_url("javascript:alert(1)") is None, safe_url("https://ted.europa.eu/x")
    (True, 'https://ted.europa.eu/x')
    """
    if not value:
        return None
    text = str(value).strip()
    parts = urlsplit(text)
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def normalise_cpv(value: str, *, allow_prefix: bool) -> str:
    """Return a CPV code without its check digit ("77310000-6" -> "77310000"), or raise ``ValueError``."""
    code = str(value).strip().split("-", 1)[0]
    if not CPV_RE.match(code) or (not allow_prefix and len(code) != 8):
        raise ValueError(f"not a CPV code{' or prefix' if allow_prefix else ''}: {value!r}")
    return code


def normalise_nuts(value: str) -> str:
    """Return an upper-case NUTS code or prefix ("nl329" -> "NL329"), or raise ``ValueError``."""
    code = str(value).strip().upper()
    if not NUTS_RE.match(code):
        raise ValueError(f"not a NUTS code or prefix: {value!r}")
    return code


# Notice record (DESIGN.md, "The notice record")


class Money(_Strict):
    """An amount with its ISO 4217 currency."""

    amount: float = Field(ge=0)
    currency: Annotated[str, _short(3)] | None = None


class Buyer(_Strict):
    """The contracting authority, as far as the notice names it."""

    name: str | None = None
    country: Annotated[str, _short(8)] | None = None
    city: str | None = None
    nuts: str | None = None
    # eForms BT-11 buyer-legal-type code ("la", "ra", "cga", "body-pl", ...); TED XML CA_TYPE mapped onto it.
    legal_type: Annotated[str, _short(32)] | None = None


class AwardCriterion(_Strict):
    """One award criterion (eForms BT-539 type, BT-734 name, BT-540 description, BT-541 weight)."""

    type: str | None = None
    name: str | None = None
    description: str | None = None
    weight: float | None = None


class LotRecord(_Strict):
    """One lot of a notice; notices without lots have an empty list."""

    lot_id: Annotated[NonEmpty, _short(64)]
    title: str | None = None
    description: str | None = None
    cpv_main: str | None = None
    cpv_additional: list[str] = []
    estimated_value: Money | None = None
    # Aware only: a deadline without its zone is ambiguous by up to a day across Europe.
    deadline: AwareDatetime | None = None
    nuts: list[str] = []
    reserved_participation: list[str] = []
    reserved_execution: Annotated[str, _short(16)] | None = None
    strategic_procurement: list[str] = []
    strategic_procurement_description: str | None = None
    social_objective: list[str] = []
    performance_terms: str | None = None
    award_criteria: list[AwardCriterion] = []
    selection_criteria: str | None = None
    # eForms BT-300 / TED XML INFO_ADD: where buyers often write social conditions in words.
    additional_information: str | None = None
    # eForms BT-15: where this lot's procurement documents are.
    documents_url: str | None = None

    @field_validator("documents_url")
    @classmethod
    def _documents_url(cls, value: str | None) -> str | None:
        return safe_url(value)


class SocialCodes(_Strict):
    """Union over lots of the structured social codes, with "none"/"no" left out."""

    reserved_participation: list[str] = []
    reserved_execution: list[str] = []
    strategic_procurement: list[str] = []
    social_objective: list[str] = []


class NoticeRecord(_Strict):
    """One public tender notice in the shape every parser produces and storage keeps."""

    source: Literal["ted", "tenderned", "ocds", "file"]
    format: Literal["eforms", "ted-xml", "ocds", "tenderned"]
    notice_id: Annotated[NonEmpty, _short(128)]
    publication_number: Annotated[str, _short(32)] | None = None
    procedure_id: Annotated[str, _short(128)] | None = None
    # The publication number of the earlier notice this one refers to (TED XML REF_NOTICE: the notice a corrigendum
    # corrects, the call an award reports on), in ``publication_number``'s form.
    refers_to: Annotated[str, _short(32)] | None = None
    # The tender's publication on TenderNed (``publicatieId``) that a TED notice links to: the same tender, crawled
    # from TenderNed too, is one tender (``storage.repository.not_a_stored_copy``).
    tenderned_id: Annotated[str, _short(16)] | None = None
    version: Annotated[str, _short(64)] | None = None
    notice_type: Annotated[str, _short(32)] | None = None
    language: Annotated[str, _short(8)] | None = None
    title: str | None = None
    description: str | None = None
    additional_information: str | None = None
    buyer: Buyer = Buyer()
    cpv_main: str | None = None
    cpv_additional: list[str] = []
    nuts: list[str] = []
    estimated_value: Money | None = None
    publication_date: date | None = None
    deadline: AwareDatetime | None = None
    url: str | None = None
    # Where the procurement documents are (eForms BT-15, TED XML URL_DOCUMENT, OCDS tender documents).
    documents_url: str | None = None
    lots: list[LotRecord] = []
    social: SocialCodes = SocialCodes()

    @field_validator("url", "documents_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return safe_url(value)

    @field_validator("cpv_main")
    @classmethod
    def _cpv(cls, value: str | None) -> str | None:
        return None if value is None else normalise_cpv(value, allow_prefix=False)

    @field_validator("cpv_additional")
    @classmethod
    def _cpv_list(cls, value: list[str]) -> list[str]:
        return [normalise_cpv(v, allow_prefix=False) for v in value]

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else value.lower()

    def closes_at(self) -> datetime | None:
        """Return when the last of the notice's lots closes: its ``deadline`` is the first (what listings show), but
        a lot closing later is still open after it."""
        return max((d for d in (self.deadline, *(lot.deadline for lot in self.lots)) if d is not None), default=None)


# Company profile (DESIGN.md, "Readiness and matching")


class Capacity(_Strict):
    """What a company can carry: the largest contract value and its staff."""

    max_contract_value: float | None = Field(default=None, ge=0)
    staff: int | None = Field(default=None, ge=0)

    @field_validator("max_contract_value")
    @classmethod
    def _whole_euros(cls, value: float | None) -> float | None:
        # "250.000" read as a number is 250.0: a thousands separator read as a decimal point. No company bids for
        # public contracts worth less than a thousand euros, so such a value is that mistake, not a capacity.
        if value is not None and 0 < value < 1000:
            raise ValueError(f"{value:g} euros is less than 1000: write the amount in whole euros without separators "
                             f"(250000, not 250.000)")  # fmt: skip
        return value


class DigestPreferences(_Strict):
    """How much a company wants in its weekly digest."""

    min_score: float = Field(default=0.3, ge=0, le=1)
    max_items: int = Field(default=10, ge=1, le=100)


class CompanyProfile(_Strict):
    """A resident company's profile; only ``id``, ``name`` and ``description`` are required."""

    id: Annotated[str, StringConstraints(strip_whitespace=True, pattern=COMPANY_ID_RE)]
    name: NonEmpty
    description: NonEmpty
    email: str | None = None
    language: Literal["nl", "en"] = "nl"
    cpv: list[str] = []
    regions: list[str] = []
    capacity: Capacity = Capacity()
    certifications: list[NonEmpty] = []
    preparation_days: int = Field(default=10, ge=0, le=365)
    partner: bool = True
    digest: DigestPreferences = DigestPreferences()

    @field_validator("partner", mode="before")
    @classmethod
    def _partner(cls, value: Any) -> Any:
        # Dutch companies write ja/nee, in a CSV cell and in YAML alike (YAML reads only yes/no as booleans).
        words = {"ja": True, "j": True, "nee": False}
        return words.get(value.strip().lower(), value) if isinstance(value, str) else value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not EMAIL_RE.match(value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @field_validator("cpv", "regions", "certifications", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        # "regions: NL31" is how people write one region, "cpv: 77310000" one code (a number to YAML); several may
        # come in one string, "7731, 9091".
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, list):  # "cpv: [77310000, 90910000]": numbers to YAML, codes as written
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        if not isinstance(value, str):
            return value
        return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]

    @field_validator("id", mode="before")
    @classmethod
    def _numeric_id(cls, value: Any) -> Any:
        # "id: 41234567" (a registration number) is a number to YAML; the id is what was written.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("cpv")
    @classmethod
    def _cpv(cls, value: list[str]) -> list[str]:
        return [normalise_cpv(v, allow_prefix=True) for v in value]

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str]) -> list[str]:
        return [normalise_nuts(v) for v in value]
