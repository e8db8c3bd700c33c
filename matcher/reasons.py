"""Readable reasons for a match, in Dutch (default) or English, and the ranked matches themselves.

One entry per company and notice: the best of the whole notice and its lots, with the lots that fit named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import numpy as np

from matcher.audiences import held
from matcher.codelists import label, region_label, significant
from matcher.cpv import best_similarity, code_label
from matcher.i18n import N_, date_text, money, percent, translations
from matcher.regions import COUNTRY_WIDE, INSIDE, region_fit
from matcher.requirements import Requirements, missing
from matcher.scoring import EURO_RATES, UNKNOWN, Scores, score_all, tender_codes
from matcher.tenders import Match, Profile, Tender
from matcher.text import TextModel

CLAUSE_NAMES = {
    "reserved_contract": N_("reserved contract"),
    "social_return": N_("social return"),
    "employment_of_disadvantaged": N_("jobs for people far from the labour market"),
    "social_enterprise_subcontracting": N_("buying from social enterprises"),
    "local_community_partnering": N_("local/community partnering"),
    "right_to_challenge": N_("Right to Challenge"),
    "social_award_criterion": N_("social award criterion"),
}
FEEDBACK_SHOWN = 0.01  # feedback that moved a total by less than a point of the score shown is not worth a line


def _catalog(lang: str) -> Callable[[str], str]:
    """Return the reasons' catalog for a reader (English message ids; Dutch unless the profile says "en")."""
    return translations(lang, "matcher").gettext


def _money(amount: float | None, currency: str | None, lang: str) -> str:
    return "?" if amount is None else money(amount, currency or "EUR", lang)


def _value(tender: Tender, lang: str) -> str:
    """Return a tender's value as the notice gives it, with its euros beside another currency ("CZK 2.483.530
    (ongeveer € 99.300)"): the company's capacity is in euros."""
    text = _money(tender.value, tender.currency, lang)
    currency = (tender.currency or "EUR").upper()
    rate = EURO_RATES.get(currency)
    if tender.value is None or currency == "EUR" or rate is None:
        return text
    euros = float(f"{tender.value * rate:.3g}")  # a rate of the day, not of the notice's: three digits say enough
    _ = _catalog(lang)
    return text + " " + _("(about {euros})").format(euros=money(euros, "EUR", lang))


def calendar_days(deadline: datetime, days: float, zone: tzinfo | None = None) -> int:
    """Return the days to ``deadline`` from ``days`` before it, counted by the calendar where the reader lives
    (``zone``; the deadline's own offset when not given), as people count them: on a Thursday afternoon, a Monday
    09:00 deadline is 4 days away, not 3. Deadlines are stored in UTC: their UTC date is not the reader's.

    >>> from zoneinfo import ZoneInfo
    >>> monday = datetime(2023, 12, 17, 23, 30, tzinfo=ZoneInfo("UTC"))  # Monday 00:30 in Amsterdam
    >>> calendar_days(monday, 3.4792, ZoneInfo("Europe/Amsterdam")), calendar_days(monday, 3.4792)
    (4, 3)
    """
    zone = zone or deadline.tzinfo
    start = (deadline - timedelta(days=days)).astimezone(zone)
    return (deadline.astimezone(zone).date() - start.date()).days


def _place(code: str | None, lang: str) -> str:
    """Return a NUTS or country code by its name; a parent's name keeps the code ("Noord-Holland (NL329)")."""
    if not code:
        return "?"
    own = label("nuts", code, lang)
    if own:
        return own
    name = region_label(code, lang) or code
    return name if name == code or len(code) == 2 else f"{name} ({code})"


def _title(lot: Tender) -> str:
    return " ".join((lot.lot_title or "").split())


def _lot(lot: Tender, lang: str) -> str:
    """Return a lot as "LOT-0001: Perceel Noord (€ 90.000)"; a title that names the lot's id is enough alone
    ("Perceel 1: Noord", not "1: Perceel 1: Noord")."""
    text, title = lot.lot_id or "", _title(lot)
    if title and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", title):
        text = title
    elif title:
        text += f": {title}"
    return f"{text} ({_money(lot.value, lot.currency, lang)})" if lot.value is not None else text


def _cpv_line(profile: Profile, tender: Tender, lang: str) -> str | None:
    _ = _catalog(lang)
    codes = profile.codes()
    holding = held(profile.description, codes) if codes else None
    # As the CPV part counts them: held to whom the company serves (``matcher.audiences``).
    counted = holding.counted(tender.audiences) if holding is not None else codes
    score, code, company = best_similarity(tender_codes(tender), counted)
    if not code:
        return None
    text = code_label(code, lang)
    share = dict(counted).get(company or "", 1.0) / (dict(codes).get(company or "", 1.0) or 1.0)
    if share < 1.0 and score / share >= 0.5 and len(significant(code)) > 2:
        return _("Same field ({label}), but the notice does not name the people you work for").format(label=text)
    # A notice that names only a division ("Bouwwerkzaamheden") is related to a painter's work, not a fit in itself.
    if score < 0.5 or (len(significant(code)) == 2 and score < 1.0):
        return _("Related field: {label}").format(label=text)
    if code not in tender.cpv:
        return _("The description says it is {label}, your work").format(label=text)
    if profile.cpv:
        return _("Fits your work: {label}").format(label=text)
    return _("Fits your work as we read it from your description: {label}").format(label=text)


def reasons_for(profile: Profile, tender: Tender, parts: dict[str, float], kind: str, days: float,
                lots: Sequence[Tender] = (), *, marked: bool = False, zone: tzinfo | None = None,
                ) -> list[str]:  # fmt: skip
    """Return one readable line per part of a match, in the profile's language (Dutch unless "en").

    ``lots`` are the lots that fit, when the notice has several; ``marked`` says the company marked this tender as
    a good fit itself; ``zone`` is where the reader counts days and dates (the deadline's own offset when not given).
    """
    lang = "en" if profile.language == "en" else "nl"
    _ = _catalog(lang)
    out = []
    line = _cpv_line(profile, tender, lang)
    if line:
        out.append(line)
    if parts["text"] >= 0.3:
        out.append(_("The description resembles what you do ({share})").format(share=percent(parts["text"], lang)))
    moved = parts.get("feedback", 0.0)
    if marked:
        out.append(_("You marked this tender as a good fit"))
    elif abs(moved) >= FEEDBACK_SHOWN:
        out.append(_("Resembles tenders you marked as a good fit") if moved > 0
                   else _("Resembles tenders you said were not for you"))  # fmt: skip
    if lots:
        out.append(_("Lots that fit: {lots}").format(lots="; ".join(_lot(lot, lang) for lot in lots)))
    fit = region_fit(place=tender.place, regions=profile.regions)
    place = _place(fit.place, lang)
    if fit.basis == "anywhere":
        out.append(_("You work anywhere"))
    elif fit.basis == "unknown":
        out.append(_("The notice gives no place of performance"))
    elif fit.basis in ("buyer", "country") and fit.score > 0:
        # Only the buyer's seat is known: a ministry in Utrecht may buy work anywhere in the country.
        out.append(_("Buyer in {place}; the notice gives no place of performance").format(place=place))
    elif fit.score >= INSIDE:
        out.append(_("Performed in {place}, in your region").format(place=place))
    elif fit.score >= COUNTRY_WIDE:
        out.append(_("Performed in {place}, which includes your region").format(place=place))
    elif fit.score > 0:
        out.append(_("Performed in {place}, outside your own region").format(place=place))
    else:
        out.append(_("Performed outside your regions ({place})").format(place=place))
    value, capacity = _value(tender, lang), _money(profile.max_value, "EUR", lang)
    # A lot's title usually says "Perceel ..." itself; "Perceel Perceel Noord" reads as a mistake.
    where = f"{_title(tender)}: " if tender.lot_title else _("Lot {lot}: ").format(lot=tender.lot_id)
    where = where if tender.lot_id else ""
    if kind == "partner":
        out.append(_("Too large to bid alone ({value} vs {capacity}): a chance to partner the winner")
                   .format(value=value, capacity=capacity))  # fmt: skip
    elif tender.value is None:
        out.append(_("No estimated value given"))
    elif abs(float(parts["size"]) - UNKNOWN) < 1e-6:  # no capacity given, or a currency without a rate
        out.append(where + _("Estimated value {value}").format(value=value))
    elif parts["size"] >= 1.0:
        out.append(
            where + _("Estimated value {value} fits your capacity ({capacity})").format(value=value, capacity=capacity)
        )
    else:
        out.append(where + _("Estimated value {value} stretches your capacity ({capacity})").format(
            value=value, capacity=capacity))  # fmt: skip
    if np.isnan(days):
        out.append(_("No deadline given"))
    elif days < 0:
        out.append(_("The deadline has passed"))
    else:
        local = tender.deadline.astimezone(zone or tender.deadline.tzinfo) if tender.deadline else None
        date = date_text(local.date(), lang) if local else "?"
        need = profile.preparation_days
        left = calendar_days(tender.deadline, days, zone) if tender.deadline else int(days)
        catalog = translations(lang, "matcher")
        # Two numbers, each with its own plural: each is a phrase of its own, placed in one whole sentence that a
        # translator can reorder (pieces glued together could not be).
        left_text = catalog.ngettext("{days} day", "{days} days", left).format(days=left)
        need_text = catalog.ngettext("{need} day", "{need} days", need).format(need=need)
        # Tight as the score's time part has it: by the time left, not by the calendar, and under a day even for a
        # company that needs no preparation time (which is not told it needs "0 days").
        if not need:
            line = _("{left} to the deadline ({date})") if days >= 1 else _("{left} to the deadline ({date}) — tight")
        else:
            line = (_("{left} to the deadline ({date}); you need {need}") if days >= need
                    else _("{left} to the deadline ({date}); you need {need} — tight"))  # fmt: skip
        # A lot may close on another day than the notice's first deadline (the one listings show): say whose it is.
        out.append((where if tender.own_deadline else "") + line.format(left=left_text, date=date, need=need_text))
    if tender.certificates:
        lacking = missing(Requirements(tender.certificates, None), profile.certifications)
        asked = ", ".join(tender.certificates)
        out.append(_("Required: {asked}; to arrange: {lacking}").format(asked=asked, lacking=", ".join(lacking))
                   if lacking else _("Required: {asked}; you have these").format(asked=asked))  # fmt: skip
    # The notice-wide clauses and those of the lots that fit (not those of lots the company would not bid on).
    found = set(tender.clauses).union(*(lot.clauses for lot in lots))
    favouring = [_(CLAUSE_NAMES[c]) for c in sorted(found) if c in CLAUSE_NAMES]
    if favouring:
        out.append(_("Inclusive clause: {names}").format(names=", ".join(favouring)))
    return out


def to_arrange(profile: Profile, tender: Tender) -> list[str]:
    """Return what the company should arrange before bidding: missing certificates and a turnover threshold."""
    items = missing(Requirements(tender.certificates, None), profile.certifications)
    if tender.turnover and profile.max_value and tender.turnover > profile.max_value:
        lang = "en" if profile.language == "en" else "nl"
        _ = _catalog(lang)
        items.append(_("turnover requirement {value}").format(value=_money(tender.turnover, "EUR", lang)))
    return items


@dataclass(frozen=True)
class Candidate:
    """A company and a notice that passed the gates, before it is explained: indices into the scored profiles and
    tenders (``column`` is the best of the notice's tenders) and the lots that fit."""

    row: int
    column: int
    kind: str
    score: float
    parts: dict[str, float]
    days: float
    lots: tuple[int, ...] = ()  # columns of the fitting lots, when the notice has several


def candidates(profiles: Sequence[Profile], tenders: Sequence[Tender], scores: Scores,
               skip: Callable[[int, int], bool] | None = None,
               owners: Sequence[Hashable] | None = None) -> list[Candidate]:  # fmt: skip
    """Return one candidate per company and notice at or above the company's minimum score, best first.

    The whole notice and its lots are one entry: the best of them speaks for it (a bid before a partner chance), and
    the lots that fit are named.
    ``skip(row, column)`` leaves out pairs a company turned down. ``owners`` names each tender's notice where its
    id may not (two sources may publish one id); by default the notice id does.
    """
    found = []
    for row, profile in enumerate(profiles):
        columns = np.flatnonzero((scores.kind[row] > 0) & (scores.total[row] >= profile.min_score))
        by_notice: dict[Hashable, list[int]] = {}
        lot_refused: set[Hashable] = set()
        for column in columns[np.argsort(-scores.total[row, columns], kind="stable")]:
            owner = tenders[column].notice_id if owners is None else owners[column]
            if skip is not None and skip(row, int(column)):
                if tenders[column].lot_id is not None:
                    lot_refused.add(owner)
                continue
            by_notice.setdefault(owner, []).append(int(column))
        for owner, chosen in by_notice.items():
            if owner in lot_refused:
                # A lot that fits was turned down: the whole notice stands only through a lot still wanted (its
                # fit may have come from the refused lot alone).
                chosen = [c for c in chosen if tenders[c].lot_id is not None]
            # A lot the company can bid on comes before a chance to partner on the whole or another lot (a
            # partner's size part is full, so it can tie with a bid that fits).
            chosen = [c for c in chosen if scores.kind[row, c] == 1] or chosen
            if not chosen:
                continue
            best = chosen[0]  # best first; on a tie the whole notice comes first (stable order)
            lots = tuple(sorted(c for c in chosen if tenders[c].lot_id is not None))
            kind = "bid" if scores.kind[row, best] == 1 else "partner"
            parts = {name: float(values[row, best]) for name, values in scores.parts.items()}
            found.append(Candidate(row, best, kind, float(scores.total[row, best]), parts, float(scores.days[best]),
                                   lots))  # fmt: skip
    return found


def explain(profile: Profile, tenders: Sequence[Tender], candidate: Candidate, *, marked: bool = False,
            zone: tzinfo | None = None) -> Match:  # fmt: skip
    """Return a candidate as a match with its reasons, the lots that fit and what to arrange (``marked``: the company
    marked the tender as a good fit; ``zone``: where its people count days)."""
    tender = tenders[candidate.column]
    lots = [tenders[c] for c in candidate.lots]
    return Match(
        company_id=profile.id, notice_id=tender.notice_id, lots=tuple(lot.lot_id or "" for lot in lots),
        kind=candidate.kind, score=candidate.score, parts=candidate.parts,
        reasons=tuple(reasons_for(profile, tender, candidate.parts, candidate.kind, candidate.days, lots,
                                  marked=marked, zone=zone)),
        # A partner does not bid: what the notice asks of bidders is the winner's to arrange.
        to_arrange=tuple(to_arrange(profile, tender)) if candidate.kind == "bid" else (),
    )  # fmt: skip


def rank(profiles: Sequence[Profile], tenders: Sequence[Tender], model: TextModel, *, as_of: datetime,
         include_closed: bool = False, scores: Scores | None = None) -> list[Match]:  # fmt: skip
    """Return each profile's matches at or above its minimum score, best first, with parts and reasons."""
    scores = scores or score_all(profiles, tenders, model, as_of=as_of, include_closed=include_closed)
    return [explain(profiles[c.row], tenders, c) for c in candidates(profiles, tenders, scores)]
