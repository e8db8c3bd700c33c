"""Where a tender is performed vs where a company works, by NUTS code prefixes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RegionFit:
    """How well a tender's place fits a company's regions, and on what the judgement rests."""

    score: float
    place: str | None
    basis: str  # "anywhere", "performance", "buyer", "country", "unknown", "elsewhere"


def region_fit(
    *, nuts: Sequence[str], buyer_nuts: str | None, buyer_country: str | None, regions: Sequence[str]
) -> RegionFit:
    """Return how well the place of performance (or, failing that, the buyer's location) fits ``regions``.

    A company without regions works anywhere. A place inside one of its regions fits fully; a wider place that
    contains one of them ("NL3" for a company in "NL329") fits well; the same country a little; elsewhere not.

    >>> region_fit(nuts=["NL329"], buyer_nuts=None, buyer_country="NL", regions=["NL32"]).score
    1.0
    >>> region_fit(nuts=["BE211"], buyer_nuts=None, buyer_country="BE", regions=["NL32"]).basis
    'elsewhere'
    """
    if not regions:
        return RegionFit(1.0, nuts[0] if nuts else buyer_nuts, "anywhere")
    wanted = [r.upper() for r in regions]
    places, basis = [n.upper() for n in nuts if n], "performance"
    if not places and buyer_nuts:
        places, basis = [buyer_nuts.upper()], "buyer"
    best = RegionFit(0.0, places[0] if places else None, "elsewhere")
    for place in places:
        for region in wanted:
            if place.startswith(region):
                return RegionFit(1.0, place, basis)
            if region.startswith(place):
                # A wider place (a whole province or country) that includes the company's region.
                score = 0.8 if len(place) >= 3 else 0.5
            elif place[:2] == region[:2]:
                score = 0.3
            else:
                continue
            if score > best.score:
                best = RegionFit(score, place, basis)
    if places:
        return best
    countries = {r[:2] for r in wanted}
    if buyer_country and buyer_country.upper() in countries:
        return RegionFit(0.5, buyer_country.upper(), "country")
    if buyer_country:
        return RegionFit(0.0, buyer_country.upper(), "elsewhere")
    return RegionFit(0.5, None, "unknown")
