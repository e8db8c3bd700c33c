"""Evaluate CPV codes from words: do a company's own Dutch words lead to the CPV group of its work?

The file holds company descriptions with the CPV groups (three digits) a procurement reader gives their main work,
main group first. For each description the model ranks the groups of works and services (as ``suggest`` does for
``companies import``); the figure is where the first right group comes: top-1, top-3 and the mean reciprocal rank.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jobs.matching_eval import EvaluationError, read_notices
from jobs.models import MIN_CORPUS, shipped_cpv_model, train
from matcher.cpv_model import CpvModel, predict

GROUP = re.compile(r"^\d{3}$")
RANKED = 10  # groups looked at per description: a right group further down counts as not found


@dataclass(frozen=True)
class Described:
    """One judged description: its id, trade (for the per-trade lines), text and right CPV groups."""

    id: str
    trade: str
    description: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class InferenceScore:
    """Where the first right group came for each description (None: not among the first ``RANKED``)."""

    items: tuple[Described, ...]
    ranks: tuple[int | None, ...]

    def top(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks)

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r is not None) / len(self.ranks)


def read_described(path: Path) -> list[Described]:
    """Return the descriptions of a JSON lines file; raise ``EvaluationError`` naming the first bad line."""
    found = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                groups = tuple(str(g) for g in row["cpv_groups"])
                item = Described(str(row["id"]), str(row.get("trade", "")), str(row["description"]), groups)
            except (ValueError, KeyError, TypeError) as exc:
                raise EvaluationError(f"{path}:{number}: not a description line ({exc})") from None
            if not item.description.strip() or not groups or not all(GROUP.match(g) for g in groups):
                raise EvaluationError(f"{path}:{number}: needs a description and CPV groups of three digits")
            found.append(item)
    if not found:
        raise EvaluationError(f"{path}: no descriptions")
    return found


def model_for(notices: Path | None) -> tuple[CpvModel, str]:
    """Return the model ``match`` would use, and what it learned from: the notices folder too when it holds enough
    notices (``MIN_CORPUS``), else the shipped model (CPV labels and trade words)."""
    if notices is None:
        return shipped_cpv_model(), "shipped model"
    corpus = list(read_notices(notices).values())
    if len(corpus) < MIN_CORPUS:
        return shipped_cpv_model(), f"shipped model: {len(corpus)} notices in {notices}, fewer than {MIN_CORPUS}"
    return train(corpus), f"model learned from {len(corpus)} notices in {notices}"


def evaluate_inference(items: Sequence[Described], model: CpvModel) -> InferenceScore:
    """Rank the groups of works and services for each description and note where the first right one comes."""
    ranked = predict(model, [item.description for item in items], work_only=True, relative=True, most=RANKED,
                     floor=0.0)  # fmt: skip
    ranks = []
    for item, groups in zip(items, ranked, strict=True):
        order = [group for group, _confidence in groups]
        ranks.append(next((i + 1 for i, group in enumerate(order) if group in item.groups), None))
    return InferenceScore(tuple(items), tuple(ranks))
