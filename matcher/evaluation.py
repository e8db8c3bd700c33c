"""Scores for a labelled clause set: per-label precision, recall and F1, macro-F1, false positives on negatives;
ranking scores; and how far each could move on another sample of the same kind (bootstrap intervals)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

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


RESAMPLES = 2000
LEVEL = 0.95
Interval = tuple[float, float]


def _interval(data: np.ndarray, statistic: Callable[..., np.ndarray]) -> Interval:
    """Return the percentile bootstrap interval of ``statistic`` over ``data`` (resampled with replacement)."""
    from scipy.stats import bootstrap  # imported here: scipy.stats costs the command line's start-up a second

    if len(data) < 2:
        return math.nan, math.nan
    found = bootstrap((data,), statistic, n_resamples=RESAMPLES, confidence_level=LEVEL, method="percentile",
                      vectorized=True, random_state=0).confidence_interval  # fmt: skip
    return float(found.low), float(found.high)


def clause_intervals(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
                     groups: Sequence[str] | None = None) -> tuple[Interval, Interval]:  # fmt: skip
    """Return 95 % bootstrap intervals of macro-F1 and of the false-positive rate on negatives.

    ``groups`` names each snippet's source document: documents are resampled whole, as the split keeps them whole
    (snippets of one page are alike; resampled one by one they would look like more evidence than they are).

    >>> low, high = clause_intervals([["social_return"], [], ["social_return"], []] * 5,
    ...                              [["social_return"], [], [], ["social_return"]] * 5)[0]
    >>> round(low, 2) <= evaluate([["social_return"], []], [["social_return"], []]).macro_f1 and low < high
    True
    """
    names = list(groups) if groups is not None else [str(i) for i in range(len(gold))]
    index = {name: i for i, name in enumerate(dict.fromkeys(names))}
    # Per document and label: true positives, false positives, false negatives; and negatives, flagged ones.
    counts = np.zeros((len(index), len(LABELS), 3))
    negatives = np.zeros((len(index), 2))
    for name, g, p in zip(names, gold, predicted, strict=True):
        row = index[name]
        for column, label in enumerate(LABELS):
            counts[row, column] += (
                label in g and label in p,
                label not in g and label in p,
                label in g and label not in p,
            )
        if not g:
            negatives[row] += (1, bool(p))

    # scipy resamples the documents' indices: ``rows`` is (resamples x documents), or the documents once.
    def macro(rows: np.ndarray, axis: int = -1) -> np.ndarray:
        assert axis == -1
        tp, fp, fn = np.moveaxis(counts[rows].sum(axis=-3), -1, 0)  # each: resamples x labels
        f1 = np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)
        scored = (tp + fn + fp) > 0  # as Report.macro_f1: labels with support or false positives
        return np.where(scored.any(-1), (f1 * scored).sum(-1) / np.maximum(scored.sum(-1), 1), 0.0)

    def flagged(rows: np.ndarray, axis: int = -1) -> np.ndarray:
        assert axis == -1
        total, hit = np.moveaxis(negatives[rows].sum(axis=-2), -1, 0)
        return hit / np.maximum(total, 1)

    documents = np.arange(len(index))
    return _interval(documents, macro), _interval(documents, flagged)


def mean_interval(values: Sequence[float]) -> Interval:
    """Return the 95 % bootstrap interval of the mean of ``values`` (NaN left out), e.g. over companies."""
    kept = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    return _interval(kept, lambda sample, axis=-1: np.mean(sample, axis=axis))


def ndcg_at(ranked_gains: Sequence[float], all_gains: Sequence[float], k: int = 10) -> float:
    """Return nDCG@k of a ranking, given the gains in ranked order and the gains of every judged item.

    >>> round(ndcg_at([0, 2, 1], [2, 1, 0], k=3), 3)
    0.659
    """

    def dcg(gains: Sequence[float]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(all_gains, reverse=True))
    return dcg(ranked_gains) / ideal if ideal else 0.0


def precision_at(ranked_gains: Sequence[float], k: int = 5) -> float:
    """Return the share of the top k with a positive gain."""
    top = list(ranked_gains[:k])
    return sum(1 for g in top if g > 0) / k if k else 0.0
