"""Where a tender is performed vs where a company works, by NUTS code prefixes (a country is a NUTS code too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matcher.codelists import NUTS_COUNTRY, current_nuts  # records carry ISO alpha-2 for the buyer's country

# Scores by relation, from far to near; the basis names what the judgement rests on.
ELSEWHERE, SAME_COUNTRY, COUNTRY_WIDE, WIDER, INSIDE = 0.0, 0.3, 0.5, 0.8, 1.0
UNKNOWN_PLACE = 0.5  # no place and no buyer country: neither a reason to show a tender nor to hide it
# A national buyer's seat is not where its work is done: without a place of performance, a buyer inside the
# company's region counts as a place that includes it, not as the place itself.
BUYER_ONLY = WIDER


@dataclass(frozen=True)
class Place:
    """Where a tender is: its places of performance, else the buyer's NUTS code, else the buyer's country."""

    nuts: tuple[str, ...] = ()
    buyer_nuts: str | None = None
    buyer_country: str | None = None

    def codes(self) -> tuple[tuple[str, ...], str]:
        """Return the codes to judge by, upper case, and what they are ("performance", "buyer", "country")."""
        places = tuple(n.upper() for n in self.nuts if n)
        if places:
            return places, "performance"
        if self.buyer_nuts:
            return (self.buyer_nuts.upper(),), "buyer"
        if self.buyer_country:
            country = self.buyer_country.upper()[:2]
            return (NUTS_COUNTRY.get(country, country),), "country"
        return (), "unknown"


@dataclass(frozen=True)
class RegionFit:
    """How well a tender's place fits a company's regions, and on what the judgement rests."""

    score: float
    place: str | None
    basis: str  # "anywhere", "performance", "buyer", "country", "unknown", "elsewhere"


def _pair(published: str, region: str) -> float:
    place = current_nuts(published)  # a NUTS 2021 code is compared as the 2024 region it is (region is current)
    if place.startswith(region):
        return INSIDE  # inside the region; a company working in "NL" is inside for all of NL
    if region.startswith(place):
        # A wider place that includes the company's region: a province, or a whole country.
        return WIDER if len(place) >= 3 else COUNTRY_WIDE
    return SAME_COUNTRY if place[:2] == region[:2] else ELSEWHERE


def region_matrix(regions: Sequence[Sequence[str]], places: Sequence[Place]) -> np.ndarray:
    """Return how well each tender's place fits each company's regions, in [0, 1] (companies x tenders).

    A company without regions works anywhere. A place inside one of its regions fits fully; a wider place that
    contains one of them ("NL3" for a company in "NL329") fits well, a whole country less; the same country a
    little; elsewhere not. Without a place of performance the buyer's seat counts, at most as a wider place
    (``BUYER_ONLY``). The best place and region pair counts. Companies share region lists and tenders share
    places, so each distinct pair is judged once, in a small table then spread over the matrix.
    """
    kinds: dict[tuple[tuple[str, ...], bool], int] = {}
    column_kind = np.array([kinds.setdefault(_seen(place), len(kinds)) for place in places], dtype=np.intp)
    lists: dict[tuple[str, ...], int] = {(): 0}  # no regions: works anywhere
    row_list = np.array([lists.setdefault(tuple(current_nuts(r) for r in wanted), len(lists))
                         for wanted in regions], dtype=np.intp)  # fmt: skip
    table = np.ones((len(lists), len(kinds)), dtype=np.float32)
    for key_regions, row in list(lists.items())[1:]:  # row 0 (no regions) stays 1 everywhere
        for (found, seat), column in kinds.items():
            table[row, column] = _fit(key_regions, found, seat)
    return table[row_list][:, column_kind]


def _seen(place: Place) -> tuple[tuple[str, ...], bool]:
    found, basis = place.codes()
    return found, basis == "buyer"


@lru_cache(maxsize=1 << 16)  # the same pairs come back in every block of tenders scored
def _fit(regions: tuple[str, ...], found: tuple[str, ...], seat: bool) -> float:
    score = max((_pair(p, r) for p in found for r in regions), default=UNKNOWN_PLACE)
    # A company working in the buyer's whole country is inside it wherever the work is done.
    country_wide = any(len(r) == 2 and p.startswith(r) for p in found for r in regions)
    return min(score, BUYER_ONLY) if seat and not country_wide else score


def region_fit(*, place: Place, regions: Sequence[str]) -> RegionFit:
    """Return how well ``place`` fits ``regions`` (``region_matrix`` for one pair), with the place that counted.

    >>> region_fit(place=Place(nuts=("NL329",)), regions=["NL32"]).score
    1.0
    >>> region_fit(place=Place(buyer_country="NL"), regions=["NL"]).score
    1.0
    >>> region_fit(place=Place(buyer_nuts="NL310"), regions=["NL35"]).score
    0.8
    >>> region_fit(place=Place(nuts=("BE211",)), regions=["NL32"]).basis
    'elsewhere'
    """
    found, basis = place.codes()
    if not regions:
        return RegionFit(1.0, found[0] if found else None, "anywhere")
    score = round(float(region_matrix([regions], [place])[0, 0]), 6)
    if not found:
        return RegionFit(score, None, "unknown")
    wanted = [current_nuts(r) for r in regions]
    best = max(found, key=lambda p: max(_pair(p, r) for r in wanted))
    return RegionFit(score, best, basis if score > ELSEWHERE else "elsewhere")
