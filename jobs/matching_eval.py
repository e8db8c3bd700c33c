"""Evaluate the readiness ranking on judged company x notice pairs, against baselines and after feedback.

The notices of the chosen split (every notice judged for any profile) are ranked for each profile, as ``match``
ranks them: one entry per notice (the best of the whole and its lots), matches before non-matches. The stored corpus
is simulated by every notice under the notices folder: the text model learns from all of it, as it would from a
database holding it; the CPV model from all but the ranked notices (their own codes would come back as predicted).
The everyday trade words the CPV model learns from were written after reading the profiles' descriptions, so
``no-cpv`` (and ``full``, which reads them too) is partly memory: ``blind`` is the figure on unseen wording. Methods:

- ``full``: the score with the profiles' CPV codes;
- ``no-cpv``: the same profiles without codes (their Dutch descriptions only: codes inferred from the words);
- ``blind``: as ``no-cpv``, with the descriptions of a second company file written for the same trades by someone
  who never saw the first one nor the CPV model's word lists (only when such a file is given);
- ``cpv-prefix``: only the CPV hierarchy between the profile's codes and the notice's own codes;
- ``keywords``: only the share of words in common;
- ``unmarked``: the full score measured on the notices a profile did not mark (its top five are left out);
- ``feedback``: the full score after each profile marked its top five (relevant or not, from the judgements),
  measured on the same unmarked notices: the difference with ``unmarked`` is what feedback brings. As in ``match``,
  the marks move similar notices per company and, when there are enough of them over all companies, the part
  weights are learned from the marked matches' parts (kept only where they order held-out companies' marks better);
- ``reader-2``: no method but a second person, who judged the same pairs without seeing the first judgements: the
  notices ranked by their judgement (ties in every order, ``jobs.agreement.tied_ndcg``), scored against the first.
  It is the ceiling the methods' figures are read against (only when such a file is given).

nDCG@10 with gains relevant = 2, partner = 1, otherwise 0; precision@5. A company with no relevant or partner
notice in the split (or none left unmarked) has nothing to find there: its nDCG is undefined, so its scores there are
nan and stay out of the means (``mean_of``), as information retrieval leaves such queries out.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy import sparse

import matcher
from crawler.archives import iter_path
from crawler.exceptions import ParseError
from crawler.parsers import parse_document
from jobs.agreement import reader_ranking
from jobs.analyse import labels_by_lot
from jobs.companies import CompanyFile, CompanyFileError, load_company_file
from jobs.jsonl import json_rows
from jobs.match_profiles import profile_of
from jobs.models import MIN_CORPUS, Learned, inferred, predicted, shipped_cpv_model, train
from matcher.cpv import fit_matrix
from matcher.evaluation import ndcg_at, precision_at
from matcher.feedback import Marks, learn_weights
from matcher.scoring import WEIGHTS, Scores, score_all
from matcher.tenders import Profile, Tender, notice_text, tenders_from_record
from matcher.text import STOP_WORDS, TextModel, fit_text_model
from storage.records import NoticeRecord

logger = logging.getLogger(__name__)
GAINS = {"relevant": 2.0, "partner": 1.0, "irrelevant": 0.0}
WORD = re.compile(r"[^\W\d_]{3,}")
METHODS = ("full", "no-cpv", "blind", "cpv-prefix", "keywords", "unmarked", "feedback", "reader-2")
MARKED = 5
SKIPPED_FOLDERS = ("eforms-sdk-examples",)  # the SDK's examples are made up: not part of the real corpus


@dataclass(frozen=True)
class MethodScore:
    """One method's scores for one company."""

    company: str
    method: str
    ndcg10: float
    precision5: float


def read_notices(root: Path) -> dict[str, NoticeRecord]:
    """Return every notice under ``root`` by its path relative to it (``corpus/<archive>/<member>`` for archive
    members); a document that does not parse is reported and left out."""
    records: dict[str, NoticeRecord] = {}
    for folder in sorted(p for p in root.iterdir() if p.name not in SKIPPED_FOLDERS):
        for name, body in iter_path(folder):
            key = Path(name).relative_to(root).as_posix()  # iter_path names documents under the folder it was given
            try:
                if isinstance(body, ParseError):
                    raise body
                found = parse_document(body, name=key)
            except ParseError as exc:
                logger.warning("%s", exc)
                continue
            if found:
                records[key] = found[0]
    return records


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP_WORDS}


def _ranking(values: np.ndarray, owners: Sequence[str], order_key: np.ndarray) -> list[str]:
    """Return the notices by their best tender: matches first (``order_key`` 1), then by value."""
    best: dict[str, tuple[float, float]] = {}
    for column, name in enumerate(owners):
        key = (float(order_key[column]), float(values[column]))
        best[name] = max(best.get(name, (-1.0, -1.0)), key)
    return sorted(best, key=lambda n: (-best[n][0], -best[n][1], n))


@dataclass
class _Setting:
    tenders: list[Tender]
    owners: list[str]
    model: TextModel
    vectors: sparse.csr_matrix
    as_of: datetime


def _scores(setting: _Setting, profiles: Sequence[Profile], feedback: Sequence[Marks | None] | None = None,
            weights: dict[str, float] | None = None) -> Scores:  # fmt: skip
    text = (setting.model.vectors([p.description for p in profiles]) @ setting.vectors.T).toarray()
    return score_all(profiles, setting.tenders, setting.model, as_of=setting.as_of, include_closed=True, text=text,
                     feedback=feedback, tender_vectors=setting.vectors, weights=weights)  # fmt: skip


def _marked_parts(setting: _Setting, scores: Scores, row: int, names: Sequence[str]) -> list[dict[str, float]]:
    """Return the parts of each named notice's best tender, as ``feedback add`` keeps them from the stored match."""
    found = []
    for name in names:
        columns = [c for c, owner in enumerate(setting.owners) if owner == name]
        best = max(columns, key=lambda c: (scores.kind[row, c] > 0, scores.total[row, c]))
        found.append({part: float(values[row, best]) for part, values in scores.parts.items() if part in WEIGHTS})
    return found


def _marks(setting: _Setting, marked: dict[str, float]) -> Marks:
    columns = {name: [c for c, owner in enumerate(setting.owners) if owner == name] for name in marked}
    whole = {name: cols[0] for name, cols in columns.items()}  # the first tender of a notice is the whole
    liked = [whole[n] for n, gain in marked.items() if gain > 0]
    disliked = [whole[n] for n, gain in marked.items() if gain <= 0]

    def codes(column: int) -> tuple[tuple[str, float], ...]:
        tender = setting.tenders[column]
        return tuple((c, 1.0) for c in tender.cpv) + tuple(tender.predicted)

    return Marks(setting.vectors[liked], tuple(codes(c) for c in liked), setting.vectors[disliked],
                 tuple(codes(c) for c in disliked))  # fmt: skip


def _measured(company: str, method: str, ranked: Sequence[float], judged: Sequence[float]) -> MethodScore:
    if not any(judged):  # nothing to find: nDCG and precision are undefined, not 0
        return MethodScore(company, method, math.nan, math.nan)
    return MethodScore(company, method, ndcg_at(ranked, judged, 10), precision_at(ranked, 5))


def mean_of(scores: Sequence[float]) -> float:
    """Return the mean of the defined scores (nan when none is)."""
    defined = [s for s in scores if not math.isnan(s)]
    return sum(defined) / len(defined) if defined else math.nan


class EvaluationError(ValueError):
    """An input of the evaluation cannot be used; the message names the file (and line)."""


def _companies(path: Path) -> CompanyFile:
    try:
        return load_company_file(path)
    except CompanyFileError as exc:
        raise EvaluationError(f"{path}: {exc}") from None


def judgements_of(path: Path, split: str) -> dict[tuple[str, str], float]:
    """Return ``{(company, notice): gain}`` of the split's judgements."""
    judged: dict[tuple[str, str], float] = {}
    for number, row in json_rows(path, EvaluationError, "a judgement"):
        try:
            if split == "all" or row.get("split") == split:
                judged[(row["company"], row["notice"])] = GAINS[row["judgement"]]
        except (KeyError, TypeError) as exc:
            kinds = ", ".join(GAINS)
            raise EvaluationError(f"{path}, line {number}: not a judgement ({exc!r}; judgement is one of {kinds})"
                                  ) from None  # fmt: skip
    return judged


def evaluate_matching(profiles_file: Path, judgements_file: Path, notices_root: Path, split: str = "test",
                      blind_file: Path | None = None, second: dict[tuple[str, str], float] | None = None
                      ) -> list[MethodScore]:  # fmt: skip
    """Rank the split's judged notices for every judged company with each method and score the rankings; with
    ``second`` (a second reader's gains by company and notice), also rank them by that reader's judgement."""
    profiles = [replace(profile_of(p), min_score=0.0) for _line, p in _companies(profiles_file).profiles]
    blind = {p.id: p.description for _line, p in _companies(blind_file).profiles} if blind_file else {}
    judged = judgements_of(judgements_file, split)
    if not judged:
        raise EvaluationError(f"{judgements_file}: no judgements in the {split!r} split")
    corpus = read_notices(notices_root)
    names = {name for _company, name in judged}
    wanted = sorted(names & corpus.keys())
    missing = names - corpus.keys()
    if not wanted:
        raise EvaluationError(f"{notices_root}: none of the judged notices of {judgements_file} is there")
    if missing:
        logger.warning("%d judged notices not found or not readable, e.g. %s", len(missing), sorted(missing)[0])
    # As ``match`` does: the shipped CPV model while the corpus is small, else one learned from it too, but never
    # from the notices being ranked: their own codes would come back as "predicted from the text".
    learn = [record for name, record in corpus.items() if name not in names]
    cpv = train(map(Learned.of, learn)) if len(learn) >= MIN_CORPUS else shipped_cpv_model()
    model = fit_text_model([notice_text(r) for r in corpus.values()])
    records = [corpus[name] for name in wanted]
    tenders, owners = [], []
    for name, record, branches in zip(wanted, records, predicted(cpv, records), strict=True):
        found = [f for f in matcher.analyse_notice(record.model_dump(mode="json")) if not f.negated]
        for tender in tenders_from_record(record, labels_by_lot(found), branches):
            tenders.append(tender)
            owners.append(name)
    setting = _Setting(tenders, owners, model, model.vectors([t.text for t in tenders]), datetime.now(UTC))
    plain = [replace(p, inferred=()) for p in profiles]
    no_cpv = [replace(p, cpv=(), inferred=inferred(cpv, p.description)) for p in profiles]
    full = _scores(setting, plain)
    bare = _scores(setting, no_cpv)
    unseen = _scores(
        setting,
        [
            replace(
                p, description=blind.get(p.id, p.description), inferred=inferred(cpv, blind.get(p.id, p.description))
            )
            for p in no_cpv
        ],
    )
    prefix = fit_matrix([p.codes() for p in plain], [tuple((c, 1.0) for c in t.cpv) for t in tenders])
    words = [_words(t.text) for t in tenders]
    results: list[MethodScore] = []
    marks: list[Marks | None] = []
    hidden: list[set[str]] = []
    said: list[tuple[str, dict[str, float], bool]] = []
    for row, profile in enumerate(plain):
        every = {n: g for (company, n), g in judged.items() if company == profile.id and n in corpus}
        own = _words(profile.description)
        keyword = np.array([len(own & w) / len(own | w) if own | w else 0.0 for w in words])
        for method, values, key in (
            ("full", full.total[row], full.kind[row] > 0),
            ("no-cpv", bare.total[row], bare.kind[row] > 0),
            *([("blind", unseen.total[row], unseen.kind[row] > 0)] if profile.id in blind else []),
            ("cpv-prefix", prefix[row], np.zeros(len(tenders))),
            ("keywords", keyword, np.zeros(len(tenders))),
        ):
            gains = [every.get(n, 0.0) for n in _ranking(values, owners, key)]
            results.append(_measured(profile.id, method, gains, list(every.values())))
        top = _ranking(full.total[row], owners, full.kind[row] > 0)[:MARKED]
        marks.append(_marks(setting, {n: every.get(n, 0.0) for n in top}))
        hidden.append(set(top))
        said += [
            (profile.id, parts, every.get(n, 0.0) > 0)
            for n, parts in zip(top, _marked_parts(setting, full, row, top), strict=True)
        ]
    # As ``match`` does: with enough marks over all companies, the part weights are learned from them too (and kept
    # only where they order held-out companies' marks better than the hand-set ones).
    learned = learn_weights(said, WEIGHTS)
    after = _scores(setting, plain, marks, learned)
    for row, profile in enumerate(plain):
        every = {n: g for (company, n), g in judged.items() if company == profile.id and n in corpus}
        remaining = [g for n, g in every.items() if n not in hidden[row]]
        for method, scores in (("unmarked", full), ("feedback", after)):
            rest = [n for n in _ranking(scores.total[row], owners, scores.kind[row] > 0) if n not in hidden[row]]
            gains = [every.get(n, 0.0) for n in rest]
            results.append(_measured(profile.id, method, gains, remaining))
        if second is not None:
            theirs = {n: g for (company, n), g in second.items() if company == profile.id}
            ndcg, precision = reader_ranking(every, theirs, wanted) if any(every.values()) else (math.nan, math.nan)
            results.append(MethodScore(profile.id, "reader-2", ndcg, precision))
    return results
