"""The ``analyse`` step: clause findings for stored notices not yet analysed by this detector version.

Notices stream from the database in batches; each batch is analysed on every core (each worker process loads its
own spaCy pipelines once) and its findings are written in three statements.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from crawler.parsing import workers as cores
from matcher import DETECTOR_VERSION
from storage import repository
from storage.db import session_scope

logger = logging.getLogger(__name__)
BATCH = 200
PARALLEL_FROM = 400  # fewer pending notices than this are analysed here: starting workers costs seconds


class FindingLike(Protocol):
    """What readers of findings need; stored rows and fresh ``matcher.Finding`` objects both have it."""

    label: str
    lot_id: str | None
    origin: str
    evidence: str


Analysed = tuple[int, list[dict[str, Any]], bool]  # notice id, its findings, whether its text was read


def analyse_records(batch: Sequence[tuple[int, Mapping[str, Any]]]) -> list[Analysed]:
    """Return every finding (negated ones too, for audit) of each ``(id, record)`` and whether its text was read;
    runs in worker processes."""
    from matcher.notice import analyse

    results = []
    for pk, record in batch:
        analysis = analyse(record)
        results.append((pk, [f.as_dict() for f in analysis.findings], analysis.text_analysed))
    return results


def _batches(engine: Engine, batch_size: int) -> Iterable[list[tuple[int, Any]]]:
    last_id = 0
    while True:
        with session_scope(engine) as session:
            batch = repository.records_to_analyse(session=session, version=DETECTOR_VERSION, limit=batch_size,
                                                  after_id=last_id)  # fmt: skip
        if not batch:
            return
        last_id = batch[-1][0]
        yield batch


def _store(engine: Engine, results: list[Analysed]) -> int:
    with session_scope(engine) as session:
        findings = {pk: found for pk, found, _read in results}
        read = {pk: flag for pk, _found, flag in results}
        repository.store_findings(session=session, findings=findings, version=DETECTOR_VERSION, text_analysed=read)
    return sum(1 for _pk, findings, _read in results if any(not f["negated"] for f in findings))


def analyse_pending(*, engine: Engine, batch_size: int | None = None, workers: int | None = None,
                    progress: Callable[[int], None] | None = None) -> tuple[int, int]:  # fmt: skip
    """Analyse every pending notice; return (analysed, with a clause). ``batch_size`` defaults to ``BATCH``,
    ``workers`` to the cores."""
    batch_size = batch_size or BATCH
    workers = workers or cores()
    pending = count_pending(engine=engine)
    done = labelled = 0
    if workers < 2 or pending < PARALLEL_FROM:
        for batch in _batches(engine, batch_size):
            labelled += _store(engine, analyse_records(batch))
            done += len(batch)
            if progress:
                progress(len(batch))
        return done, labelled
    # spawn: each worker starts clean and builds its own spaCy pipelines (not shared, not forked mid-use).
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        in_flight: list[Any] = []
        for batch in _batches(engine, batch_size):
            in_flight.append(pool.submit(analyse_records, batch))
            while len(in_flight) > 2 * workers:
                results = in_flight.pop(0).result()
                labelled += _store(engine, results)
                done += len(results)
                if progress:
                    progress(len(results))
        for future in in_flight:
            results = future.result()
            labelled += _store(engine, results)
            done += len(results)
            if progress:
                progress(len(results))
    return done, labelled


def count_pending(*, engine: Engine) -> int:
    """Return how many notices the next ``analyse_pending`` goes through."""
    with session_scope(engine) as session:
        return repository.count_to_analyse(session=session, version=DETECTOR_VERSION)


def readings_by_notice(*, session: Session, notices: Sequence[tuple[int, Mapping[str, Any], str | None]],
                       fresh: bool = True) -> dict[int, tuple[list[FindingLike], bool | None]]:  # fmt: skip
    """Return the non-negated findings of ``(id, record, clauses_version)`` notices, each with whether its text was
    read when that is decided here: stored findings, read in bulk, where this detector made them (``None``: the
    stored ``text_analysed`` holds); fresh ones (not stored: ``analyse`` does that) for the others. With ``fresh``
    False (a web request: spaCy over every notice after an upgrade, per request, is for ``analyse``) the findings an
    older detector stored count too; only a notice never analysed is read here."""
    import matcher.notice

    def use_stored(version: str | None) -> bool:
        return version == DETECTOR_VERSION or (not fresh and version is not None)

    stored = repository.findings_for(session=session, notice_pks=[pk for pk, _r, v in notices if use_stored(v)])
    result: dict[int, tuple[list[FindingLike], bool | None]] = {}
    for pk, record, version in notices:
        if use_stored(version):
            result[pk] = (list(stored.get(pk, [])), None)
        else:
            analysis = matcher.notice.analyse(record)
            result[pk] = ([f for f in analysis.findings if not f.negated], analysis.text_analysed)
    return result


def findings_by_notice(*, session: Session, notices: Sequence[tuple[int, Mapping[str, Any], str | None]],
                       ) -> dict[int, list[FindingLike]]:  # fmt: skip
    """Return the non-negated findings of notices (see ``readings_by_notice``)."""
    return {pk: found for pk, (found, _read) in readings_by_notice(session=session, notices=notices).items()}


def labels_by_lot(findings: Iterable[FindingLike]) -> dict[str | None, set[str]]:
    """Return the clause labels per lot id (``None``: notice-wide findings)."""
    labels: dict[str | None, set[str]] = defaultdict(set)
    for finding in findings:
        labels[finding.lot_id].add(finding.label)
    return labels
