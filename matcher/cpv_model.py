"""CPV codes from words, in any language of the corpus: a linear classifier per CPV group.

Every stored notice is a labelled example (its texts and its main CPV code), and so is every CPV label in Dutch,
English, German and French (the shipped code list table): the labels give every code words in four languages, the
notices give the words buyers actually write, in every language they write in. A linear SVM per CPV group (one
against the rest, trained side by side in worker processes) over word and character n-grams;
each group keeps its strongest weights only, so the model is a few megabytes of plain arrays (``to_state``: no
pickle) and says which words led to a code.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import logging
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from joblib.externals.loky.process_executor import TerminatedWorkerError
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from matcher.codelists import LANGUAGES, codes, cpv_label
from matcher.cpv import significant
from matcher.langdetect import stop_words
from matcher.rules.trades import TRADE_WORDS
from matcher.tfidf import fit_keeping, restore_union, union_state

logger = logging.getLogger(__name__)

# Raise when training or features change: a stored model of another version is trained again.
CPV_MODEL_VERSION = "cpv-9"
# Significant digits of the classes: the group (a notice inside a company's group fits it fully). A model per
# division as well was trained until cpv-4 and never asked.
LEVELS = (3,)
WEIGHTS_PER_CLASS = 2500  # strongest weights a class keeps: accuracy holds, the model stays small
LABEL_WEIGHT = 0.15  # labels are many (four languages per code) and short; notices are what buyers write
TRADE_WEIGHT = 2.0  # the trade words are few, and the only examples written the way companies write
# Both weights chosen on tests/data/matching/inference.jsonl and the dev split (tests/data/matching/README.md).
SHARPNESS = 2.0  # how fast confidence falls with the distance to the best decision value (chosen on dev)
# A resident company offers work, not goods: its codes come from works (45) and services (50-98).
WORK_DIVISIONS = frozenset({"45", *(str(d) for d in range(50, 99))})


def trade_examples() -> list[tuple[str, str]]:
    """Return the everyday trade words (Dutch, English, German, French) as (text, code)."""
    return [(text, code) for code, text in TRADE_WORDS]


def label_examples() -> list[tuple[str, str]]:
    """Return every CPV code's label in each shipped language, as (text, code)."""
    examples = []
    for code in codes("cpv"):
        for lang in LANGUAGES:
            text = cpv_label(code, lang)
            if text:
                examples.append((text, code))
    return examples


@dataclass(frozen=True)
class CpvModel:
    """A fitted vectoriser and, per level, the classes with their (sparse) weights and intercepts."""

    vectorizer: FeatureUnion
    classes: tuple[tuple[str, ...], ...]
    weights: tuple[sparse.csr_matrix, ...]  # classes x features
    intercepts: tuple[np.ndarray, ...]
    documents: int

    @functools.cached_property
    def label_rows(self) -> tuple[tuple[str, ...], sparse.csr_matrix]:
        """The codes of the label and trade-word examples and their unit vectors in this model's space.

        Computed once per model (a frozen dataclass may cache into its instance dictionary).
        """
        examples = label_examples() + trade_examples()
        matrix = self.vectorizer.transform([text for text, _code in examples])
        rows = sparse.csr_matrix(normalize(sparse.csr_matrix(matrix, dtype=np.float32)))
        return tuple(significant(code) for _text, code in examples), rows


def _vectorizers() -> list[tuple[str, TfidfVectorizer]]:
    return [
        ("words", TfidfVectorizer(analyzer="word", min_df=2, sublinear_tf=True, max_features=40_000,
                                  token_pattern=r"(?u)\b[^\W\d_]{3,}\b", stop_words=list(stop_words()))),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=3, sublinear_tf=True,
                                  max_features=40_000)),
    ]  # fmt: skip


def train_cpv_model(examples: Sequence[tuple[str, str]], labels: Sequence[tuple[str, str]],
                    trades: Sequence[tuple[str, str]] = (), *, workers: int = 1) -> CpvModel:  # fmt: skip
    """Fit the model on ``examples`` (notice text, its main CPV code), ``labels`` (label text, its code) and
    ``trades`` (trade words, their code), in ``workers`` processes.

    Processes, not threads: liblinear seeds one random generator per process for each fit, so fits that run side by
    side in threads draw from each other's sequence and the model would differ from run to run.
    """
    texts = [text for text, _code in [*examples, *labels, *trades]]
    codes = [significant(code) for _text, code in [*examples, *labels, *trades]]
    weight = np.array([1.0] * len(examples) + [LABEL_WEIGHT] * len(labels) + [TRADE_WEIGHT] * len(trades))
    union, counted = fit_keeping(_vectorizers(), texts, [text for text, _code in [*labels, *trades]])
    matrix = normalize(sparse.csr_matrix(counted, dtype=np.float64))
    del counted  # the normalised copy is the one fitted on: one matrix of this size at a time is enough
    classes, weights, intercepts = [], [], []
    for level in LEVELS:
        rows = np.array([i for i, code in enumerate(codes) if len(code) >= level], dtype=np.int64)
        targets = np.array([codes[i][:level] for i in rows])
        names = sorted(set(targets.tolist()))
        if len(names) < 2:
            raise ValueError(f"the examples name {len(names)} CPV group(s); a model tells at least two apart")
        x, w = matrix[rows], weight[rows]
        if level == LEVELS[-1]:
            del matrix  # the rows of this level are all that is fitted on from here: one copy is enough

        fitted = _fit_all(x, targets, names, w, workers)
        classes.append(tuple(names))
        columns, values = np.concatenate([f[0] for f in fitted]), np.concatenate([f[1] for f in fitted])
        rows = np.repeat(np.arange(len(fitted)), [len(f[0]) for f in fitted])
        weights.append(sparse.csr_matrix((values, (rows, columns)), shape=(len(fitted), x.shape[1])))
        intercepts.append(np.array([f[2] for f in fitted], dtype=np.float32))
    return CpvModel(union, tuple(classes), tuple(weights), tuple(intercepts), len(texts))


# One class's weights as kept: the columns and values (float32) of its strongest weights, and its intercept.
Fitted = tuple[np.ndarray, np.ndarray, float]


def _fit_all(x: sparse.csr_matrix, targets: np.ndarray, names: list[str], weight: np.ndarray,
             workers: int) -> list[Fitted]:  # fmt: skip
    """Fit each class of ``names`` against the rest, in ``workers`` processes; in this one alone when a worker died
    (the kernel's out-of-memory killer picks the largest process; each worker holds its own copy of ``x``)."""
    # The caller's WEIGHTS_PER_CLASS goes along: a worker process would read its own module's.
    jobs = (delayed(_one_against_rest)(x, targets == name, weight, os.getpid(), WEIGHTS_PER_CLASS) for name in names)
    try:
        return list(Parallel(n_jobs=max(1, workers))(jobs))
    except TerminatedWorkerError as exc:
        logger.warning("A worker fitting the CPV model died (%s); fitting in this process alone", exc)
        return [_one_against_rest(x, targets == name, weight, os.getpid(), WEIGHTS_PER_CLASS) for name in names]


def _one_against_rest(x: sparse.csr_matrix, positive: np.ndarray, weight: np.ndarray, caller: int,
                      keep: int = WEIGHTS_PER_CLASS) -> Fitted:  # fmt: skip
    """Fit one class against the rest (the problem liblinear solves per class when given several classes) and
    return its strongest weights: a dense row per class, all kept until the last is fitted, took 650 MB on 10,000
    notices, and as many again to stack them."""
    if os.getpid() != caller:
        # A worker shares the caller's process group: a Ctrl-C or a SIGTERM to the group is the caller's to handle
        # (the scheduler lets a running step finish); the pool ends its workers itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    svm = LinearSVC(C=1.0, random_state=0).fit(x, positive.astype(np.int8), sample_weight=weight)
    return (*_strongest(svm.coef_[0], keep), float(svm.intercept_[0]))


def _strongest(coef: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the columns and values (float32) of a weight row's ``keep`` largest weights by size."""
    keep = min(keep, coef.shape[0])
    columns = np.argpartition(-np.abs(coef), keep - 1)[:keep]
    return columns, coef[columns].astype(np.float32)


def decisions(model: CpvModel, texts: Sequence[str]) -> list[np.ndarray]:
    """Return per level the decision values of every text for every class (texts x classes)."""
    rows = sparse.csr_matrix(normalize(sparse.csr_matrix(model.vectorizer.transform(list(texts)), dtype=np.float32)))
    return [np.asarray((rows @ w.T).toarray()) + b for w, b in zip(model.weights, model.intercepts, strict=True)]


def predict(model: CpvModel, texts: Sequence[str], *, work_only: bool = False, floor: float = 0.3,
            most: int = 3, relative: bool = False) -> list[tuple[tuple[str, float], ...]]:  # fmt: skip
    """Return per text its likely CPV groups (3 digits) with a confidence in (0, 1], best first.

    The best group gets ``exp(-SHARPNESS * gap)`` of the gap between its decision value and 0 (an SVM's "yes"),
    capped at 1, or 1 when ``relative`` (a company's words always describe some work); every other group that of
    its gap to the best, times the best's. Groups under ``floor`` are dropped. ``work_only`` keeps works and
    services (a company's own work).
    """
    level = LEVELS.index(3)
    values = decisions(model, texts)[level]
    classes = model.classes[level]
    allowed = np.array([not work_only or c[:2] in WORK_DIVISIONS for c in classes], dtype=bool)
    result = []
    for row in values:
        row = np.where(allowed, row, -np.inf)
        best = float(row.max())
        top = 1.0 if relative else min(1.0, float(np.exp(SHARPNESS * min(best, 0.0))))
        order = np.argsort(-row, kind="stable")[:most]
        chosen = []
        for index in order:
            confidence = top * float(np.exp(SHARPNESS * (row[index] - best)))
            if confidence >= floor:
                chosen.append((classes[index], round(confidence, 4)))
        result.append(tuple(chosen))
    return result


def _encode(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def to_state(model: CpvModel) -> bytes:
    """Return the model as bytes to keep between runs: gzipped JSON of terms, idf and weights; no pickle."""
    levels = []
    for classes, weights, intercepts in zip(model.classes, model.weights, model.intercepts, strict=True):
        coo = weights.tocoo()
        levels.append({"classes": list(classes), "shape": list(weights.shape), "rows": _encode(coo.row.astype("<i4")),
                       "columns": _encode(coo.col.astype("<i4")), "values": _encode(coo.data.astype("<f4")),
                       "intercepts": _encode(intercepts.astype("<f4"))})  # fmt: skip
    state = {"version": CPV_MODEL_VERSION, "documents": model.documents, "parts": union_state(model.vectorizer),
             "levels": levels}  # fmt: skip
    return gzip.compress(json.dumps(state, ensure_ascii=False).encode("utf-8"), compresslevel=5, mtime=0)


def from_state(data: bytes) -> CpvModel:
    """Return the model ``to_state`` made; raise ``ValueError`` for another version or damaged data."""
    try:
        state = json.loads(gzip.decompress(data))
        if state.get("version") != CPV_MODEL_VERSION:
            raise ValueError(f"CPV model {state.get('version')!r} is not {CPV_MODEL_VERSION!r}")
        union = restore_union(_vectorizers(), state["parts"])
        classes, weights, intercepts = [], [], []
        for level in state["levels"]:
            decode = {key: base64.b64decode(level[key]) for key in ("rows", "columns", "values", "intercepts")}
            matrix = sparse.csr_matrix(
                (np.frombuffer(decode["values"], dtype="<f4"),
                 (np.frombuffer(decode["rows"], dtype="<i4"), np.frombuffer(decode["columns"], dtype="<i4"))),
                shape=tuple(level["shape"]))  # fmt: skip
            classes.append(tuple(level["classes"]))
            weights.append(matrix)
            intercepts.append(np.frombuffer(decode["intercepts"], dtype="<f4").copy())
    except (OSError, EOFError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a stored CPV model ({exc})") from None
    return CpvModel(union, tuple(classes), tuple(weights), tuple(intercepts),
                    int(state["documents"]))  # fmt: skip
