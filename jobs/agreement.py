"""A second reading of the held-out labels, by someone who never saw the first: how far two careful readers agree.

The detectors' and the ranking's figures are measured against one reader's labels. Where two readers, each
applying the same written rules, disagree on a share of the snippets or notices, no detector can be expected to
agree with the first reader beyond that: the second reader's own score against the first is the ceiling a figure is
read against, and the detector's score on the snippets both readers labelled alike is its score where the labels
are settled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from jobs.jsonl import json_rows
from matcher.evaluation import discounted, ideal_dcg
from matcher.types import LABELS


class SecondReadingError(ValueError):
    """A second-reading file cannot be used; the message names the file and line."""


def read_clause_labels(path: Path) -> dict[str, tuple[str, ...]]:
    """Return ``{snippet id: labels}`` of a second clause reading: JSON lines ``{"ref", "labels", "note"?}``."""
    read: dict[str, tuple[str, ...]] = {}
    for number, row in json_rows(path, SecondReadingError):
        labels = row.get("labels")
        if not isinstance(row.get("ref"), str) or not isinstance(labels, list) or not set(labels) <= set(LABELS):
            raise SecondReadingError(f"{path}, line {number}: needs \"ref\" and \"labels\" drawn from "
                                     f"{', '.join(LABELS)}")  # fmt: skip
        read[str(row["ref"])] = tuple(str(label) for label in labels)
    return read


def graded_kappa(first: Sequence[float], second: Sequence[float]) -> float:
    """Return Cohen's kappa with linear weights between two readers' grades (0, 1, 2): 1 is full agreement, 0 what
    chance gives (nan when both give one grade throughout).

    >>> round(graded_kappa([2, 1, 0, 0, 2], [2, 0, 0, 0, 2]), 2)
    0.8
    """
    if len(set(first) | set(second)) < 2:
        return math.nan
    return float(cohen_kappa_score([int(g) for g in first], [int(g) for g in second], weights="linear"))


def tied_ndcg(blocks: Sequence[Sequence[float]], all_gains: Sequence[float], k: int = 10) -> tuple[float, float]:
    """Return the expected nDCG@k and precision@5 of a ranking in tied blocks, each block in random order.

    ``blocks`` are the first reader's gains of the notices in each block, best block first (a second reader's
    grades rank only in three blocks: relevant, partner, irrelevant). Over every order inside a block, each position
    holds on average the block's mean, so the expectation is exact, with no sampling.

    >>> round(tied_ndcg([[2.0], [0.0, 1.0]], [2.0, 1.0, 0.0], k=3)[0], 3)  # the partner second half the time
    0.982
    >>> [round(v, 3) for v in tied_ndcg([[2.0, 2.0]], [2.0, 2.0], k=2)]
    [1.0, 0.4]
    """
    gain_means, hit_means = [], []
    for block in blocks:
        if block:
            gain_means += [sum(2**g - 1 for g in block) / len(block)] * len(block)
            hit_means += [sum(1 for g in block if g > 0) / len(block)] * len(block)
    ideal = ideal_dcg(all_gains, k)
    return (discounted(gain_means, k) / ideal if ideal else math.nan), sum(hit_means[:5]) / 5


def reader_ranking(first: Mapping[str, float], second: Mapping[str, float], ranked: Sequence[str]
                   ) -> tuple[float, float]:  # fmt: skip
    """Return nDCG@10 and precision@5 (first reader's gains) of ranking ``ranked`` notices by the second reader's
    grades: judged relevant, then partner, then irrelevant, then the notices the second reader did not judge."""
    blocks: list[list[float]] = [[], [], [], []]
    for name in ranked:
        grade = second.get(name)
        blocks[3 if grade is None else 2 - int(grade)].append(first.get(name, 0.0))
    return tied_ndcg(blocks, list(first.values()))


def judgement_agreement(first: Mapping[tuple[str, str], float], second: Mapping[tuple[str, str], float]
                        ) -> tuple[int, float, float]:  # fmt: skip
    """Return how many pairs both readers judged, the share they judged alike and the linear-weighted kappa.

    >>> first = {("a", "n1"): 2.0, ("a", "n2"): 0.0, ("a", "n3"): 1.0}
    >>> judgement_agreement(first, {("a", "n1"): 2.0, ("a", "n2"): 0.0})
    (2, 1.0, 1.0)
    """
    both = [pair for pair in first if pair in second]
    if not both:
        return 0, math.nan, math.nan
    alike = sum(1 for pair in both if first[pair] == second[pair]) / len(both)
    return len(both), alike, graded_kappa([first[p] for p in both], [second[p] for p in both])
