"""A notice row (what crosses from a parsing worker to storage) keeps the whole record and its hash."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from crawler.parsers import parse_document
from storage.rows import NoticeRow, record_hash
from storage.types import EncodedJSON
from tests.factories import make_record

DEMO = Path(__file__).resolve().parents[2] / "jobs" / "demo_data" / "notices"


def test_a_row_gives_back_the_record_it_was_made_from() -> None:
    records = [
        make_record(),
        *(r for path in sorted(DEMO.glob("*.xml")) for r in parse_document(path.read_bytes(), name=path.name)),
    ]
    for record in records:
        row = pickle.loads(pickle.dumps(NoticeRow.of(record, "f" * 64)))
        assert row.record == record
        assert (row.source, row.notice_id, row.version) == (record.source, record.notice_id, record.version)
        assert row.publication_date == record.publication_date
        assert row.content_hash == "f" * 64
        # Still marked as encoded after the trip from a worker: storage writes it as it is, not encoded twice.
        assert isinstance(row.columns["record"], EncodedJSON)
        assert json.loads(row.columns["record"]) == record.model_dump(mode="json")
        value = record.estimated_value
        assert {name: row.columns[name] for name in ("title", "buyer_name", "buyer_country", "cpv_main", "url",
                                                      "deadline", "estimated_amount", "currency", "format")} == {
            "title": record.title, "buyer_name": record.buyer.name, "buyer_country": record.buyer.country,
            "cpv_main": record.cpv_main, "url": record.url, "deadline": record.deadline,
            "estimated_amount": value.amount if value else None, "currency": value.currency if value else None,
            "format": record.format,
        }  # fmt: skip


def test_without_a_document_hash_the_row_hashes_the_record() -> None:
    record = make_record()
    assert NoticeRow.of(record).content_hash == record_hash(record)
    assert NoticeRow.of(make_record(title="Other")).content_hash != record_hash(record)
