"""What the scorer compares: company profiles and tenders (a whole notice, or one of its lots), from typed records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from matcher.audiences import named
from matcher.regions import Place
from matcher.requirements import extract
from storage.records import LotRecord, NoticeRecord

Weighted = tuple[tuple[str, float], ...]  # CPV codes with how sure we are of each


@dataclass(frozen=True)
class Profile:
    """A resident company as the scorer sees it.

    ``cpv`` are the codes the company gave; ``inferred`` the branches read from its description (with their
    confidence) when it gave none. ``liked`` and ``disliked`` are what it said of earlier matches (see
    ``matcher.feedback``).
    """

    id: str
    description: str
    language: str = "nl"
    cpv: tuple[str, ...] = ()
    inferred: Weighted = ()
    regions: tuple[str, ...] = ()
    max_value: float | None = None
    certifications: tuple[str, ...] = ()
    preparation_days: int = 10
    partner: bool = True
    min_score: float = 0.3
    max_items: int = 10

    def codes(self) -> Weighted:
        """Return the codes the CPV part compares: the company's own, else the inferred ones."""
        return tuple((code, 1.0) for code in self.cpv) if self.cpv else self.inferred


@dataclass(frozen=True)
class Tender:
    """A notice, or one lot of it, with everything scoring needs.

    ``cpv`` are the notice's own codes; ``predicted`` the branches read from its text (see ``matcher.cpv_model``).
    """

    notice_id: str
    lot_id: str | None
    title: str
    text: str
    cpv: tuple[str, ...] = ()
    predicted: Weighted = ()
    place: Place = Place()
    value: float | None = None
    currency: str | None = None
    deadline: datetime | None = None
    certificates: tuple[str, ...] = ()
    turnover: float | None = None
    clauses: tuple[str, ...] = ()
    url: str | None = None
    lot_title: str | None = None
    own_deadline: bool = False  # a lot that closes on another day than the notice's deadline (the one listings show)
    # Whom the work is for, as the notice says it (``matcher.audiences``): a lot by its own and the notice's words.
    audiences: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    """A company and a notice: the best of the whole and its lots, with the lots that fit named."""

    company_id: str
    notice_id: str
    lots: tuple[str, ...]
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
            "lots": list(self.lots),
            "kind": self.kind,
            "score": round(self.score, 4),
            "parts": {name: round(value, 4) for name, value in self.parts.items()},
            "reasons": list(self.reasons),
        }


def _join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p and p.strip())


def notice_text(record: NoticeRecord) -> str:
    """Return what a whole notice asks for, as text: its title and description and those of its lots."""
    return _join(record.title, record.description, *(t for lot in record.lots for t in (lot.title, lot.description)))


def notice_codes(record: NoticeRecord) -> tuple[str, ...]:
    """Return every CPV code a notice names (main and additional, its own and its lots'), without repeats."""
    codes = [record.cpv_main, *record.cpv_additional]
    for lot in record.lots:
        codes += [lot.cpv_main, *lot.cpv_additional]
    return tuple(dict.fromkeys(c for c in codes if c))


def _lot_tender(record: NoticeRecord, lot: LotRecord, whole: Tender, clauses: set[str],
                audiences: frozenset[str]) -> Tender:  # fmt: skip
    # A lot asks what its own criteria and the notice's description ask, not what the other lots ask.
    required = extract([lot.selection_criteria, lot.performance_terms], [record.description, lot.description])
    value = lot.estimated_value
    own = tuple(c for c in [lot.cpv_main, *lot.cpv_additional] if c)
    return Tender(
        notice_id=record.notice_id, lot_id=lot.lot_id, title=whole.title,
        text=_join(lot.title, lot.description, record.title),
        cpv=own or whole.cpv,
        # Codes read from the whole notice's text speak for the other lots too: a lot with codes of its own has no
        # need of them (a sewer lot beside a green one would read as green work).
        predicted=() if own else whole.predicted,
        place=Place(tuple(lot.nuts) or whole.place.nuts, whole.place.buyer_nuts, whole.place.buyer_country),
        value=value.amount if value else None, currency=(value.currency if value else None) or whole.currency,
        deadline=lot.deadline or whole.deadline,
        certificates=required.certificates, turnover=required.turnover, clauses=tuple(sorted(clauses)), url=whole.url,
        lot_title=lot.title or lot.lot_id,
        own_deadline=lot.deadline is not None and lot.deadline != record.deadline,
        audiences=audiences,
    )  # fmt: skip


def tenders_from_record(record: NoticeRecord, clauses: Mapping[str | None, Sequence[str]],
                        predicted: tuple[tuple[str, float], ...] = ()) -> list[Tender]:  # fmt: skip
    """Return the tenders of a notice record: the whole notice, plus each lot when there are several.

    ``clauses`` maps a lot id (``None`` for notice-wide findings) to its non-negated clause labels; ``predicted``
    are the CPV branches read from the notice's text.
    """
    lots = record.lots
    notice_labels = set(clauses.get(None, ()))
    # A notice scored whole has every clause found in it; beside its lots, the whole has the notice-wide ones and
    # each lot its own too (a reserved lot does not make the notice's other lots reserved).
    all_labels = notice_labels.union(*(set(v) for v in clauses.values())) if len(lots) < 2 else notice_labels
    required = extract([t for lot in lots for t in (lot.selection_criteria, lot.performance_terms)],
                       [record.description, *(lot.description for lot in lots)])  # fmt: skip
    value = record.estimated_value
    amount, currency = (value.amount, value.currency) if value else (None, None)
    lot_values = [lot.estimated_value for lot in lots]
    if amount is None and lots and all(v is not None for v in lot_values):
        # No total given: the lots' values add up to it (all lots priced, so nothing is guessed).
        amount = sum(v.amount for v in lot_values if v is not None)
        currency = next((v.currency for v in lot_values if v is not None), None)
    # Whom the work is for: a lot says it in its own words or the notice's, never in a sibling lot's; the whole in
    # any of them (each text is read once).
    own = named(_join(record.title, record.description))
    lot_audiences = [own | named(_join(lot.title, lot.description)) for lot in lots]
    whole = Tender(
        notice_id=record.notice_id, lot_id=None, title=record.title or "", text=notice_text(record),
        cpv=notice_codes(record) if len(lots) < 2 else tuple(c for c in [record.cpv_main, *record.cpv_additional]
                                                             if c) or notice_codes(record),
        predicted=predicted, place=Place(tuple(record.nuts), record.buyer.nuts, record.buyer.country),
        value=amount, currency=currency, deadline=record.deadline, certificates=required.certificates,
        turnover=required.turnover, clauses=tuple(sorted(all_labels)), url=record.url,
        audiences=own.union(*lot_audiences),
    )  # fmt: skip
    if len(lots) < 2:
        return [whole]
    return [whole, *(_lot_tender(record, lot, whole, notice_labels | set(clauses.get(lot.lot_id, ())), audiences)
                     for lot, audiences in zip(lots, lot_audiences, strict=True))]  # fmt: skip
