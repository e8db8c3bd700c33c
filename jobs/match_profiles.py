"""Companies as the scorer sees them: their profile, with the CPV branches read from the description of a company
that gave no codes, read again when what reads them has changed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy.engine import Engine

from jobs.models import inferred
from matcher.cpv_model import CpvModel
from matcher.tenders import Profile
from storage import repository
from storage.db import session_scope
from storage.models import Company
from storage.records import CompanyProfile

logger = logging.getLogger(__name__)


def profile_of(company: CompanyProfile, inferred_codes: tuple[tuple[str, float], ...] = ()) -> Profile:
    """Return the scorer's view of a company profile (with the CPV branches inferred from its description)."""
    return Profile(
        id=company.id, description=company.description, language=company.language, cpv=tuple(company.cpv),
        inferred=() if company.cpv else inferred_codes, regions=tuple(company.regions),
        max_value=company.capacity.max_contract_value, certifications=tuple(company.certifications),
        preparation_days=company.preparation_days, partner=company.partner, min_score=company.digest.min_score,
        max_items=company.digest.max_items,
    )  # fmt: skip


def stored_profile(company: Company, model: CpvModel | None) -> Profile:
    """Return a stored company as the scorer sees it; without stored inferred codes, infer them now."""
    codes = repository.inferred_cpv(company)
    if not company.cpv and not codes and model is not None:
        codes = inferred(model, company.description)
    return profile_of(repository.to_profile(company), codes)


def read_again(engine: Engine, profiles: Sequence[Profile], model: CpvModel, at: datetime) -> list[Profile]:
    """Return the profiles with the codes of companies without their own read anew from their descriptions.

    Codes inferred at import stay until the CPV model or the code that reads descriptions changes: then (a new
    scoring fingerprint) every company is scored again, and one that gave no codes is read by what scores it.
    """
    fresh = []
    with session_scope(engine) as session:
        for profile in profiles:
            if profile.cpv:
                fresh.append(profile)
                continue
            codes = inferred(model, profile.description)
            if repository.set_inferred_cpv(session=session, company_id=profile.id, codes=codes, at=at):
                logger.info("Company %s: work read again from its description", profile.id)
            fresh.append(replace(profile, inferred=codes))
    return fresh
