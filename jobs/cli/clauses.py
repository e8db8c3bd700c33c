"""``kansenradar clauses`` and ``analyse``: inclusive-clause detection from the command line."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

import click

import matcher
from crawler.parsers.codes import language_alpha2
from jobs.analyse import BATCH, analyse_pending, count_pending
from jobs.app import app_from
from jobs.cli.base import CONTEXT_SETTINGS, Locked
from jobs.locks import LockedError, run_lock
from jobs.runs import record_step
from matcher import DETECTOR_VERSION, LABELS, labels_of
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
