"""Inclusive-clause rules kept as data, one module per language.

A rule is a plain dict: ``label``, ``id``, ``patterns`` (spaCy Matcher token patterns), ``requires`` (cue groups of
which one must occur in the same sentence) and ``forbids`` (cue groups that cancel it in the same sentence, unless
an obligation cue is there too). Patterns are written in a tiny phrase syntax and compiled by ``tokens``:

- ``word`` matches the lower-cased token; ``a|b`` any of several;
- ``/regex/`` matches the lower-cased token against a regular expression (Dutch compounds: ``/^sroi/`` matches
  "SROI-eis" and "SROI-verplichting");
- a trailing ``?`` makes a token optional; ``_`` is any one token, ``_?`` any or none.

Every function returns fresh lists, so callers can never change the shared rules (the negspacy pitfall).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

Pattern = list[dict[str, Any]]
Rule = dict[str, Any]
Rules = list[Rule]


def token(spec: str) -> dict[str, Any]:
    """Return one Matcher token pattern for a spec such as ``word``, ``a|b``, ``/re/`` or ``_?``."""
    optional = spec.endswith("?") and len(spec) > 1
    spec = spec[:-1] if optional else spec
    if spec == "_":
        result: dict[str, Any] = {}
    elif spec.startswith("/") and spec.endswith("/") and len(spec) > 2:
        result = {"LOWER": {"REGEX": spec[1:-1]}}
    elif "|" in spec:
        result = {"LOWER": {"IN": spec.split("|")}}
    else:
        result = {"LOWER": spec}
    if optional:
        result["OP"] = "?"
    return result


def tokens(phrase: str) -> Pattern:
    """Return the Matcher pattern for a phrase written in the rule syntax.

    >>> tokens("voorbehouden opdracht|opdrachten")
    [{'LOWER': 'voorbehouden'}, {'LOWER': {'IN': ['opdracht', 'opdrachten']}}]
    """
    return [token(part) for part in phrase.split()]


def rule(
    label: str, rule_id: str, *phrases: str, requires: tuple[str, ...] = (), forbids: tuple[str, ...] = ()
) -> Rule:
    """Return a rule dict for ``label`` from phrases in the rule syntax."""
    return {
        "label": label,
        "id": rule_id,
        "patterns": [tokens(p) for p in phrases],
        "requires": list(requires),
        "forbids": list(forbids),
    }


def veto(rule_id: str, *phrases: str, labels: tuple[str, ...] = ("*",), scope: str = "span") -> Rule:
    """Return a false-friend rule: matches cancel overlapping candidates (``span``) or the whole sentence's."""
    return {"id": rule_id, "patterns": [tokens(p) for p in phrases], "labels": list(labels), "scope": scope}


def rules_of(module: ModuleType) -> Rules:
    """Return every rule of a language module: the concatenation of its ``pattern_<label>()`` functions."""
    return [rule for name in sorted(vars(module)) if name.startswith("pattern_") for rule in getattr(module, name)()]
