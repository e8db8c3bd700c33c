"""Match stored notices to stored companies and keep the results (the ``match`` step of a run).

The database does the selecting (current, open, in period) and notices stream through in chunks, scored in blocks of
at most ``BLOCK_PAIRS`` company x tender pairs, so memory stays nearly flat as notices and companies grow. The text
model is kept between runs (``model_state``) and fitted again only when the corpus has changed by ``REFIT_SHARE`` or
on request. A run after an earlier one is incremental: only notices that are new or changed since then, and stored
matches' notices with a deadline (their days to it have moved), are scored against every company, and only companies
that are new or changed are scored against every notice; each company keeps its ``MAX_STORED`` best as a full run
would keep them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import false, or_, true
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from jobs.analyse import findings_by_notice, labels_by_lot
from jobs.companies import UnknownCompanyError
from jobs.match_profiles import read_again, stored_profile
from jobs.match_store import Best, rebase, since_last, to_renew, write
from jobs.models import (
    CHUNK,
    corpus_size,
    cpv_model,
    keep_fingerprint,
    predicted,
    scoring_fingerprint,
    shared_sample,
    stored_fingerprint,
    stream_notices,
    text_model,
)
from matcher.cpv_model import CpvModel
from matcher.feedback import Marks, learn_weights
from matcher.reasons import candidates
from matcher.scoring import WEIGHTS, blocks, score_all
from matcher.tenders import Profile, Tender, notice_codes, notice_text, tenders_from_record
from matcher.text import TextModel
from storage import repository
from storage.db import session_scope
from storage.models import Company, Notice
from storage.records import NoticeRecord
from storage.types import utcnow

logger = logging.getLogger(__name__)
UNDATED_DAYS = 90  # a notice without a deadline is offered this long after publication (KANSENRADAR_UNDATED_DAYS)


@dataclass(frozen=True)
class MatchRun:
    """What a match run did."""

    mode: str  # "full" or "incremental"
    refitted: bool
    companies: int
    notices_scored: int
    written: int
    company_ids: list[str] = field(default_factory=list)


def _open_notices(as_of: datetime, *, since: date | None, include_closed: bool, undated_days: int) -> Any:
    """Return the WHERE clause of notices worth scoring: opportunities on ``as_of`` (see
    ``repository.opportunity_conditions``), published in the period when ``since`` is given."""
    conditions = repository.opportunity_conditions(as_of=as_of, undated_days=undated_days,
                                                   include_closed=include_closed)  # fmt: skip
    if since is not None:
        conditions.append(col(Notice.publication_date) >= since)
    return conditions


@dataclass(frozen=True)
class _Models:
    """What scoring needs besides the companies: the text and CPV models, learned weights and each company's marks."""

    text: TextModel
    cpv: CpvModel
    weights: dict[str, float] | None
    marks: dict[str, Marks]


def _records(chunk: Sequence[tuple[int, Any, str | None]]) -> list[tuple[int, NoticeRecord]]:
    records = []
    for pk, data, _version in chunk:
        try:
            records.append((pk, NoticeRecord.model_validate(data)))
        except ValueError as exc:  # stored by an older parser and no longer valid: crawl it again to match it
            logger.warning("Notice %s skipped: %s", pk, str(exc).splitlines()[0])
    return records


def _refusals(best: Best, rows: Sequence[int], owners: Sequence[int], tenders: Sequence[Tender],
              lots_of: dict[int, frozenset[str]]) -> Callable[[int, int], bool]:  # fmt: skip
    """Return the test ``candidates`` skips pairs by: did the company turn this notice (or lot) down."""
    lots = [t.lot_id for t in tenders]
    return lambda row, column: best.refuses(rows[row], owners[column], lots[column], lots_of[owners[column]])


def _score(engine: Engine, profiles: Sequence[Profile], rows: Sequence[int], conditions: Sequence[Any],
           models: _Models, as_of: datetime, include_closed: bool, best: Best) -> int:  # fmt: skip
    """Score the companies ``rows`` (indices into ``profiles``) against every notice meeting ``conditions``."""
    if not rows:
        return 0
    chosen = [profiles[r] for r in rows]
    left = models.text.vectors([p.description for p in chosen])
    marks = [models.marks.get(p.id) for p in chosen]
    marked = sum(m.count for m in marks if m is not None)
    scored = 0
    for chunk in stream_notices(engine, conditions, CHUNK):
        with session_scope(engine) as session:
            findings = findings_by_notice(session=session, notices=chunk)
        records = _records(chunk)
        tenders: list[Tender] = []
        owners: list[int] = []
        starts: dict[int, tuple[int, int]] = {}
        lots_of = {pk: frozenset(lot.lot_id for lot in record.lots) for pk, record in records}
        for (pk, record), branches in zip(records, predicted(models.cpv, [r for _pk, r in records]), strict=True):
            found = tenders_from_record(record, labels_by_lot(findings.get(pk, [])), branches)
            starts[pk] = (len(tenders), len(found))
            tenders.extend(found)
            owners.extend([pk] * len(found))
        scored += len(chunk)
        if not tenders:  # every record of the chunk failed validation (each logged): nothing to score
            continue
        vectors = models.text.vectors([t.text for t in tenders])
        # What is kept of a match's notice is for its reasons, which never read the text (kilobytes per notice).
        tenders = [replace(t, text="") for t in tenders]
        # Feedback compares every marked notice with a block's tenders: those rows count towards its size too.
        for lo, hi in blocks([count for _start, count in starts.values()], len(chosen) + marked):
            block, block_owners, block_vectors = tenders[lo:hi], owners[lo:hi], vectors[lo:hi]
            scores = score_all(chosen, block, models.text, as_of=as_of, include_closed=include_closed,
                               text=(left @ block_vectors.T).toarray(), weights=models.weights, feedback=marks,
                               tender_vectors=block_vectors)  # fmt: skip
            skip = _refusals(best, rows, block_owners, block, lots_of)
            for candidate in candidates(chosen, block, scores, skip=skip, owners=block_owners):
                pk = block_owners[candidate.column]
                start, count = starts[pk]
                best.offer(rows[candidate.row], pk, rebase(candidate, start - lo), tenders[start : start + count])
    return scored


def _marks(engine: Engine, text: TextModel, cpv: CpvModel,
           pairs: Sequence[tuple[str, int, str, bool]]) -> dict[str, Marks]:  # fmt: skip
    """Return per company the notices it marked, as the feedback re-ranker reads them."""
    if not pairs:
        return {}
    wanted = sorted({pk for _c, pk, _l, _r in pairs})
    with session_scope(engine) as session:
        rows = session.exec(select(Notice.id, Notice.record).where(col(Notice.id).in_(wanted))).all()
    records = dict(_records([(int(pk), data, None) for pk, data in rows]))
    order = [pk for pk in wanted if pk in records]
    vectors = text.vectors([notice_text(records[pk]) for pk in order])
    branches = predicted(cpv, [records[pk] for pk in order])
    position = {pk: i for i, pk in enumerate(order)}
    codes = {pk: tuple((c, 1.0) for c in notice_codes(records[pk])) + branches[position[pk]] for pk in order}
    result: dict[str, Marks] = {}
    for company in sorted({c for c, _pk, _l, _r in pairs}):
        # A company's word on a lot counts for the notice; the latest word per notice wins (rows come ordered).
        said = {pk: relevant for c, pk, _lot, relevant in pairs if c == company and pk in position}
        liked = [pk for pk, yes in said.items() if yes]
        disliked = [pk for pk, yes in said.items() if not yes]
        yes, no = [position[pk] for pk in liked], [position[pk] for pk in disliked]
        result[company] = Marks(vectors[yes], tuple(codes[pk] for pk in liked), vectors[no],
                                tuple(codes[pk] for pk in disliked))  # fmt: skip
    return result


def match_companies(
    *, engine: Engine, as_of: datetime, company_id: str | None = None, since: date | None = None,
    include_closed: bool = False, full: bool = False, refit: bool = False, undated_days: int = UNDATED_DAYS,
    today: bool = True, zone: tzinfo = UTC, workers: int | None = None,
) -> MatchRun:  # fmt: skip
    """Score notices for companies and store each company's best matches; return what was done.

    ``full`` scores every company against every open current notice; otherwise only what changed since the last
    run (all of it the first time, or when models or part weights changed). ``since`` limits the notices scored for
    companies whose lists stand to those published since that date, adding to their stored matches; a company that
    is new, changed or gave feedback is scored against every open notice. ``refit`` fits the models again.
    ``today`` False says ``as_of`` is another day than now (``--as-of``): such a run, like one ``include_closed``,
    looks at other lists than today's, so it leaves the next run to score everything anew. ``zone`` is where the
    companies count the days to a deadline (``KANSENRADAR_TIMEZONE``). ``workers`` processes fit the CPV model
    (default: the cores).
    """
    started = utcnow()
    full = full or include_closed  # closed notices are never kept by incremental runs
    with session_scope(engine) as session:
        if company_id is not None and session.get(Company, company_id) is None:
            raise UnknownCompanyError(company_id)  # before any model is loaded or fitted
    size = corpus_size(engine)
    sample = shared_sample(engine, size)  # read once, when a model is fitted; dropped after both are ready
    text, text_refitted = text_model(engine, refit=refit, size=size, sample=sample)
    cpv, cpv_refitted = cpv_model(engine, refit=refit, size=size, workers=workers, sample=sample)
    del sample
    with session_scope(engine) as session:
        companies = [c for c in repository.list_companies(session=session) if company_id in (None, c.id)]
        profiles = [stored_profile(c, cpv) for c in companies]
        changed_at = {c.id: c.updated_at for c in companies}
        pairs = repository.feedback_pairs(session=session, company_ids=[p.id for p in profiles])
        said = repository.feedback_parts(session=session)
    weights = learn_weights(said, WEIGHTS)
    refitted = text_refitted or cpv_refitted
    models = _Models(text, cpv, weights, _marks(engine, text, cpv, pairs))
    # New models or part weights (new marks, a model fitted again, even by a run for one company) move every score:
    # then every company is scored again. The stored fingerprint is forgotten before anything is written under
    # another one, so that a run that stops half-way leaves the next one to score everyone.
    fingerprint = scoring_fingerprint(engine, weights)
    rescore = fingerprint != stored_fingerprint(engine)
    if rescore:
        profiles = read_again(engine, profiles, cpv, started)
    present = today and not include_closed
    if rescore or not present:
        with session_scope(engine) as session:
            keep_fingerprint(session, None)
    last = None if (full or rescore) else since_last(engine)  # a model fitted now is a new fingerprint too
    incremental = last is not None or since is not None
    base = _open_notices(as_of, since=since, include_closed=include_closed, undated_days=undated_days)
    changed_pks: list[int] = []
    content_pks: list[int] = []
    conditions = base
    if incremental:
        # New or changed notices (or, with --since, the notices of the period): scored against everyone. So are
        # stored matches' notices with a deadline: a day later their days to it and their time part have moved
        # (not in a run for one company: what it deletes for a rescored notice, the other companies would lose).
        recent = since is None and last is not None
        newer = col(Notice.updated_at) > last if recent else true()
        dated = repository.dated_since(as_of=as_of) if recent and company_id is None else false()
        conditions = [*base, or_(newer, dated)]
        with session_scope(engine) as session:
            found = session.exec(select(Notice.id, newer).where(*conditions)).all()
        changed_pks = [int(pk) for pk, _newer in found]
        # Only a changed notice makes a full list look again at every notice: time lowers every dated notice's
        # score alike, stored or not, so the ones below a full list rarely climb past its members.
        content_pks = [int(pk) for pk, is_newer in found if is_newer]
    if company_id is not None:
        renew = [0]  # one company asked for: all of it, against every notice
    elif not incremental:
        renew = list(range(len(profiles)))
    else:
        renew = to_renew(engine=engine, profiles=profiles, changed_at=changed_at, last=last, changed_pks=content_pks,
                         as_of=as_of, include_closed=include_closed, undated_days=undated_days)  # fmt: skip
    best = Best()
    rows_of = {p.id: i for i, p in enumerate(profiles)}
    for company, notice_pk, lot, relevant in pairs:  # oldest first: ``Best.refuses`` reads them in order
        best.words[(rows_of[company], notice_pk)].append((lot, relevant))
    for (row, notice_pk), words in best.words.items():
        if any(dict(words).values()):  # the latest word on the notice or a lot of it
            best.liked.add((row, notice_pk))
    with session_scope(engine) as session:
        repository.delete_superseded_matches(session=session)
        if not include_closed:
            repository.delete_closed_matches(session=session, as_of=as_of, undated_days=undated_days)
    # A company scored anew gets its whole list anew, from every open notice: with --since, only the others keep
    # theirs and add the period's notices (its list would otherwise shrink to the period).
    everything = base if since is None else _open_notices(as_of, since=None, include_closed=include_closed,
                                                           undated_days=undated_days)  # fmt: skip
    scored = _score(engine, profiles, renew, everything, models, as_of, include_closed, best)
    renewed = set(renew)
    others = [i for i in range(len(profiles)) if i not in renewed]
    if incremental and others and changed_pks:
        scored += _score(engine, profiles, others, conditions, models, as_of, include_closed, best)
    written = write(engine, profiles, renew, others if incremental else [], changed_pks, best, zone)
    # Only a run over every company and every notice moves the incremental starting point (a --since run that had
    # to score everyone anew against every open notice is one).
    whole = company_id is None and (since is None or len(renew) == len(profiles))
    name = "match" if whole and present else "match:partial"
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name=name, started_at=started)
        repository.finish_job_run(session=session, run=run, status="success",
                                  counts={"companies": len(profiles), "notices_scored": scored, "written": written},
                                  watermark=started.isoformat())  # fmt: skip
        if name == "match":
            keep_fingerprint(session, fingerprint)  # every company's list is now scored under it
    mode = "incremental" if incremental and len(renew) < len(profiles) else "full"
    logger.info("Matched %d companies (%s): %d notices scored, %d matches written", len(profiles), mode, scored,
                written)  # fmt: skip
    return MatchRun(mode, refitted, len(profiles), scored, written, [p.id for p in profiles])


def stored_matches(*, engine: Engine, company_ids: Sequence[str] | None = None,
                   as_of: datetime | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Return the stored matches (of some companies) in the ``match --format jsonl`` shape, best first per
    company, with the notice title, deadline (with ``as_of``: the one ahead then among the lots that fit) and
    address for listings."""
    with session_scope(engine) as session:
        return repository.match_listing(session=session, company_ids=company_ids, as_of=as_of)
