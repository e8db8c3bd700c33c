"""Match stored notices to stored companies and keep the results (the ``match`` step of a run).

The database does the selecting (current, open, in period) and notices stream through in chunks, so memory stays
flat as the corpus grows. The text model is kept between runs (``model_state``) and fitted again only when the
corpus has changed by ``REFIT_SHARE`` or on request. A run after an earlier one is incremental: only notices that
are new or changed since then are scored against every company, and only companies that are new or changed are
scored against every notice; each company keeps its ``MAX_STORED`` best, exactly as a full run would keep them.
"""

from __future__ import annotations

import heapq
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from jobs.analyse import findings_by_notice, labels_by_lot
from matcher.cpv import load_labels
from matcher.reasons import Candidate, candidates, explain
from matcher.scoring import score_all
from matcher.tenders import Profile, Tender, notice_text, tenders_from_record
from matcher.text import TEXT_MODEL_VERSION, TextModel, fit_text_model, from_state, to_state
from storage import repository
from storage.db import session_scope
from storage.models import Notice
from storage.records import CompanyProfile
from storage.repository import MatchRow
from storage.types import utcnow

logger = logging.getLogger(__name__)
MAX_STORED = 100  # per company; the digest shows at most a company's max_items
CHUNK = 2000  # notices scored at once: companies x chunk pairs in memory
FIT_SAMPLE = 20_000  # notices the text model is fitted on at most: term weights settle long before that
REFIT_SHARE = 0.10  # refit when the corpus has grown or shrunk by this share since the model was fitted
TEXT_MODEL = "text"


class UnknownCompanyError(LookupError):
    """Raised when matching is asked for a company id that is not stored, from ``match_companies``."""


@dataclass(frozen=True)
class MatchRun:
    """What a match run did."""

    mode: str  # "full" or "incremental"
    refitted: bool
    companies: int
    notices_scored: int
    written: int
    company_ids: list[str] = field(default_factory=list)


def profile_of(company: CompanyProfile) -> Profile:
    """Return the scorer's view of a company profile."""
    return Profile(
        id=company.id, description=company.description, language=company.language, cpv=tuple(company.cpv),
        regions=tuple(company.regions), max_value=company.capacity.max_contract_value,
        certifications=tuple(company.certifications), preparation_days=company.preparation_days,
        partner=company.partner, min_score=company.digest.min_score, max_items=company.digest.max_items,
    )  # fmt: skip


def _open_notices(as_of: datetime, *, since: date | None, include_closed: bool) -> Any:
    """Return the WHERE clause of notices worth scoring: current, open (unless asked), in the period."""
    conditions = [col(Notice.superseded_by).is_(None)]
    if not include_closed:
        conditions.append(or_(col(Notice.deadline).is_(None), col(Notice.deadline) >= as_of))
    if since is not None:
        conditions.append(col(Notice.publication_date) >= since)
    return conditions


def _stream(engine: Engine, conditions: Sequence[Any], chunk: int) -> Iterator[list[tuple[int, Any, str | None]]]:
    """Yield ``(id, record, clauses_version)`` of the matching notices in chunks, in id order (keyset paging)."""
    last = 0
    while True:
        with session_scope(engine) as session:
            statement = (
                select(Notice.id, Notice.record, Notice.clauses_version)
                .where(*conditions, col(Notice.id) > last)
                .order_by(col(Notice.id))
                .limit(chunk)
            )
            rows = [(int(pk), record, version) for pk, record, version in session.exec(statement)]
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _corpus_texts(engine: Engine, size: int) -> list[str]:
    """Return the texts of up to ``FIT_SAMPLE`` current notices, spread evenly over the corpus."""
    step = max(1, size // FIT_SAMPLE)
    texts = []
    for rows in _stream(engine, [col(Notice.superseded_by).is_(None)], CHUNK):
        texts.extend(notice_text(record) for pk, record, _v in rows if pk % step == 0)
    return texts[:FIT_SAMPLE]


def text_model(engine: Engine, *, refit: bool = False) -> tuple[TextModel, bool]:
    """Return the stored text model, fitting (and storing) it anew when asked, missing, outdated, or when the
    corpus has changed by ``REFIT_SHARE`` since; the flag says whether it was fitted now."""
    with session_scope(engine) as session:
        size = int(session.exec(select(func.count()).select_from(Notice).where(
            col(Notice.superseded_by).is_(None))).one())  # fmt: skip
        stored = repository.load_model_state(session=session, name=TEXT_MODEL)
    if stored is not None and not refit and stored.version == TEXT_MODEL_VERSION:
        drift = abs(size - stored.corpus_size) / max(stored.corpus_size, 1)
        if drift < REFIT_SHARE:
            try:
                return from_state(stored.payload), False
            except ValueError as exc:
                logger.warning("Stored text model unusable (%s); fitting it again", exc)
    model = fit_text_model(_corpus_texts(engine, size))
    with session_scope(engine) as session:
        repository.save_model_state(session=session, name=TEXT_MODEL, version=TEXT_MODEL_VERSION,
                                    corpus_size=size, payload=to_state(model))  # fmt: skip
    logger.info("Text model fitted on %d of %d current notices", model.documents, size)
    return model, True


@dataclass
class _Best:
    """The best candidates per company, at most ``MAX_STORED`` each, with what explaining them needs."""

    heaps: dict[int, list[tuple[float, int, int, str]]] = field(default_factory=lambda: defaultdict(list))
    found: dict[tuple[int, int, str], tuple[Candidate, Tender]] = field(default_factory=dict)
    # (row, notice_pk, lot) a company said is not for it: a notice ("") takes its lots along.
    refused: set[tuple[int, int, str]] = field(default_factory=set)

    def offer(self, row: int, notice_pk: int, candidate: Candidate, tender: Tender) -> None:
        lot = tender.lot_id or ""
        if (row, notice_pk, "") in self.refused or (row, notice_pk, lot) in self.refused:
            return
        # Ties are broken by notice and lot so that a full and an incremental run keep the same pairs.
        entry = (candidate.score, -notice_pk, -len(lot), lot)
        heap = self.heaps[row]
        if len(heap) < MAX_STORED:
            heapq.heappush(heap, entry)  # type: ignore[arg-type]
        elif entry > heap[0]:
            dropped = heapq.heapreplace(heap, entry)  # type: ignore[arg-type]
            self.found.pop((row, -dropped[1], dropped[3]), None)
        else:
            return
        self.found[(row, notice_pk, lot)] = (candidate, tender)


def _score(engine: Engine, profiles: Sequence[Profile], rows: Sequence[int], conditions: Sequence[Any],
           model: TextModel, as_of: datetime, include_closed: bool, best: _Best) -> int:  # fmt: skip
    """Score the companies ``rows`` (indices into ``profiles``) against every notice meeting ``conditions``."""
    if not rows:
        return 0
    chosen = [profiles[r] for r in rows]
    left = model.vectors([p.description for p in chosen])
    scored = 0
    for chunk in _stream(engine, conditions, CHUNK):
        with session_scope(engine) as session:
            findings = findings_by_notice(session=session, notices=chunk)
        tenders: list[Tender] = []
        owners: list[int] = []
        for pk, record, _version in chunk:
            found = tenders_from_record(record, labels_by_lot(findings.get(pk, [])))
            tenders.extend(found)
            owners.extend([pk] * len(found))
        scored += len(chunk)
        text = (left @ model.vectors([t.text for t in tenders]).T).toarray()
        scores = score_all(chosen, tenders, model, as_of=as_of, include_closed=include_closed, text=text)
        for candidate in candidates(chosen, tenders, scores):
            best.offer(rows[candidate.row], owners[candidate.column], candidate, tenders[candidate.column])
    return scored


def _stored_scores(session: Session, company_ids: Sequence[str]) -> dict[str, list[tuple[float, int, str]]]:
    result: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for company, notice_pk, lot, score in repository.match_scores(session=session, company_ids=company_ids):
        result[company].append((score, notice_pk, lot))
    return result


def _to_renew(engine: Engine, profiles: Sequence[Profile], changed_at: dict[str, datetime], last: datetime | None,
              changed_pks: Sequence[int], as_of: datetime, include_closed: bool) -> list[int]:  # fmt: skip
    """Return the companies an incremental run scores against every notice: new or changed ones, and those whose
    full list of best matches lost a member to a changed or superseded notice (the next best is not stored, so
    only a full look finds it), or lost half of it to closed notices."""
    changed = set(changed_pks)
    with session_scope(engine) as session:
        stored = _stored_scores(session, [p.id for p in profiles])
        gone = set(repository.replaced_notices(session=session))
        spoke = repository.companies_with_feedback_since(session=session, since=last) if last else set()
        closed = set() if include_closed else set(repository.closed_notices(session=session, as_of=as_of))
    renew = []
    for row, profile in enumerate(profiles):
        entries = stored.get(profile.id, [])
        if (
            last is None
            or changed_at[profile.id] > last
            or profile.id in spoke
            or len(entries) >= MAX_STORED
            and (
                any(pk in changed or pk in gone for _s, pk, _l in entries)
                or sum(pk in closed for _s, pk, _l in entries) > len(entries) // 2
            )
        ):
            renew.append(row)
    return renew


def _since_last(engine: Engine) -> datetime | None:
    with session_scope(engine) as session:
        last = repository.last_successful_run(session=session, name="match")
    return datetime.fromisoformat(last.watermark) if last is not None and last.watermark else None


def match_companies(
    *, engine: Engine, as_of: datetime, company_id: str | None = None, since: date | None = None,
    include_closed: bool = False, full: bool = False, refit: bool = False, cpv_labels: Path | None = None,
) -> MatchRun:  # fmt: skip
    """Score notices for companies and store each company's best matches; return what was done.

    ``full`` scores every company against every open current notice; otherwise only what changed since the last
    run (all of it the first time, or when the text model was fitted again). ``since`` limits the notices scored
    to those published since that date, adding to the stored matches. ``refit`` fits the text model again.
    """
    started = utcnow()
    full = full or include_closed  # closed notices are never kept by incremental runs
    with session_scope(engine) as session:
        companies = [c for c in repository.list_companies(session=session) if company_id in (None, c.id)]
        if company_id is not None and not companies:
            raise UnknownCompanyError(company_id)
        profiles = [profile_of(repository.to_profile(c)) for c in companies]
        changed_at = {c.id: c.updated_at for c in companies}
    model, refitted = text_model(engine, refit=refit)
    last = None if (full or refitted) else _since_last(engine)
    incremental = last is not None or since is not None
    base = _open_notices(as_of, since=since, include_closed=include_closed)
    changed_pks: list[int] = []
    if incremental:
        # New or changed notices (or, with --since, the notices of the period): scored against everyone.
        conditions = [*base, *([col(Notice.updated_at) > last] if since is None and last is not None else [])]
        with session_scope(engine) as session:
            changed_pks = [int(pk) for pk in session.exec(select(Notice.id).where(*conditions))]
    if company_id is not None:
        renew = [0]  # one company asked for: all of it, against every notice
    elif not incremental:
        renew = list(range(len(profiles)))
    else:
        renew = _to_renew(engine, profiles, changed_at, last, changed_pks, as_of, include_closed)
    best = _Best()
    rows_of = {p.id: i for i, p in enumerate(profiles)}
    with session_scope(engine) as session:
        for company, notice_pk, lot, relevant in repository.feedback_pairs(session=session, company_ids=list(rows_of)):
            if not relevant:
                best.refused.add((rows_of[company], notice_pk, lot))
        repository.delete_superseded_matches(session=session)
        if not include_closed:
            repository.delete_closed_matches(session=session, as_of=as_of)
    scored = _score(engine, profiles, renew, base, model, as_of, include_closed, best)
    renewed = set(renew)
    others = [i for i in range(len(profiles)) if i not in renewed]
    if incremental and others and changed_pks:
        scored += _score(engine, profiles, others, conditions, model, as_of, include_closed, best)
    labels = {lang: load_labels(cpv_labels, lang) for lang in ("nl", "en")} if cpv_labels else None
    written = _write(engine, profiles, renew, others if incremental else [], changed_pks, best, labels)
    # Only a run over every company and every notice moves the incremental starting point.
    name = "match" if company_id is None and since is None else "match:partial"
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name=name)
        repository.finish_job_run(session=session, run=run, status="success",
                                  counts={"companies": len(profiles), "notices_scored": scored, "written": written},
                                  watermark=started.isoformat())  # fmt: skip
    mode = "incremental" if incremental and len(renew) < len(profiles) else "full"
    logger.info("Matched %d companies (%s): %d notices scored, %d matches written", len(profiles), mode, scored,
                written)  # fmt: skip
    return MatchRun(mode, refitted, len(profiles), scored, written, [p.id for p in profiles])


def _row(profile: Profile, notice_pk: int, candidate: Candidate, tender: Tender, labels: Any) -> MatchRow:
    match = explain(profile, tender, candidate, labels)
    return MatchRow(company_id=profile.id, notice_pk=notice_pk, lot_id=tender.lot_id or "", kind=match.kind,
                    score=match.score, parts={k: round(v, 6) for k, v in match.parts.items()},
                    reasons=list(match.reasons), to_arrange=list(match.to_arrange))  # fmt: skip


def _write(engine: Engine, profiles: Sequence[Profile], renew: Sequence[int], merge: Sequence[int],
           changed_pks: Sequence[int], best: _Best, labels: Any) -> int:  # fmt: skip
    """Store the kept candidates: renewed companies get their list replaced, others merged with what is stored."""
    rows: list[MatchRow] = []
    by_row: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row, notice_pk, lot in best.found:
        by_row[row].append((notice_pk, lot))
    for row in renew:
        for notice_pk, lot in by_row.get(row, []):
            candidate, tender = best.found[(row, notice_pk, lot)]
            rows.append(_row(profiles[row], notice_pk, candidate, tender, labels))
    dropped: list[tuple[str, int, str]] = []
    if merge:
        changed = set(changed_pks)
        with session_scope(engine) as session:
            stored = _stored_scores(session, [profiles[r].id for r in merge])
        for row in merge:
            profile = profiles[row]
            pool = [(score, -pk, -len(lot), lot, "stored") for score, pk, lot in stored.get(profile.id, [])
                    if pk not in changed and (row, pk, "") not in best.refused
                    and (row, pk, lot) not in best.refused]  # fmt: skip
            pool += [
                (best.found[(row, pk, lot)][0].score, -pk, -len(lot), lot, "new") for pk, lot in by_row.get(row, [])
            ]
            keep = set(heapq.nlargest(MAX_STORED, pool))
            for entry in pool:
                key = (profile.id, -entry[1], entry[3])
                if entry not in keep and entry[4] == "stored":
                    dropped.append(key)
                elif entry in keep and entry[4] == "new":
                    candidate, tender = best.found[(row, -entry[1], entry[3])]
                    rows.append(_row(profile, -entry[1], candidate, tender, labels))
    with session_scope(engine) as session:
        if renew:
            repository.delete_company_matches(session=session, company_ids=[profiles[r].id for r in renew])
        if changed_pks:
            repository.delete_matches_of_notices(session=session, notice_pks=list(changed_pks))
        repository.delete_matches(session=session, keys=dropped)
        repository.write_matches(session=session, rows=rows)
    return len(rows)


def stored_matches(*, engine: Engine, company_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Return the stored matches (of some companies) in the ``match --format jsonl`` shape, best first per
    company, with the notice title, deadline and address for listings."""
    with session_scope(engine) as session:
        return repository.match_listing(session=session, company_ids=company_ids)
