"""What the coverage report counts per group: tenders, those with a clause, per label, and estimated value."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from matcher import LABELS

ORIGINS = ("text", "code", "any")


@dataclass
class GroupCoverage:
    """Counts and estimated value for one group: tenders, those with any clause, and per clause label."""

    group: str
    label: str = ""
    tenders: int = 0
    with_clause: int = 0
    # Tenders whose text was read (a language with clause rules) and those judged on their codes alone.
    text_analysed: int = 0
    codes_only: int = 0
    # Estimated value in euros: tenders that give one, their sum, and the part in tenders with a clause.
    valued: int = 0
    value: float = 0.0
    value_with_clause: float = 0.0
    labels: dict[str, dict[str, int]] = field(
        default_factory=lambda: {label: {"text": 0, "code": 0, "any": 0} for label in LABELS}
    )
    label_values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(LABELS, 0.0))

    @property
    def share(self) -> float:
        """Return the share of tenders with at least one clause."""
        return self.with_clause / self.tenders if self.tenders else 0.0

    @property
    def value_share(self) -> float:
        """Return the share of the estimated value in tenders with at least one clause."""
        return self.value_with_clause / self.value if self.value else 0.0

    def add(self, found: list[tuple[str, str, str]], read: bool, euros: float | None) -> None:
        """Count one tender with its findings ``(label, origin, evidence)``."""
        self.tenders += 1
        self.with_clause += bool(found)
        self.text_analysed += read
        self.codes_only += not read
        if euros is not None:
            self.valued += 1
            self.value += euros
            self.value_with_clause += euros if found else 0.0
        for label in {f[0] for f in found}:
            for origin in {f[1] for f in found if f[0] == label}:
                self.labels[label][origin] += 1
            self.labels[label]["any"] += 1
            self.label_values[label] += euros or 0.0


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def buyer_key(name: str) -> str:
    """Return what tells buyers apart: one buyer written "ENEDIS" and "Enedis", or with a typographic apostrophe or
    a non-breaking space, is one buyer in the report (and its filter).

    >>> buyer_key("SYTRAL  Mobilit\u00e9s \u2019") == buyer_key("Sytral Mobilit\u00e9s '")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold().split())


class Spellings:
    """The spellings seen of each buyer; a buyer is shown by its most frequent one (the first seen on a tie)."""

    def __init__(self) -> None:
        self._seen: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, name: str) -> str:
        """Count a spelling and return its buyer's key."""
        key = buyer_key(name)
        self._seen[key][name] += 1
        return key

    def shown(self, key: str) -> str:
        """Return the spelling a buyer is shown by."""
        seen = self._seen.get(key)
        return seen.most_common(1)[0][0] if seen else key
