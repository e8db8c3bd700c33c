"""Values bound a few hundred at a time: an ``IN (…)`` over a whole crawl would pass the databases' limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
PARAMETERS = 500  # per statement: far inside SQLite's (32 766) and PostgreSQL's (65 535) bound-parameter limits


def batches(items: Sequence[T], size: int = PARAMETERS) -> Iterator[Sequence[T]]:
    """Yield ``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
