"""What the scorer compares: company profiles and tenders (a whole notice, or one of its lots)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from matcher.requirements import extract


@dataclass(frozen=True)
class Profile:
    """A resident company as the scorer sees it."""

    id: str
    description: str
    language: str = "nl"
    cpv: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    max_value: float | None = None
    certifications: tuple[str, ...] = ()
    preparation_days: int = 10
    partner: bool = True
    min_score: float = 0.3
    max_items: int = 10


@dataclass(frozen=True)
class Tender:
    """A notice, or one lot of it, with everything scoring needs."""

    notice_id: str
    lot_id: str | None
    title: str
    text: str
    cpv: tuple[str, ...] = ()
    nuts: tuple[str, ...] = ()
    buyer_nuts: str | None = None
    buyer_country: str | None = None
    value: float | None = None
    currency: str | None = None
    deadline: datetime | None = None
    certificates: tuple[str, ...] = ()
    turnover: float | None = None
    clauses: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class Match:
    """A scored company-tender pair with the parts and the reasons a person reads."""

    company_id: str
    notice_id: str
    lot_id: str | None
    kind: str  # "bid" or "partner"
    score: float
    parts: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    to_arrange: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the match in the JSON shape of ``kansenradar match --format jsonl``."""
        return {
            "company_id": self.company_id,
            "notice_id": self.notice_id,
            "lot_id": self.lot_id,
            "kind": self.kind,
            "score": round(self.score, 4),
            "parts": {name: round(value, 4) for name, value in self.parts.items()},
            "reasons": list(self.reasons),
        }


def _parse_dt(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _join(*parts: Any) -> str:
    return "\n".join(p for p in parts if isinstance(p, str) and p.strip())


def notice_text(record: Mapping[str, Any]) -> str:
    """Return what a whole notice asks for, as text: its title and description and those of its lots."""
    lots = record.get("lots") or []
    return _join(record.get("title"), record.get("description"),
                 *(t for lot in lots for t in (lot.get("title"), lot.get("description"))))  # fmt: skip


def tenders_from_record(record: Mapping[str, Any], clauses: Mapping[str | None, Sequence[str]]) -> list[Tender]:
    """Return the tenders of a notice record: the whole notice, plus each lot when there are several.

    ``clauses`` maps a lot id (``None`` for notice-wide findings) to its non-negated clause labels.
    """
    lots = record.get("lots") or []
    buyer = record.get("buyer") or {}
    notice_labels = set(clauses.get(None, ()))
    all_labels = notice_labels.union(*(set(v) for v in clauses.values())) if clauses else set()
    notice_texts = [record.get("title"), record.get("description")]
    lot_texts = [t for lot in lots for t in (lot.get("title"), lot.get("description"))]
    criteria = [lot.get("selection_criteria") for lot in lots] + [lot.get("performance_terms") for lot in lots]
    required = extract([*notice_texts, *lot_texts, *criteria])
    value = dict(record.get("estimated_value") or {})
    lot_values = [(lot.get("estimated_value") or {}) for lot in lots]
    if not value and lots and all(v.get("amount") is not None for v in lot_values):
        # No total given: the lots' values add up to it (all lots priced, so nothing is guessed).
        value = {"amount": sum(v["amount"] for v in lot_values), "currency": lot_values[0].get("currency")}
    whole = Tender(
        notice_id=record["notice_id"],
        lot_id=None,
        title=record.get("title") or "",
        text=notice_text(record),
        cpv=tuple(c for c in [record.get("cpv_main"), *(record.get("cpv_additional") or [])] if c),
        nuts=tuple(record.get("nuts") or ()),
        buyer_nuts=buyer.get("nuts"),
        buyer_country=buyer.get("country"),
        value=value.get("amount"),
        currency=value.get("currency"),
        deadline=_parse_dt(record.get("deadline")),
        certificates=required.certificates,
        turnover=required.turnover,
        clauses=tuple(sorted(all_labels)),
        url=record.get("url"),
    )
    tenders = [whole]
    if len(lots) < 2:
        return tenders
    for lot in lots:
        lot_value = lot.get("estimated_value") or {}
        lot_required = extract([lot.get("title"), lot.get("description"), lot.get("selection_criteria"),
                                lot.get("performance_terms")])  # fmt: skip
        tenders.append(
            Tender(
                notice_id=record["notice_id"],
                lot_id=lot.get("lot_id"),
                title=f"{record.get('title') or ''} — {lot.get('title') or lot.get('lot_id')}",
                text=_join(lot.get("title"), lot.get("description"), record.get("title")),
                cpv=tuple(c for c in [lot.get("cpv_main"), *(lot.get("cpv_additional") or [])] if c) or whole.cpv,
                nuts=tuple(lot.get("nuts") or ()) or whole.nuts,
                buyer_nuts=whole.buyer_nuts,
                buyer_country=whole.buyer_country,
                value=lot_value.get("amount"),
                currency=lot_value.get("currency") or whole.currency,
                deadline=_parse_dt(lot.get("deadline")) or whole.deadline,
                certificates=tuple(dict.fromkeys(whole.certificates + lot_required.certificates)),
                turnover=lot_required.turnover or whole.turnover,
                clauses=tuple(sorted(notice_labels | set(clauses.get(lot.get("lot_id"), ())))),
                url=whole.url,
            )
        )
    return tenders
