"""The learned models' lifecycle: the text model and the CPV-from-words model, kept between runs.

Both are stored in ``model_state`` (plain arrays and terms, no pickle) and fitted again when the corpus has changed
by ``REFIT_SHARE`` since, when their version changed, or on request. The text model learns term weights from the
stored notices; the CPV model from the stored notices, the shipped CPV labels and the trade words. Training is
deterministic: the same notices give the same models.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from crawler.parsing import workers as cores
from matcher.audiences import UNNAMED
from matcher.cpv_model import (
    CPV_MODEL_VERSION,
    CpvModel,
    label_examples,
    predict,
    trade_examples,
    train_cpv_model,
)
from matcher.cpv_model import from_state as cpv_from_state
from matcher.cpv_model import to_state as cpv_to_state
from matcher.cpv_suggest import suggest
from matcher.rules.audiences import ALIKE, AUDIENCE_PHRASES, AUDIENCE_WORDS, AUDIENCE_WORK
from matcher.rules.trades import HOW_NOT_WHAT, NOT_THE_WORK, REJOINED, WORKFORCE_PHRASES
from matcher.scoring import SCORING_VERSION, WEIGHTS
from matcher.tenders import notice_text
from matcher.text import TEXT_MODEL_VERSION, TextModel, fit_text_model
from matcher.text import from_state as text_from_state
from matcher.text import to_state as text_to_state
from storage import repository
from storage.db import session_scope
from storage.models import Notice
from storage.records import NoticeRecord

logger = logging.getLogger(__name__)
M = TypeVar("M")
CPV_MODEL = "cpv"
TEXT_MODEL = "text"
SCORED_WITH = "scored_with"  # what the stored matches were scored under: models, weights, version
CHUNK = 2000  # notices read (and scored) at once
FIT_SAMPLE = 20_000  # notices learned from at most, spread over the corpus: weights settle long before that
REFIT_SHARE = 0.10  # fit again when the corpus has grown or shrunk by this share since
MIN_CORPUS = 1000  # stored notices before the CPV model learns from them too
# Processes fitting the CPV model by default: each holds its own copy of the training rows (hundreds of MB for a
# large corpus), and beyond a few the copies cost more memory than the time they save.
FIT_WORKERS = 4
SHIPPED_CPV = "models/cpv.json.gz"
TEXT_CHARS = 3000  # what a notice is about is said at its start; the rest is conditions


@dataclass(frozen=True)
class Learned:
    """What the models learn from a notice: its text and its main CPV code. The sample keeps these, not records: a
    validated record (lots, criteria, addresses) takes ten times the memory, and the sample holds ``FIT_SAMPLE``."""

    text: str
    code: str | None

    @classmethod
    def of(cls, record: NoticeRecord) -> Learned:
        """Return what the models learn from ``record``."""
        return cls(notice_text(record), record.cpv_main or next((lot.cpv_main for lot in record.lots if lot.cpv_main),
                                                                None))  # fmt: skip


def notice_examples(notices: Iterable[Learned]) -> list[tuple[str, str]]:
    """Return (text, main CPV code) for the notices that have both."""
    examples = []
    for notice in notices:
        text = notice.text[:TEXT_CHARS]
        if notice.code and text.strip():
            examples.append((text, notice.code))
    return examples


def train(notices: Iterable[Learned], *, workers: int | None = None) -> CpvModel:
    """Return the model trained on ``notices`` (``Learned.of`` a record), the CPV labels and the trade words, in
    ``workers`` processes (default: the cores, at most ``FIT_WORKERS``)."""
    workers = workers or min(cores(), FIT_WORKERS)
    return train_cpv_model(notice_examples(notices), label_examples(), trade_examples(), workers=workers)


def predicted(model: CpvModel, records: Sequence[NoticeRecord]) -> list[tuple[tuple[str, float], ...]]:
    """Return per notice the CPV groups its text points to (see ``matcher.cpv_model.predict``)."""
    if not records:
        return []
    return predict(model, [notice_text(r)[:TEXT_CHARS] for r in records])


def inferred(model: CpvModel, description: str) -> tuple[tuple[str, float], ...]:
    """Return the branches of works and services a company's description points to, with their confidence."""
    return tuple((s.code, s.confidence) for s in suggest(model, description))


Chunk = list[tuple[int, Any, str | None]]


def stream_notices(engine: Engine, conditions: Sequence[Any], chunk: int) -> Iterator[Chunk]:
    """Yield ``(id, record, clauses_version)`` of the matching notices in chunks, in id order (keyset paging)."""
    last = 0
    while True:
        with session_scope(engine) as session:
            statement = (
                select(Notice.id, Notice.record, Notice.clauses_version)
                .where(*conditions, col(Notice.id) > last)
                .order_by(col(Notice.id))
                .limit(chunk)
            )
            rows = [(int(pk), record, version) for pk, record, version in session.exec(statement)]
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _sample(engine: Engine, size: int) -> list[Learned]:
    """Return what the models learn from up to ``FIT_SAMPLE`` current notices, spread evenly over the corpus."""
    step = max(1, size // FIT_SAMPLE)
    notices: list[Learned] = []
    for rows in stream_notices(engine, [col(Notice.superseded_by).is_(None)], CHUNK):
        for pk, record, _version in rows:
            if pk % step == 0:
                try:
                    notices.append(Learned.of(NoticeRecord.model_validate(record)))
                except ValueError as exc:  # stored by an older parser and no longer valid
                    logger.warning("Notice %s not learned from: %s", pk, str(exc).splitlines()[0])
    return notices[:FIT_SAMPLE]


Sample = Callable[[], list[Learned]]


def shared_sample(engine: Engine, size: int) -> Sample:
    """Return the corpus sample the models learn from, read (and validated) on the first call only: when both
    models are fitted in one run, they learn from one reading of the notices."""
    return functools.cache(functools.partial(_sample, engine, size))


def corpus_size(engine: Engine) -> int:
    """Return how many current (not superseded) notices are stored: the corpus the models learn from."""
    with session_scope(engine) as session:
        return int(session.exec(select(func.count()).select_from(Notice).where(
            col(Notice.superseded_by).is_(None))).one())  # fmt: skip


def _stored(engine: Engine, name: str, version: str, load: Callable[[bytes], M], *,
            size: int | None = None) -> M | None:  # fmt: skip
    """Return the stored model ``name`` of ``version``, or ``None`` when there is none, it is unusable, or (given
    the corpus ``size``) the corpus has changed by ``REFIT_SHARE`` since it was fitted."""
    with session_scope(engine) as session:
        stored = repository.load_model_state(session=session, name=name)
    if stored is None or stored.version != version:
        return None
    if size is not None and abs(size - stored.corpus_size) / max(stored.corpus_size, 1) >= REFIT_SHARE:
        return None
    try:
        return load(stored.payload)
    except ValueError as exc:
        logger.warning("Stored %s model unusable (%s)", name, exc)
        return None


def _kept(engine: Engine, name: str, version: str, refit: bool, size: int, load: Callable[[bytes], M],
          fit: Callable[[list[Learned]], M], dump: Callable[[M], bytes],
          sample: Sample | None) -> tuple[M, bool]:  # fmt: skip
    """Return the stored model ``name``, fitting (and storing) it anew on ``sample`` (default: read now) when asked,
    missing, outdated, unusable or when the corpus (``size`` current notices) has changed by ``REFIT_SHARE`` since;
    the flag says whether it was fitted now."""
    kept = None if refit else _stored(engine, name, version, load, size=size)
    if kept is not None:
        return kept, False
    notices = (sample or shared_sample(engine, size))()
    model = fit(notices)
    with session_scope(engine) as session:
        repository.save_model_state(session=session, name=name, version=version, corpus_size=size,
                                    payload=dump(model))  # fmt: skip
    logger.info("%s model fitted on %d of %d current notices", name.capitalize(), len(notices), size)
    return model, True


def text_model(engine: Engine, *, refit: bool = False, size: int | None = None,
               sample: Sample | None = None) -> tuple[TextModel, bool]:  # fmt: skip
    """Return the text model (term weights of the stored notices), kept between runs; ``size`` is the corpus size
    when the caller counted it already, ``sample`` the notices to fit on (``shared_sample``) if it must be fitted."""
    size = corpus_size(engine) if size is None else size
    return _kept(engine, TEXT_MODEL, TEXT_MODEL_VERSION, refit, size, text_from_state,
                 lambda notices: fit_text_model([n.text for n in notices]), text_to_state,
                 sample)  # fmt: skip


@functools.cache
def shipped_cpv_model() -> CpvModel:
    """Return the CPV model the package ships: learned from the CPV labels and trade words alone (``make model``)."""
    return cpv_from_state(resources.files("matcher").joinpath(SHIPPED_CPV).read_bytes())


def cpv_model(engine: Engine, *, refit: bool = False, size: int | None = None, workers: int | None = None,
              sample: Sample | None = None) -> tuple[CpvModel, bool]:  # fmt: skip
    """Return the CPV-from-words model: the shipped one while the corpus is small (a few hundred notices change
    little next to 38,000 labels), else one learned from the stored notices too, kept between runs; fitted on
    ``sample`` (as ``text_model``) in ``workers`` processes (default: the cores, at most ``FIT_WORKERS``)."""
    size = corpus_size(engine) if size is None else size
    if size < MIN_CORPUS:
        return shipped_cpv_model(), False
    return _kept(engine, CPV_MODEL, CPV_MODEL_VERSION, refit, size, cpv_from_state,
                 functools.partial(train, workers=workers), cpv_to_state, sample)  # fmt: skip


def last_cpv_model(engine: Engine, *, size: int | None = None) -> tuple[CpvModel, bool]:
    """Return the CPV model as the last ``match`` or ``companies import`` kept it, without fitting or storing one
    (for commands that only read); the shipped model while the corpus (``size``, counted when not given) is small
    or before one was learned from it. The flag says whether the model is the one learned from the stored notices."""
    size = corpus_size(engine) if size is None else size
    learned = _stored(engine, CPV_MODEL, CPV_MODEL_VERSION, cpv_from_state) if size >= MIN_CORPUS else None
    return (learned, True) if learned is not None else (shipped_cpv_model(), False)


def scoring_fingerprint(engine: Engine, weights: dict[str, float] | None) -> bytes:
    """Return what every score depends on besides notices and companies: the models (stored ones by version and
    fitting time, the shipped CPV model by its digest), the part weights (learned and hand-set), the scoring code
    (``SCORING_VERSION``) and this version of Kansenradar. Matches scored under another fingerprint are not
    comparable with new ones. (Clause findings are data, like the notices: ``analyse`` marks a notice whose
    findings it stored as updated, so an incremental run scores it again.)"""
    with session_scope(engine) as session:
        fits = repository.model_fits(session=session, names=(TEXT_MODEL, CPV_MODEL))
    models = {
        name: [fits[name][0], fits[name][1].isoformat()] if name in fits else None for name in (TEXT_MODEL, CPV_MODEL)
    }
    # The audience words are data that scoring reads: a changed word scores everything again, as a code change does.
    audiences = [AUDIENCE_WORDS, AUDIENCE_PHRASES, AUDIENCE_WORK, sorted(ALIKE), UNNAMED]
    # So are the words a description is read without: a company's codes inferred under other words are read again.
    description = [{lang: sorted(words) for lang, words in NOT_THE_WORK.items()}, WORKFORCE_PHRASES, REJOINED.pattern,
                   {lang: sorted(words) for lang, words in HOW_NOT_WHAT.items()}]  # fmt: skip
    parts = {"models": models, "shipped_cpv": _shipped_digest(), "learned": weights, "hand": WEIGHTS,
             "scoring": SCORING_VERSION, "audiences": audiences, "description": description,
             "version": _version()}  # fmt: skip
    return json.dumps(parts, sort_keys=True).encode()


def stored_fingerprint(engine: Engine) -> bytes | None:
    """Return the fingerprint the stored matches were all scored under, or ``None`` when they may be mixed."""
    with session_scope(engine) as session:
        stored = repository.load_model_state(session=session, name=SCORED_WITH)
        return stored.payload if stored is not None else None


def keep_fingerprint(session: Session, fingerprint: bytes | None) -> None:
    """Record the fingerprint every company's matches were scored under (``None``: forget it, they are mixed)."""
    if fingerprint is None:
        repository.delete_model_state(session=session, name=SCORED_WITH)
    else:
        repository.save_model_state(session=session, name=SCORED_WITH, version=SCORED_WITH, corpus_size=0,
                                    payload=fingerprint)  # fmt: skip


@functools.cache
def _shipped_digest() -> str:
    return hashlib.sha256((resources.files("matcher") / SHIPPED_CPV).read_bytes()).hexdigest()[:16]


@functools.cache
def _version() -> str:
    try:
        return metadata.version("kansenradar")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        return "source"


def main(argv: Sequence[str]) -> int:
    """Write the shipped CPV model (``python -m jobs.models OUTPUT_FILE``)."""
    if len(argv) != 1:
        logger.error("usage: python -m jobs.models OUTPUT_FILE")
        return 2
    model = train([])
    Path(argv[0]).write_bytes(cpv_to_state(model))
    logger.info("Wrote %s: CPV model %s from %d labels and trade words", argv[0], CPV_MODEL_VERSION, model.documents)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main(sys.argv[1:]))
