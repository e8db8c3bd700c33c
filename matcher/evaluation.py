"""Scores for a labelled clause set: per-label precision, recall and F1, macro-F1, false positives on negatives;
and ranking scores. How far each could move on another sample: ``matcher.intervals``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.types import LABELS


@dataclass(frozen=True)
class LabelScore:
    """Counts and scores for one label."""

    label: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives


@dataclass(frozen=True)
class Report:
    """The evaluation of a whole set."""

    labels: tuple[LabelScore, ...]
    snippets: int
    negatives: int
    negatives_flagged: int

    @property
    def macro_f1(self) -> float:
        scored = [s for s in self.labels if s.support or s.false_positives]
        return sum(s.f1 for s in scored) / len(scored) if scored else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.negatives_flagged / self.negatives if self.negatives else 0.0


def evaluate(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Report:
    """Compare predicted label sets with gold label sets, snippet by snippet.

    >>> report = evaluate([["social_return"], []], [["social_return"], ["social_return"]])
    >>> report.labels[1].precision, report.false_positive_rate
    (0.5, 1.0)
    """
    scores = []
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label not in p)
        scores.append(LabelScore(label, tp, fp, fn))
    negatives = [p for g, p in zip(gold, predicted, strict=True) if not g]
    return Report(tuple(scores), len(gold), len(negatives), sum(1 for p in negatives if p))


def discounted(values: Sequence[float], k: int = 10) -> float:
    """Return the first ``k`` values summed with the logarithmic discount of their rank (DCG of gain values)."""
    return sum(v / math.log2(i + 2) for i, v in enumerate(values[:k]))


def ideal_dcg(all_gains: Sequence[float], k: int = 10) -> float:
    """Return the DCG@k of the best order of every judged item's grade (a grade g is worth 2**g - 1)."""
    return discounted([2**g - 1 for g in sorted(all_gains, reverse=True)[:k]], k)


def ndcg_at(ranked_gains: Sequence[float], all_gains: Sequence[float], k: int = 10) -> float:
    """Return nDCG@k of a ranking, given the gains in ranked order and the gains of every judged item; nan when no
    item has a gain (nothing to find: the score is undefined, not 0, and stays out of means).

    >>> round(ndcg_at([0, 2, 1], [2, 1, 0], k=3), 3)
    0.659
    >>> ndcg_at([0, 0], [0, 0])
    nan
    """
    ideal = ideal_dcg(all_gains, k)
    return discounted([2**g - 1 for g in ranked_gains[:k]], k) / ideal if ideal else math.nan


def precision_at(ranked_gains: Sequence[float], k: int = 5) -> float:
    """Return the share of the top k with a positive gain."""
    top = list(ranked_gains[:k])
    return sum(1 for g in top if g > 0) / k if k else 0.0
