"""The labelled clause corpus (``tests/data/clauses/``): snippets with labels, source and a fixed split.

``corpus.jsonl`` holds snippets with their text; ``shared_sentences.jsonl`` holds reviewed labels for the real
sentences of ``../shared/data/clauses/sentences.jsonl``, whose text is read from there (it is not copied into the
project); ``prevalence.jsonl`` is every sentence of real notices never labelled from before (held out, like test).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobs.jsonl import json_rows
from matcher.types import LABELS

logger = logging.getLogger(__name__)
SPLITS = ("train", "dev", "test")


class CorpusError(Exception):
    """Raised when a corpus file cannot be read or holds a row that cannot be used (``load_corpus``,
    ``load_prevalence``); the message names the file and the snippet."""


@dataclass(frozen=True)
class Snippet:
    """One labelled text."""

    id: str
    lang: str
    text: str
    labels: tuple[str, ...]
    split: str
    kind: str  # "real", "quoted" (from the material clauses.md cites) or "written" (by the project)
    source: str
    doc: str
    near_miss: bool | None = None


def _lines(path: Path) -> list[dict[str, Any]]:
    return [row for _number, row in json_rows(path, CorpusError, "a snippet")]


def shared_sentences_file(corpus: Path) -> Path:
    """Return where the shared real sentences are, beside the project (``../shared/data/clauses/``)."""
    for parent in corpus.resolve().parents:
        candidate = parent.parent / "shared" / "data" / "clauses" / "sentences.jsonl"
        if candidate.is_file():
            return candidate
    return corpus.resolve().parents[2].parent / "shared" / "data" / "clauses" / "sentences.jsonl"


def load_corpus(folder: Path, *, splits: tuple[str, ...] = SPLITS, shared: Path | None = None) -> list[Snippet]:
    """Return the snippets of the given splits; the shared sentences only when their file is there."""
    # Every row is checked, whatever split is asked for: a broken row should not wait for the run that reads it.
    own = folder / "corpus.jsonl"
    snippets = [_snippet(row, own) for row in _lines(own)]
    shared = shared or shared_sentences_file(folder)
    listed = folder / "shared_sentences.jsonl"
    references = _lines(listed) if listed.exists() else []
    if references and shared.is_file():
        try:
            texts = {str(row["id"]): str(row["text"]) for row in _lines(shared)}
        except KeyError as exc:
            raise CorpusError(f"{shared}: a sentence without the field {exc}") from None
        for ref in references:
            name = str(ref.get("ref", ""))
            _file, colon, sentence = name.partition(":")
            if not colon:
                raise CorpusError(f"{listed}: {name or 'a row'}: 'ref' is not '<file>:<sentence id>'")
            if sentence in texts:
                snippets.append(_snippet({**ref, "id": name, "text": texts[sentence]}, listed))
    elif references:
        logger.warning("%s not found: %d shared sentences left out", shared, len(references))
    return [snippet for snippet in snippets if snippet.split in splits]


def load_prevalence(path: Path) -> list[Snippet]:
    """Return the real-prevalence sample: every sentence of some real notices, labelled."""
    return [_snippet({**row, "split": "prevalence", "kind": "real"}, path) for row in _lines(path)]


def _snippet(row: dict[str, Any], where: Path) -> Snippet:
    """Return a corpus row as a snippet; a row without a field, or with a label nobody knows, is a ``CorpusError``
    naming ``where`` and the snippet."""
    try:
        labels = tuple(str(label) for label in row["labels"])
        snippet = Snippet(str(row["id"]), str(row["lang"]), str(row["text"]), labels, str(row["split"]),
                          str(row["kind"]), str(row["source"]), str(row["doc"]), row.get("near_miss"))  # fmt: skip
    except (KeyError, TypeError) as exc:
        raise CorpusError(f"{where}: snippet {row.get('id', '?')}: missing or unreadable field {exc}") from None
    if not set(labels) <= set(LABELS):
        raise CorpusError(f"{where}: {row['id']}: unknown label in {labels}")
    return snippet
