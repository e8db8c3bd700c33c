"""Learning from what companies say about their matches.

Per company, the notices it marked move the ranking of similar unmarked notices: a tender that resembles what it
liked rises, one that resembles what it turned down sinks, by an amount that grows with the number of marks (few
marks, small steps: the prior ranking stays in charge). Across companies, once enough marks exist, the weights of
the score's parts are learned from them (logistic regression on the parts), blended with the hand-set weights, and
kept only where they hold for companies they were not learned from (``learn_weights``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from matcher.cpv import fit_matrix, significant

STRENGTH = 0.3  # the most feedback can move a total score, with many marks and an exact resemblance
HALF_WAY = 3  # marks after which feedback has half its strength
SPECIFIC = 4  # significant digits a code needs to say what a notice is about (a CPV class or deeper)
TEXT_SHARE = 0.5  # resemblance is half wording (one language), half CPV branches (any language)
MIN_MARKS = 40  # marks over all companies before part weights are learned
MIN_EACH = 10  # ... with at least this many of each answer
PRIOR_MARKS = 200  # learned weights count as much as the hand-set ones after this many marks
FOLDS = 5  # groups of companies held out in turn to see whether learned weights hold for others


@dataclass(frozen=True)
class Marks:
    """The notices one company marked: their text vectors (rows L2-normalised) and CPV codes, liked and not."""

    liked_text: sparse.csr_matrix
    liked_codes: tuple[tuple[tuple[str, float], ...], ...]
    disliked_text: sparse.csr_matrix
    disliked_codes: tuple[tuple[tuple[str, float], ...], ...]

    @property
    def count(self) -> int:
        return len(self.liked_codes) + len(self.disliked_codes)


Codes = Sequence[Sequence[tuple[str, float]]]


def _specific(codes: Codes) -> list[list[tuple[str, float]]]:
    # Only specific codes say what a notice is about: a whole division or group ("45000000") would make every
    # notice of the sector resemble the marked one.
    return [[(c, w) for c, w in found if len(significant(c)) >= SPECIFIC] for found in codes]


def adjustments(marks: Sequence[Marks | None], tender_text: sparse.csr_matrix, tender_codes: Codes) -> np.ndarray:
    """Return per company (row) how much its feedback moves each tender's total, in [-STRENGTH, STRENGTH].

    A tender's resemblance to a marked notice is half wording, half CPV branches; per company the most similar
    liked notice pulls it up and the most similar disliked one pushes it down. All companies' marked notices are
    compared with the tenders in one pass (the tenders' codes are filtered and indexed once).
    """
    result = np.zeros((len(marks), tender_text.shape[0]), dtype=np.float32)
    texts, codes, owners = [], [], []  # the marked notices of every company, and (company, +1 liked / -1 not)
    for row, mark in enumerate(marks):
        if mark is None or not mark.count:
            continue
        for text, found, sign in (
            (mark.liked_text, mark.liked_codes, 1),
            (mark.disliked_text, mark.disliked_codes, -1),
        ):
            if found:
                texts.append(text)
                codes += found
                owners += [(row, sign)] * len(found)
    if not owners:
        return result
    wording = np.asarray((sparse.vstack(texts, format="csr") @ tender_text.T).toarray(), dtype=np.float32)
    branches = fit_matrix(_specific(codes), _specific(tender_codes))
    resemblance = np.clip(TEXT_SHARE * wording + (1 - TEXT_SHARE) * branches, 0.0, 1.0)
    owner_rows = np.array([row for row, _sign in owners])
    signs = np.array([sign for _row, sign in owners])
    for row in np.unique(owner_rows):
        mine = owner_rows == row
        liked, disliked = resemblance[mine & (signs > 0)], resemblance[mine & (signs < 0)]
        pull = (liked.max(axis=0) if len(liked) else 0.0) - (disliked.max(axis=0) if len(disliked) else 0.0)
        count = int(mine.sum())
        result[row] = STRENGTH * count / (count + HALF_WAY) * pull
    return result


def adjustment(marks: Marks, tender_text: sparse.csr_matrix, tender_codes: Codes) -> np.ndarray:
    """Return how much one company's feedback moves each tender's total (see ``adjustments``).

    >>> from scipy import sparse
    >>> one = sparse.csr_matrix([[1.0, 0.0]])
    >>> marks = Marks(sparse.csr_matrix((0, 2)), (), one, ((("90910000", 1.0),),))
    >>> [round(float(x), 3) for x in adjustment(marks, sparse.csr_matrix([[1.0, 0.0], [0.0, 1.0]]),
    ...                                         [(("90910000", 1.0),), (("45000000", 1.0),)])]
    [-0.075, 0.0]
    """
    return adjustments([marks], tender_text, tender_codes)[0]


def learn_weights(said: Sequence[tuple[str, Mapping[str, float], bool]],
                  prior: Mapping[str, float]) -> dict[str, float] | None:  # fmt: skip
    """Return part weights learned from marked matches (``said``: company, the match's parts, relevant or not),
    blended with ``prior``; None while there are too few, or while they do not order companies' marks better than
    ``prior`` does.

    A logistic regression on the parts says which parts separate "past bij ons" from "niet voor ons"; its
    positive coefficients, scaled to the prior's total, are blended with the prior by the number of marks. The marks
    are each company's best matches, a narrow sample: weights that separate them can rank everything else worse.
    So the companies are held out in ``FOLDS`` groups, weights are learned from the other companies' marks, and the
    learned weights are kept only when those order a larger share of each held-out company's pairs of marks (one
    relevant, one not), on average over the companies, right than ``prior`` does. Both orders read the parts as the
    regression does, as a weighted sum; scoring also lets the CPV and text parts gate the rest (``score_all``), so
    this tells weights that hold for other companies from weights that do not, not the ranking itself.
    """
    names = list(prior)
    features = np.array([[float(found.get(name, 0.0)) for name in names] for _company, found, _yes in said])
    answers = np.array([yes for _company, _found, yes in said], dtype=bool)
    learned = _blended(features, answers, prior)
    if learned is None:
        return None
    owners = np.array([company for company, _found, _yes in said])
    companies = sorted(set(owners.tolist()))
    fold_of = {company: index % FOLDS for index, company in enumerate(companies)}
    folds = np.array([fold_of[company] for company in owners.tolist()])
    hand = np.array([prior[name] for name in names])
    learned_share, prior_share = [], []
    for fold in range(min(FOLDS, len(companies))):
        kept = folds != fold
        others = _blended(features[kept], answers[kept], prior) or dict(prior)
        weights = np.array([others[name] for name in names])
        for company in sorted(set(owners[~kept].tolist())):
            mine = owners == company
            if answers[mine].all() or not answers[mine].any():
                continue  # one answer only: no pair to order
            # The share of its (relevant, not relevant) pairs ordered right, a tie half: the area under the ROC.
            learned_share.append(roc_auc_score(answers[mine], features[mine] @ weights))
            prior_share.append(roc_auc_score(answers[mine], features[mine] @ hand))
    return learned if learned_share and np.mean(learned_share) > np.mean(prior_share) else None


def _blended(features: np.ndarray, relevant: np.ndarray, prior: Mapping[str, float]) -> dict[str, float] | None:
    """Return the weights a logistic regression learns from marks (``features``: parts in ``prior``'s order),
    blended with ``prior``; None with too few marks of either answer."""
    yes = int(relevant.sum())
    if len(relevant) < MIN_MARKS or yes < MIN_EACH or len(relevant) - yes < MIN_EACH:
        return None
    model = LogisticRegression(C=1.0, max_iter=1000).fit(features, relevant)
    coefficients = np.clip(model.coef_[0], 0.0, None)
    if coefficients.sum() <= 0:
        return None
    total = sum(prior.values())
    learned = coefficients / coefficients.sum() * total
    share = len(relevant) / (len(relevant) + PRIOR_MARKS)
    return {name: round(float((1 - share) * prior[name] + share * learned[i]), 6) for i, name in enumerate(prior)}
