"""Job runs recorded by the commands that are steps of a run (crawl, analyse, match, digest): what ``runs`` lists.

Kept apart from ``jobs.pipeline`` so that a single command records its run without importing every step's modules
(``digest`` would load scikit-learn through ``jobs.match`` for one insert).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from storage import repository
from storage.db import session_scope


def record_step(engine: Engine, name: str, status: str, counts: dict[str, int] | None = None,
                error: str | None = None, watermark: str | None = None, *,
                started: datetime | None = None) -> None:  # fmt: skip
    """Record a finished step as a job run in its own transaction; ``started`` is when the step began."""
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name=name, started_at=started)
        repository.finish_job_run(session=session, run=run, status=status, counts=counts, error=error,
                                  watermark=watermark)  # fmt: skip
