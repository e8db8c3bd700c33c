"""Which deadline a reader sees: a notice's deadline is its earliest lot's, and its lots may close on other days."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def next_deadline(record: Mapping[str, Any], lot_ids: Iterable[str], as_of: datetime) -> datetime | None:
    """Return the deadline a reader should see: the first still ahead on ``as_of`` among the lots that fit (every lot
    when none is named), else the notice's own. A notice's deadline is its earliest lot's, which may have passed or
    be a lot the company does not fit.

    >>> first, last = "2026-12-10T11:00:00Z", "2026-12-20T11:00:00Z"
    >>> record = {"deadline": first, "lots": [{"lot_id": "1", "deadline": first}, {"lot_id": "2", "deadline": last}]}
    >>> from datetime import UTC
    >>> now = datetime(2026, 12, 1, tzinfo=UTC)
    >>> next_deadline(record, ["2"], now).isoformat(), next_deadline(record, [], now).isoformat()
    ('2026-12-20T11:00:00+00:00', '2026-12-10T11:00:00+00:00')
    >>> next_deadline(record, [], datetime(2026, 12, 15, tzinfo=UTC)).isoformat()
    '2026-12-20T11:00:00+00:00'
    """
    own = _moment(record.get("deadline"))
    lots = [lot for lot in record.get("lots") or [] if isinstance(lot, Mapping)]
    wanted = set(lot_ids)
    named = [lot for lot in lots if lot.get("lot_id") in wanted] or lots
    found = [d for d in (_moment(lot.get("deadline")) or own for lot in named) if d is not None]
    ahead = [d for d in [*found, *([own] if own and not wanted else [])] if d >= as_of]
    return min(ahead, default=own if own is not None else min(found, default=None))


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None
