"""The examples in the docstrings of the reader-facing modules run (pytest collects doctests under tests/ and
matcher/ only; these live in jobs/)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["jobs.tender_view", "jobs.sectors", "jobs.ics", "jobs.language", "jobs.report", "jobs.report_labels",
           "jobs.report_formats", "jobs.report_groups", "jobs.cli.crawl", "jobs.mail_address",
           "crawler.parsers.common", "crawler.parsers.codes", "crawler.parsers.tedxml", "crawler.parsers.tedxml_types",
           "crawler.spiders.ted", "storage.repository.feedback", "storage.deadlines", "jobs.agreement",
           "jobs.crawl", "storage.sqlite", "jobs.processes"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted and not result.failed
