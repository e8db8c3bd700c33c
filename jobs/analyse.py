"""The ``analyse`` step: clause findings for stored notices not yet analysed by this detector version."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

import matcher
from matcher import DETECTOR_VERSION, labels_of
from storage import repository
from storage.db import session_scope


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
