"""Parsing a large crawl on every core: every document once, in order, whatever happens to the workers."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import crawler.parsing
from crawler import parsing
from crawler.archives import files_in
from crawler.exceptions import NotATenderError, ParseError
from crawler.parsing import INLINE, Parsed, parse_all, parse_one

DEMO = Path(__file__).resolve().parents[2] / "jobs" / "demo_data" / "notices"
COUNT = INLINE + 600  # the head parsed here, then a dozen batches in the workers


class CountingPool(ProcessPoolExecutor):
    """The real pool, remembered so a test can see it was used (and can kill its workers)."""

    made: list[CountingPool] = []

    alive = 0
    most_alive = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submitted = 0
        CountingPool.made.append(self)
        CountingPool.alive += 1
        CountingPool.most_alive = max(CountingPool.most_alive, CountingPool.alive)

    def shutdown(self, *args: Any, **kwargs: Any) -> None:
        super().shutdown(*args, **kwargs)
        CountingPool.alive -= 1

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        return super().submit(*args, **kwargs)


def _documents() -> list[tuple[Path, str, str]]:
    files = sorted(DEMO.glob("*.xml"))
    return [(files[n % len(files)], f"doc-{n:05d}", f"doc-{n:05d}") for n in range(COUNT)]


def _with_bad_ones(tmp_path: Path) -> list[tuple[Any, str, str]]:
    """Return the documents with, past the head, a broken one, a notice that is no tender and an unreadable one."""
    broken, registration = tmp_path / "broken.xml", tmp_path / "registration.xml"
    broken.write_bytes(b"<unclosed")
    registration.write_bytes(b'<BusinessRegistrationInformationNotice xmlns="urn:x"/>')
    documents: list[tuple[Any, str, str]] = list(_documents())
    documents[INLINE + 10] = (broken, "broken", "broken")
    documents[INLINE + 20] = (registration, "registration", "registration")
    documents[INLINE + 30] = (ParseError("huge.xml", "archive member larger than 64 MiB refused"), "huge", "huge")
    return documents


async def _collect(documents: list[tuple[Path, str, str]], kill_after: int | None = None,
                   processes: int | None = None) -> list[Parsed]:  # fmt: skip
    results = []
    async for parsed in parse_all(documents, "file", processes=processes):
        results.append(parsed)
        if len(results) == kill_after:
            # Killed as the kernel kills a worker out of memory.
            for process in list(CountingPool.made[-1]._processes.values()):
                process.kill()
    return results


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> None:
    CountingPool.made.clear()
    monkeypatch.setattr(crawler.parsing, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(crawler.parsing, "workers", lambda: 2)


@pytest.mark.usefixtures("pool")
def test_a_large_crawl_is_parsed_in_workers_in_order_as_here(tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    documents = _with_bad_ones(tmp_path)
    with caplog.at_level(logging.WARNING, logger="crawler.parsing"):
        results = asyncio.run(_collect(documents))
    # Bad documents come back as errors from the workers, which keep going (an error that could not cross back
    # from a worker used to break the pool, and the rest was parsed on one core).
    assert "Parsing workers stopped" not in caplog.text
    assert [parsed.document for parsed in results] == [document for _body, document, _key in documents]
    (made,) = CountingPool.made
    assert made.submitted >= (COUNT - INLINE) // crawler.parsing.BATCH
    for parsed, (body, document, key) in zip(results, documents, strict=True):
        expected = parse_one(body, document, key, "file")
        assert (parsed.rows, parsed.skipped, str(parsed.error)) == (
            expected.rows,
            expected.skipped,
            str(expected.error),
        )
    errors = {parsed.document: (parsed.skipped, parsed.error.reason) for parsed in results if parsed.error}
    assert errors == {
        "broken": (False, errors["broken"][1]),
        "registration": (True, errors["registration"][1]),
        "huge": (False, "archive member larger than 64 MiB refused"),
    }
    assert "not well-formed" in errors["broken"][1] and "business registration" in errors["registration"][1]


@pytest.mark.usefixtures("pool")
def test_two_large_documents_sets_at_once_take_turns_with_one_pool() -> None:
    # Scrapy runs the callbacks of two downloaded packages side by side; each would start a worker per core.
    CountingPool.alive = CountingPool.most_alive = 0
    first, second = _documents(), [(body, f"b-{doc}", key) for body, doc, key in _documents()]

    async def both() -> tuple[list[Parsed], list[Parsed]]:
        return await asyncio.gather(_collect(first), _collect(second))

    got_first, got_second = asyncio.run(both())
    assert [p.document for p in got_first] == [d for _b, d, _k in first]
    assert [p.document for p in got_second] == [d for _b, d, _k in second]
    assert len(CountingPool.made) == 2 and CountingPool.most_alive == 1


def test_parse_errors_cross_between_processes() -> None:
    for error in (ParseError("a.xml", "not well-formed XML"), NotATenderError("b.xml", "not a tender")):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), again.name, again.reason, str(again)) == (
            type(error),
            error.name,
            error.reason,
            str(error),
        )


@pytest.mark.usefixtures("pool")
def test_workers_that_die_lose_no_document(caplog: pytest.LogCaptureFixture) -> None:
    documents = _documents()
    with caplog.at_level(logging.WARNING, logger="crawler.parsing"):
        results = asyncio.run(_collect(documents, kill_after=INLINE + 50))
    assert [parsed.document for parsed in results] == [document for _body, document, _key in documents]
    assert all(parsed.error is None and len(parsed.rows) == 1 for parsed in results)
    assert "Parsing workers stopped" in caplog.text


def _die_writing(path: str) -> Path:
    """Unpickled in a worker: write the start of a result and die there, holding the result pipe's lock, as a worker
    the OOM killer stops in the middle of a write (the executor then waits for the rest of the message for ever)."""
    frame = sys._getframe()
    while frame is not None and "result_queue" not in frame.f_locals:
        frame = frame.f_back
    if frame is None:  # not reached in a worker; were it, the pool would not get stuck and the test would fail
        return Path(path)
    results = frame.f_locals["result_queue"]
    results._wlock.acquire()  # never released: the other workers cannot write either
    os.write(results._writer.fileno(), struct.pack("!i", 4096) + b"half a res")
    os._exit(9)


class DiesWriting(type(Path())):  # type: ignore[misc]
    """A document that kills the worker it reaches half-way through writing a result."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return _die_writing, (str(self),)


def stuck_pool_scenario() -> None:
    """Parse a large crawl in which a worker dies half-way through a result; exit 0 when every document came back
    in order and the process can end (run in a subprocess: a regression hangs instead of failing)."""
    logging.basicConfig(level=logging.WARNING)
    documents: list[tuple[Any, str, str]] = list(_documents())
    body, document, key = documents[INLINE + 100]
    documents[INLINE + 100] = (DiesWriting(body), document, key)
    results = asyncio.run(_collect(documents, processes=2))
    assert [parsed.document for parsed in results] == [document for _body, document, _key in documents]
    assert all(parsed.error is None and len(parsed.rows) == 1 for parsed in results)


def test_a_worker_killed_while_writing_its_result_stops_neither_crawl_nor_exit() -> None:
    root = Path(__file__).resolve().parents[2]
    script = "from tests.crawler.test_parsing import stuck_pool_scenario; stuck_pool_scenario()"
    # A session of its own, so that a hang is ended with its workers (one waits for ever on the lock left held).
    with subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as process:  # fmt: skip
        try:
            _out, err = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _out, err = process.communicate()
            pytest.fail(f"the crawl or its exit hung on the half-written result: {err!r}")
    assert process.returncode == 0, err
    assert "Parsing workers stopped" in err and "pool stopped answering" in err


def test_a_small_crawl_starts_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("workers started for a small crawl")

    monkeypatch.setattr(crawler.parsing, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(crawler.parsing, "workers", lambda: 2)  # cores enough: only the size keeps workers away
    documents = _documents()[: INLINE - 1]
    assert len(asyncio.run(_collect(documents))) == INLINE - 1


@pytest.mark.usefixtures("pool")
def test_a_crawl_past_the_inline_size_starts_workers() -> None:
    assert len(asyncio.run(_collect(_documents()[: INLINE + 1]))) == INLINE + 1
    (made,) = CountingPool.made
    assert made.submitted == 1  # the one document past the head


def test_one_process_asked_for_parses_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("workers started although one process was asked for")

    monkeypatch.setattr(crawler.parsing, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(crawler.parsing, "workers", lambda: 2)  # cores enough: only processes=1 keeps workers away
    assert len(asyncio.run(_collect(_documents(), processes=1))) == COUNT


@pytest.mark.usefixtures("pool")
def test_the_workers_are_as_many_as_asked_for() -> None:
    asyncio.run(_collect(_documents(), processes=3))
    assert CountingPool.made[-1]._max_workers == 3


def test_kansenradar_workers_reaches_the_spiders() -> None:
    from crawler.spiders.files import Files
    from jobs.crawl import scrapy_settings
    from jobs.settings import Settings

    for workers, expected in ((3, 3), (None, None)):
        spider = Files(paths="x")
        spider.settings = scrapy_settings(Settings(database_url="sqlite://", workers=workers))
        assert spider.parse_processes == expected


def test_folders_are_listed_in_path_order(tmp_path: Path) -> None:
    for name in ("b.xml", "a.xml", "a/z.xml", "a/b/c.json", "B.zip", "a-b/x.xml", "notes.txt", "a/.hidden.xml"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<x/>")
    (tmp_path / "empty").mkdir()
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".xml", ".json", ".zip"))
    assert list(files_in(tmp_path)) == expected
    assert list(files_in(tmp_path / "b.xml")) == [tmp_path / "b.xml"]


def test_ted_child_paths_are_searched_as_lxml_does() -> None:
    from lxml import etree

    from crawler.parsers.tedxml import _all, _find

    root = etree.fromstring(b"<R xmlns='urn:t'><A/><A><B>1</B><B>2</B></A><C/><A><B>3</B></A></R>")
    # The first A has no B: the search goes on to the next parents, as find() and findall() do.
    assert _find(root, "{*}A/{*}B") is root.find("{*}A/{*}B")
    assert _all(root, "{*}A/{*}B") == root.findall("{*}A/{*}B")
    assert [b.text for b in _all(root, "{*}A/{*}B")] == ["1", "2", "3"]
    assert _find(root, "{*}C/{*}B") is None and _find(None, "{*}A") is None and _all(root, "{*}Z") == []


def test_documents_held_before_parsing_are_bounded_by_their_bytes() -> None:
    # 400 archive members of 60 MiB each were held before the workers started (25 GB for a 25 MB zip of spaces).
    big = [(b" " * 2**20, f"{n}.xml", f"{n}.xml") for n in range(100)]
    iterator = iter(big)
    head = parsing._take(iterator, parsing.INLINE, 8 * 2**20)
    assert len(head) == 8 and next(iterator)[1] == "8.xml"  # the rest waits in the iterator, none lost
    assert [len(batch) for batch in parsing._batches(iter(big[:40]))] == [16, 16, 8]  # BATCH_BYTES: 16 MiB
