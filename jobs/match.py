"""Match stored notices to stored companies and keep the results (the ``match`` step of a run)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from jobs.analyse import labels_by_lot, notice_findings
from matcher.cpv import load_labels
from matcher.reasons import rank
from matcher.tenders import Match, Profile, Tender, notice_text, tenders_from_record
from matcher.text import fit_text_model
from storage import repository
from storage.db import session_scope
from storage.records import CompanyProfile

logger = logging.getLogger(__name__)
MAX_STORED = 100  # per company; the digest shows at most a company's max_items


class UnknownCompanyError(LookupError):
    """Raised when matching is asked for a company id that is not stored, from ``match_companies``."""


@dataclass(frozen=True)
class MatchRun:
    """The matches of one run, with what a listing needs about each notice."""

    matches: list[Match]
    titles: dict[str, str]
    deadlines: dict[str, datetime | None]
    urls: dict[str, str | None]


def profile_of(company: CompanyProfile) -> Profile:
    """Return the scorer's view of a company profile."""
    return Profile(
        id=company.id, description=company.description, language=company.language, cpv=tuple(company.cpv),
        regions=tuple(company.regions), max_value=company.capacity.max_contract_value,
        certifications=tuple(company.certifications), preparation_days=company.preparation_days,
        partner=company.partner, min_score=company.digest.min_score, max_items=company.digest.max_items,
    )  # fmt: skip


def match_companies(
    *, engine: Engine, as_of: datetime, company_id: str | None = None, since: date | None = None,
    include_closed: bool = False, cpv_labels: Path | None = None,
) -> MatchRun:  # fmt: skip
    """Score current notices (published since ``since``) for each company, store the matches, return them.

    The text model is refitted on every current stored notice, so its term weights follow the corpus as it grows.
    """
    with session_scope(engine) as session:
        companies = [c for c in repository.list_companies(session=session) if company_id in (None, c.id)]
        if company_id is not None and not companies:
            raise UnknownCompanyError(company_id)
        profiles = [profile_of(repository.to_profile(c)) for c in companies]
        corpus = repository.list_notices(session=session, current_only=True)
        pks: dict[str, int] = {}
        tenders: list[Tender] = []
        corpus_texts = []
        for notice in corpus:
            in_scope = since is None or (notice.publication_date is not None and notice.publication_date >= since)
            if not in_scope or notice.notice_id in pks:  # out of the period, or the same notice from a second source
                corpus_texts.append(notice_text(notice.record))
                continue
            # Clauses only for the notices being scored: reading them fresh (not yet analysed) is the costly part.
            found = tenders_from_record(notice.record, labels_by_lot(notice_findings(session=session, notice=notice)))
            corpus_texts.append(found[0].text)
            pks[notice.notice_id] = notice.id or 0
            tenders.extend(found)
    model = fit_text_model(corpus_texts)
    labels = {lang: load_labels(cpv_labels, lang) for lang in ("nl", "en")} if cpv_labels else None
    matches = (
        rank(profiles, tenders, model, as_of=as_of, include_closed=include_closed, cpv_labels=labels)
        if tenders
        else []
    )
    kept: dict[str, list[Match]] = defaultdict(list)
    for match in matches:
        if len(kept[match.company_id]) < MAX_STORED:
            kept[match.company_id].append(match)
    with session_scope(engine) as session:
        for profile in profiles:
            for match in kept[profile.id]:
                repository.upsert_match(
                    session=session, company_id=profile.id, notice_pk=pks[match.notice_id], lot_id=match.lot_id,
                    kind=match.kind, score=match.score, parts=dict(match.parts), reasons=match.reasons,
                    to_arrange=match.to_arrange,
                )  # fmt: skip
            if since is None:
                keep = {(pks[m.notice_id], m.lot_id or "") for m in kept[profile.id]}
                repository.prune_matches(session=session, company_id=profile.id, keep=keep)
    logger.info("Matched %d companies against %d tenders: %d matches", len(profiles), len(tenders), len(matches))
    ordered = [m for profile in profiles for m in kept[profile.id]]
    titles = {t.notice_id: t.title for t in tenders if t.lot_id is None}
    deadlines = {t.notice_id: t.deadline for t in tenders if t.lot_id is None}
    urls = {t.notice_id: t.url for t in tenders if t.lot_id is None}
    return MatchRun(ordered, titles, deadlines, urls)
