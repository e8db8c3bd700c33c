"""Clause findings: which notices need analysing, and findings written and read in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, or_, update
from sqlmodel import Session, col, select

from storage.models import ClauseFinding, Notice
from storage.repository.batching import batches
from storage.types import utcnow


def _pending(version: str) -> Any:
    return or_(col(Notice.clauses_version).is_(None), col(Notice.clauses_version) != version)


def count_to_analyse(*, session: Session, version: str) -> int:
    """Return how many notices were never analysed, or analysed by another detector version."""
    return int(session.exec(select(func.count()).select_from(Notice).where(_pending(version))).one())


def records_to_analyse(*, session: Session, version: str, limit: int, after_id: int = 0) -> list[tuple[int, Any]]:
    """Return ``(id, record)`` of the next notices to analyse after ``after_id``, in id order (keyset paging)."""
    statement = (
        select(Notice.id, Notice.record)
        .where(_pending(version), col(Notice.id) > after_id)
        .order_by(col(Notice.id))
        .limit(limit)
    )
    return [(int(pk), record) for pk, record in session.exec(statement)]


def reset_analysis(*, session: Session) -> int:
    """Mark every notice as not analysed (``analyse --all``) in one statement; return how many."""
    return int(session.exec(update(Notice).values(clauses_version=None)).rowcount or 0)  # type: ignore[call-overload]


def store_findings(*, session: Session, findings: Mapping[int, Sequence[Mapping[str, Any]]], version: str,
                   text_analysed: Mapping[int, bool] | None = None) -> int:  # fmt: skip
    """Replace the findings of the given notices (id -> finding dicts), mark them analysed by ``version`` (and
    whether their text could be read, when known) and as updated now.

    A few statements per call whatever its size: delete the old findings, insert the new ones, stamp the notices.
    Returns the number of findings written.
    """
    ids = list(findings)
    now = utcnow()
    read = text_analysed or {}
    for chunk in batches(ids):
        session.exec(delete(ClauseFinding).where(col(ClauseFinding.notice_pk).in_(chunk)))  # type: ignore[call-overload]
        for flag in (True, False):
            marked = [pk for pk in chunk if read.get(pk, True) is flag]
            if marked:
                # A notice whose findings changed is a changed notice for an incremental ``match``, like a new text.
                values = {"clauses_version": version, "text_analysed": flag if read else None, "updated_at": now}
                session.exec(update(Notice).where(col(Notice.id).in_(marked)).values(**values))  # type: ignore[call-overload]
    rows = [
        {"notice_pk": pk, "lot_id": f.get("lot_id"), "label": f["label"], "evidence": f["evidence"],
         "start_char": f.get("start"), "end_char": f.get("end"), "field": f.get("field") or "text",
         "origin": f.get("origin") or "text", "negated": bool(f.get("negated")), "detector_version": version,
         "created_at": now}
        for pk, items in findings.items() for f in items
    ]  # fmt: skip
    if rows:
        session.execute(insert(ClauseFinding), rows)
    return len(rows)


@dataclass(frozen=True)
class StoredFinding:
    """A stored finding as readers need it (labels per lot, evidence)."""

    notice_pk: int
    lot_id: str | None
    label: str
    origin: str
    evidence: str


def findings_for(*, session: Session, notice_pks: Iterable[int]) -> dict[int, list[StoredFinding]]:
    """Return the non-negated findings of many notices at once (one query per few hundred notices)."""
    result: dict[int, list[StoredFinding]] = defaultdict(list)
    ids = list(notice_pks)
    for batch in batches(ids):
        statement = (
            select(ClauseFinding.notice_pk, ClauseFinding.lot_id, ClauseFinding.label, ClauseFinding.origin,
                   ClauseFinding.evidence)
            .where(col(ClauseFinding.notice_pk).in_(batch), col(ClauseFinding.negated).is_(False))
            .order_by(col(ClauseFinding.notice_pk), col(ClauseFinding.id))
        )  # fmt: skip
        for pk, lot_id, label, origin, evidence in session.exec(statement):
            result[int(pk)].append(StoredFinding(int(pk), lot_id, label, origin, evidence))
    return result


def findings_of(*, session: Session, notice_pk: int, include_negated: bool = False) -> Sequence[ClauseFinding]:
    """Return one notice's stored clause findings (negated ones too, on request: they are kept for audit)."""
    statement = select(ClauseFinding).where(ClauseFinding.notice_pk == notice_pk)
    if not include_negated:
        statement = statement.where(col(ClauseFinding.negated).is_(False))
    return session.exec(statement.order_by(col(ClauseFinding.id))).all()


def analysed_counts(*, session: Session) -> tuple[int, int]:
    """Return how many analysed notices had their text read, and how many were judged on codes alone."""
    rows = session.exec(select(Notice.text_analysed, func.count()).group_by(col(Notice.text_analysed)))
    counts = {flag: int(n) for flag, n in rows}
    return counts.get(True, 0), counts.get(False, 0)
