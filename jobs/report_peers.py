"""A buyer against its peers (the buyers of its country and legal type) and the top and bottom of the list."""

from __future__ import annotations

from dataclasses import dataclass

from jobs.report_groups import GroupCoverage
from jobs.report_labels import group_label

MIN_TENDERS = 3  # a buyer needs this many tenders in the period to be ranked against others
RANKED = 5  # buyers shown at the top and at the bottom of the list


@dataclass
class BuyerStanding:
    """A buyer against its peers: buyers of the same country and legal type in the period."""

    buyer: str
    peer_group: str  # "Lokale overheid, Nederland"
    tenders: int
    with_clause: int
    rank: int | None  # by share among the ranked peers (1 = most); None below MIN_TENDERS tenders
    ranked_peers: int
    peer_buyers: int
    peer_tenders: int
    peer_with_clause: int

    @property
    def share(self) -> float:
        """Return the buyer's share of tenders with a clause."""
        return self.with_clause / self.tenders if self.tenders else 0.0

    @property
    def peer_share(self) -> float:
        """Return the share of the peers' tenders (the buyer's own included) with a clause."""
        return self.peer_with_clause / self.peer_tenders if self.peer_tenders else 0.0


def top_and_bottom(buyers: dict[str, GroupCoverage]) -> tuple[list[GroupCoverage], list[GroupCoverage]]:
    """Return the buyers with the highest and the lowest share (lowest first), among those with enough tenders."""
    ranked = sorted((b for b in buyers.values() if b.tenders >= MIN_TENDERS), key=lambda b: (-b.share, -b.tenders))
    return ranked[:RANKED], ranked[RANKED:][-RANKED:][::-1]


def standings(buyers: dict[str, GroupCoverage], peers: dict[str, tuple[str, str]], selected: set[str],
               lang: str) -> list[BuyerStanding]:  # fmt: skip
    """Return each selected buyer's place among the buyers of its country and legal type."""
    result = []
    for name in sorted(selected, key=lambda n: (-buyers[n].tenders, n))[:10]:
        mine = buyers[name]
        group = [b for n, b in buyers.items() if peers[n] == peers[name]]
        ranked = [b for b in group if b.tenders >= MIN_TENDERS]
        # Equal shares share a place ("2 van 3" for both): the order among them would say nothing.
        rank = 1 + sum(b.share > mine.share for b in ranked) if mine.tenders >= MIN_TENDERS else None
        result.append(BuyerStanding(name, group_label("peers", "/".join(peers[name]), lang), mine.tenders,
                                    mine.with_clause, rank, len(ranked), len(group), sum(b.tenders for b in group),
                                    sum(b.with_clause for b in group)))  # fmt: skip
    return result
