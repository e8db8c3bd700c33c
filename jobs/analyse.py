"""The ``analyse`` step: clause findings for stored notices not yet analysed by this detector version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

import matcher
from matcher import DETECTOR_VERSION, labels_of
from storage import repository
from storage.db import session_scope
from storage.models import Notice


class FindingLike(Protocol):
    """What readers of findings need; stored rows and fresh ``matcher.Finding`` objects both have it."""

    label: str
    lot_id: str | None
    origin: str
    evidence: str


def analyse_pending(
    *, engine: Engine, batch_size: int = 200, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Analyse notices in batches (one transaction each) and return (analysed, with a clause)."""
    done = labelled = last_id = 0
    while True:
        with session_scope(engine) as session:
            batch = repository.notices_to_analyse(session=session, version=DETECTOR_VERSION, limit=batch_size,
                                                  after_id=last_id)  # fmt: skip
            for notice in batch:
                findings = matcher.analyse_notice(notice.record)
                repository.replace_findings(session=session, notice=notice, findings=[f.as_dict() for f in findings],
                                            version=DETECTOR_VERSION)  # fmt: skip
                labelled += bool(labels_of(findings))
        if not batch:
            return done, labelled
        last_id = batch[-1].id or last_id
        done += len(batch)
        if progress:
            progress(len(batch))


def count_pending(*, engine: Engine) -> int:
    """Return how many notices the next ``analyse_pending`` goes through."""
    with session_scope(engine) as session:
        return repository.count_to_analyse(session=session, version=DETECTOR_VERSION)


def notice_findings(*, session: Session, notice: Notice) -> list[FindingLike]:
    """Return a notice's non-negated findings: the stored ones when this detector made them, else fresh ones
    (not stored: ``analyse`` does that)."""
    if notice.clauses_version == DETECTOR_VERSION and notice.id is not None:
        return list(repository.findings_of(session=session, notice_pk=notice.id))
    return [f for f in matcher.analyse_notice(notice.record) if not f.negated]


def labels_by_lot(findings: Iterable[FindingLike]) -> dict[str | None, set[str]]:
    """Return the clause labels per lot id (``None``: notice-wide findings)."""
    labels: dict[str | None, set[str]] = defaultdict(set)
    for finding in findings:
        labels[finding.lot_id].add(finding.label)
    return labels
