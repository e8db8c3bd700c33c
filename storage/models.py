"""SQLModel tables: notices, lots, companies, clause findings, matches, deliveries and job runs.

The schema is owned by the Alembic migrations in ``storage/migrations``; a test checks that the migrations and
these models describe the same schema.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _json(*, nullable: bool = False) -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=nullable))


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


# One row per notice publication; a later version of the same notice replaces the row's content.
class Notice(SQLModel, table=True):
    __tablename__ = "notice"
    __table_args__ = (UniqueConstraint("source", "notice_id", name="uq_notice_source_notice_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_type=String(16))
    notice_id: str = Field(sa_type=String(128))
    format: str = Field(sa_type=String(16))
    publication_number: str | None = Field(default=None, sa_type=String(32), index=True)
    procedure_id: str | None = Field(default=None, sa_type=String(128), index=True)
    # The earlier notice this one refers to, by publication number (NoticeRecord.refers_to).
    refers_to: str | None = Field(default=None, sa_type=String(32))
    # The TenderNed publication of the same tender that a TED notice links to (NoticeRecord.tenderned_id).
    tenderned_id: str | None = Field(default=None, sa_type=String(16), index=True)
    # eForms "01", or an OCDS release date ("2026-11-05T10:00:00Z"): long enough for either.
    version: str | None = Field(default=None, sa_type=String(64))
    notice_type: str | None = Field(default=None, sa_type=String(32))
    language: str | None = Field(default=None, sa_type=String(8))
    title: str | None = Field(default=None, sa_type=Text)
    buyer_name: str | None = Field(default=None, sa_type=Text)
    buyer_country: str | None = Field(default=None, sa_type=String(8))
    cpv_main: str | None = Field(default=None, sa_type=String(8), index=True)
    publication_date: date | None = Field(default=None, index=True)
    deadline: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # When the last lot closes (NoticeRecord.closes_at): a notice is open until then, though its deadline (the first
    # lot's) has passed.
    closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    estimated_amount: float | None = None
    currency: str | None = Field(default=None, sa_type=String(3))
    url: str | None = Field(default=None, sa_type=Text)
    record: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(sa_type=String(64))
    # The newer notice of the same procedure (a change notice, an award) that replaces this one, if any.
    superseded_by: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("notice.id", ondelete="SET NULL", name="fk_notice_superseded_by_notice"),
            nullable=True,
            index=True,
        ),
    )
    # Detector version that produced this notice's clause findings; NULL until analysed (or after a change).
    clauses_version: str | None = Field(default=None, sa_type=String(32))
    # Whether the analysis could read the notice's text (a language with clause rules), or used its codes only.
    text_analysed: bool | None = None
    first_seen_at: datetime = _when()
    updated_at: datetime = _when()


# A resident company's profile, keyed by the stable id from its import file.
class Company(SQLModel, table=True):
    __tablename__ = "company"

    id: str = Field(primary_key=True, sa_type=String(100))
    name: str = Field(sa_type=Text)
    email: str | None = Field(default=None, sa_type=Text)
    language: str = Field(default="nl", sa_type=String(8))
    description: str = Field(sa_type=Text)
    cpv: list[str] = _json()
    # CPV branches read from the description when the company gave no codes: [[code, confidence], ...].
    cpv_inferred: list[list[Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    regions: list[str] = _json()
    max_contract_value: float | None = None
    staff: int | None = None
    certifications: list[str] = _json()
    preparation_days: int = 10
    partner: bool = True
    min_score: float = 0.3
    max_items: int = 10
    # Set by an unsubscribe link, never by an import: such a company gets no digest until it is resubscribed.
    unsubscribed_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    updated_at: datetime = _when()


# An inclusive clause found in a notice's text or codes, with its evidence.
class ClauseFinding(SQLModel, table=True):
    __tablename__ = "clause_finding"

    id: int | None = Field(default=None, primary_key=True)
    notice_pk: int = Field(
        sa_column=Column(Integer, ForeignKey("notice.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    lot_id: str | None = Field(default=None, sa_type=String(64))
    label: str = Field(sa_type=String(48), index=True)
    evidence: str = Field(sa_type=Text)
    start_char: int | None = None
    end_char: int | None = None
    field: str = Field(sa_type=String(64))
    origin: str = Field(sa_type=String(8))
    negated: bool = False
    detector_version: str = Field(sa_type=String(32))
    created_at: datetime = _when()


# A scored pairing of a company with a notice: the best of the whole and its lots, with the lots that fit named.
class Match(SQLModel, table=True):
    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("company_id", "notice_pk", name="uq_match_company_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: str = Field(
        sa_column=Column(String(100), ForeignKey("company.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    notice_pk: int = Field(sa_column=Column(Integer, ForeignKey("notice.id", ondelete="CASCADE"), nullable=False))
    # The lots that fit, when the notice has several (empty: the notice as a whole).
    lots: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    kind: str = Field(sa_type=String(8))
    score: float
    parts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reasons: list[str] = _json()
    # Certificates and thresholds the company still has to arrange (what the digest lists).
    to_arrange: list[str] = _json()
    computed_at: datetime = _when()


# One weekly digest for one company; the unique key makes "delivered once per week" a database fact.
# Status: pending (not sent yet, or a send failed and will be retried), sending (claimed and committed before the
# SMTP call), sent, outbox (written as .eml), uncertain (found in sending after a crash: maybe sent, not resent
# without --resend-uncertain), expired (still pending after the retry window).
class Delivery(SQLModel, table=True):
    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("company_id", "iso_week", name="uq_delivery_company_week"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: str = Field(
        sa_column=Column(String(100), ForeignKey("company.id", ondelete="CASCADE"), nullable=False)
    )
    iso_week: str = Field(sa_type=String(8))
    status: str = Field(default="pending", sa_type=String(16))
    message_id: str | None = Field(default=None, sa_type=Text)
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _when()
    last_attempt_at: datetime | None = _when(nullable=True)
    sent_at: datetime | None = _when(nullable=True)


# One execution of a job step (crawl, analyse, match, digest, ...), for operators and incremental crawls.
class JobRun(SQLModel, table=True):
    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(64), index=True)
    started_at: datetime = _when()
    finished_at: datetime | None = _when(nullable=True)
    status: str = Field(default="running", sa_type=String(16))
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    watermark: str | None = Field(default=None, sa_type=String(64))
    error: str | None = Field(default=None, sa_type=Text)
    # Where the step runs, so a later run can tell a dead process's "running" row from a live one's.
    host: str | None = Field(default=None, sa_type=String(255))
    pid: int | None = None


# A notice document that could not be fetched or parsed, retried first by the next crawl of its source.
# ``key`` is the URL (or the file path), with "#member" for a member of an archive; status pending or gave_up.
class CrawlFailure(SQLModel, table=True):
    __tablename__ = "crawl_failure"
    __table_args__ = (UniqueConstraint("source", "key", name="uq_crawl_failure_source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_type=String(16), index=True)
    key: str = Field(sa_type=Text)
    document: str = Field(sa_type=Text)
    publication_date: date | None = None
    status: str = Field(default="pending", sa_type=String(16))
    attempts: int = 0
    last_error: str = Field(sa_type=Text)
    first_failed_at: datetime = _when()
    last_attempt_at: datetime = _when()
    next_attempt_at: datetime = _when()


# A fitted model kept between runs (the text vectoriser, later the CPV and ranking models), as data, not pickle.
class ModelState(SQLModel, table=True):
    __tablename__ = "model_state"

    name: str = Field(primary_key=True, sa_type=String(64))
    version: str = Field(sa_type=String(64))
    # How many notices the corpus held when the model was fitted: a refit follows when it has grown enough.
    corpus_size: int = 0
    fitted_at: datetime = _when()
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# What a company said about a tender: the latest word per company, notice and lot ("" = the whole notice) counts.
class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("company_id", "notice_pk", "lot_id", name="uq_feedback_company_notice_lot"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: str = Field(
        sa_column=Column(String(100), ForeignKey("company.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    notice_pk: int = Field(sa_column=Column(Integer, ForeignKey("notice.id", ondelete="CASCADE"), nullable=False))
    lot_id: str = Field(default="", sa_type=String(64))
    relevant: bool
    reason: str | None = Field(default=None, sa_type=Text)
    # The match's parts when the word was given (what the company saw), for learning part weights.
    parts: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Where the word came from: the command line, or a link in a digest ("cli", "web").
    channel: str = Field(default="cli", sa_type=String(16))
    created_at: datetime = _when()
    updated_at: datetime = _when(index=True)
