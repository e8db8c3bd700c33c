"""Local files, folders and archives through the same parsers and pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from crawler.archives import is_archive, iter_path
from crawler.base import TenderSpider
from crawler.exceptions import ParseError, SpiderArgumentError


def file_key(document: str) -> str:
    """Return a document's key in the retry queue: its path, or "<archive>#<member label>" inside an archive."""
    path = Path(document)
    if path.is_file():
        return document
    for parent in path.parents:
        if is_archive(parent.name) and parent.is_file():
            return f"{parent}#{document}"
    return document


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
        if not self.paths:
            raise SpiderArgumentError("paths: give at least one file, folder or archive")

    async def listing(self) -> AsyncIterator[Any]:
        for path in self.paths:
            if not path.exists():
                self.listing_failed(str(path), "no such file or folder")
                continue
            for document, body in iter_path(path):
                for item in self.notice_items(body, document=document, filter_dates=True, key=file_key(document)):
                    yield item

    def retry(self, key: str, document: str, publication_date: date | None) -> Iterator[Any]:
        # A document of a file crawl is re-read from disk, if it is still there; an archive member from its archive.
        archive, _, member = key.partition("#")
        path = Path(archive)
        if not path.exists():
            yield from self.notice_items(ParseError(document, "no such file any more"), document=document, key=key)
            return
        for name, body in iter_path(path):
            if not member or name == member:
                yield from self.notice_items(body, document=name, key=key)
