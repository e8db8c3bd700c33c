"""Matcher: pure functions that find inclusive clauses and score company-tender fit (no I/O).

Public API: ``detect`` (one text), ``analyse_notice`` (a notice record's JSON shape), ``labels_of``,
``evaluate``; ``DETECTOR_VERSION`` is stored with findings so that ``kansenradar analyse`` can redo old ones.
"""

from matcher.clauses import detect
from matcher.evaluation import evaluate
from matcher.langdetect import detect_language
from matcher.notice import analyse_notice
from matcher.types import LABELS, Finding, TextField, labels_of

# Raise when rules change: stored findings of an older version are analysed again.
DETECTOR_VERSION = "clauses-1"

__all__ = ["DETECTOR_VERSION", "LABELS", "Finding", "TextField", "analyse_notice", "detect", "detect_language",
           "evaluate", "labels_of"]  # fmt: skip
