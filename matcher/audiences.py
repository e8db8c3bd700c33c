"""Whom a service is for: a company's branches of work for a named audience fit fully only where a notice names it.

The CPV part compares codes, and codes do not say whom a service is for (``matcher.rules.audiences``). For a
company whose description names an audience, its codes in that audience's branches fit a notice that does not
name the audience only ``UNNAMED`` as well: vocational courses for anyone stay related work for a re-integration
company, not its work. A company whose main work is for the audience is held to it in every branch; a cleaning
company that names the people it employs keeps its cleaning whole, and companies that name no audience are
untouched. Where a notice does name an audience of ``ALIKE``, the company's branches for it count alike, each as its
likeliest one: buyers code one service for jobseekers as job search, secondment, social work or training, so a
company read as mainly seconding people (7962) is as fit for coaching jobseekers coded as training (8053). Care for
children, the elderly or disabled people is coded by what it is, so there the codes keep their weights. Whom a
notice names is read once from its whole text (``named``) and holds for its lots too.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick
import numpy as np

from matcher.codelists import significant
from matcher.cpv import Weighted, fit_matrix
from matcher.rules.audiences import ALIKE, AUDIENCE_PHRASES, AUDIENCE_WORDS, AUDIENCE_WORK
from matcher.stems import automaton

UNNAMED = 0.4  # how well an audience's branch fits a notice that does not name the audience (chosen on dev)


@functools.cache
def _finder() -> ahocorasick.Automaton:
    stems: dict[str, tuple[set[str], bool]] = {}
    for whole, table in ((False, AUDIENCE_WORDS), (True, AUDIENCE_PHRASES)):
        for audience, words in table.items():
            for word in words:
                stems.setdefault(word, (set(), whole))[0].add(audience)
    finder = automaton({stem: (frozenset(names), whole, len(stem)) for stem, (names, whole) in stems.items()})
    assert finder is not None  # the words are data shipped with the package, never empty
    return finder


def named(text: str) -> frozenset[str]:
    """Return the audiences a text names: a stem anywhere in a word, a phrase as whole words (any language).

    >>> sorted(named("Prestations d'accompagnement des demandeurs d'emploi")), sorted(named("Schoonmaak"))
    (['jobseekers'], [])
    >>> sorted(named("Jobseekers back into work.")), sorted(named("Put the machines back into working order"))
    (['jobseekers'], [])
    """
    found: set[str] = set()
    lowered = text.lower()
    for end, (names, whole, length) in _finder().iter(lowered):
        start = end - length + 1
        if whole and (lowered[start - 1 : start].isalnum() or lowered[end + 1 : end + 2].isalnum()):
            continue  # "into work" inside "into workflows"
        found |= names
    return frozenset(found)


def serves(code: str, audience: str) -> bool:
    """Return whether a company's code is in a branch of work for ``audience``, or a group (or deeper) above one.

    A whole division ("80", all education) is too wide to say whom the work is for: a swimming school for children
    and adults is not held to children by it.

    >>> serves("85312510", "jobseekers"), serves("805", "jobseekers"), serves("90910000", "jobseekers")
    (True, True, False)
    >>> serves("80000000", "children"), serves("801", "children")
    (False, True)
    """
    digits = significant(code)
    return any(digits.startswith(branch) or (len(digits) >= 3 and branch.startswith(digits))
               for branch in AUDIENCE_WORK.get(audience, ()))  # fmt: skip


@functools.lru_cache(maxsize=4096)  # a company's description is read again for every block of tenders
def _described(description: str) -> frozenset[str]:
    return named(description)


@dataclass(frozen=True)
class Held:
    """A company's codes with the audiences each is held to, as they count for a notice (``counted``)."""

    audiences: frozenset[str]  # the audiences the company's description names
    # each code, its weight, the audiences it is held to, and the ``ALIKE`` ones among them it serves itself
    codes: tuple[tuple[str, float, frozenset[str], frozenset[str]], ...]
    likeliest: tuple[tuple[str, float], ...]  # per ``ALIKE`` audience, the weight of the company's likeliest branch

    def counted(self, audiences: frozenset[str]) -> Weighted:
        """Return the codes as they count for a notice that names ``audiences``.

        A code held to audiences the notice names none of counts ``UNNAMED`` of its weight; a code in a branch of an
        ``ALIKE`` audience the notice names counts as the company's likeliest branch for it; the others as they are.
        """
        low = np.float32(UNNAMED)
        result = []
        for code, weight, to, alike in self.codes:
            if not to:
                result.append((code, weight))
            elif not to & audiences:
                result.append((code, float(weight * low)))
            else:
                raised = [top for audience, top in self.likeliest if audience in audiences and audience in alike]
                result.append((code, max([weight, *raised])))
        return tuple(result)


def held(description: str, codes: Weighted) -> Held | None:
    """Return how a company's codes count when its description names an audience, or None when nothing changes."""
    audiences = _described(description)
    bound = [frozenset(a for a in audiences if serves(code, a)) for code, _weight in codes]
    if not any(bound):
        return None
    # Its main work (the first code it gave, or the likeliest read from its words) is for these people: every other
    # branch is a means to that work (the workshop where they learn), held to them too; a branch for people of its
    # own is held to those.
    main = bound[0]
    likeliest = tuple((a, max(w for (c, w), to in zip(codes, bound, strict=True) if a in to))
                      for a in sorted(audiences & ALIKE) if any(a in to for to in bound))  # fmt: skip
    return Held(audiences, tuple((code, weight, to or main, to & ALIKE)
                                 for (code, weight), to in zip(codes, bound, strict=True)), likeliest)  # fmt: skip


def audience_fit(descriptions: Sequence[str], companies: Sequence[Weighted], tenders: Sequence[Weighted],
                 audiences: Sequence[frozenset[str]], fit: np.ndarray) -> np.ndarray:  # fmt: skip
    """Return ``fit`` (``matcher.cpv.fit_matrix`` of ``companies`` x ``tenders``) with each company's codes held
    to the audiences its description names (``held``), as they count for each tender by whom it names (its
    ``audiences``, ``Held.counted``)."""
    changed = [(row, found) for row, (d, codes) in enumerate(zip(descriptions, companies, strict=True))
               if codes and (found := held(d, codes)) is not None]  # fmt: skip
    if not changed:
        return fit
    naming = {a: np.array([a in n for n in audiences], dtype=bool) for a in {a for n in audiences for a in n}}
    # Tenders alike in which of a company's audiences they name share its counted codes: one row of weights per
    # (company, combination named), all scored in one pass (setting the weights of codes is the rule itself).
    wanted: list[tuple[int, np.ndarray, Weighted]] = []
    for row, found in changed:
        order = sorted(found.audiences)
        key = np.zeros(len(tenders), dtype=np.int64)
        for bit, audience in enumerate(order):
            if audience in naming:
                key |= naming[audience].astype(np.int64) << bit
        for combination in np.unique(key):
            said = frozenset(a for bit, a in enumerate(order) if combination >> bit & 1)
            wanted.append((row, key == combination, found.counted(said)))
    scored = [index for index, (row, _columns, codes) in enumerate(wanted) if tuple(codes) != tuple(companies[row])]
    fits = dict(zip(scored, fit_matrix([wanted[index][2] for index in scored], tenders), strict=True))
    result = fit.copy()
    for index, (row, columns, _codes) in enumerate(wanted):
        if index in fits:
            result[row, columns] = fits[index][columns]
    return result
