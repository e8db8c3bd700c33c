"""A learned clause classifier beside the rules: one logistic regression per label over sentence features.

Features: TF-IDF of lemma unigrams and bigrams (spaCy lookup lemmas), TF-IDF of character 3-5-grams (compounds:
"SROI-verplichting", "Werkstätten"), and the rules' language-independent signals (cue groups, pattern hits, rule
findings, negations). Trained on the train split (its real and quoted snippets), calibrated on dev (Platt
scaling), and per label the way model and rules combine is chosen on dev: ``rules`` alone, ``model`` alone,
``either``, or ``both``. The model is kept as plain data (``to_state``/``from_state``: arrays and JSON, never
pickle).
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
from sklearn.linear_model import LogisticRegression

from matcher.stems import concept_names, concept_signals
from matcher.tfidf import LeanTfidf
from matcher.types import LABELS

MODEL_FORMAT = "clause-model-1"
POLICIES = ("rules", "either", "model", "both")
MAX_DEV_FP = 0.04  # all labels together may flag at most this share of dev negatives
C_GRID = (0.3, 1.0, 3.0, 10.0)
MEMO_ROWS = 16_384  # sentences whose probabilities a model keeps (``remembered``; up to some 15 MB)


@dataclass(frozen=True)
class Example:
    """A text as the model sees it: lemmas, lower-case text and the rules' signals; labels when known."""

    lemmas: str
    text: str
    signals: frozenset[str]
    lang: str
    labels: frozenset[str] = frozenset()


def _words() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                           token_pattern=r"(?u)\b\w[\w.-]*\b", max_features=60_000)  # fmt: skip


def _chars() -> TfidfVectorizer:
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
    words, chars = _words(), _chars()
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
    words, chars = _words(), _chars()
    words.vocabulary_ = {term: i for i, term in enumerate(meta["vocabulary"]["words"])}
    chars.vocabulary_ = {term: i for i, term in enumerate(meta["vocabulary"]["chars"])}
    words.idf_, chars.idf_ = data["words_idf"], data["chars_idf"]
    kept = {k: v for k, v in meta.items() if k != "vocabulary"}
    return ClauseModel(words, chars, tuple(meta["signals"]), data["coef"].astype(np.float64), data["intercept"],
                       data["platt"], data["thresholds"], tuple(meta["policies"]), tuple(meta["rule_precision"]),
                       kept)  # fmt: skip
