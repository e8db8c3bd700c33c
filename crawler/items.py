"""The crawler's one item type: a notice record plus the hash of the document it came from.

The record type is defined in ``storage.records`` so that storage, which must not import the crawler, validates
exactly what the spiders yield.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import NoticeRecord
from storage.rows import NoticeRow

__all__ = ["NoticeItem", "NoticeRecord", "NoticeRow"]


@dataclass(frozen=True)
class NoticeItem:
    """One notice as a spider yields it: a validated record as a storage row (``NoticeRow.of(record)``).

    ``row.content_hash`` is the SHA-256 of the raw notice document when the document holds exactly one notice, so
    an unchanged re-crawl is recognised without comparing fields. ``key`` names the document in the retry queue
    (its URL, or its file and archive member).
    """

    row: NoticeRow
    document: str
    key: str = ""

    @property
    def record(self) -> NoticeRecord:
        """Return the whole notice record (decoded on first use: storing needs only the row)."""
        return self.row.record
