"""Local files, folders and archives through the same parsers and pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from crawler.archives import iter_path
from crawler.base import TenderSpider
from crawler.exceptions import ParseError, SpiderArgumentError


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

    async def start(self) -> AsyncIterator[Any]:
        for path in self.paths:
            if path.exists():
                documents = iter_path(path)
            else:
                self._count("listing_failed")
                documents = iter([(str(path), ParseError(str(path), "no such file"))])
            for document, body in documents:
                for item in self.notice_items(body, document=document, filter_dates=True):
                    yield item
