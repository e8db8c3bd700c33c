"""Fitting the clause model: per label a logistic regression on train, calibrated on dev, and the way it combines
with the rules chosen on dev within a budget of flagged negatives (``train``).

Kept apart from ``matcher.clause_model``, which only reads a fitted model: detection never needs this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from matcher.clause_model import (
    MODEL_FORMAT,
    POLICIES,
    ClauseModel,
    Example,
    char_vectorizer,
    decide,
    signal_names,
    vetoed_in,
    word_vectorizer,
)
from matcher.types import LABELS

MAX_DEV_FP = 0.04  # all labels together may flag at most this share of dev negatives
C_GRID = (0.3, 1.0, 3.0, 10.0)


def _f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(gold & predicted))
    fp, fn = float(np.sum(~gold & predicted)), float(np.sum(gold & ~predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _platt(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    if gold.all() or not gold.any():
        return 1.0, 0.0
    fitted = LogisticRegression(C=1e4).fit(scores.reshape(-1, 1), gold)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


@dataclass(frozen=True)
class _Choice:
    f1: float
    policy: str
    threshold: float
    platt: tuple[float, float]
    weights: np.ndarray
    bias: float
    predicted: np.ndarray  # on the dev snippets

    @property
    def key(self) -> tuple[float, int, float]:
        # Ties: prefer the rules (they give the evidence span), then the higher threshold.
        return (self.f1, -POLICIES.index(self.policy), self.threshold)


def _candidates(x_train: sparse.csr_matrix, y_train: np.ndarray, x_dev: sparse.csr_matrix, y_dev: np.ndarray,
                owner: np.ndarray, rule: np.ndarray, negated: np.ndarray, seed: int) -> list[_Choice]:  # fmt: skip
    """Return every (C, policy, threshold) for one label with its predictions on the dev snippets."""
    found = []
    y_sentence = y_dev[owner]  # a sentence of a snippet with the label stands for it in calibration
    for c in C_GRID:
        fitted = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed,
                                    max_iter=2000).fit(x_train, y_train)  # fmt: skip
        scores = fitted.decision_function(x_dev)
        a, b = _platt(scores, y_sentence)
        probability = 1.0 / (1.0 + np.exp(-(a * scores + b)))
        for policy in POLICIES:
            for threshold in np.linspace(0.05, 0.95, 19):
                per_sentence = np.array([decide(policy, r, n, p, threshold)
                                         for r, n, p in zip(rule, negated, probability, strict=True)])  # fmt: skip
                predicted = np.zeros(len(y_dev), dtype=bool)
                np.logical_or.at(predicted, owner, per_sentence)
                found.append(_Choice(_f1(y_dev, predicted), policy, float(threshold), (a, b),
                                     fitted.coef_[0].copy(), float(fitted.intercept_[0]), predicted))  # fmt: skip
    return found


def _select(options: list[list[_Choice]], negative: np.ndarray) -> list[_Choice]:
    """Choose one option per label: the best macro-F1 on dev whose flagged negatives stay within ``MAX_DEV_FP``.

    Starts from each label's best and, while too many negatives are flagged, gives up the least F1 per negative
    spared (clauses are rare in real notices: a false finding costs more than a missed one in a coverage share).
    """
    chosen = [max(label_options, key=lambda o: o.key) for label_options in options]

    def flagged(choice: list[_Choice]) -> int:
        union = np.zeros(len(negative), dtype=bool)
        for option in choice:
            union |= option.predicted
        return int((union & negative).sum())

    budget = int(MAX_DEV_FP * negative.sum())
    while flagged(chosen) > budget:
        now = flagged(chosen)
        best: tuple[float, int, _Choice] | None = None
        for index, label_options in enumerate(options):
            for option in label_options:
                trial = [*chosen[:index], option, *chosen[index + 1 :]]
                spared = now - flagged(trial)
                if spared <= 0:
                    continue
                cost = (chosen[index].f1 - option.f1) / spared
                if best is None or cost < best[0]:
                    best = (cost, index, option)
        if best is None:
            break
        chosen[best[1]] = best[2]
    return chosen


def train(train_set: Sequence[Example], dev_set: Sequence[Sequence[Example]], dev_labels: Sequence[frozenset[str]],
          *, seed: int = 0) -> ClauseModel:  # fmt: skip
    """Fit on ``train_set`` (one example per snippet); calibrate, choose C, the threshold and the combination policy
    per label on the dev snippets, read sentence by sentence as ``detect`` reads them (``dev_set``: each snippet's
    sentences; ``dev_labels``: each snippet's labels), within a budget of flagged dev negatives for all labels.

    Deterministic for the same examples (liblinear with a fixed seed), so ``make model`` reproduces the stored model:
    bit for bit with the same libraries, to rounding with other releases of NumPy and scikit-learn.
    """
    words, chars = word_vectorizer(), char_vectorizer()
    words.fit([e.lemmas for e in train_set])
    chars.fit([e.text.lower() for e in train_set])
    names = tuple(signal_names())
    shell = ClauseModel(words, chars, names, np.zeros((0, 0)), np.zeros(0), np.zeros((0, 2)), np.zeros(0), (), ())
    flat = [sentence for snippet in dev_set for sentence in snippet]
    owner = np.repeat(np.arange(len(dev_set)), [len(snippet) for snippet in dev_set])
    x_train, x_dev = shell.matrix(train_set), shell.matrix(flat)
    options, precision = [], []
    for label in LABELS:
        y_dev = np.array([label in labels for labels in dev_labels])
        rule = np.array([f"rule:{label}" in e.signals for e in flat])
        negated = np.array([(f"neg:{label}" in e.signals or vetoed_in(e.signals, label))
                            and f"rule:{label}" not in e.signals for e in flat])  # fmt: skip
        y_train = np.array([label in e.labels for e in train_set])
        options.append(_candidates(x_train, y_train, x_dev, y_dev, owner, rule, negated, seed))
        found = rule.sum()
        precision.append(float((rule & y_dev[owner]).sum() / found) if found else 0.9)
    chosen = _select(options, np.array([not labels for labels in dev_labels]))
    meta = {"format": MODEL_FORMAT, "train": len(train_set), "dev": len(dev_set)}
    return ClauseModel(words, chars, names, np.vstack([c.weights for c in chosen]), np.array([c.bias for c in chosen]),
                       np.array([c.platt for c in chosen]), np.array([c.threshold for c in chosen]),
                       tuple(c.policy for c in chosen), tuple(precision), meta)  # fmt: skip
