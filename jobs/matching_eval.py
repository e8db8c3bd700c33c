"""Evaluate the readiness ranking on judged company x notice pairs, against two baselines.

Full score vs CPV-prefix only vs keyword overlap only, each ranking every judged notice per company; nDCG@10 with
gains relevant = 2, partner = 1, irrelevant = 0, and precision@5.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

import matcher
from crawler.archives import iter_path
from crawler.exceptions import ParseError
from crawler.parsers import parse_document
from jobs.analyse import labels_by_lot
from jobs.companies import load_company_file
from jobs.match import profile_of
from matcher.evaluation import ndcg_at, precision_at
from matcher.scoring import score_all
from matcher.tenders import Tender, tenders_from_record
from matcher.text import STOP_WORDS, fit_text_model

GAINS = {"relevant": 2.0, "partner": 1.0, "irrelevant": 0.0}
WORD = re.compile(r"[^\W\d_]{3,}")
METHODS = ("full", "cpv-only", "keywords-only")


@dataclass(frozen=True)
class MethodScore:
    """One method's scores for one company."""

    company: str
    method: str
    ndcg10: float
    precision5: float


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP_WORDS}


def evaluate_matching(profiles_file: Path, judgements_file: Path, notice_paths: Sequence[Path]) -> list[MethodScore]:
    """Rank every judged notice for every judged company with each method and score the rankings."""
    loaded = load_company_file(profiles_file)
    profiles = [replace(profile_of(p), min_score=0.0) for _line, p in loaded.profiles]
    judged: dict[tuple[str, str], float] = {}
    for line in judgements_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            judged[(row["company"], row["notice"])] = GAINS[row["judgement"]]
    files = {name for _company, name in judged}
    tenders: list[Tender] = []
    owner: list[str] = []
    for path in notice_paths:
        for document, body in iter_path(path):
            name = Path(document).name
            if name not in files or isinstance(body, ParseError):
                continue
            for record in parse_document(body, name=name):
                data = record.model_dump(mode="json")
                found = [f for f in matcher.analyse_notice(data) if not f.negated]
                for tender in tenders_from_record(data, labels_by_lot(found)):
                    tenders.append(tender)
                    owner.append(name)
    model = fit_text_model([t.text for t in tenders])
    scores = score_all(profiles, tenders, model, as_of=datetime.now(UTC), include_closed=True)
    full = np.where(scores.kind > 0, scores.total, 0.0)
    words = [_words(t.text) for t in tenders]
    results = []
    for row, profile in enumerate(profiles):
        own = _words(profile.description)
        keyword = np.array([len(own & w) / len(own | w) if own | w else 0.0 for w in words])
        for method, values in (
            ("full", full[row]),
            ("cpv-only", scores.parts["cpv"][row]),
            ("keywords-only", keyword),
        ):
            best: dict[str, float] = {}
            for column, name in enumerate(owner):
                best[name] = max(best.get(name, -1.0), float(values[column]))
            ranking = sorted(best, key=lambda n: (-best[n], n))
            gains = [judged.get((profile.id, n), 0.0) for n in ranking]
            every = [g for (company, _n), g in judged.items() if company == profile.id]
            results.append(MethodScore(profile.id, method, ndcg_at(gains, every, 10), precision_at(gains, 5)))
    return results
