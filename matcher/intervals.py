"""How far an evaluation figure could move on another sample of the same kind: bootstrap intervals.

Apart from ``matcher.evaluation`` (which the command line loads at start-up): these need numpy and scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy.stats import bootstrap

from matcher.evaluation import evaluate
from matcher.types import LABELS

RESAMPLES = 2000
BATCH = 100  # resamples computed at once
LEVEL = 0.95
Interval = tuple[float, float]


def _interval(data: np.ndarray, statistic: Callable[..., np.ndarray]) -> Interval:
    """Return the percentile bootstrap interval of ``statistic`` over ``data`` (resampled with replacement)."""
    if len(data) < 2:
        return math.nan, math.nan
    # In batches: a resample of the documents' counts is (documents x labels x 3); all 2,000 at once took gigabytes
    # for a few thousand documents.
    found = bootstrap((data,), statistic, n_resamples=RESAMPLES, confidence_level=LEVEL, method="percentile",
                      vectorized=True, batch=BATCH, random_state=0).confidence_interval  # fmt: skip
    return float(found.low), float(found.high)


def clause_intervals(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
                     groups: Sequence[str] | None = None) -> tuple[Interval, Interval]:  # fmt: skip
    """Return 95 % bootstrap intervals of macro-F1 and of the false-positive rate on negatives.

    ``groups`` names each snippet's source document: documents are resampled whole, as the split keeps them whole
    (snippets of one page are alike; resampled one by one they would look like more evidence than they are).

    >>> gold, predicted = [["social_return"], [], ["social_return"], []] * 5, [["social_return"], [], [], []] * 5
    >>> (low, high), _ = clause_intervals(gold, predicted)
    >>> low < evaluate(gold, predicted).macro_f1 < high
    True
    """
    names = list(groups) if groups is not None else [str(i) for i in range(len(gold))]
    by_document: dict[str, tuple[list[Sequence[str]], list[Sequence[str]]]] = {}
    for name, g, p in zip(names, gold, predicted, strict=True):
        by_document.setdefault(name, ([], []))[0].append(g)
        by_document[name][1].append(p)
    # Per document (the Report of its snippets): per label true positives, false positives, false negatives; and
    # its negatives and the flagged ones.
    reports = [evaluate(g, p) for g, p in by_document.values()]
    counts = np.array([[(s.true_positives, s.false_positives, s.false_negatives) for s in r.labels] for r in reports],
                      dtype=float).reshape(len(reports), len(LABELS), 3)  # fmt: skip
    negatives = np.array([(r.negatives, r.negatives_flagged) for r in reports], dtype=float).reshape(-1, 2)

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

    documents = np.arange(len(reports))
    return _interval(documents, macro), _interval(documents, flagged)


def mean_interval(values: Sequence[float]) -> Interval:
    """Return the 95 % bootstrap interval of the mean of ``values`` (NaN left out), e.g. over companies."""
    kept = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    return _interval(kept, np.mean)
