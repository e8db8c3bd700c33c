"""Bulk notice storage: a batch of records in a few statements, ``INSERT … ON CONFLICT`` on SQLite and PostgreSQL.

One SELECT reads the stored hashes and versions of the whole batch; one upsert writes the new and changed notices
(the conflict clause re-checks the hash in SQL, so a concurrent writer cannot make a notice go back or churn);
one statement drops the findings of changed notices; one statement re-links the procedures the batch touched.
A batch that fails is retried notice by notice, each in its own savepoint, so one bad notice loses only itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, col

from storage.db import driver_message
from storage.models import ClauseFinding, Notice
from storage.records import NoticeRecord
from storage.repository.batching import batches
from storage.repository.notices import Outcome, version_key
from storage.rows import NoticeRow
from storage.types import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """What storing one record did: its outcome, or why it could not be stored."""

    outcome: Outcome | None
    error: str | None = None


def _version_order(column: str, dialect: str) -> list[str]:
    """Return SQL terms that order ``column`` as ``version_key`` does, to compare as a row value or to sort by.

    ``version_key`` orders NULL first, then numbers as numbers (a number's digits without leading zeros compare by
    length, then as text) with any other text as the number 0 followed by that text. Text compares by code point,
    as Python does: SQLite's default collation does, PostgreSQL needs ``"C"``.
    """
    if dialect == "postgresql":
        digits, collate = f"{column} ~ '^[0-9]+$'", ' COLLATE "C"'
    else:
        digits, collate = f"{column} <> '' AND {column} NOT GLOB '*[^0-9]*'", ""
    number = f"LTRIM({column}, '0')"
    return [
        f"CASE WHEN {column} IS NULL THEN -1 ELSE 0 END",
        f"CASE WHEN {digits} THEN LENGTH({number}) ELSE 0 END",
        f"(CASE WHEN {digits} THEN {number} ELSE '' END){collate}",
        f"(CASE WHEN {digits} THEN '' ELSE COALESCE({column}, '') END){collate}",
    ]


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or update ``rows`` in one executemany (an unchanged hash writes nothing)."""
    table = Notice.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).values(
        {name: bindparam(name) for name in rows[0]}
    )
    changing = [name for name in rows[0] if name not in ("source", "notice_id", "first_seen_at")]
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["source", "notice_id"],
        set_={name: excluded[name] for name in changing} | {"clauses_version": None},
        # Unchanged detected in SQL; and never back to an older version (a re-crawl of an old page), in the order
        # _classify uses, so that what it reports is what the row becomes.
        where=(table.c.content_hash != excluded.content_hash)
        & text(
            f"({', '.join(_version_order('excluded.version', dialect))})"
            f" >= ({', '.join(_version_order('notice.version', dialect))})"
        ),
    )
    # No RETURNING: with it the driver runs one statement per row; the few ids needed are read afterwards.
    session.execute(statement, rows)


LINK_SQL = """
UPDATE notice SET superseded_by = ranked.want
FROM (
  SELECT id, CASE WHEN id = newest THEN NULL ELSE newest END AS want FROM (
    SELECT id, FIRST_VALUE(id) OVER (
      PARTITION BY source, procedure_id
      ORDER BY publication_date IS NULL, publication_date DESC, {version_order}, id DESC
    ) AS newest
    FROM notice WHERE format = 'eforms' AND source = :source AND procedure_id IN :procedures
  ) AS windowed
) AS ranked
WHERE notice.id = ranked.id AND notice.superseded_by {distinct} ranked.want
"""


def _link_procedures(session: Session, touched: set[tuple[str, str]]) -> None:
    """Mark every notice of each touched procedure but the newest as superseded by the newest, in SQL.

    Only eForms procedure identifiers (BT-04, a UUID) are trusted to be unique; TED XML reference numbers are the
    buyer's own and collide across buyers.
    """
    dialect = session.get_bind().dialect.name
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    # The newest version as _classify orders them, each term descending.
    version_order = ", ".join(f"{term} DESC" for term in _version_order("version", dialect))
    statement = text(LINK_SQL.format(distinct=distinct, version_order=version_order)).bindparams(
        bindparam("procedures", expanding=True)
    )
    by_source: dict[str, list[str]] = {}
    for source, procedure in touched:
        by_source.setdefault(source, []).append(procedure)
    for source, procedures in by_source.items():
        for batch in batches(procedures):
            session.execute(statement, {"source": source, "procedures": batch})


def _classify(session: Session, items: Sequence[NoticeRow]) -> list[Outcome]:
    by_source: dict[str, set[str]] = {}
    for row in items:
        by_source.setdefault(row.source, set()).add(row.notice_id)
    stored: dict[tuple[str, str], tuple[str, str | None]] = {}
    for source, ids in by_source.items():
        for batch in batches(sorted(ids)):
            # source = … AND notice_id IN (…) uses the unique index; a tuple IN does not on SQLite.
            rows = session.execute(
                select(Notice.notice_id, Notice.content_hash, Notice.version).where(
                    Notice.source == source, col(Notice.notice_id).in_(batch)
                )
            )
            stored.update({(source, n): (h, v) for n, h, v in rows})
    outcomes, seen = [], {}
    for row in items:
        key = (row.source, row.notice_id)
        before = seen.get(key) or stored.get(key)
        if before is None:
            outcome = Outcome.NEW
        elif before[0] == row.content_hash:
            outcome = Outcome.UNCHANGED
        elif version_key(row.version) < version_key(before[1]):
            outcome = Outcome.STALE
        else:
            outcome = Outcome.UPDATED
        if key in seen and outcome is not Outcome.UNCHANGED and outcome is not Outcome.STALE:
            outcome = Outcome.UPDATED  # the same notice twice in one batch: the later version wins
        seen[key] = (row.content_hash, row.version) if outcome not in (Outcome.UNCHANGED, Outcome.STALE) else before
        outcomes.append(outcome)
    return outcomes


def _write(session: Session, items: Sequence[NoticeRow], outcomes: Sequence[Outcome],
           ) -> dict[tuple[str, str], Outcome]:  # fmt: skip
    """Write the new and changed notices; return what became of the updates the upsert's WHERE turned down."""
    now = utcnow()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row, outcome in zip(items, outcomes, strict=True):
        if outcome in (Outcome.NEW, Outcome.UPDATED):
            latest[(row.source, row.notice_id)] = {
                "source": row.source, "notice_id": row.notice_id, "content_hash": row.content_hash,
                **row.columns, "first_seen_at": now, "updated_at": now,
            }  # fmt: skip
    if not latest:
        return {}
    _upsert(session, list(latest.values()))
    updated = list({(r.source, r.notice_id) for r, o in zip(items, outcomes, strict=True) if o is Outcome.UPDATED})
    refused: dict[tuple[str, str], Outcome] = {}
    for batch in batches(updated):
        changed = []
        rows = session.execute(
            select(Notice.id, Notice.source, Notice.notice_id, Notice.content_hash, Notice.updated_at).where(
                tuple_(col(Notice.source), col(Notice.notice_id)).in_(batch)
            )
        )
        for pk, source, notice_id, content_hash, updated_at in rows:
            wanted = latest[(source, notice_id)]["content_hash"]
            # Only a row this upsert wrote has both its hash and its time: a row the WHERE kept (a newer version
            # written meanwhile) keeps its findings, which still match its text and its clauses_version.
            if content_hash == wanted and updated_at == now:
                changed.append(pk)
            else:
                refused[(source, notice_id)] = Outcome.UNCHANGED if content_hash == wanted else Outcome.STALE
        if changed:
            # Findings made from the old text are dropped, so the new text is analysed again.
            session.execute(delete(ClauseFinding).where(col(ClauseFinding.notice_pk).in_(changed)))
    touched = {(row["source"], row["procedure_id"]) for row in latest.values()
               if row["format"] == "eforms" and row["procedure_id"]}  # fmt: skip
    if touched:
        _link_procedures(session, touched)
    return refused


def store_notices(*, session: Session, items: Sequence[NoticeRow | tuple[NoticeRecord, str | None]]) -> list[Stored]:
    """Store a batch of notices: rows (made where they were parsed) or records, each with the hash of its raw
    document (``None``: hash the record).

    New notices are inserted and changed ones replaced (their clause findings dropped so they are analysed again);
    an unchanged hash writes nothing, and an older version never replaces a newer one. Returns one ``Stored`` per
    item, in order.
    """
    if not items:
        return []
    rows = [item if isinstance(item, NoticeRow) else NoticeRow.of(*item) for item in items]
    try:
        with session.begin_nested():
            outcomes = _classify(session, rows)
            refused = _write(session, rows, outcomes)
        outcomes = [
            refused.get((row.source, row.notice_id), outcome) if outcome is Outcome.UPDATED else outcome
            for row, outcome in zip(rows, outcomes, strict=True)
        ]
        return [Stored(outcome) for outcome in outcomes]
    except (SQLAlchemyError, DBAPIError) as exc:
        if len(items) == 1:
            logger.debug("Notice not stored", exc_info=True)
            return [Stored(None, f"{type(exc).__name__}: {driver_message(exc)}")]
        logger.warning("A batch of %d notices failed (%s); storing them one by one", len(items), type(exc).__name__)
    return [store_notices(session=session, items=[row])[0] for row in rows]
