"""Company profiles."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import Company, Delivery, Feedback, Match
from storage.records import CompanyProfile
from storage.repository.notices import Outcome, update_if_changed
from storage.types import utcnow

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
    """Insert a company or update the one with the same id.

    ``unsubscribed_at`` is not part of a profile and stays as it is: re-importing the company file never
    subscribes a company again.
    """
    columns = _company_columns(profile)
    existing = session.get(Company, profile.id)
    if existing is None:
        session.add(Company(id=profile.id, **columns))
        session.flush()
        return Outcome.NEW
    return update_if_changed(session, existing, columns, stamp="updated_at")


def set_inferred_cpv(*, session: Session, company_id: str, codes: Sequence[tuple[str, float]],
                     at: datetime | None = None) -> bool:  # fmt: skip
    """Store the CPV branches inferred from a company's description; return whether they changed.

    A change makes the company due for a full look at the next ``match`` (its ``updated_at`` moves, to ``at`` when
    given: a match run that scores the company fully anyway dates the change to its own start).
    """
    company = session.get(Company, company_id)
    if company is None:
        return False
    wanted = [[code, round(float(sure), 4)] for code, sure in codes]
    if company.cpv_inferred == wanted:
        return False
    company.cpv_inferred = wanted
    company.updated_at = at or utcnow()
    session.add(company)
    session.flush()
    return True


def inferred_cpv(company: Company) -> tuple[tuple[str, float], ...]:
    """Return a stored company's inferred CPV branches as (code, confidence) pairs."""
    return tuple((str(code), float(sure)) for code, sure in company.cpv_inferred or [])


def list_companies(*, session: Session) -> Sequence[Company]:
    """Return all companies ordered by id."""
    return session.exec(select(Company).order_by(col(Company.id))).all()


def unsubscribe(*, session: Session, company_id: str, at: datetime | None = None) -> Company | None:
    """Stop a company's digests; return it, or ``None`` when there is no such company.

    Idempotent: a company that already unsubscribed keeps its first time (mail clients may post the one-click
    unsubscribe more than once).
    """
    company = session.get(Company, company_id)
    if company is None:
        return None
    if company.unsubscribed_at is None:
        company.unsubscribed_at = at or utcnow()
        session.add(company)
        session.flush()
        logger.info("Company %s unsubscribed", company_id)
    return company


def resubscribe(*, session: Session, company_id: str) -> Company | None:
    """Send a company its digests again (an operator's decision); return it, or ``None`` when unknown."""
    company = session.get(Company, company_id)
    if company is None:
        return None
    if company.unsubscribed_at is not None:
        company.unsubscribed_at = None
        session.add(company)
        session.flush()
    return company


def remove_company(*, session: Session, company_id: str) -> dict[str, int] | None:
    """Delete a company with everything kept about it (matches, feedback, digest deliveries); return how many rows
    of each went, or ``None`` when there is no such company.

    The rows are deleted here rather than left to ``ON DELETE CASCADE``: that says what went, and holds on a SQLite
    connection opened without foreign keys. Call it under the run lock: a match or digest run writing for this
    company while it goes would fail on its foreign keys. The part weights learned from all companies' feedback
    are learned again by the next match, without this company's words.
    """
    if session.get(Company, company_id) is None:
        return None
    removed = {}
    for name, table in (("matches", Match), ("feedback", Feedback), ("deliveries", Delivery)):
        done = session.exec(delete(table).where(col(table.company_id) == company_id))  # type: ignore[call-overload]
        removed[name] = int(done.rowcount)
    session.exec(delete(Company).where(col(Company.id) == company_id))  # type: ignore[call-overload]
    session.flush()
    logger.info("Company %s removed (%s)", company_id, ", ".join(f"{k} {v}" for k, v in removed.items()))
    return removed


def is_unsubscribed(*, session: Session, company_id: str) -> bool:
    """Return whether a company unsubscribed (an unknown company is not unsubscribed)."""
    statement = select(Company.unsubscribed_at).where(Company.id == company_id)
    return session.exec(statement).first() is not None


def subscribed(*, session: Session, company_ids: Sequence[str] | None = None) -> list[str]:
    """Return the ids of the companies (of ``company_ids``, or all) that still get digests, ordered by id."""
    statement = select(Company.id).where(col(Company.unsubscribed_at).is_(None))
    if company_ids is not None:
        statement = statement.where(col(Company.id).in_(list(company_ids)))
    return list(session.exec(statement.order_by(col(Company.id))))


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
