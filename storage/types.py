"""Column types shared by the tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC.

    SQLite has no timezone type and hands back naive values; this type stores UTC and always returns aware
    datetimes, so comparisons behave the same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime refused (storage keeps UTC): {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class EncodedJSON(str):
    """A value already encoded as JSON (by a parsing worker): stored as it is, not encoded a second time."""

    __slots__ = ()


def dumps_json(value: Any) -> str:
    """Encode a JSON column's value; pass ``EncodedJSON`` through. The engines' ``json_serializer``."""
    return value if isinstance(value, EncodedJSON) else json.dumps(value, ensure_ascii=False)
