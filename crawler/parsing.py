"""Parsing documents for a crawl, on every core when there are many (local folders, TED packages).

``parse_one`` is pure and picklable: a crawl of 20 000 files parses them in worker processes while the crawl's own
process reads files and stores notices, instead of doing all three on one core.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from crawler.archives import read_file
from crawler.exceptions import NotATenderError, ParseError
from crawler.parsers import parse_document
from storage.records import NoticeRecord
from storage.types import EncodedJSON

logger = logging.getLogger(__name__)
# (body, document name, key in the retry queue); a body that is a Path is read by whoever parses it, so a
# folder's files are read in the workers, not all in the crawl's own process.
Document = tuple[bytes | Path | ParseError, str, str]

# Part of every content hash: a parser change makes stored notices count as changed, so they are re-parsed.
PARSER_VERSION = b"kansenradar-parsers-4"
BATCH = 48  # documents per task: enough to amortise the hand-over between processes
INLINE = 400  # a crawl with fewer documents than this parses them itself: starting workers costs more


@dataclass(frozen=True)
class Parsed:
    """One document's notices (with the raw document's hash when it holds exactly one), or why it has none."""

    document: str
    key: str
    records: tuple[NoticeRecord, ...] = ()
    digest: str | None = None
    # Each record's JSON, encoded here (in a worker) so the storing process does not do it again.
    encoded: tuple[EncodedJSON, ...] = ()
    error: ParseError | None = None
    skipped: bool = False


def parse_one(body: bytes | Path | ParseError, document: str, key: str, source: str) -> Parsed:
    """Parse one document; errors are returned, not raised, so a batch in a worker never stops at one."""
    if isinstance(body, Path):
        body = read_file(body)
    if isinstance(body, ParseError):
        return Parsed(document, key, error=body)
    try:
        records = parse_document(body, name=document, source=source)
    except NotATenderError as exc:
        return Parsed(document, key, error=exc, skipped=True)
    except ParseError as exc:
        return Parsed(document, key, error=exc)
    digest = hashlib.sha256(PARSER_VERSION + body).hexdigest() if len(records) == 1 else None
    encoded = tuple(EncodedJSON(record.model_dump_json()) for record in records)
    return Parsed(document, key, tuple(records), digest, encoded)


def parse_batch(batch: list[Document], source: str) -> list[Parsed]:
    """Parse a batch of ``(body, document, key)`` (run in a worker process)."""
    return [parse_one(body, document, key, source) for body, document, key in batch]


def workers() -> int:
    """Return how many worker processes to parse with: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


async def parse_all(documents: Iterable[Document], source: str) -> AsyncIterator[Parsed]:
    """Yield every document parsed, in order: the first ``INLINE`` here, the rest in worker processes.

    At most a few batches are in flight, so memory stays flat however many documents a folder holds.
    """
    iterator = iter(documents)
    head = [doc for _, doc in zip(range(INLINE), iterator, strict=False)]
    for body, document, key in head:
        yield parse_one(body, document, key, source)
    if len(head) < INLINE or workers() < 2:
        for body, document, key in iterator:
            yield parse_one(body, document, key, source)
        return
    async for parsed in _in_workers(iterator, source):
        yield parsed


async def _in_workers(iterator: Iterable[Document], source: str) -> AsyncIterator[Parsed]:
    loop = asyncio.get_running_loop()
    count = workers()
    pending: deque[tuple[asyncio.Future[list[Parsed]], list[Document]]] = deque()
    broken = False

    async def take() -> list[Parsed]:
        nonlocal broken
        future, batch = pending.popleft()
        try:
            return await future
        except (BrokenExecutor, OSError) as exc:
            # A worker that died (out of memory, killed) costs speed, not notices: its batch is parsed here.
            if not broken:
                logger.warning("Parsing workers stopped (%s); parsing in this process", exc)
            broken = True
            return parse_batch(batch, source)

    # spawn: a fork of a process running Twisted and SQLAlchemy would inherit their threads and sockets.
    with ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn")) as pool:
        batch: list[Document] = []
        for item in iterator:
            batch.append(item)
            if len(batch) < BATCH:
                continue
            if broken:
                for parsed in parse_batch(batch, source):
                    yield parsed
            else:
                pending.append((loop.run_in_executor(pool, parse_batch, batch, source), batch))
            batch = []
            while len(pending) > 2 * count:
                for parsed in await take():
                    yield parsed
        if batch:
            pending.append((loop.run_in_executor(pool, parse_batch, batch, source), batch))
        while pending:
            for parsed in await take():
                yield parsed
