"""Keeping each company's best matches while notices stream past, and writing them (a full or a merging run); which
companies an incremental run must look at again (``to_renew``)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from matcher.reasons import Candidate, explain
from matcher.tenders import Profile, Tender
from storage import repository
from storage.db import session_scope
from storage.repository import MatchRow

MAX_STORED = 100  # per company; the digest shows at most a company's max_items


@dataclass
class Best:
    """The best candidates per company, at most ``MAX_STORED`` each, with the notice's tenders to explain them."""

    heaps: dict[int, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    found: dict[tuple[int, int], tuple[Candidate, list[Tender]]] = field(default_factory=dict)
    # What a company said of a notice, per (row, notice_pk): (lot id or "" for the notice, relevant), oldest first.
    words: dict[tuple[int, int], list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))
    # (row, notice_pk) a company marked as a good fit (the notice or one of its lots): its reasons say so.
    liked: set[tuple[int, int]] = field(default_factory=set)

    def refuses(self, row: int, notice_pk: int, lot_id: str | None, lots: frozenset[str] = frozenset()) -> bool:
        """Return whether the company of ``row`` turned this notice (or this lot of it) down; ``lots`` are the
        notice's lots: turning each of them down turns the notice down (a notice with one lot is scored whole)."""
        said = self.words.get((row, notice_pk))
        if not said:
            return False
        refused = repository.refused_lots(said, lots)
        if lot_id is not None and "" not in refused:
            return lot_id in refused
        return repository.turned_down(refused, lots)

    def offer(self, row: int, notice_pk: int, candidate: Candidate, tenders: list[Tender]) -> None:
        """Keep a candidate if it is among the company's best; ``tenders`` are its notice's, indexed by it."""
        # Ties are broken by notice so that a full and an incremental run keep the same pairs.
        entry = (candidate.score, -notice_pk)
        heap = self.heaps[row]
        if len(heap) < MAX_STORED:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:
            dropped = heapq.heapreplace(heap, entry)
            self.found.pop((row, -dropped[1]), None)
        else:
            return
        self.found[(row, notice_pk)] = (candidate, tenders)


def rebase(candidate: Candidate, start: int) -> Candidate:
    """Return a candidate whose tender indices count from ``start`` (its notice's first tender)."""
    return replace(candidate, column=candidate.column - start, lots=tuple(c - start for c in candidate.lots))


def stored_scores(session: Session, company_ids: Sequence[str]) -> dict[str, list[tuple[float, int]]]:
    """Return per company the ``(score, notice_pk)`` of its stored matches."""
    result: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for company, notice_pk, score in repository.match_scores(session=session, company_ids=company_ids):
        result[company].append((score, notice_pk))
    return result


def _row(profile: Profile, notice_pk: int, candidate: Candidate, tenders: list[Tender], marked: bool,
         zone: tzinfo) -> MatchRow:  # fmt: skip
    match = explain(profile, tenders, candidate, marked=marked, zone=zone)
    return MatchRow(company_id=profile.id, notice_pk=notice_pk, lots=list(match.lots), kind=match.kind,
                    score=match.score, parts={k: round(v, 6) for k, v in match.parts.items()},
                    reasons=list(match.reasons), to_arrange=list(match.to_arrange))  # fmt: skip


def write(engine: Engine, profiles: Sequence[Profile], renew: Sequence[int], merge: Sequence[int],
          changed_pks: Sequence[int], best: Best, zone: tzinfo) -> int:  # fmt: skip
    """Store the kept candidates: renewed companies get their list replaced, others merged with what is stored.
    Reasons count days and write dates in ``zone``."""
    rows: list[MatchRow] = []
    by_row: dict[int, list[int]] = defaultdict(list)
    for row, notice_pk in best.found:
        by_row[row].append(notice_pk)
    for row in renew:
        for notice_pk in by_row.get(row, []):
            rows.append(_row(profiles[row], notice_pk, *best.found[(row, notice_pk)], (row, notice_pk) in best.liked,
                             zone))  # fmt: skip
    dropped: list[tuple[str, int]] = []
    if merge:
        changed = set(changed_pks)
        with session_scope(engine) as session:
            stored = stored_scores(session, [profiles[r].id for r in merge])
        for row in merge:
            profile = profiles[row]
            pool = [(score, -pk, "stored") for score, pk in stored.get(profile.id, [])
                    if pk not in changed and not best.refuses(row, pk, None)]  # fmt: skip
            pool += [(best.found[(row, pk)][0].score, -pk, "new") for pk in by_row.get(row, [])]
            keep = set(heapq.nlargest(MAX_STORED, pool))
            for entry in pool:
                if entry not in keep and entry[2] == "stored":
                    dropped.append((profile.id, -entry[1]))
                elif entry in keep and entry[2] == "new":
                    pk = -entry[1]
                    rows.append(_row(profile, pk, *best.found[(row, pk)], (row, pk) in best.liked, zone))
    with session_scope(engine) as session:
        if renew:
            repository.delete_company_matches(session=session, company_ids=[profiles[r].id for r in renew])
        if changed_pks:
            repository.delete_matches_of_notices(session=session, notice_pks=list(changed_pks))
        repository.delete_matches(session=session, keys=dropped)
        repository.write_matches(session=session, rows=rows)
    return len(rows)


def to_renew(*, engine: Engine, profiles: Sequence[Profile], changed_at: dict[str, datetime], last: datetime | None,
             changed_pks: Sequence[int], as_of: datetime, include_closed: bool,
             undated_days: int) -> list[int]:  # fmt: skip
    """Return the companies an incremental run scores against every notice: new or changed ones, and those whose
    full list of best matches lost a member to a changed or superseded notice (the next best is not stored, so
    only a full look finds it), or lost half of it to closed notices."""
    changed = set(changed_pks)
    with session_scope(engine) as session:
        stored = stored_scores(session, [p.id for p in profiles])
        gone = set(repository.replaced_notices(session=session))
        spoke = repository.companies_with_feedback_since(session=session, since=last) if last else set()
        closed = set() if include_closed else set(repository.closed_notices(session=session, as_of=as_of,
                                                                            undated_days=undated_days))  # fmt: skip
    renew = []
    for row, profile in enumerate(profiles):
        entries = stored.get(profile.id, [])
        if (
            last is None
            or changed_at[profile.id] > last
            or profile.id in spoke
            or len(entries) >= MAX_STORED
            and (
                any(pk in changed or pk in gone for _s, pk in entries)
                or sum(pk in closed for _s, pk in entries) > len(entries) // 2
            )
        ):
            renew.append(row)
    return renew


def since_last(engine: Engine) -> datetime | None:
    """Return when the last successful whole match run started (its watermark), or None before any. A run of one
    company (``match:partial``) does not count: the other companies' lists did not move with it."""
    with session_scope(engine) as session:
        last = repository.last_successful_run(session=session, name="match")
    return datetime.fromisoformat(last.watermark) if last is not None and last.watermark else None
