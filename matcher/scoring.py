"""Score every company against every tender at once: parts as matrices, a weighted total, bid or partner.

Each part is in [0, 1]. The text part is a sparse TF-IDF product (words in one language); the CPV part compares
the company's codes (given, or inferred from its description) with the notice's codes and the branches read from
its text, which crosses languages; CPV and region parts come from their one implementation in ``matcher.cpv`` and
``matcher.regions``; value, deadline, requirements and clauses are broadcasts. Feedback, when a company gave some,
moves the total (``matcher.feedback``). Reasons are written only for the pairs that are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy import sparse

from matcher.audiences import audience_fit
from matcher.cpv import fit_matrix
from matcher.feedback import Marks, adjustments
from matcher.regions import region_matrix
from matcher.requirements import CERTIFICATES, held
from matcher.tenders import Profile, Tender
from matcher.text import TextModel

# Raise when scoring, reasons or what is offered change: stored match lists of another version are scored again.
SCORING_VERSION = "scoring-13"
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
ADDITIONAL_TRUST = 0.85  # an additional code: maybe a minor part of a mixed contract
CATALOGUE = 10  # more additional codes than this are a catalogue, not the work (10 and 20 alike on dev; 5 lower)
PREDICTED_TRUST = 0.8  # a branch read from a notice's text counts a little less than a code the buyer chose
MIN_TEXT = 0.5
MIN_TEXT_BESIDE_CPV = 0.75
MIN_REGION = 0.5  # same country but outside the company's own regions (0.3) is too far to work
TEXT_SCALE = 0.35  # a cosine this high between a profile and a notice already means "the same work"
UNKNOWN = 0.6  # a part the notice gives no information for: neither a reason to show it nor to hide it
# Rough euros per unit, only to compare a tender's size with a company's capacity (which is in euros).
EURO_RATES = {"EUR": 1.0, "GBP": 1.17, "CHF": 1.05, "SEK": 0.088, "NOK": 0.086, "DKK": 0.134, "PLN": 0.23,
              "CZK": 0.04, "HUF": 0.0025, "RON": 0.2, "BGN": 0.51, "ISK": 0.0067, "USD": 0.92}  # fmt: skip
CERT_BITS = {name: 1 << index for index, (name, _pattern) in enumerate(CERTIFICATES)}
# Pairs scored at once: some fifteen companies x tenders matrices live together, so this bounds scoring's memory
# (about 150 MB) however many companies and notices there are (``jobs.match`` counts the notices companies marked
# as rows too: feedback compares each with the block's tenders; a notice wider than a block is a block of its own).
BLOCK_PAIRS = 2_000_000


@dataclass(frozen=True)
class Scores:
    """All parts and totals for profiles (rows) x tenders (columns)."""

    parts: dict[str, np.ndarray]
    total: np.ndarray
    kind: np.ndarray  # 0 = no match, 1 = bid, 2 = partner
    days: np.ndarray  # days to deadline per tender (nan: unknown)


def _size(profiles: Sequence[Profile], tenders: Sequence[Tender]) -> np.ndarray:
    capacity = np.array([p.max_value if p.max_value else np.nan for p in profiles], dtype=np.float32)[:, None]
    value = np.array(
        [t.value * EURO_RATES.get((t.currency or "EUR").upper(), np.nan) if t.value is not None else np.nan
         for t in tenders], dtype=np.float32,
    )[None, :]  # fmt: skip
    with np.errstate(invalid="ignore"):
        ratio = value / capacity  # nan where either is unknown
        score = np.where(ratio <= 1, np.float32(1.0), np.where(ratio <= 2.5, np.float32(0.5), np.float32(0.0)))
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


def tender_codes(tender: Tender) -> tuple[tuple[str, float], ...]:
    """Return a tender's CPV codes with how much each is trusted: its own, then those read from its text."""
    # The main code says what the notice is about; an additional one may be a minor part of a mixed contract.
    # A long list is a catalogue: a design-and-build of a railway repair hall with some sixty additional codes,
    # "lawn laying" among them, is no green work. Beyond ``CATALOGUE`` codes each counts for its share of them.
    trust = ADDITIONAL_TRUST * min(1.0, CATALOGUE / max(len(tender.cpv) - 1, 1))
    own = tuple((code, 1.0 if i == 0 else trust) for i, code in enumerate(tender.cpv))
    return own + tuple((code, PREDICTED_TRUST * sure) for code, sure in tender.predicted)


def blocks(sizes: Sequence[int], companies: int, pairs: int | None = None) -> list[tuple[int, int]]:
    """Return ``(start, stop)`` column ranges to score one after another: consecutive notices of ``sizes`` tenders
    each, together at most ``pairs`` (default ``BLOCK_PAIRS``) pairs with ``companies`` companies; a notice is never
    split (its whole and its lots are one entry), so one larger than that is a block of its own.

    >>> blocks([3, 1, 2, 4], companies=10, pairs=40)
    [(0, 4), (4, 6), (6, 10)]
    """
    width = max(1, (pairs or BLOCK_PAIRS) // max(companies, 1))
    result: list[tuple[int, int]] = []
    start = stop = 0
    for size in sizes:
        if stop > start and stop + size - start > width:
            result.append((start, stop))
            start = stop
        stop += size
    if stop > start:
        result.append((start, stop))
    return result


def score_all(
    profiles: Sequence[Profile],
    tenders: Sequence[Tender],
    model: TextModel,
    *,
    as_of: datetime,
    include_closed: bool = False,
    text: np.ndarray | None = None,
    weights: Mapping[str, float] | None = None,
    feedback: Sequence[Marks | None] | None = None,
    tender_vectors: sparse.csr_matrix | None = None,
) -> Scores:
    """Return every part, the total and the kind for all profile x tender pairs.

    ``text`` may carry the cosine similarities already computed for these profiles and tenders, and
    ``tender_vectors`` the tenders' text vectors (feedback needs them). ``weights`` replaces the hand-set
    ``WEIGHTS`` (learned from feedback); ``feedback`` gives per profile what it marked, or None.
    """
    if tender_vectors is None and tenders and (text is None or any(m is not None for m in feedback or ())):
        tender_vectors = model.vectors([t.text for t in tenders])
    if text is not None:
        cosine = text
    elif tender_vectors is not None and profiles:
        cosine = (model.vectors([p.description for p in profiles]) @ tender_vectors.T).toarray()
    else:
        cosine = np.zeros((len(profiles), len(tenders)), dtype=np.float32)
    codes = [tender_codes(t) for t in tenders]
    days = days_to_deadline(tenders, as_of)
    favour = np.array([max((CLAUSE_FAVOUR.get(c, 0.0) for c in t.clauses), default=0.0) for t in tenders])
    own = [p.codes() for p in profiles]
    parts = {
        "text": np.minimum(np.asarray(cosine, dtype=np.float32) * np.float32(1 / TEXT_SCALE), np.float32(1.0)),
        # Codes do not say whom a service is for; a company that names whom it serves is held to it.
        "cpv": audience_fit(
            [p.description for p in profiles], own, codes, [t.audiences for t in tenders], fit_matrix(own, codes)
        ),
        "region": region_matrix([p.regions for p in profiles], [t.place for t in tenders]),
        "size": _size(profiles, tenders),
        # Looking back (include_closed), a passed deadline says nothing about fit.
        "time": _time(profiles, np.where(days < 0, np.nan, days) if include_closed else days),
        "requirements": _requirements(profiles, tenders),
        "clauses": np.broadcast_to(favour.astype(np.float32), (len(profiles), len(tenders))),
    }
    # A company without any codes (given or inferred) is judged on its text alone: the CPV weight moves there.
    no_cpv = np.array([not p.codes() for p in profiles], dtype=bool)[:, None]
    chosen = {name: np.float32(value) for name, value in (weights or WEIGHTS).items()}
    total = sum(chosen[name] * parts[name] for name in WEIGHTS if name not in ("text", "cpv", "size"))
    what = np.where(no_cpv, (chosen["text"] + chosen["cpv"]) * parts["text"],
                    chosen["text"] * parts["text"] + chosen["cpv"] * parts["cpv"])  # fmt: skip
    partner_ok = (
        np.array([bool(PARTNER_CLAUSES.intersection(t.clauses)) for t in tenders], dtype=bool)[None, :]
        & np.array([p.partner for p in profiles], dtype=bool)[:, None]
    )
    fits = parts["size"] >= 0.5
    kind = np.where(fits, 1, np.where(partner_ok, 2, 0)).astype(np.int8)
    # A partner is judged on what and where; the size that keeps them from bidding is the reason they partner.
    size_part = np.where(kind == 2, np.float32(1.0), parts["size"])
    # The other parts say how ready the company is for this work; for work it does not do they count for nothing,
    # so a reserved contract in another trade never outranks its own trade.
    fit = what / np.float32(chosen["text"] + chosen["cpv"])
    grand = (what + fit * (total + chosen["size"] * size_part)).astype(np.float32)
    moved = np.zeros(grand.shape, dtype=np.float32)
    if feedback and tender_vectors is not None:
        # Feedback re-orders work the company does; it does not make other work its trade.
        padded = [*feedback, *[None] * (len(profiles) - len(feedback))]
        moved = adjustments(padded, tender_vectors, codes) * fit
    parts["feedback"] = moved
    grand = np.clip(grand + moved, 0.0, 1.0).astype(np.float32)
    # Outside the regions a company named, or far from what it does, is not a match, however good the rest.
    # With CPV codes to go by, the text alone must be very close to count (place names alone make texts alike).
    text_needed = np.where(no_cpv, MIN_TEXT, MIN_TEXT_BESIDE_CPV)
    topical = (parts["text"] >= text_needed) | (~no_cpv & (parts["cpv"] >= MIN_CPV))
    kind = np.where((parts["region"] >= MIN_REGION) & topical, kind, 0).astype(np.int8)
    if not include_closed:
        kind = np.where((days < 0)[None, :], 0, kind).astype(np.int8)
    return Scores(parts=parts, total=grand, kind=kind, days=days)
