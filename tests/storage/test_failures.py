"""The retry queue on real databases: one attempt per document and crawl, back-off doubling, giving up in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage import repository
from storage.db import session_scope
from storage.repository import FailedDocument
from storage.repository.batching import PARAMETERS

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _record(engine: Engine, failures: list[FailedDocument], *, now: datetime, limit: int = 3) -> list[str]:
    reads: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "crawl_failure" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session_scope(engine) as session:
            gave_up = repository.record_failures(session=session, source="files", failures=failures, limit=limit,
                                                 backoff=timedelta(hours=1), now=now)  # fmt: skip
            keys = [entry.key for entry in gave_up]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # The queue is read a few hundred entries at a time, not once per failure.
    assert len(reads) <= -(-len({f.key for f in failures}) // PARAMETERS)
    return keys


def test_thousands_of_failures_are_queued_counted_and_given_up(engine: Engine) -> None:
    failures = [FailedDocument(f"in/{n:05d}.xml", f"{n:05d}.xml", "not well-formed XML") for n in range(1200)]
    # The same document twice in one crawl is one attempt.
    assert _record(engine, [*failures, failures[0]], now=NOW) == []
    assert _record(engine, failures[:700], now=NOW + timedelta(hours=2)) == []
    with session_scope(engine) as session:
        due = repository.due_failures(session=session, source="files", now=NOW + timedelta(hours=3))
        # Tried once: due after an hour. Tried twice: due two hours after the second attempt (hour 4).
        assert len(due) == 500 and {entry.attempts for entry in due} == {1}
    assert sorted(_record(engine, failures[:10], now=NOW + timedelta(hours=5))) == [f.key for f in failures[:10]]
    with session_scope(engine) as session:
        entries = {e.key: e for e in repository.list_failures(session=session, source="files")}
        assert len(entries) == 1200
        assert (entries["in/00000.xml"].status, entries["in/00000.xml"].attempts) == ("gave_up", 3)
        assert (entries["in/00699.xml"].status, entries["in/00699.xml"].attempts) == ("pending", 2)
        assert (entries["in/01199.xml"].status, entries["in/01199.xml"].attempts) == ("pending", 1)
    # Given up once is reported once: a later failure counts the attempt but does not report it again.
    assert _record(engine, failures[:1], now=NOW + timedelta(hours=9)) == []
    with session_scope(engine) as session:
        (entry,) = [e for e in repository.list_failures(session=session, source="files") if e.key == "in/00000.xml"]
        assert (entry.status, entry.attempts) == ("gave_up", 4)
