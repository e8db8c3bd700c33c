"""The labelled clause corpus (tests/data/clauses): its size, make-up and the one split by source document."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from jobs.clause_corpus import load_corpus, load_prevalence
from matcher import LABELS, LANGUAGES
from tests.shared import SHARED_DATA

CORPUS = Path(__file__).resolve().parents[1] / "data" / "clauses"
ROWS = [json.loads(line) for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if line]
REFS = [json.loads(line) for line in (CORPUS / "shared_sentences.jsonl").read_text(encoding="utf-8").splitlines()]
ALL = ROWS + REFS


def test_no_source_document_is_in_two_parts() -> None:
    parts: dict[str, set[str]] = defaultdict(set)
    for row in ALL:
        parts[row["doc"]].add(row["split"])
    assert {split for splits in parts.values() for split in splits} == {"train", "dev", "test"}
    assert all(len(splits) == 1 for splits in parts.values()), [d for d, s in parts.items() if len(s) > 1]
    # ``doc`` is written by hand beside ``source``: a source (without its "#field") in two parts is one document
    # under two names.
    sources: dict[str, set[str]] = defaultdict(set)
    for row in ALL:
        sources[row["source"].split("#", 1)[0]].add(row["split"])
    assert all(len(splits) == 1 for splits in sources.values()), [d for d, s in sources.items() if len(s) > 1]
    # The same sentence from two documents (boilerplate) would put test text into train all the same.
    texts: dict[str, set[str]] = defaultdict(set)
    for snippet in load_corpus(CORPUS):  # the shared sentences too, when their file is there
        texts[" ".join(snippet.text.split()).casefold()].add(snippet.split)
    assert all(len(splits) == 1 for splits in texts.values()), [t for t, s in texts.items() if len(s) > 1]


def test_test_holds_only_real_text_and_nothing_the_rules_were_written_against() -> None:
    test = [row for row in ALL if row["split"] == "test"]
    assert test and all(row["kind"] == "real" for row in test)
    assert not any(row["source"].startswith(("written:", "clauses.md")) for row in test)
    assert not any(str(row.get("id", "")).startswith("dev-") for row in test)  # the earlier development set


def test_size_and_make_up_as_the_labelling_rules_ask() -> None:
    assert len(ALL) >= 1000
    assert sum(row["kind"] == "real" for row in ALL) / len(ALL) >= 0.80
    labelled = [row for row in ALL if row.get("near_miss") is not None]
    assert sum(bool(row["near_miss"]) for row in labelled) / len(ALL) >= 1 / 3
    positives = Counter(label for row in ALL for label in row["labels"])
    assert all(positives[label] >= 30 for label in LABELS), positives
    assert {row["lang"] for row in ALL} == set(LANGUAGES)
    assert len({row.get("id") or row["ref"] for row in ALL}) == len(ALL)
    assert all(set(row["labels"]) <= set(LABELS) and row["source"] for row in ALL)


def test_each_split_has_every_label() -> None:
    for split in ("dev", "test"):
        counts = Counter(label for row in ALL if row["split"] == split for label in row["labels"])
        assert all(counts[label] >= 10 for label in LABELS), (split, counts)


def test_shared_sentences_are_read_from_their_shared_file() -> None:
    if not (SHARED_DATA / "clauses" / "sentences.jsonl").is_file():
        pytest.skip(f"{SHARED_DATA} not found (it is beside the project in CI)")
    loaded = {s.id: s for s in load_corpus(CORPUS)}
    assert all(ref["ref"] in loaded and loaded[ref["ref"]].text for ref in REFS)
    assert not any("text" in ref for ref in REFS)  # not copied into the project


def test_the_real_prevalence_sample_is_every_sentence_of_unlabelled_notices() -> None:
    sample = load_prevalence(CORPUS / "prevalence.jsonl")
    assert len(sample) >= 300 and len({s.doc for s in sample}) >= 20
    labelled_docs = {row["doc"] for row in ALL}
    assert not labelled_docs & {s.doc for s in sample}
    assert sum(bool(s.labels) for s in sample) / len(sample) < 0.1  # clauses are rare in real notices


def test_the_candidate_batch_is_kept_apart_and_shares_no_document_with_the_corpus() -> None:
    # candidates.jsonl: labelled by one reader each, not yet reviewed, and not read by training or evaluation. It
    # must stay mergeable: a document of dev or test in it would leak held-out text into train on merging.
    rows = [json.loads(line) for line in (CORPUS / "candidates.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 500 and {row["split"] for row in rows} == {"candidate"}
    assert all(set(row["labels"]) <= set(LABELS) and row["lang"] in LANGUAGES for row in rows)
    assert all(row["source"].startswith("https://") or row["source"].startswith("http://") for row in rows)

    def page(address: str) -> str:
        return address.split("#", 1)[0].split("?", 1)[0].rstrip("/").replace("://www.", "://").split("://", 1)[-1]

    assert not {page(row["doc"]) for row in rows} & {page(row["doc"]) for row in ALL}
    held = load_corpus(CORPUS) + load_prevalence(CORPUS / "prevalence.jsonl")
    known = {" ".join(s.text.split()).casefold() for s in held}
    assert not [row["id"] for row in rows if " ".join(row["text"].split()).casefold() in known]
    # And the batch stays out of the corpus file itself, whose rows training and evaluation read by split.
    assert not {row["split"] for row in ALL} & {"candidate"}
    assert not {row["id"] for row in rows} & {row["id"] for row in ROWS}
    assert len({row["id"] for row in rows}) == len(rows)


def test_the_second_reading_covers_dev_and_test_and_nothing_else() -> None:
    # The second reader's figure is the ceiling the held-out figures are read against: it must be over the same
    # snippets, and never over train (whose labels the rules and model were written from).
    second = [json.loads(line) for line in (CORPUS / "second_reading.jsonl").read_text(encoding="utf-8").splitlines()]
    held_out = {str(row.get("id") or row["ref"]): row["split"] for row in ALL if row["split"] in ("dev", "test")}
    assert sorted(row["ref"] for row in second) == sorted(held_out)
    assert all(row["split"] == held_out[row["ref"]] and set(row["labels"]) <= set(LABELS) for row in second)


@pytest.mark.parametrize(("content", "said"), [(b'{"id": "a"}\nnot json\n', ", line 2: not a snippet"),
                                               (b"[1, 2]\n", ", line 1: not a snippet"),
                                               (b"\xff\xfe", ": not readable as UTF-8")])  # fmt: skip
def test_a_broken_corpus_file_is_named_with_its_line(tmp_path: Path, content: bytes, said: str) -> None:
    from jobs.clause_corpus import CorpusError

    (tmp_path / "corpus.jsonl").write_bytes(content)
    with pytest.raises(CorpusError, match=f"corpus.jsonl{said}"):
        load_corpus(tmp_path, shared=tmp_path / "none.jsonl")


def test_a_corpus_folder_without_its_file_says_so(tmp_path: Path) -> None:
    from jobs.clause_corpus import CorpusError

    with pytest.raises(CorpusError, match=r"corpus.jsonl: cannot be read \(No such file or directory\)"):
        load_corpus(tmp_path, shared=tmp_path / "none.jsonl")


def test_a_snippet_without_a_field_is_named(tmp_path: Path) -> None:
    from jobs.clause_corpus import CorpusError

    (tmp_path / "corpus.jsonl").write_text('{"id": "x1", "lang": "nl", "text": "Tekst.", "labels": []}\n')
    with pytest.raises(CorpusError, match="snippet x1: missing or unreadable field 'split'"):
        load_corpus(tmp_path, shared=tmp_path / "none.jsonl")
    # A line separator inside a string is text, not the end of a line.
    row = {"id": "x2", "lang": "en", "text": "One\u2028two", "labels": [], "split": "train", "kind": "real",
           "source": "s", "doc": "d"}  # fmt: skip
    (tmp_path / "corpus.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert [s.text for s in load_corpus(tmp_path, shared=tmp_path / "none.jsonl")] == ["One\u2028two"]
    # The real-prevalence sample is read the same way: a sentence without its source is named, not a KeyError.
    del row["split"], row["kind"], row["source"]
    (tmp_path / "prevalence.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="prevalence.jsonl: snippet x2: missing or unreadable field 'source'"):
        load_prevalence(tmp_path / "prevalence.jsonl")
    (tmp_path / "prevalence.jsonl").write_text(json.dumps({**row, "source": "s", "labels": ["sroi"]}) + "\n")
    with pytest.raises(CorpusError, match=r"prevalence.jsonl: x2: unknown label in \('sroi',\)"):
        load_prevalence(tmp_path / "prevalence.jsonl")


def test_a_broken_row_is_found_whatever_split_is_asked_for(tmp_path: Path) -> None:
    from jobs.clause_corpus import CorpusError

    good = {"id": "d1", "lang": "nl", "text": "Tekst.", "labels": [], "split": "dev", "kind": "real", "source": "s",
            "doc": "d"}  # fmt: skip
    broken = {**good, "id": "t1", "split": "train"}
    del broken["source"]
    (tmp_path / "corpus.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(broken) + "\n")
    with pytest.raises(CorpusError, match=r"corpus.jsonl: snippet t1: missing or unreadable field 'source'"):
        load_corpus(tmp_path, splits=("dev",), shared=tmp_path / "none.jsonl")
    # A reference to a shared sentence that names no sentence is named too, with its file.
    (tmp_path / "corpus.jsonl").write_text(json.dumps(good) + "\n")
    (tmp_path / "none.jsonl").write_text(json.dumps({"id": "s1", "text": "Gedeeld."}) + "\n")
    (tmp_path / "shared_sentences.jsonl").write_text(json.dumps({**good, "ref": "s1"}) + "\n")
    with pytest.raises(CorpusError, match=r"shared_sentences.jsonl: s1: 'ref' is not"):
        load_corpus(tmp_path, shared=tmp_path / "none.jsonl")
    (tmp_path / "shared_sentences.jsonl").write_text(json.dumps({**good, "ref": "shared:s1"}) + "\n")
    assert [s.id for s in load_corpus(tmp_path, shared=tmp_path / "none.jsonl")] == ["d1", "shared:s1"]


def test_make_model_on_a_broken_corpus_ends_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text('{"id": "x1", "lang": "nl", "text": "Tekst.", "labels": []}\n')
    project = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "jobs.clause_training", str(tmp_path), str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=project)
    said = f"make model: {tmp_path / 'corpus.jsonl'}: snippet x1: missing or unreadable field 'split'"
    assert (done.returncode, done.stderr.strip()) == (1, said)
    assert not (tmp_path / "out").exists()
