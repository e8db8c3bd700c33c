"""Matcher: pure functions that find inclusive clauses and score company-tender fit (no I/O but its own models).

Public API: ``detect`` (one text), ``analyse_notice`` (a notice record's JSON shape), ``labels_of``, ``evaluate``,
``detect_language``, ``clause_language`` (the language a text's clauses are read in); ``DETECTOR_VERSION`` (rules and
model version) is stored with findings so that ``kansenradar analyse`` redoes findings of an older detector.
"""

from __future__ import annotations

import importlib
from typing import Any

from matcher.evaluation import evaluate
from matcher.langdetect import detect_language
from matcher.types import LABELS, LANGUAGES, Finding, TextField, labels_of

# Raise when the rules change; the shipped model's own version is added (see ``detector_version``). 10: a field
# without a declared language that the identifier cannot place is read in the rule language of its clause words;
# 9: codes of a whole notice, text read by its share; 8: fewer award words; 7: no-break spaces as spaces;
# 6: typographic apostrophes
RULES_VERSION = "clauses-14"

# spaCy and the model take a second to load: only what detects clauses loads them, on first use (PEP 562), so
# importing ``matcher.types`` or ``matcher.cpv`` (and so every CLI command) stays cheap.
_LAZY = {"detect": "matcher.clauses", "clause_language": "matcher.clauses", "analyse_notice": "matcher.notice"}


def detector_version() -> str:
    """Return the version of rules and shipped model together, e.g. ``clauses-3+m1a2b3c4d5e``."""
    import json
    from importlib import resources

    try:
        meta = json.loads((resources.files("matcher") / "models" / "clauses.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return RULES_VERSION
    return f"{RULES_VERSION}+{meta.get('version', 'model')}"


def __getattr__(name: str) -> Any:
    if name == "DETECTOR_VERSION":
        value = detector_version()
        globals()[name] = value  # computed once
        return value
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


__all__ = ["DETECTOR_VERSION", "LABELS", "LANGUAGES", "Finding", "TextField", "analyse_notice", "clause_language",
           "detect", "detect_language", "evaluate", "labels_of"]  # fmt: skip
