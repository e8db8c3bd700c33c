"""Score every company against every tender at once: parts as matrices, a weighted total, bid or partner.

Each part is in [0, 1]. The text part is a sparse TF-IDF product; CPV and region parts are sparse products of
prefix indicators (so a 1 000 x 10 000 run never loops over pairs in Python); value, deadline, requirements and
clauses are broadcasts. Reasons are written only for the pairs that are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse

from matcher.cpv import BROADER, BROADER_DIVISION, LEVELS, significant
from matcher.requirements import CERTIFICATES, held
from matcher.tenders import Profile, Tender
from matcher.text import TextModel, similarities

WEIGHTS = {"text": 0.25, "cpv": 0.25, "region": 0.15, "size": 0.10, "time": 0.10, "requirements": 0.05,
           "clauses": 0.10}  # fmt: skip
# How much a clause favours a resident company; the largest present counts.
CLAUSE_FAVOUR = {"reserved_contract": 1.0, "local_community_partnering": 1.0, "right_to_challenge": 1.0,
                 "social_enterprise_subcontracting": 0.8, "social_return": 0.6, "employment_of_disadvantaged": 0.5,
                 "social_award_criterion": 0.5}  # fmt: skip
# Clauses that make the winner of a large tender look for a partner like them.
PARTNER_CLAUSES = frozenset({"social_return", "social_enterprise_subcontracting", "local_community_partnering",
                             "employment_of_disadvantaged", "social_award_criterion"})  # fmt: skip
# Below both, the work is something else: only the CPV division in common (0.3), or little shared wording.
MIN_CPV = 0.35
MIN_TEXT = 0.5
MIN_TEXT_BESIDE_CPV = 0.75
MIN_REGION = 0.5  # same country but outside the company's own regions (0.3) is too far to work
TEXT_SCALE = 0.35  # a cosine this high between a profile and a notice already means "the same work"
UNKNOWN = 0.6  # a part the notice gives no information for: neither a reason to show it nor to hide it
# Rough euros per unit, only to compare a tender's size with a company's capacity (which is in euros).
EURO_RATES = {"EUR": 1.0, "GBP": 1.17, "CHF": 1.05, "SEK": 0.088, "NOK": 0.086, "DKK": 0.134, "PLN": 0.23,
              "CZK": 0.04, "HUF": 0.0025, "RON": 0.2, "BGN": 0.51, "ISK": 0.0067, "USD": 0.92}  # fmt: skip
CERT_BITS = {name: 1 << index for index, (name, _pattern) in enumerate(CERTIFICATES)}


@dataclass(frozen=True)
class Scores:
    """All parts and totals for profiles (rows) x tenders (columns)."""

    parts: dict[str, np.ndarray]
    total: np.ndarray
    kind: np.ndarray  # 0 = no match, 1 = bid, 2 = partner
    days: np.ndarray  # days to deadline per tender (nan: unknown)


def _rows(rows: Sequence[Iterable[str]], vocabulary: dict[str, int]) -> tuple[list[int], list[int]]:
    indptr, indices = [0], []
    for items in rows:
        indices.extend(vocabulary.setdefault(item, len(vocabulary)) for item in set(items))
        indptr.append(len(indices))
    return indptr, indices


def _overlap(left: Sequence[Iterable[str]], right: Sequence[Iterable[str]]) -> np.ndarray:
    """Return a boolean matrix: does row i of ``left`` share an item with row j of ``right``."""
    vocabulary: dict[str, int] = {}
    (a_ptr, a_idx), (b_ptr, b_idx) = _rows(left, vocabulary), _rows(right, vocabulary)
    width = max(len(vocabulary), 1)
    a = sparse.csr_matrix((np.ones(len(a_idx), dtype=np.float32), a_idx, a_ptr), shape=(len(left), width))
    b = sparse.csr_matrix((np.ones(len(b_idx), dtype=np.float32), b_idx, b_ptr), shape=(len(right), width))
    return (a @ b.T).toarray() > 0


def _prefixes(code: str, shortest: int = 2) -> list[str]:
    return [code[:length] for length in range(shortest, len(code) + 1)]


def _hierarchy(company: Sequence[Sequence[str]], tender: Sequence[Sequence[str]]) -> np.ndarray:
    """Vectorised ``matcher.cpv.similarity``: best over all code pairs.

    Each relation is a boolean matrix; a small integer "rank" per pair keeps the best one in one byte per pair,
    and a lookup turns ranks into scores at the end (10 M pairs stay cheap).
    """
    table = np.array([0.0, LEVELS[2], BROADER_DIVISION, LEVELS[3], LEVELS[4], BROADER, LEVELS[5], 1.0],
                     dtype=np.float32)  # fmt: skip
    rank = np.zeros((len(company), len(tender)), dtype=np.int8)

    def keep(mask: np.ndarray, value: int) -> None:
        np.maximum(rank, mask.astype(np.int8) * np.int8(value), out=rank)

    for level, value in ((2, 1), (3, 3), (4, 4), (5, 6)):
        keep(_overlap([[c[:level] for c in codes if len(c) >= level] for codes in company],
                      [[c[:level] for c in codes if len(c) >= level] for codes in tender]), value)  # fmt: skip
    shorter = [[p for c in codes for p in _prefixes(c)[:-1]] for codes in company]
    keep(_overlap(shorter, [[c for c in codes if len(c) == 2] for codes in tender]), 2)
    keep(_overlap(shorter, [[c for c in codes if len(c) >= 3] for codes in tender]), 5)
    keep(_overlap(company, [[p for c in codes for p in _prefixes(c)] for codes in tender]), 7)
    return table[rank]


def _regions(profiles: Sequence[Profile], tenders: Sequence[Tender]) -> np.ndarray:
    places = [[n.upper() for n in (t.nuts or ((t.buyer_nuts,) if t.buyer_nuts else ()))] for t in tenders]
    wanted = [[r.upper() for r in p.regions] for p in profiles]
    inside = _overlap(wanted, [[x for place in ps for x in _prefixes(place)] for ps in places])
    wide = _overlap([[x for r in rs for x in _prefixes(r)[:-1]] for rs in wanted], [[p for p in ps if len(p) >= 3]
                    for ps in places])  # fmt: skip
    country_wide = _overlap([[x for r in rs for x in _prefixes(r)[:-1]] for rs in wanted],
                            [[p for p in ps if len(p) == 2] for ps in places])  # fmt: skip
    same_country = _overlap([[r[:2] for r in rs] for rs in wanted], [[p[:2] for p in ps] for ps in places])
    rank = np.zeros(inside.shape, dtype=np.int8)
    for mask, value in ((same_country, 1), (country_wide, 2), (wide, 3), (inside, 4)):
        np.maximum(rank, mask.astype(np.int8) * np.int8(value), out=rank)
    score = np.array([0.0, 0.3, 0.5, 0.8, 1.0], dtype=np.float32)[rank]
    # Tenders without any place: judge by the buyer's country.
    no_place = np.array([not ps for ps in places], dtype=bool)
    if no_place.any():
        countries = [[(t.buyer_country or "").upper()] if t.buyer_country else [] for t in tenders]
        known = np.array([bool(c) for c in countries], dtype=bool)
        home = _overlap([[r[:2] for r in rs] for rs in wanted], countries)
        fallback = np.where(home, 0.5, np.where(known, 0.0, 0.5))
        score[:, no_place] = fallback[:, no_place]
    anywhere = np.array([not p.regions for p in profiles], dtype=bool)
    score[anywhere, :] = 1.0
    return score


def _size(profiles: Sequence[Profile], tenders: Sequence[Tender]) -> np.ndarray:
    capacity = np.array([p.max_value if p.max_value else np.nan for p in profiles], dtype=np.float32)[:, None]
    value = np.array(
        [t.value * EURO_RATES.get((t.currency or "EUR").upper(), np.nan) if t.value is not None else np.nan
         for t in tenders], dtype=np.float32,
    )[None, :]  # fmt: skip
    with np.errstate(invalid="ignore"):
        ratio = value / capacity  # nan where either is unknown
        score = np.where(ratio <= 1, np.float32(1.0), np.where(ratio <= 2, np.float32(0.5), np.float32(0.0)))
    return np.where(np.isnan(ratio), np.float32(UNKNOWN), score).astype(np.float32, copy=False)


def days_to_deadline(tenders: Sequence[Tender], as_of: datetime) -> np.ndarray:
    """Return the days from ``as_of`` to each tender's deadline (nan when unknown; negative when closed)."""
    return np.array(
        [(t.deadline - as_of).total_seconds() / 86400 if t.deadline else np.nan for t in tenders], dtype=np.float64
    )


def _time(profiles: Sequence[Profile], days: np.ndarray) -> np.ndarray:
    needed = np.array([max(p.preparation_days, 1) for p in profiles], dtype=np.float32)[:, None]
    left = days.astype(np.float32)[None, :]
    with np.errstate(invalid="ignore"):
        share = left / needed  # nan where the deadline is unknown
        score = np.where(share >= 1, np.float32(1.0), np.where(share >= 0.5, np.float32(0.5),
                         np.where(share >= 0, np.float32(0.1), np.float32(0.0))))  # fmt: skip
    return np.where(np.isnan(share), np.float32(UNKNOWN), score).astype(np.float32, copy=False)


def _requirements(profiles: Sequence[Profile], tenders: Sequence[Tender]) -> np.ndarray:
    score = np.ones((len(profiles), len(tenders)), dtype=np.float32)
    need = np.array([sum(CERT_BITS.get(name, 0) for name in t.certificates) for t in tenders], dtype=np.int64)
    asking = np.flatnonzero(need)
    if not asking.size:
        return score
    # Only the few tenders that name certificates need work; every other column stays 1.
    have = np.array([sum(CERT_BITS[name] for name in held(p.certifications)) for p in profiles], dtype=np.int64)
    missing = need[asking][None, :] & ~have[:, None]
    count = np.zeros(missing.shape, dtype=np.float32)
    for bit in CERT_BITS.values():
        count += (missing & bit) > 0
    total = np.array([bin(n).count("1") for n in need[asking]], dtype=np.float32)[None, :]
    score[:, asking] = 1.0 - count / total
    return score


def score_all(
    profiles: Sequence[Profile],
    tenders: Sequence[Tender],
    model: TextModel,
    *,
    as_of: datetime,
    include_closed: bool = False,
    text: np.ndarray | None = None,
) -> Scores:
    """Return every part, the total and the kind for all profile x tender pairs.

    ``text`` may carry the cosine similarities already computed for these profiles and tenders.
    """
    if text is None:
        cosine = similarities(model, [p.description for p in profiles], [t.text for t in tenders])
    else:
        cosine = text
    company_cpv = [[significant(c) for c in p.cpv] for p in profiles]
    tender_cpv = [[significant(c) for c in t.cpv] for t in tenders]
    days = days_to_deadline(tenders, as_of)
    favour = np.array([max((CLAUSE_FAVOUR.get(c, 0.0) for c in t.clauses), default=0.0) for t in tenders])
    parts = {
        "text": np.minimum(np.asarray(cosine, dtype=np.float32) * np.float32(1 / TEXT_SCALE), np.float32(1.0)),
        "cpv": _hierarchy(company_cpv, tender_cpv),
        "region": _regions(profiles, tenders),
        "size": _size(profiles, tenders),
        # Looking back (include_closed), a passed deadline says nothing about fit.
        "time": _time(profiles, np.where(days < 0, np.nan, days) if include_closed else days),
        "requirements": _requirements(profiles, tenders),
        "clauses": np.broadcast_to(favour.astype(np.float32), (len(profiles), len(tenders))),
    }
    # A company without CPV codes is judged on its text alone: the CPV weight moves to the text part.
    no_cpv = np.array([not p.cpv for p in profiles], dtype=bool)[:, None]
    weights = {name: np.float32(value) for name, value in WEIGHTS.items()}
    total = sum(weights[name] * parts[name] for name in WEIGHTS if name not in ("text", "cpv", "size"))
    what = np.where(no_cpv, (weights["text"] + weights["cpv"]) * parts["text"],
                    weights["text"] * parts["text"] + weights["cpv"] * parts["cpv"])  # fmt: skip
    partner_ok = (
        np.array([bool(PARTNER_CLAUSES.intersection(t.clauses)) for t in tenders], dtype=bool)[None, :]
        & np.array([p.partner for p in profiles], dtype=bool)[:, None]
    )
    fits = parts["size"] >= 0.5
    kind = np.where(fits, 1, np.where(partner_ok, 2, 0)).astype(np.int8)
    # A partner is judged on what and where; the size that keeps them from bidding is the reason they partner.
    size_part = np.where(kind == 2, np.float32(1.0), parts["size"])
    grand = (what + total + weights["size"] * size_part).astype(np.float32)
    # Outside the regions a company named, or far from what it does, is not a match, however good the rest.
    # With CPV codes to go by, the text alone must be very close to count (place names alone make texts alike).
    text_needed = np.where(no_cpv, MIN_TEXT, MIN_TEXT_BESIDE_CPV)
    topical = (parts["text"] >= text_needed) | (~no_cpv & (parts["cpv"] >= MIN_CPV))
    kind = np.where((parts["region"] >= MIN_REGION) & topical, kind, 0).astype(np.int8)
    if not include_closed:
        kind = np.where((days < 0)[None, :], 0, kind).astype(np.int8)
    return Scores(parts=parts, total=grand, kind=kind, days=days)
