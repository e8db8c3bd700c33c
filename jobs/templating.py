"""The Jinja2 environments for what companies and buyers read by mail or file: digests and coverage reports.

One environment per reader language (``jobs.language``); HTML templates are escaped, the plain-text digest not.
"""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader

from jobs.language import environment, reader_language


@functools.cache
def _templates(lang: str) -> Environment:
    return environment(PackageLoader("jobs", "templates"), lang, html_only=True)


def templates(lang: str) -> Environment:
    """Return the environment of ``jobs/templates`` in a reader's language (``nl`` or ``en``)."""
    return _templates(reader_language(lang))
