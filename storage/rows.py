"""A validated notice record in the form storage writes it: its identity, its table columns, its JSON and its hash.

A crawl parses documents in worker processes and stores them in its own. Handing the ``NoticeRecord`` itself across
costs more to unpickle (nested pydantic models, 0.15 ms a notice) than parsing the XML does; a ``NoticeRow`` of plain
values costs a tenth of that. It is made only from a record that validated, so the contract stays the strict type;
``record`` decodes that record again for a caller that needs more than the columns.

Kept apart from ``storage.repository`` so that parsing workers make one without importing the ORM's models and
sessions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from storage.records import NoticeRecord
from storage.types import EncodedJSON


def record_hash(record: NoticeRecord) -> str:
    """Return the SHA-256 of a record's canonical JSON, for when no raw-document hash is at hand."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def notice_columns(record: NoticeRecord, encoded: EncodedJSON) -> dict[str, Any]:
    """Return the notice table's columns for a record (identity and hash aside); ``encoded`` is the record's JSON."""
    value = record.estimated_value
    return {
        "format": record.format,
        "publication_number": record.publication_number,
        "procedure_id": record.procedure_id,
        "refers_to": record.refers_to,
        "tenderned_id": record.tenderned_id,
        "version": record.version,
        "notice_type": record.notice_type,
        "language": record.language,
        "title": record.title,
        "buyer_name": record.buyer.name,
        "buyer_country": record.buyer.country,
        "cpv_main": record.cpv_main,
        "publication_date": record.publication_date,
        "deadline": record.deadline,
        "closes_at": record.closes_at(),
        "estimated_amount": value.amount if value else None,
        "currency": value.currency if value else None,
        "url": record.url,
        "record": encoded,
    }


@dataclass(frozen=True)
class NoticeRow:
    """One notice as storage writes it; make it with ``NoticeRow.of(record)``.

    ``content_hash`` is the SHA-256 of the raw document when it held only this notice (an unchanged re-crawl is
    then recognised without comparing fields), else of the record's canonical JSON.
    """

    source: str
    notice_id: str
    content_hash: str
    columns: dict[str, Any]

    @classmethod
    def of(cls, record: NoticeRecord, content_hash: str | None = None) -> NoticeRow:
        """Return the row of a validated record, its JSON encoded once here."""
        columns = notice_columns(record, EncodedJSON(record.model_dump_json()))
        return cls(record.source, record.notice_id, content_hash or record_hash(record), columns)

    @property
    def version(self) -> str | None:
        return self.columns["version"]

    @property
    def publication_date(self) -> date | None:
        return self.columns["publication_date"]

    @cached_property
    def record(self) -> NoticeRecord:
        """Return the record again, from its JSON (validated: it was a record's own JSON)."""
        return NoticeRecord.model_validate_json(self.columns["record"])
