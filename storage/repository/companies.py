"""Company profiles."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Company
from storage.records import CompanyProfile
from storage.repository.notices import Outcome, update_if_changed

logger = logging.getLogger(__name__)


def _company_columns(profile: CompanyProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "email": profile.email,
        "language": profile.language,
        "description": profile.description,
        "cpv": list(profile.cpv),
        "regions": list(profile.regions),
        "max_contract_value": profile.capacity.max_contract_value,
        "staff": profile.capacity.staff,
        "certifications": list(profile.certifications),
        "preparation_days": profile.preparation_days,
        "partner": profile.partner,
        "min_score": profile.digest.min_score,
        "max_items": profile.digest.max_items,
    }


def upsert_company(*, session: Session, profile: CompanyProfile) -> Outcome:
    """Insert a company or update the one with the same id."""
    columns = _company_columns(profile)
    existing = session.get(Company, profile.id)
    if existing is None:
        session.add(Company(id=profile.id, **columns))
        session.flush()
        return Outcome.NEW
    return update_if_changed(session, existing, columns, stamp="updated_at")


def list_companies(*, session: Session) -> Sequence[Company]:
    """Return all companies ordered by id."""
    return session.exec(select(Company).order_by(col(Company.id))).all()


def to_profile(company: Company) -> CompanyProfile:
    """Return the profile a stored company was made from."""
    return CompanyProfile.model_validate(
        {
            "id": company.id,
            "name": company.name,
            "description": company.description,
            "email": company.email,
            "language": company.language,
            "cpv": company.cpv,
            "regions": company.regions,
            "capacity": {"max_contract_value": company.max_contract_value, "staff": company.staff},
            "certifications": company.certifications,
            "preparation_days": company.preparation_days,
            "partner": company.partner,
            "digest": {"min_score": company.min_score, "max_items": company.max_items},
        }
    )
