"""A learned clause classifier beside the rules: one logistic regression per label over sentence features.

Features: TF-IDF of lemma unigrams and bigrams (spaCy lookup lemmas), TF-IDF of character 3-5-grams (compounds:
"SROI-verplichting", "Werkstätten"), and the rules' language-independent signals (cue groups, pattern hits, rule
findings, negations). Trained on the train split (its real and quoted snippets), calibrated on dev (Platt
scaling), and per label the way model and rules combine is chosen on dev: ``rules`` alone, ``model`` alone,
``either``, or ``both`` (``matcher.clause_fit``: detection reads a fitted model and never needs it). The model is
kept as plain data (``to_state``/``from_state``: arrays and JSON, never pickle).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.stems import concept_names, concept_signals
from matcher.tfidf import LeanTfidf
from matcher.types import LABELS

MODEL_FORMAT = "clause-model-1"
POLICIES = ("rules", "either", "model", "both")
MEMO_ROWS = 16_384  # sentences whose probabilities a model keeps (``remembered``; up to some 15 MB)


@dataclass(frozen=True)
class Example:
    """A text as the model sees it: lemmas, lower-case text and the rules' signals; labels when known."""

    lemmas: str
    text: str
    signals: frozenset[str]
    lang: str
    labels: frozenset[str] = frozenset()


def word_vectorizer() -> TfidfVectorizer:
    """Return the (unfitted) lemma n-gram vectorizer: fitted by ``matcher.clause_fit``, restored by ``from_state``."""
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                           token_pattern=r"(?u)\b\w[\w.-]*\b", max_features=60_000)  # fmt: skip


def char_vectorizer() -> TfidfVectorizer:
    """Return the (unfitted) character n-gram vectorizer, as ``word_vectorizer``."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=80_000)


def signal_names() -> list[str]:
    """Return every signal the model knows, in a fixed order."""
    from matcher.nlp import RULE_MODULES

    groups = sorted({g for module in RULE_MODULES.values() for g in module.cues()} | {"award"})
    names = [f"cue:{g}" for g in groups]
    names += [f"concept:{name}" for name in concept_names()]
    names += [f"{kind}:{label}" for kind in ("cand", "rule", "neg") for label in LABELS]
    names += [f"lang:{lang}" for lang in RULE_MODULES]
    return names


@dataclass(frozen=True)
class ClauseModel:
    """A fitted model (treat as immutable)."""

    words: TfidfVectorizer
    chars: TfidfVectorizer
    signals: tuple[str, ...]
    coef: np.ndarray  # labels x features
    intercept: np.ndarray  # labels
    platt: np.ndarray  # labels x 2: probability = 1 / (1 + exp(-(a * score + b)))
    thresholds: np.ndarray  # labels
    policies: tuple[str, ...]  # per label
    rule_precision: tuple[float, ...]  # per label, on dev: the confidence of a rule finding
    meta: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        # Built once per model (cached_property writes the instance dict, which a frozen dataclass allows).
        return {name: i for i, name in enumerate(self.signals)}

    @functools.cached_property
    def _lean(self) -> tuple[LeanTfidf, LeanTfidf]:
        return LeanTfidf(self.words), LeanTfidf(self.chars)

    @functools.cached_property
    def _columns(self) -> np.ndarray:
        # features x labels in row order: a sparse product with ``coef.T`` would copy the transposed view each call
        return np.ascontiguousarray(self.coef.T)

    def _signal_columns(self, example: Example, index: dict[str, int]) -> list[int]:
        names = (*example.signals, *concept_signals(example.text), f"lang:{example.lang}")
        return [index[name] for name in names if name in index]

    def matrix(self, examples: Sequence[Example]) -> sparse.csr_matrix:
        """Return the feature rows of ``examples``, for fitting.

        With scikit-learn's own transform: the lean one (``probabilities``) equals it only to rounding, and a model
        retrained from the same examples must be the stored one bit for bit (its digest is the detector version).
        """
        words, chars, index = self.words, self.chars, self._index
        rows, cols = [], []
        for row, example in enumerate(examples):
            found = self._signal_columns(example, index)
            rows += [row] * len(found)
            cols += found
        flags = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(self.signals)))
        return sparse.hstack([words.transform([e.lemmas for e in examples]),
                              chars.transform([e.text.lower() for e in examples]), flags], format="csr")  # fmt: skip

    @functools.cached_property
    def _memo(self) -> dict[Example, np.ndarray]:
        return {}

    def remembered(self, examples: Sequence[Example]) -> np.ndarray:
        """Return ``probabilities(examples)``, computing only the rows of examples not seen lately (the same
        sentence in many notices: lots, standard paragraphs); each row depends on its own example alone."""
        memo = self._memo
        rows = {e: row for e in examples if (row := memo.get(e)) is not None}
        new = [e for e in dict.fromkeys(examples) if e not in rows]
        if new:
            computed = dict(zip(new, self.probabilities(new), strict=True))
            if len(memo) + len(new) > MEMO_ROWS:
                memo.clear()  # bounded; a reader beside it has taken its rows already
            memo.update(computed)
            rows.update(computed)
        return np.array([rows[e] for e in examples]).reshape(len(examples), len(self.coef))

    def forget(self) -> None:
        """Drop the rows ``remembered`` keeps."""
        self._memo.clear()

    def probabilities(self, examples: Sequence[Example]) -> np.ndarray:
        """Return calibrated probabilities, examples x labels."""
        if not examples:
            return np.zeros((0, len(LABELS)))
        (words, chars), index = self._lean, self._index
        columns, split = self._columns, words.width + chars.width
        # The product of ``matrix`` with the weights, part by part, without building the rows (``LeanTfidf.weighted``).
        scores = words.weighted([e.lemmas for e in examples], columns[: words.width])
        scores += chars.weighted([e.text.lower() for e in examples], columns[words.width : split])
        for row, example in enumerate(examples):
            found = self._signal_columns(example, index)
            if found:
                scores[row] += columns[split + np.asarray(found)].sum(axis=0)
        scores += self.intercept
        return 1.0 / (1.0 + np.exp(-(self.platt[:, 0] * scores + self.platt[:, 1])))


def vetoed_in(signals: frozenset[str], label: str) -> bool:
    """Return whether a sentence's signals name a false friend of ``label`` (``matcher.clauses.SentenceView``)."""
    return f"veto:{label}" in signals or "veto:*" in signals


def decide(policy: str, rule: bool, negated: bool, probability: float, threshold: float) -> bool:
    """Return whether a label holds, given its rule finding, an explicit negation and the model's probability.

    A negation or a false friend the rules found vetoes the model: "social return is niet van toepassing" is no
    clause, nor is "eine Auftragserteilung bleibt vorbehalten" a reserved contract.
    """
    model = probability >= threshold and not negated
    if policy == "rules":
        return rule
    if policy == "model":
        return model
    if policy == "both":
        return rule and probability >= threshold
    return rule or model


def to_state(model: ClauseModel) -> tuple[bytes, dict[str, Any]]:
    """Return the model as data: an ``.npz`` of arrays (no objects) and a JSON-able dict of the rest."""
    buffer = io.BytesIO()
    arrays_out = {"coef": model.coef.astype("<f4"), "intercept": model.intercept.astype("<f8"),
                  "platt": model.platt.astype("<f8"), "thresholds": model.thresholds.astype("<f8"),
                  "words_idf": model.words.idf_.astype("<f8"),
                  "chars_idf": model.chars.idf_.astype("<f8")}  # fmt: skip
    np.savez_compressed(buffer, **arrays_out)
    arrays = buffer.getvalue()
    vocabulary = {
        "words": sorted(model.words.vocabulary_, key=model.words.vocabulary_.__getitem__),
        "chars": sorted(model.chars.vocabulary_, key=model.chars.vocabulary_.__getitem__),
    }
    digest = hashlib.sha256(arrays + json.dumps(vocabulary, ensure_ascii=False).encode()).hexdigest()[:10]
    meta = {**model.meta, "format": MODEL_FORMAT, "version": f"m{digest}", "labels": list(LABELS),
            "signals": list(model.signals), "policies": list(model.policies),
            "rule_precision": list(model.rule_precision), "vocabulary": vocabulary}  # fmt: skip
    return arrays, meta


def from_state(arrays: bytes, meta: dict[str, Any]) -> ClauseModel:
    """Return the model ``to_state`` wrote; raise ``ValueError`` for another format."""
    if meta.get("format") != MODEL_FORMAT or meta.get("labels") != list(LABELS):
        raise ValueError(f"clause model format {meta.get('format')!r} is not {MODEL_FORMAT!r}")
    data = np.load(io.BytesIO(arrays), allow_pickle=False)
    words, chars = word_vectorizer(), char_vectorizer()
    words.vocabulary_ = {term: i for i, term in enumerate(meta["vocabulary"]["words"])}
    chars.vocabulary_ = {term: i for i, term in enumerate(meta["vocabulary"]["chars"])}
    words.idf_, chars.idf_ = data["words_idf"], data["chars_idf"]
    kept = {k: v for k, v in meta.items() if k != "vocabulary"}
    return ClauseModel(words, chars, tuple(meta["signals"]), data["coef"].astype(np.float64), data["intercept"],
                       data["platt"], data["thresholds"], tuple(meta["policies"]), tuple(meta["rule_precision"]),
                       kept)  # fmt: skip
