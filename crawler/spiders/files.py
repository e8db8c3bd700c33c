"""Local files, folders and archives through the same parsers and pipeline."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.archives import files_in, is_archive, iter_archive, iter_path, read_file
from crawler.base import TenderSpider, by_container
from crawler.exceptions import ParseError, SpiderArgumentError
from crawler.parsing import Document, parse_all
from storage.repository import FailedDocument

logger = logging.getLogger(__name__)


class Files(TenderSpider):
    """
    Source
        Paths on this machine: notice files (``.xml``, ``.json``), folders (recursively) and archives
        (``.zip``, ``.tar``, ``.tar.gz``).
    Notice types
        Whatever the files hold: eForms, TED XML, OCDS packages, TenderNed JSON.
    Spider arguments
        ``paths`` (newline-separated), ``since``/``until`` (keep only notices published in that window).
    Caveats
        Reads each file into memory; archive members over 64 MiB are refused.
    """

    name = "files"
    # TenderSpider
    source = "file"

    def __init__(self, *args: Any, paths: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = [Path(p) for p in str(paths or "").splitlines() if p.strip()]
        self.passed_over = 0  # documents given up on earlier, unchanged since, not read again
        if not self.paths:
            raise SpiderArgumentError("paths: give at least one file, folder or archive")

    def _documents(self) -> Iterator[Document]:
        for path in self.paths:
            if not path.exists():
                self.listing_failed(str(path), "no such file or folder")
                continue
            for file in files_in(path):
                # A document the retry queue read again in this crawl is not read twice (nor counted twice); nor is an
                # archive it read whole (queued as its own member: it could not be opened).
                if str(file) in self.retrying or f"{file}#{file}" in self.retrying:
                    continue
                # A file named on its own is read whatever the queue says: the operator asked for it.
                listed = path.is_dir()
                if not is_archive(file.name):
                    if not (listed and self._passed_over(str(file), file)):
                        yield file, str(file), str(file)  # read where it is parsed
                    continue
                data = read_file(file)
                if isinstance(data, ParseError):
                    if not (listed and self._passed_over(f"{file}#{file}", file)):
                        yield data, str(file), str(file)
                    continue
                for document, body in iter_archive(data, name=str(file)):
                    key = f"{file}#{document}"
                    if key not in self.retrying and not (listed and self._passed_over(key, file)):
                        yield body, document, key

    def _passed_over(self, key: str, file: Path) -> bool:
        """Return whether the document ``key`` of ``file`` is passed over: given up on, and its file unchanged since
        it was last tried. A drop folder is read whole every day: a broken file in it failed (and failed the run)
        again every day after the retry queue had given up on it."""
        tried = self.given_up.get(key)
        if tried is None:
            return False
        try:
            status = file.stat()
        except OSError:
            return False  # gone since it was listed: reading it says so
        # The change time too: a copy that keeps its old modification time (cp -p, rsync -a, unzip) or a file
        # renamed into place still changes it, and it cannot be set back.
        if datetime.fromtimestamp(max(status.st_mtime, status.st_ctime), UTC) > tried:
            return False
        self.passed_over += 1
        return True

    async def listing(self) -> AsyncIterator[Any]:
        # A folder of thousands of notices is parsed on every core; this process reads and stores.
        async for parsed in parse_all(self._documents(), self.source, processes=self.parse_processes):
            for item in self.items_of(parsed, filter_dates=True):
                yield item
        if self.passed_over:
            logger.warning("Passed over %d document(s) given up on earlier and unchanged since (`kansenradar runs "
                           "--failed` lists them; a changed file is read again)", self.passed_over)  # fmt: skip

    def retries(self, entries: list[FailedDocument]) -> Iterator[Any]:
        # A document of a file crawl is re-read from disk, if it is still there; the queued members of an archive
        # from one reading of it. An archive queued whole (it could not be read) takes every member it holds.
        for archive, queued in by_container(entries).items():
            path = Path(archive)
            if not path.exists():
                for entry in queued:
                    yield from self.notice_items(ParseError(entry.document, "no such file any more"),
                                                 document=entry.document, key=entry.key)  # fmt: skip
                continue
            # An archive that could not be opened was queued under its own name as the member: it stands for all.
            by_member = {("" if member == archive else member): entry
                         for entry in queued for member in [entry.key.partition("#")[2]]}  # fmt: skip
            whole = by_member.get("")
            for name, body in iter_path(path):
                # A member queued on its own as well as in its whole archive is parsed once, under its own entry;
                # the archive's entry is settled by the reading, as by its other members.
                entry = by_member.get(name) or whole
                if entry is None:
                    continue
                if whole is not None and entry is not whole:
                    self._resolve(whole.key)
                yield from self.notice_items(body, document=name, key=entry.key)
