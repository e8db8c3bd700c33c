"""CPV codes: labels for every code and branch, and similarity over the CPV hierarchy.

CPV digits go division (2) -> group (3) -> class (4) -> category (5) and further; trailing zeros mean "the whole
branch", so ``77310000`` is inside ``77300000`` and far from ``45000000``. Every code's official label (nl, en, de,
fr) comes from ``matcher.codelists``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.codelists import cpv_label, significant

# Similarity when the notice's code and the company's code share this many significant digits.
LEVELS = {2: 0.3, 3: 0.5, 4: 0.7, 5: 0.85}
BROADER = 0.8  # the notice's code is a wider branch (group or deeper) that contains the company's code
BROADER_DIVISION = LEVELS[2] + 0.2  # the notice names only the company's division

Weighted = Sequence[tuple[str, float]]  # codes (any form) with how sure we are of each, in (0, 1]


class _Index:
    """The tenders' codes by prefix: which columns have a code starting with, or equal to, a given prefix."""

    def __init__(self, tenders: Sequence[Weighted]) -> None:
        starting: dict[str, dict[int, float]] = {}
        equal: dict[str, dict[int, float]] = {}
        for column, codes in enumerate(tenders):
            for code, weight in codes:
                digits = significant(code)
                for length in range(2, len(digits) + 1):
                    bucket = starting.setdefault(digits[:length], {})
                    bucket[column] = max(bucket.get(column, 0.0), weight)
                bucket = equal.setdefault(digits, {})
                bucket[column] = max(bucket.get(column, 0.0), weight)
        self.starting = {k: _arrays(v) for k, v in starting.items()}
        self.equal = {k: _arrays(v) for k, v in equal.items()}


def _arrays(bucket: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    return np.fromiter(bucket, dtype=np.int64, count=len(bucket)), np.fromiter(
        bucket.values(), dtype=np.float32, count=len(bucket))  # fmt: skip


def fit_matrix(companies: Sequence[Weighted], tenders: Sequence[Weighted]) -> np.ndarray:
    """Return how close each company's codes are to each tender's codes, in [0, 1] (companies x tenders).

    The best pair counts, times the sureness of both codes. A notice code inside the company's branch fits fully;
    a notice code one level broader still fits well; otherwise the deepest shared level counts. This is the one
    implementation: ``similarity`` and ``best_similarity`` call it for a single pair.
    """
    result = np.zeros((len(companies), len(tenders)), dtype=np.float32)
    if not tenders:
        return result
    index = _Index(tenders)
    for row, codes in enumerate(companies):
        out = result[row]
        for code, weight in codes:
            digits = significant(code)
            for length in range(2, len(digits) + 1):
                found = index.starting.get(digits[:length])
                if found is not None:
                    level = 1.0 if length == len(digits) else LEVELS.get(min(length, 5), 0.0)
                    np.maximum.at(out, found[0], found[1] * np.float32(level * weight))
                if length < len(digits):
                    # The notice asks for a wider field that contains the company's work; a division says little.
                    wider = index.equal.get(digits[:length])
                    if wider is not None:
                        level = BROADER if length >= 3 else BROADER_DIVISION
                        np.maximum.at(out, wider[0], wider[1] * np.float32(level * weight))
    return result


def similarity(notice_code: str, company_code: str) -> float:
    """Return how close a notice's CPV code is to a company's code or prefix, in [0, 1].

    >>> similarity("77310000", "7731"), similarity("77300000", "77310000"), similarity("45000000", "7731")
    (1.0, 0.8, 0.0)
    """
    return round(float(fit_matrix([[(company_code, 1.0)]], [[(notice_code, 1.0)]])[0, 0]), 6)


def best_similarity(notice_codes: Weighted, company_codes: Weighted) -> tuple[float, str | None, str | None]:
    """Return the best weighted similarity over all pairs, with the notice code and company code that gave it."""
    best: tuple[float, str | None, str | None] = (0.0, None, None)
    for notice_code, notice_weight in notice_codes:
        for company_code, company_weight in company_codes:
            score = float(fit_matrix([[(company_code, company_weight)]], [[(notice_code, notice_weight)]])[0, 0])
            if score > best[0] + 1e-9:
                best = (score, notice_code, company_code)
    return best


def code_label(code: str, language: str = "nl") -> str:
    """Return the official label of a code or branch ("909" -> the label of 90900000), else its nearest parent's.

    >>> code_label("9091"), code_label("77310000-6", "en")
    ('Reinigingsdiensten', 'Planting and maintenance services of green areas')
    """
    digits = significant(code)
    for length in range(len(digits), 1, -1):
        found = cpv_label(digits[:length].ljust(8, "0"), language)
        if found:
            return found
    return "onbekende sector" if language == "nl" else "unknown sector"
