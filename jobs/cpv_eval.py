"""Evaluate CPV codes from words: do a company's own Dutch words lead to the CPV group of its work?

The file holds company descriptions with the CPV groups (three digits) a procurement reader gives their main work,
main group first. For each description the model ranks the groups of works and services (as ``suggest`` does for
``companies import``); the figure is where the first right group comes: top-1, top-3 and the mean reciprocal rank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobs.jsonl import json_rows
from jobs.matching_eval import EvaluationError, read_notices
from jobs.models import MIN_CORPUS, Learned, shipped_cpv_model, train
from matcher.cpv_model import WORK_DIVISIONS, CpvModel
from matcher.cpv_suggest import described_groups

GROUP = re.compile(r"[0-9]{3}")
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
        """Return the share of descriptions with a right group among the first ``k``."""
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks)

    @property
    def mrr(self) -> float:
        """Return the mean reciprocal rank of the first right group (0 for one not found)."""
        return sum(1 / r for r in self.ranks if r is not None) / len(self.ranks)


def read_described(path: Path) -> list[Described]:
    """Return the descriptions of a JSON lines file; raise ``EvaluationError`` naming a bad line (the first that is
    not JSON, else the first that is no description)."""
    rows = json_rows(path, EvaluationError, "a description line")
    found = [_described(row, f"{path}, line {number}") for number, row in rows]
    if not found:
        raise EvaluationError(f"{path}: no descriptions")
    return found


def _described(row: dict[str, Any], where: str) -> Described:
    try:
        fields = (row["id"], row.get("trade", ""), row["description"], row["cpv_groups"])
    except KeyError as exc:
        raise EvaluationError(f"{where}: not a description line ({exc})") from None
    ident, trade, description, groups = fields
    if not isinstance(description, str) or not description.strip() or not isinstance(trade, str):
        raise EvaluationError(f"{where}: needs a description (and a trade, if any) as text")
    if (
        not isinstance(groups, list)
        or not groups
        or not all(isinstance(g, str) and GROUP.fullmatch(g) for g in groups)
    ):
        raise EvaluationError(f"{where}: needs CPV groups of three digits")
    # The model suggests a company's own work only: a line whose groups are all goods could never be found.
    if not any(g[:2] in WORK_DIVISIONS for g in groups):
        raise EvaluationError(f"{where}: no group of works (45) or services (50-98) among {groups}")
    return Described(str(ident), trade, description, tuple(groups))


def model_for(notices: Path | None) -> tuple[CpvModel, str]:
    """Return the model ``match`` would use, and what it learned from: the notices folder too when it holds enough
    notices (``MIN_CORPUS``), else the shipped model (CPV labels and trade words)."""
    if notices is None:
        return shipped_cpv_model(), "shipped model"
    corpus = list(read_notices(notices).values())
    if len(corpus) < MIN_CORPUS:
        return shipped_cpv_model(), f"shipped model: {len(corpus)} notices in {notices}, fewer than {MIN_CORPUS}"
    return train(map(Learned.of, corpus)), f"model learned from {len(corpus)} notices in {notices}"


def evaluate_inference(items: Sequence[Described], model: CpvModel) -> InferenceScore:
    """Rank the groups of works and services for each description, read as ``companies import`` reads it
    (``described_groups``), and note where the first right one comes."""
    ranked = [described_groups(model, item.description, most=RANKED, floor=0.0)[1] for item in items]
    ranks = []
    for item, groups in zip(items, ranked, strict=True):
        order = [group for group, _confidence in groups]
        ranks.append(next((i + 1 for i, group in enumerate(order) if group in item.groups), None))
    return InferenceScore(tuple(items), tuple(ranks))
