"""The crawler's one item type: a notice record plus the hash of the document it came from.

The record type is defined in ``storage.records`` so that storage, which must not import the crawler, validates
exactly what the spiders yield.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import NoticeRecord
from storage.types import EncodedJSON

__all__ = ["NoticeItem", "NoticeRecord"]


@dataclass(frozen=True)
class NoticeItem:
    """One notice as a spider yields it.

    ``content_hash`` is the SHA-256 of the raw notice document when the document holds exactly one notice, so an
    unchanged re-crawl is recognised without comparing fields; ``None`` lets storage hash the record instead.
    ``key`` names the document in the retry queue (its URL, or its file and archive member).
    """

    record: NoticeRecord
    content_hash: str | None
    document: str
    key: str = ""
    encoded: EncodedJSON | None = None  # the record as JSON, when the parsing worker encoded it already
