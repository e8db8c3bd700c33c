"""Readable reasons for a match, in Dutch (default) or English, and the ranked matches themselves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matcher.cpv import best_similarity, division_label
from matcher.regions import region_fit
from matcher.requirements import Requirements, missing
from matcher.scoring import Scores, score_all
from matcher.tenders import Match, Profile, Tender
from matcher.text import TextModel

CLAUSE_NAMES = {
    "nl": {"reserved_contract": "voorbehouden opdracht", "social_return": "social return",
           "employment_of_disadvantaged": "werk voor mensen met afstand tot de arbeidsmarkt",
           "social_enterprise_subcontracting": "inkoop bij sociale ondernemingen",
           "local_community_partnering": "samenwerking met lokale/bewonersinitiatieven",
           "right_to_challenge": "Right to Challenge", "social_award_criterion": "sociaal gunningscriterium"},
    "en": {"reserved_contract": "reserved contract", "social_return": "social return",
           "employment_of_disadvantaged": "jobs for people far from the labour market",
           "social_enterprise_subcontracting": "buying from social enterprises",
           "local_community_partnering": "local/community partnering", "right_to_challenge": "Right to Challenge",
           "social_award_criterion": "social award criterion"},
}  # fmt: skip


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "?"
    symbol = "€" if (currency or "EUR") == "EUR" else f"{currency} "
    return f"{symbol}{amount:,.0f}".replace(",", ".")


TEXTS = {
    "nl": {
        "cpv": "Past bij jullie werk: {label} (CPV {code} ~ {own})",
        "cpv_related": "Verwant werkveld: {label} (CPV {code})",
        "text": "De omschrijving lijkt op wat jullie doen ({share:.0%})",
        "anywhere": "Jullie werken overal",
        "region_in": "Uitvoering in {place}, in jullie regio",
        "region_near": "Uitvoering in {place}, buiten jullie eigen regio",
        "region_out": "Uitvoering buiten jullie regio's ({place})",
        "partner": "Te groot om zelf in te schrijven ({value} tegen {capacity}): kans als partner van de winnaar",
        "no_value": "Geen geraamde waarde bekend",
        "fits": "{where}Geraamde waarde {value} past binnen jullie capaciteit ({capacity})",
        "stretch": "{where}Geraamde waarde {value} is krap voor jullie capaciteit ({capacity})",
        "lot": "Perceel {lot}: ",
        "no_deadline": "Geen deadline bekend",
        "closed": "De deadline is verstreken",
        "deadline": "Nog {days} dagen tot de deadline ({date}); jullie hebben {need} dagen nodig",
        "tight": " — krap",
        "asked": "Gevraagd: {asked}",
        "lacking": "; nog te regelen: {lacking}",
        "have": "; dat hebben jullie",
        "clause": "Inclusieve clausule: {names}",
    },
    "en": {
        "cpv": "Fits your work: {label} (CPV {code} ~ {own})",
        "cpv_related": "Related field: {label} (CPV {code})",
        "text": "The description resembles what you do ({share:.0%})",
        "anywhere": "You work anywhere",
        "region_in": "Performed in {place}, in your region",
        "region_near": "Performed in {place}, outside your own region",
        "region_out": "Performed outside your regions ({place})",
        "partner": "Too large to bid alone ({value} vs {capacity}): a chance to partner the winner",
        "no_value": "No estimated value given",
        "fits": "{where}Estimated value {value} fits your capacity ({capacity})",
        "stretch": "{where}Estimated value {value} stretches your capacity ({capacity})",
        "lot": "Lot {lot}: ",
        "no_deadline": "No deadline given",
        "closed": "The deadline has passed",
        "deadline": "{days} days to the deadline ({date}); you need {need}",
        "tight": " — tight",
        "asked": "Required: {asked}",
        "lacking": "; to arrange: {lacking}",
        "have": "; you have these",
        "clause": "Inclusive clause: {names}",
    },
}


def reasons_for(
    profile: Profile,
    tender: Tender,
    parts: dict[str, float],
    kind: str,
    days: float,
    cpv_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> list[str]:
    """Return one readable line per part of a match, in the profile's language (Dutch unless "en").

    ``cpv_labels`` (language -> code -> label) comes from a full CPV code list when one is configured.
    """
    lang = "en" if profile.language == "en" else "nl"
    t = TEXTS[lang]
    out = []
    score, code, own = best_similarity(tender.cpv, profile.cpv)
    if code and own:
        label = division_label(code, lang, (cpv_labels or {}).get(lang))
        out.append((t["cpv"] if score >= 0.5 else t["cpv_related"]).format(label=label, code=code, own=own))
    if parts["text"] >= 0.3:
        out.append(t["text"].format(share=parts["text"]))
    fit = region_fit(nuts=tender.nuts, buyer_nuts=tender.buyer_nuts, buyer_country=tender.buyer_country,
                     regions=profile.regions)  # fmt: skip
    if fit.basis == "anywhere":
        out.append(t["anywhere"])
    else:
        key = "region_in" if fit.score >= 0.8 else ("region_near" if fit.score > 0 else "region_out")
        out.append(t[key].format(place=fit.place or "?"))
    money = {"value": _money(tender.value, tender.currency), "capacity": _money(profile.max_value, "EUR")}
    where = t["lot"].format(lot=tender.lot_id) if tender.lot_id else ""
    if kind == "partner":
        out.append(t["partner"].format(**money))
    elif tender.value is None:
        out.append(t["no_value"])
    else:
        out.append(t["fits" if parts["size"] >= 1.0 else "stretch"].format(where=where, **money))
    if np.isnan(days):
        out.append(t["no_deadline"])
    elif days < 0:
        out.append(t["closed"])
    else:
        date = tender.deadline.strftime("%d-%m-%Y") if tender.deadline else "?"
        line = t["deadline"].format(days=int(days), date=date, need=profile.preparation_days)
        out.append(line + ("" if days >= profile.preparation_days else t["tight"]))
    if tender.certificates:
        lacking = missing(Requirements(tender.certificates, None), profile.certifications)
        line = t["asked"].format(asked=", ".join(tender.certificates))
        out.append(line + (t["lacking"].format(lacking=", ".join(lacking)) if lacking else t["have"]))
    favouring = [CLAUSE_NAMES[lang][c] for c in tender.clauses if c in CLAUSE_NAMES[lang]]
    if favouring:
        out.append(t["clause"].format(names=", ".join(favouring)))
    return out


def to_arrange(profile: Profile, tender: Tender) -> list[str]:
    """Return what the company should arrange before bidding: missing certificates and a turnover threshold."""
    items = missing(Requirements(tender.certificates, None), profile.certifications)
    if tender.turnover and profile.max_value and tender.turnover > profile.max_value:
        items.append(f"omzeteis {_money(tender.turnover, 'EUR')}" if profile.language != "en"
                     else f"turnover requirement {_money(tender.turnover, 'EUR')}")  # fmt: skip
    return items


@dataclass(frozen=True)
class Candidate:
    """A pair that passed the gates, before it is explained: indices into the scored profiles and tenders."""

    row: int
    column: int
    kind: str
    score: float
    parts: dict[str, float]
    days: float


def candidates(profiles: Sequence[Profile], tenders: Sequence[Tender], scores: Scores) -> list[Candidate]:
    """Return every pair at or above its profile's minimum score, each profile's best first.

    A lot's pair is left out when its notice's pair says as much (same kind, no better score).
    """
    found = []
    for row, profile in enumerate(profiles):
        columns = np.flatnonzero((scores.kind[row] > 0) & (scores.total[row] >= profile.min_score))
        for column in columns[np.argsort(-scores.total[row, columns], kind="stable")]:
            kind = "bid" if scores.kind[row, column] == 1 else "partner"
            parts = {name: float(values[row, column]) for name, values in scores.parts.items()}
            found.append(Candidate(row, int(column), kind, float(scores.total[row, column]), parts,
                                   float(scores.days[column])))  # fmt: skip
    whole = {(c.row, tenders[c.column].notice_id): c for c in found if tenders[c.column].lot_id is None}
    kept = []
    for candidate in found:
        parent = whole.get((candidate.row, tenders[candidate.column].notice_id))
        if (tenders[candidate.column].lot_id is None or parent is None or candidate.kind != parent.kind
                or candidate.score > parent.score + 0.01):  # fmt: skip
            kept.append(candidate)
    return kept


def explain(profile: Profile, tender: Tender, candidate: Candidate,
            cpv_labels: Mapping[str, Mapping[str, str]] | None = None) -> Match:  # fmt: skip
    """Return a candidate as a match with its reasons and what to arrange."""
    return Match(
        company_id=profile.id, notice_id=tender.notice_id, lot_id=tender.lot_id, kind=candidate.kind,
        score=candidate.score, parts=candidate.parts,
        reasons=tuple(reasons_for(profile, tender, candidate.parts, candidate.kind, candidate.days, cpv_labels)),
        to_arrange=tuple(to_arrange(profile, tender)),
    )  # fmt: skip


def rank(profiles: Sequence[Profile], tenders: Sequence[Tender], model: TextModel, *, as_of: datetime,
         include_closed: bool = False, scores: Scores | None = None,
         cpv_labels: Mapping[str, Mapping[str, str]] | None = None) -> list[Match]:  # fmt: skip
    """Return each profile's matches at or above its minimum score, best first, with parts and reasons."""
    scores = scores or score_all(profiles, tenders, model, as_of=as_of, include_closed=include_closed)
    return [explain(profiles[c.row], tenders[c.column], c, cpv_labels) for c in candidates(profiles, tenders, scores)]
