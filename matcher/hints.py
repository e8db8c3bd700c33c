"""What a rule pattern needs in a text, checked on the raw text before spaCy reads it.

Most notice texts hold nothing any rule could match; saying so from the characters spares spaCy. The check may say
"possible" where the Matcher finds nothing, never the reverse: a pattern token whose literals are not certain (an
optional token, an optional or alternative part of a regular expression) is left out of it, and a token that must
*equal* a literal is looked for where a token can begin or end (``at_token_edge``), not only as a word between
spaces, since spaCy also splits "10in", "_ESS_" and "cannot".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from matcher.stems import automaton

_SPECIAL = set("^$()[]{}|?*+.\\")
# Matcher operators under which a pattern token occurs at least once: its literals must be in any matching text.
_AT_LEAST_ONCE = re.compile(r"\+|1|\{[1-9]\d*(,\d*)?\}")

Hints = tuple[tuple["Options", ...], ...]


def _edge(before: str, after: str) -> bool:
    """Return whether spaCy may end a token between two characters ("" at the text's edge)."""
    if not before or not after or not (before.isalnum() and after.isalnum()):
        return True
    return before.isdigit() != after.isdigit()  # "10in" -> "10", "in"


def at_token_edge(lowered: str, start: int, end: int) -> bool:
    """Return whether ``lowered[start:end]`` may be a whole token: a token edge on at least one side.

    Only the tokenizer's exceptions split inside a run of letters ("cannot" -> "can", "not"), and the pieces start
    or end the run; "ess" in "adresse" has letters on both sides and is no token.
    """
    return _edge(lowered[start - 1 : start], lowered[start : start + 1]) or _edge(
        lowered[end - 1 : end], lowered[end : end + 1]
    )


def _as_token(lowered: str, literal: str) -> bool:
    start = lowered.find(literal)
    while start >= 0:
        if at_token_edge(lowered, start, start + len(literal)):
            return True
        start = lowered.find(literal, start + 1)
    return False


class Options(NamedTuple):
    """What a token matching one pattern token contains: one of ``parts`` anywhere, or one of ``words`` as a whole
    token."""

    parts: frozenset[str]
    words: frozenset[str]

    def found(self, lowered: str) -> bool:
        return any(part in lowered for part in self.parts) or any(_as_token(lowered, w) for w in self.words)


def _literal(text: str) -> str:
    """Return the literal start of a regular expression branch ("social-?return" -> "social")."""
    out = []
    for ch in text:
        if ch in "?*{":
            return "".join(out[:-1])
        if ch in _SPECIAL:
            break
        out.append(ch)
    return "".join(out)


def _alternatives_outside_groups(regex: str) -> bool:
    depth, escaped = 0, False
    for ch in regex:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


def _literals(spec: dict[str, Any]) -> tuple[set[str], bool] | None:
    """Return literals one of which a token matching ``spec`` contains, and whether the token equals it; None when
    not certain."""
    op = spec.get("OP")
    if (op is not None and not _AT_LEAST_ONCE.fullmatch(str(op))) or "LOWER" not in spec:
        return None
    value = spec["LOWER"]
    if isinstance(value, str):
        return ({value}, True) if value else None
    if "IN" in value:
        return (set(value["IN"]), True) if all(value["IN"]) else None
    full = str(value.get("REGEX", ""))
    anchored, regex = full.startswith("^"), full.lstrip("^")
    if _alternatives_outside_groups(regex):
        return None
    if regex.startswith("("):
        end = next((i for i in range(len(regex)) if regex[: i + 1].count("(") == regex[: i + 1].count(")")), -1)
        branches = regex[1:end].split("|")
        tail = regex[end + 1 :]
        if end < 0 or any(not b or set(b) & _SPECIAL for b in branches) or tail[:1] in ("?", "*", "{"):
            return None  # an unclosed, empty, nested or optional group: nothing certain
        rest = _literal(tail)
        return {b + rest for b in branches}, anchored and tail == rest + "$"
    literal = _literal(regex)
    whole = anchored and regex == literal + "$"
    # A short literal found anywhere says little; as a whole token ("ea", entreprise adaptée) it is a fine hint.
    return ({literal}, whole) if len(literal) >= 3 or (whole and literal) else None


def _options(spec: dict[str, Any]) -> Options | None:
    found = _literals(spec)
    if found is None:
        return None
    literals, whole = found
    return Options(frozenset() if whole else frozenset(literals), frozenset(literals) if whole else frozenset())


def hints_of(patterns: Iterable[list[dict[str, Any]]]) -> Hints | None:
    """Return per pattern the options of each token with certain literals; None when some pattern has none."""
    hints = []
    for pattern in patterns:
        choices = tuple(o for o in (_options(spec) for spec in pattern) if o)
        if not choices:
            return None
        hints.append(choices)
    return tuple(hints)


class Index:
    """Patterns' hints by the literals of their first token: a text is checked only against the patterns whose
    first token's literal it holds (most hold none: one automaton pass over the text says so)."""

    def __init__(self, hints: Hints) -> None:
        self.hints = hints
        # literal -> (patterns whose first token holds it anywhere, patterns whose first token is it whole)
        patterns: dict[str, tuple[list[int], list[int]]] = {}
        for index, pattern in enumerate(hints):
            for part in pattern[0].parts:
                patterns.setdefault(part, ([], []))[0].append(index)
            for word in pattern[0].words:
                patterns.setdefault(word, ([], []))[1].append(index)
        self.first = automaton({literal: (literal, *found) for literal, found in patterns.items()})

    def possible(self, lowered: str) -> bool:
        """Return whether some pattern's literals are all in ``lowered``."""
        candidates: set[int] = set()
        for end, (literal, anywhere, whole) in self.first.iter(lowered) if self.first is not None else ():
            candidates.update(anywhere)
            if whole and at_token_edge(lowered, end + 1 - len(literal), end + 1):
                candidates.update(whole)
        return any(all(o.found(lowered) for o in self.hints[i][1:]) for i in sorted(candidates))
