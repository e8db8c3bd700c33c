"""Matcher: pure functions that find inclusive clauses and score company-tender fit (no I/O).

Public API: ``detect`` (one text), ``analyse_notice`` (a notice record's JSON shape), ``labels_of``,
``evaluate``; ``DETECTOR_VERSION`` is stored with findings so that ``kansenradar analyse`` can redo old ones.
"""

from __future__ import annotations

import importlib
from typing import Any

from matcher.evaluation import evaluate
from matcher.langdetect import detect_language
from matcher.types import LABELS, Finding, TextField, labels_of

# Raise when rules change: stored findings of an older version are analysed again.
DETECTOR_VERSION = "clauses-1"

# spaCy takes a second to import: only what detects clauses loads it, on first use (PEP 562), so importing
# ``matcher.types`` or ``matcher.cpv`` (and so every CLI command) stays cheap.
_LAZY = {"detect": "matcher.clauses", "analyse_notice": "matcher.notice"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


__all__ = ["DETECTOR_VERSION", "LABELS", "Finding", "TextField", "analyse_notice", "detect", "detect_language",
           "evaluate", "labels_of"]  # fmt: skip
