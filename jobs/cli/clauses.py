"""``kansenradar clauses``, ``analyse`` and ``eval clauses``: inclusive-clause detection from the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

import matcher
from jobs.analyse import analyse_pending, count_pending
from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS
from matcher import DETECTOR_VERSION, LABELS, evaluate, labels_of
from storage import repository
from storage.db import session_scope


def read_snippets(
    stream: IO[str], *, name: str, bad: list[int], need_labels: bool = False
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each valid JSON line; report bad lines on stderr, note them in ``bad``."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
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
        elif item.get("lang") is not None and item["lang"] not in ("nl", "en", "de", "fr"):
            problem = f"lang must be nl, en, de or fr, not {item['lang']!r}"
        elif need_labels and not (isinstance(item.get("labels"), list) and set(item["labels"]) <= set(LABELS)):
            problem = f"labels must be a list drawn from {', '.join(LABELS)}"
        if problem:
            bad.append(number)
            click.echo(f"{name}:{number}: {problem}", err=True)
            continue
        yield number, item


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--negated/--no-negated", default=False, help="Also list negated mentions (kept for audit).")
def clauses(source: IO[str], negated: bool) -> None:
    """Find inclusive clauses in JSON lines {"id", "text", "lang"?} from SOURCE (a file, or - for stdin).

    Prints {"id", "labels", "findings"} per line; labels are the distinct clauses that are not negated. The language
    is detected when "lang" is absent. A malformed line is reported on stderr with its number and skipped; the
    others are answered, and the exit code is 1.

    \b
    Example:
        echo '{"id": 1, "text": "Social return: 5% van de opdrachtwaarde."}' | kansenradar clauses
    """
    name, bad = getattr(source, "name", "-"), []
    for _number, item in read_snippets(source, name=name, bad=bad):
        findings = matcher.detect(item["text"], item.get("lang"))
        shown = [f.as_dict() for f in findings if negated or not f.negated]
        answer = {"id": item["id"], "labels": labels_of(findings), "findings": shown}
        click.echo(json.dumps(answer, ensure_ascii=False))
    if bad:
        sys.exit(1)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=200, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), help="Processes analysing at once (default: the cores).")
@click.option("--all", "redo_all", is_flag=True, help="Analyse every notice again, not only new or outdated ones.")
@click.pass_context
def analyse(ctx: click.Context, batch_size: int, workers: int | None, redo_all: bool) -> None:
    """Find clauses in stored notices not yet analysed by this detector version, on every core.

    \b
    Example:
        kansenradar analyse --workers 2
    """
    engine = app_from(ctx).engine
    if redo_all:
        with session_scope(engine) as session:
            repository.reset_analysis(session=session)
    with click.progressbar(length=count_pending(engine=engine), label="Analysing", file=sys.stderr,
                           show_pos=True) as bar:  # fmt: skip
        done, labelled = analyse_pending(engine=engine, batch_size=batch_size, workers=workers, progress=bar.update)
    click.echo(f"Analysed {done} notices ({DETECTOR_VERSION}); {labelled} with an inclusive clause.")


@click.group("eval", context_settings=CONTEXT_SETTINGS)
def eval_group() -> None:
    """Evaluate the detectors on labelled data."""


@eval_group.command("clauses", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", is_flag=True, help="Also list the snippets the detector got wrong.")
def eval_clauses(file: Path, errors: bool) -> None:
    """Score the clause detector on FILE: JSON lines {"id", "text", "lang"?, "labels"}.

    Prints per-label precision, recall and F1, macro-F1, and the share of negatives (no labels) flagged.
    """
    gold, predicted, bad = [], [], []
    with file.open(encoding="utf-8") as stream:
        for _number, item in read_snippets(stream, name=str(file), bad=bad, need_labels=True):
            labels = labels_of(matcher.detect(item["text"], item.get("lang")))
            gold.append(item["labels"])
            predicted.append(labels)
            if errors and set(labels) != set(item["labels"]):
                click.echo(f"{item['id']}: expected {item['labels']}, got {labels}: {item['text'][:100]}")
    report = evaluate(gold, predicted)
    click.echo(f"{'label':34} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>8}")
    for score in report.labels:
        click.echo(f"{score.label:34} {score.precision:6.2f} {score.recall:6.2f} {score.f1:6.2f} {score.support:8d}")
    click.echo(f"{'macro-F1':34} {report.macro_f1:20.2f}")
    click.echo(f"false-positive rate on {report.negatives} negatives: {report.false_positive_rate:.2f}")
    click.echo(f"{report.snippets} snippets")


@eval_group.command("matching", context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("judgements", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("notices", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def eval_matching(profiles: Path, judgements: Path, notices: tuple[Path, ...]) -> None:
    """Score the readiness ranking on judged pairs: nDCG@10 and precision@5 per company, full score vs baselines.

    PROFILES is a company file, JUDGEMENTS JSON lines {"company", "notice" (file name), "judgement", "reason"},
    NOTICES the files or folders holding the judged notices.
    """
    from jobs.matching_eval import METHODS, evaluate_matching

    results = evaluate_matching(profiles, judgements, list(notices))
    click.echo(f"{'company':10} " + " ".join(f"{m + ' nDCG@10':>22} {'P@5':>5}" for m in METHODS))
    for company in dict.fromkeys(r.company for r in results):
        row = {r.method: r for r in results if r.company == company}
        click.echo(f"{company:10} " + " ".join(f"{row[m].ndcg10:22.3f} {row[m].precision5:5.2f}" for m in METHODS))
    cells = []
    for method in METHODS:
        rows = [r for r in results if r.method == method]
        cells.append(
            f"{sum(r.ndcg10 for r in rows) / len(rows):22.3f} {sum(r.precision5 for r in rows) / len(rows):5.2f}"
        )
    click.echo(f"{'mean':10} " + " ".join(cells))
