"""``kansenradar eval``: the clause detector, the readiness ranking and CPV codes from words, scored on labelled data
(``make eval``), beside a second reader's agreement with the labels where one read them too."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

import matcher
from jobs.clause_corpus import SPLITS
from jobs.cli.base import CONTEXT_SETTINGS
from jobs.cli.clauses import read_snippets
from matcher import LABELS, evaluate, labels_of


@click.group("eval", context_settings=CONTEXT_SETTINGS)
def eval_group() -> None:
    """Evaluate the detectors on labelled data."""


def _span(low: float, high: float, spec: str) -> str:
    """Return an interval as ``low-high``, or ``-`` where there is none (one document or one company)."""
    return "-" if math.isnan(low) else f"{low:{spec}}-{high:{spec}}"


@eval_group.command("clauses", context_settings=CONTEXT_SETTINGS)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--split", "splits", multiple=True, type=click.Choice(SPLITS),
              help="Corpus folder: the split(s) to score (default: test).")  # fmt: skip
@click.option("--errors", is_flag=True, help="Also list the snippets the combined detector got wrong.")
@click.option("--second", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A second, independent reading of the same snippets (JSON lines {\"ref\", \"labels\"}): adds "
                   "the second reader's own score against the labels, and the detector's on the snippets both "
                   "read alike.")  # fmt: skip
def eval_clauses(path: Path, splits: tuple[str, ...], errors: bool, second: Path | None) -> None:
    """Score the clause detector on PATH: the corpus folder (tests/data/clauses, one split) or JSON lines
    {"id", "text", "lang"?, "labels"} (such as the real-prevalence sample).

    Prints per-label precision, recall and F1, macro-F1 and the share of negatives flagged, for the rules alone,
    the model alone and both combined (what `analyse` uses). With --second, also the second reader's (the ceiling a
    detector's figure is read against: labels two careful readers give differently are no settled answer).
    """
    from jobs.clause_corpus import CorpusError, load_corpus
    from matcher.intervals import clause_intervals

    items: list[dict[str, Any]] = []
    if path.is_dir():
        try:
            chosen = splits or ("test",)
            items = [{"id": s.id, "text": s.text, "lang": s.lang, "labels": list(s.labels), "doc": s.doc}
                     for s in load_corpus(path, splits=chosen)]  # fmt: skip
        except CorpusError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{path} ({', '.join(chosen)})")
    else:
        bad: list[int] = []
        with path.open(encoding="utf-8", errors="surrogateescape") as stream:
            items = [item for _n, item in read_snippets(stream, name=str(path), bad=bad, need_labels=True)]
        click.echo(str(path))
    if not items:  # nothing to score: a table of perfect scores over nothing would mislead
        raise click.UsageError(f"{path}: no labelled snippets to score")
    gold = [item["labels"] for item in items]
    # Snippets of one source document are resampled together (a line without "doc" is its own document).
    documents = [str(item["doc"]) if isinstance(item.get("doc"), str) else f"id:{item['id']}" for item in items]
    # Read before the detectors run: a reading that cannot be used is said at once, not after the scoring.
    read = _second_reading(second, [str(item["id"]) for item in items]) if second is not None else None
    reports, intervals, combined = {}, {}, []
    for mode in ("rules", "model", "combined"):
        predicted = [labels_of(matcher.detect(item["text"], item.get("lang"), mode=mode)) for item in items]
        reports[mode] = evaluate(gold, predicted)
        intervals[mode] = clause_intervals(gold, predicted, documents)
        if mode == "combined":
            combined = predicted
            for item, labels in zip(items, predicted, strict=True):
                if errors and set(labels) != set(item["labels"]):
                    click.echo(f"{item['id']}: expected {item['labels']}, got {labels}: {item['text'][:120]}")
    if read is not None:
        reports["reader 2"] = evaluate(gold, read)
        intervals["reader 2"] = clause_intervals(gold, read, documents)
    click.echo(f"{'label':34} " + "  ".join(f"{mode + ' P/R/F1':>20}" for mode in reports) + f" {'support':>8}")
    for index, label in enumerate(LABELS):
        cells = [reports[mode].labels[index] for mode in reports]
        click.echo(f"{label:34} " + "  ".join(f"{c.precision:6.2f}{c.recall:7.2f}{c.f1:7.2f}" for c in cells)
                   + f" {cells[0].support:8d}")  # fmt: skip
    click.echo(f"{'macro-F1':34} " + "  ".join(f"{r.macro_f1:20.2f}" for r in reports.values()))
    click.echo(f"{'  95% interval':34} "
               + "  ".join(f"{_span(*f1, '.2f'):>20}" for f1, _ in intervals.values()))  # fmt: skip
    click.echo(f"{'false positives on negatives':34} "
               + "  ".join(f"{r.false_positive_rate:19.1%} " for r in reports.values())
               + f" {reports['combined'].negatives:8d}")  # fmt: skip
    click.echo(f"{'  95% interval':34} "
               + "  ".join(f"{_span(*fp, '.1%'):>19} " for _, fp in intervals.values()))  # fmt: skip
    click.echo(f"{len(items)} snippets from {len(set(documents))} documents; detector {matcher.DETECTOR_VERSION}; "
               "intervals: bootstrap over the documents")  # fmt: skip
    if read is not None:
        alike = [i for i, labels in enumerate(read) if set(labels) == set(gold[i])]
        settled = evaluate([gold[i] for i in alike], [combined[i] for i in alike])
        click.echo(f"reader 2: {second}, read without the first labels; both readers labelled {len(alike)} of "
                   f"{len(items)} snippets alike, and there combined scores macro-F1 {settled.macro_f1:.2f}, false "
                   f"positives {settled.false_positive_rate:.1%} of {settled.negatives} negatives")  # fmt: skip


def _second_reading(path: Path, ids: list[str]) -> list[tuple[str, ...]]:
    """Return the second reader's labels of each snippet, in order; every snippet scored must have been read."""
    from jobs.agreement import SecondReadingError, read_clause_labels

    try:
        read = read_clause_labels(path)
    except SecondReadingError as exc:
        raise click.UsageError(str(exc)) from None
    missing = [i for i in ids if i not in read]
    if missing:
        raise click.UsageError(f"{path}: {len(missing)} of the {len(ids)} snippets scored were not read a "
                               f"second time (e.g. {missing[0]}): the two readers' figures would not be over one "
                               "set")  # fmt: skip
    return [read[i] for i in ids]


@eval_group.command("matching", context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("judgements", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("notices", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--split",
    type=click.Choice(["test", "dev", "all"]),
    default="test",
    show_default=True,
    help="Which judged notices to rank (weights and features are tuned on dev notices only; the CPV model's trade "
    "words were written from the PROFILES descriptions, so only the blind method reads unseen company words).",
)
@click.option(
    "--blind",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A company file with other descriptions of the same companies, written blind (method blind).",
)
@click.option(
    "--second",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='A second person\'s judgements of the same pairs, made without the first (JSON lines {"company", '
    '"notice", "judgement"}): their agreement, and method reader-2, the ceiling the methods are read against.',
)
def eval_matching(profiles: Path, judgements: Path, notices: Path, split: str, blind: Path | None,
                  second: Path | None) -> None:  # fmt: skip
    """Score the readiness ranking on judged pairs: nDCG@10 and precision@5 per company and method.

    PROFILES is a company file; JUDGEMENTS JSON lines {"company", "notice", "judgement", "reason", "split"} where
    "notice" is a path relative to NOTICES (archive members as ARCHIVE/MEMBER); NOTICES the folder holding them,
    whose notices all stand for the stored corpus the models learn from. Methods: full score; no-cpv (the profiles
    without their codes); blind (no-cpv with the descriptions of --blind); cpv-prefix and keywords baselines;
    unmarked and feedback (the full score on the notices a profile did not mark, before and after it marked its
    top five); with --second, reader-2 (the notices ranked by a second person's judgements).
    """
    from jobs.agreement import judgement_agreement
    from jobs.matching_eval import METHODS, EvaluationError, evaluate_matching, judgements_of, mean_of
    from matcher.intervals import mean_interval

    try:
        first = judgements_of(judgements, split)
        # Read as the first judgements are; every split, since only the pairs both judged are compared.
        theirs = judgements_of(second, "all") if second else None
        agreement = judgement_agreement(first, theirs) if theirs is not None else None
        if agreement is not None and not agreement[0]:
            raise EvaluationError(f"{second}: judges none of the {split!r} pairs of {judgements}")
        results = evaluate_matching(profiles, judgements, notices, split=split, blind_file=blind, second=theirs)
    except EvaluationError as exc:
        raise click.UsageError(str(exc)) from None
    methods = [m for m in METHODS if any(r.method == m for r in results)]
    click.echo(f"{judgements} ({split})")
    click.echo(f"{'company':10} " + " ".join(f"{m:>12} {'P@5':>5}" for m in methods))
    left_out: set[str] = set()
    for company in dict.fromkeys(r.company for r in results):
        row = {r.method: r for r in results if r.company == company}
        left_out.update(company for m in methods if m in row and math.isnan(row[m].ndcg10))
        click.echo(f"{company:10} " + " ".join(_cells(row[m].ndcg10, row[m].precision5) if m in row
                                               else _cells(math.nan, math.nan) for m in methods))  # fmt: skip
    means = [[r for r in results if r.method == m] for m in methods]
    cells = " ".join(_cells(mean_of([r.ndcg10 for r in rs]), mean_of([r.precision5 for r in rs])) for rs in means)
    click.echo(f"{'mean':10} {cells}   (nDCG@10, P@5)")
    spans = [mean_interval([r.ndcg10 for r in rs]) for rs in means]
    click.echo(f"{'95%':10} " + " ".join(f"{_span(lo, hi, '.2f'):>12} {'':5}" for lo, hi in spans)
               + "   (nDCG@10: bootstrap over the companies)")  # fmt: skip
    if left_out:
        click.echo(f"(-: nothing relevant to find in the split, or none left unmarked; left out of that mean: "
                   f"{', '.join(sorted(left_out))})")  # fmt: skip
    # The split holds the notices out, not the profiles' words: say so beside the figures, where they are read.
    seen = (
        "blind reads descriptions no word list was written from (CPV weights chosen on its dev figure); "
        if "blind" in methods
        else ""
    )
    click.echo(f"({seen}the other methods read descriptions the trade words were written from)")
    if agreement is not None:
        pairs, alike, kappa = agreement
        click.echo(f"reader-2: {second}, judged without the first judgements; {pairs} of the {len(first)} pairs "
                   f"judged by both, {alike:.0%} alike, weighted kappa {kappa:.2f}")  # fmt: skip


def _cells(ndcg: float, precision: float) -> str:
    if math.isnan(ndcg):
        return f"{'-':>12} {'-':>5}"
    return f"{ndcg:12.3f} {precision:5.2f}"


@eval_group.command("cpv", context_settings=CONTEXT_SETTINGS)
@click.argument("descriptions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--notices",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of notices standing for the stored corpus: the model learns from it too, as `match` does once "
    "1,000 notices are stored (default: the shipped model, from the labels and trade words).",
)
def eval_cpv(descriptions: Path, notices: Path | None) -> None:
    """Score CPV codes from words on DESCRIPTIONS: JSON lines {"id", "trade"?, "description", "cpv_groups"} with
    the right CPV groups (three digits, main first) of each company's work.

    Prints, per trade and overall, the share of descriptions whose first suggested group is right (top-1), one of
    the first three (top-3), and the mean reciprocal rank of the first right group.
    """
    from jobs.cpv_eval import RANKED, InferenceScore, evaluate_inference, model_for, read_described
    from jobs.matching_eval import EvaluationError

    try:
        items = read_described(descriptions)
    except EvaluationError as exc:
        raise click.UsageError(str(exc)) from None
    model, source = model_for(notices)
    score = evaluate_inference(items, model)
    click.echo(f"{descriptions} ({source})")
    click.echo(f"{'trade':50} {'n':>3} {'top-1':>6} {'top-3':>6} {'MRR':>6}")
    trades = dict.fromkeys(item.trade for item in items)
    for trade in [*trades, None]:
        chosen = [i for i, item in enumerate(items) if trade is None or item.trade == trade]
        part = InferenceScore(tuple(items[i] for i in chosen), tuple(score.ranks[i] for i in chosen))
        name = "all" if trade is None else (trade or "-")
        click.echo(f"{name[:50]:50} {len(chosen):3d} {part.top(1):6.2f} {part.top(3):6.2f} {part.mrr:6.3f}")
    click.echo(
        f"(a right group not among the first {RANKED} counts as not found; the CPV model's label and trade-word "
        "weights were chosen on tests/data/matching/inference.jsonl, so its figure there is a tuning figure)"
    )
