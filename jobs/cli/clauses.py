"""``kansenradar clauses``, ``analyse`` and ``eval clauses``: inclusive-clause detection from the command line."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

import matcher
from crawler.parsers.codes import language_alpha2
from jobs.analyse import BATCH, analyse_pending, count_pending
from jobs.app import app_from
from jobs.clause_corpus import SPLITS
from jobs.cli.base import CONTEXT_SETTINGS, Locked
from jobs.locks import LockedError, run_lock
from jobs.runs import record_step
from matcher import DETECTOR_VERSION, LABELS, evaluate, labels_of
from storage import repository
from storage.db import session_scope
from storage.types import utcnow

UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape keeps them


def language_code(value: object) -> str | None:
    """Return the two-letter code of a language written as notices and people write it, or ``None``.

    >>> [language_code(v) for v in ("nl", "NL", "nl-BE", "nl_NL", "NLD", "dut", "Danish", 7)]
    ['nl', 'nl', 'nl', 'nl', 'nl', 'nl', None, None]
    """
    if not isinstance(value, str):
        return None
    head = re.split(r"[-_]", value.strip(), maxsplit=1)[0]
    return language_alpha2(head) if head.isascii() and head.isalpha() and len(head) in (2, 3) else None


def read_snippets(
    stream: IO[str], *, name: str, bad: list[int], need_labels: bool = False
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each valid JSON line; report bad lines on stderr, note them in ``bad``."""
    for number, line in enumerate(stream, start=1):
        if number == 1:
            line = line.removeprefix("\ufeff")  # a byte-order mark, as some editors save UTF-8
        if not line.strip():
            continue
        if UNDECODABLE.search(line):
            bad.append(number)
            click.echo(f"{name}:{number}: not UTF-8 text", err=True)
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(number)
            click.echo(f"{name}:{number}: not valid JSON ({exc.msg})", err=True)
            continue
        problem = None
        if not isinstance(item, dict):
            problem = "expected an object with id and text"
        elif "id" not in item or not isinstance(item.get("text"), str):
            problem = "needs an id and a text string"
        elif item.get("lang") is not None and language_code(item["lang"]) is None:
            problem = f"lang must be a language code such as nl, da, nl-BE or NLD, not {item['lang']!r}"
        elif need_labels and not (isinstance(item.get("labels"), list) and set(item["labels"]) <= set(LABELS)):
            problem = f"labels must be a list drawn from {', '.join(LABELS)}"
        if problem:
            bad.append(number)
            click.echo(f"{name}:{number}: {problem}", err=True)
            continue
        if item.get("lang") is not None:
            item["lang"] = language_code(item["lang"])
        yield number, item


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("source", type=click.File("r", encoding="utf-8", errors="surrogateescape"), default="-")
@click.option("--negated/--no-negated", default=False, help="Also list negated mentions (kept for audit).")
def clauses(source: IO[str], negated: bool) -> None:
    """Find inclusive clauses in JSON lines {"id", "text", "lang"?} from SOURCE (a file, or - for stdin).

    Prints {"id", "lang", "text_analysed", "labels", "findings"} per line; labels are the distinct clauses that are
    not negated, each finding with its evidence sentence, confidence and source (rule or model). Every line gets an
    answer: a text in a language without clause rules (Dutch, English, German, French) is "text_analysed": false,
    with the reason. The language is detected when "lang" is absent (a few words the identifier cannot place are
    read in the rule language whose clause words they hold). A malformed line is reported on stderr with
    its number and skipped; the others are answered, and the exit code is 1.

    \b
    Example:
        echo '{"id": 1, "text": "Social return: 5% van de opdrachtwaarde."}' | kansenradar clauses
    """
    name, bad = getattr(source, "name", "-"), []
    name = "<stdin>" if name in ("-", 0) else name  # the standard input, however click wrapped it
    for _number, item in read_snippets(source, name=name, bad=bad):
        lang = item.get("lang") or matcher.clause_language(item["text"])
        answer: dict[str, Any] = {"id": item["id"], "lang": lang}
        if lang not in matcher.LANGUAGES:
            reason = f"no clause rules for language {lang!r}" if lang else "language not recognised"
            answer |= {"text_analysed": False, "reason": reason, "labels": [], "findings": []}
        else:
            findings = matcher.detect(item["text"], lang)
            shown = [f.as_dict() for f in findings if negated or not f.negated]
            answer |= {"text_analysed": True, "labels": labels_of(findings), "findings": shown}
        click.echo(json.dumps(answer, ensure_ascii=False))
    if bad:
        sys.exit(1)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--batch-size", type=click.IntRange(1, 10_000), help=f"Notices read and stored at once (default: {BATCH})."
)
@click.option("--workers", type=click.IntRange(1, 64),
              help="Processes analysing at once (default: KANSENRADAR_WORKERS, else the cores).")  # fmt: skip
@click.option("--all", "redo_all", is_flag=True, help="Analyse every notice again, not only new or outdated ones.")
@click.pass_context
def analyse(ctx: click.Context, batch_size: int | None, workers: int | None, redo_all: bool) -> None:
    """Find clauses in stored notices not yet analysed by this detector version, on every core. Takes the same
    lock as `run` (exit 3 while another holds it).

    \b
    Example:
        kansenradar analyse --workers 2
    """
    app = app_from(ctx)
    engine, workers = app.engine, workers or app.settings.workers
    started = utcnow()
    try:
        # One writer of findings at a time: beside a `run` analysing the same notices, both would store them.
        with run_lock(engine):
            if redo_all:
                with session_scope(engine) as session:
                    repository.reset_analysis(session=session)
            with click.progressbar(length=count_pending(engine=engine), label="Analysing", file=sys.stderr,
                                   show_pos=True) as bar:  # fmt: skip
                done, labelled = analyse_pending(engine=engine, batch_size=batch_size, workers=workers,
                                                 progress=bar.update)  # fmt: skip
    except LockedError as exc:
        raise Locked(f"not started: {exc}") from None
    except Exception as exc:  # recorded for `runs`, then reported as every failure is
        record_step(engine, "analyse", "failed", {}, f"{type(exc).__name__}: {exc}", started=started)
        raise
    record_step(engine, "analyse", "success", {"analysed": done, "with_clause": labelled}, started=started)
    with session_scope(engine) as session:
        read, codes_only = repository.analysed_counts(session=session)
    click.echo(f"Analysed {done} notices ({DETECTOR_VERSION}); {labelled} with an inclusive clause. Stored notices: "
               f"{read} with their text read, {codes_only} on structured codes only (no clause rules for their "
               "language).")  # fmt: skip


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
def eval_clauses(path: Path, splits: tuple[str, ...], errors: bool) -> None:
    """Score the clause detector on PATH: the corpus folder (tests/data/clauses, one split) or JSON lines
    {"id", "text", "lang"?, "labels"} (such as the real-prevalence sample).

    Prints per-label precision, recall and F1, macro-F1 and the share of negatives flagged, for the rules alone,
    the model alone and both combined (what `analyse` uses).
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
    reports, intervals = {}, {}
    for mode in ("rules", "model", "combined"):
        predicted = [labels_of(matcher.detect(item["text"], item.get("lang"), mode=mode)) for item in items]
        reports[mode] = evaluate(gold, predicted)
        intervals[mode] = clause_intervals(gold, predicted, documents)
        if errors and mode == "combined":
            for item, labels in zip(items, predicted, strict=True):
                if set(labels) != set(item["labels"]):
                    click.echo(f"{item['id']}: expected {item['labels']}, got {labels}: {item['text'][:120]}")
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
def eval_matching(profiles: Path, judgements: Path, notices: Path, split: str, blind: Path | None) -> None:
    """Score the readiness ranking on judged pairs: nDCG@10 and precision@5 per company and method.

    PROFILES is a company file; JUDGEMENTS JSON lines {"company", "notice", "judgement", "reason", "split"} where
    "notice" is a path relative to NOTICES (archive members as ARCHIVE/MEMBER); NOTICES the folder holding them,
    whose notices all stand for the stored corpus the models learn from. Methods: full score; no-cpv (the profiles
    without their codes); blind (no-cpv with the descriptions of --blind); cpv-prefix and keywords baselines;
    unmarked and feedback (the full score on the notices a profile did not mark, before and after it marked its
    top five).
    """
    from jobs.matching_eval import METHODS, EvaluationError, evaluate_matching, mean_of
    from matcher.intervals import mean_interval

    try:
        results = evaluate_matching(profiles, judgements, notices, split=split, blind_file=blind)
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
