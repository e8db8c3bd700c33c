"""Parsing documents for a crawl, on every core when there are many (local folders, TED packages).

``parse_one`` is pure and picklable: a crawl of 20 000 files parses them in worker processes while the crawl's own
process reads files and stores notices, instead of doing all three on one core.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from crawler.archives import read_file
from crawler.exceptions import NotATenderError, ParseError
from crawler.lifetime import start_worker
from crawler.parsers import parse_parts
from storage.rows import NoticeRow

logger = logging.getLogger(__name__)
# (body, document name, key in the retry queue); a body that is a Path is read by whoever parses it, so a
# folder's files are read in the workers, not all in the crawl's own process.
Document = tuple[bytes | Path | ParseError, str, str]

# Part of every content hash: a parser change makes stored notices count as changed, so they are re-parsed.
PARSER_VERSION = b"kansenradar-parsers-10"
BATCH = 48  # documents per task: enough to amortise the hand-over between processes
INLINE = 400  # a crawl with fewer documents than this parses them itself: starting workers costs more
GRACE = 5.0  # seconds a batch may stay unanswered after a worker died, before it is parsed here
# Bytes held before parsing starts, and per batch: archive members arrive as bytes (up to 64 MiB each), and 400 of
# them held at once, or 32 batches of 48 in flight, were gigabytes for an archive of highly compressible members.
HEAD_BYTES = 64 * 2**20
BATCH_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Parsed:
    """One document's notices, as rows ready to store (made in the worker: cheap to hand over, encoded once), or
    why it has none."""

    document: str
    key: str
    rows: tuple[NoticeRow, ...] = ()
    error: ParseError | None = None
    skipped: bool = False
    # Parts that could not be read beside rows that could (a bad release in an OCDS package page).
    part_errors: tuple[ParseError, ...] = ()


def parse_one(body: bytes | Path | ParseError, document: str, key: str, source: str) -> Parsed:
    """Parse one document; errors are returned, not raised, so a batch in a worker never stops at one."""
    if isinstance(body, Path):
        body = read_file(body)
    if isinstance(body, ParseError):
        return Parsed(document, key, error=body)
    try:
        records, part_errors = parse_parts(body, name=document, source=source)
    except NotATenderError as exc:
        return Parsed(document, key, error=exc, skipped=True)
    except ParseError as exc:
        return Parsed(document, key, error=exc)
    # A document with one notice is recognised unchanged by its bytes; the notices of a package by their records.
    digest = hashlib.sha256(PARSER_VERSION + body).hexdigest() if len(records) == 1 else None
    return Parsed(document, key, tuple(NoticeRow.of(record, digest) for record in records),
                  part_errors=tuple(part_errors))  # fmt: skip


def parse_batch(batch: list[Document], source: str) -> list[Parsed]:
    """Parse a batch of ``(body, document, key)`` (run in a worker process)."""
    return [parse_one(body, document, key, source) for body, document, key in batch]


_POOLS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _pool_lock() -> asyncio.Lock:
    # One lock per event loop (a lock is bound to the loop it first waited in).
    return _POOLS.setdefault(asyncio.get_running_loop(), asyncio.Lock())


def workers() -> int:
    """Return how many worker processes to parse with by default: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


async def parse_all(documents: Iterable[Document], source: str, *, processes: int | None = None,
                    ) -> AsyncIterator[Parsed]:  # fmt: skip
    """Yield every document parsed, in order: a small crawl here, a large one in ``processes`` worker processes too
    (default: one per core; 1 parses everything here).

    At most a few batches are in flight, so memory stays flat however many documents a folder holds.
    """
    count = processes or workers()
    iterator = iter(documents)
    head = _take(iterator, INLINE, HEAD_BYTES)
    exhausted = len(head) < INLINE and _size(head) < HEAD_BYTES
    if exhausted or count < 2:
        for body, document, key in chain(head, iterator):
            yield parse_one(body, document, key, source)
        return
    async for parsed in _in_workers(head, iterator, source, count):
        yield parsed


def _size(documents: list[Document]) -> int:
    return sum(len(body) for body, _document, _key in documents if isinstance(body, bytes))


def _take(iterator: Iterator[Document], most: int, most_bytes: int) -> list[Document]:
    """Return up to ``most`` documents, fewer once their bytes reach ``most_bytes``."""
    taken: list[Document] = []
    held = 0
    for document in islice(iterator, most):
        taken.append(document)
        held += len(document[0]) if isinstance(document[0], bytes) else 0
        if held >= most_bytes:
            break
    return taken


def _batches(iterator: Iterator[Document]) -> Iterator[list[Document]]:
    while batch := _take(iterator, BATCH, BATCH_BYTES):
        yield batch


async def _in_workers(head: list[Document], iterator: Iterator[Document], source: str, count: int,
                      ) -> AsyncIterator[Parsed]:  # fmt: skip
    loop = asyncio.get_running_loop()
    # Enough batches queued that the workers keep going while this process stores a batch of notices; capped so
    # that a machine with many cores does not hold thousands of documents in flight.
    depth = min(4 * count, 32)
    # A batch with no future is parsed here: the workers stopped (out of memory, killed).
    pending: deque[tuple[asyncio.Future[list[Parsed]] | None, list[Document]]] = deque()
    broken = False

    def stop(exc: BaseException) -> None:
        nonlocal broken
        if not broken:
            logger.warning("Parsing workers stopped (%s); parsing in this process", exc)
        broken = True

    def submit(pool: ProcessPoolExecutor, batch: list[Document]) -> None:
        future = None
        if not broken:
            try:
                future = loop.run_in_executor(pool, parse_batch, batch, source)
            except (BrokenExecutor, OSError) as exc:  # the pool broke, or a worker could not be started
                stop(exc)
        pending.append((future, batch))

    async def take(pool: ProcessPoolExecutor) -> list[Parsed]:
        future, batch = pending.popleft()
        if future is not None and not broken:
            try:
                return await _answer(pool, future)
            except (BrokenExecutor, OSError) as exc:
                # A worker that died costs speed, not notices: its batch is parsed here.
                stop(exc)
        return parse_batch(batch, source)

    batches = _batches(iterator)
    # spawn: a fork of a process running Twisted and SQLAlchemy would inherit their threads and sockets. One pool
    # at a time: Scrapy runs the callbacks of two downloaded packages side by side, and two pools of a worker per
    # core would only compete for the same cores (and hold two packages' documents in flight).
    async with _pool_lock():
        pool = ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn"), initializer=start_worker,
                                  initargs=(os.getpid(),))  # fmt: skip
        try:
            # The first batches go out before the head is parsed here, so the workers start (a second interpreter
            # each) while this process works instead of after it.
            for batch in islice(batches, depth):
                submit(pool, batch)
            for body, document, key in head:
                yield parse_one(body, document, key, source)
            for batch in batches:
                submit(pool, batch)
                while len(pending) > depth:
                    for parsed in await take(pool):
                        yield parsed
            while pending:
                for parsed in await take(pool):
                    yield parsed
        finally:
            _close(pool, ended=broken)


def _processes(pool: ProcessPoolExecutor) -> list[Any]:
    # The executor keeps its workers private; only they tell that one died while the executor did not notice.
    return list((getattr(pool, "_processes", None) or {}).values())


async def _answer(pool: ProcessPoolExecutor, future: asyncio.Future[list[Parsed]]) -> list[Parsed]:
    """Return a batch's result; raise ``BrokenExecutor`` when a worker died and the executor never answers.

    A worker killed while it writes a result leaves half a message in the result pipe: the executor then waits for
    the rest for ever, its futures unanswered (CPython's ProcessPoolExecutor; the kernel's OOM killer does this).
    """
    loop = asyncio.get_running_loop()
    died: float | None = None
    while True:
        done, _ = await asyncio.wait({future}, timeout=0.5)
        if done:
            return future.result()
        if died is None and any(p.exitcode is not None for p in _processes(pool)):
            died = loop.time()
        if died is not None and loop.time() - died > GRACE:
            raise BrokenExecutor("a parsing worker died and the pool stopped answering")


def _close(pool: ProcessPoolExecutor, *, ended: bool) -> None:
    """Shut the pool down; one that stopped working (``ended``, maybe without noticing) is ended, not waited for."""
    if not ended:
        pool.shutdown(wait=True)
        return
    # Taken first: shutting down drops the executor's references to them.
    results, calls = getattr(pool, "_result_queue", None), getattr(pool, "_call_queue", None)
    for process in _processes(pool):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    # Its manager may wait for the rest of half a message: with no writer left the pipe ends, and it stops.
    if results is not None:
        results._writer.close()
    # Nor may the tasks it still holds for workers that are gone keep this process from exiting.
    if calls is not None:
        calls.cancel_join_thread()
