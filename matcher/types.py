"""Frozen value types the matcher takes and returns."""

from __future__ import annotations

from dataclasses import dataclass

LABELS = (
    "reserved_contract",
    "social_return",
    "employment_of_disadvantaged",
    "social_enterprise_subcontracting",
    "local_community_partnering",
    "right_to_challenge",
    "social_award_criterion",
)
LANGUAGES = ("nl", "en", "de", "fr")


@dataclass(frozen=True)
class Finding:
    """An inclusive clause found in a text or a structured code.

    ``evidence`` is the sentence (or the code's description); ``start``/``end`` are its character offsets in the
    field's text, so ``text[start:end] == evidence`` for text findings. ``trigger`` is the phrase that matched.
    Negated findings (a clause that is explicitly excluded) are kept for audit and are not labels.
    """

    label: str
    evidence: str
    start: int
    end: int
    negated: bool = False
    trigger: str = ""
    rule: str = ""
    field: str = "text"
    lot_id: str | None = None
    origin: str = "text"
    # How sure the detector is (calibrated on the dev split), and what found it: "rule", "model" or "code".
    confidence: float = 1.0
    source: str = "rule"

    def as_dict(self) -> dict[str, object]:
        """Return the finding in the JSON shape of ``kansenradar clauses``."""
        return {
            "label": self.label,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "lot_id": self.lot_id,
            "origin": self.origin,
            "negated": self.negated,
            "trigger": self.trigger,
            "confidence": round(self.confidence, 3),
            "source": self.source,
        }


@dataclass(frozen=True)
class TextField:
    """One text of a notice to analyse, with where it sits."""

    field: str
    text: str
    lang: str | None
    lot_id: str | None = None
    context: tuple[str, ...] = ()


def labels_of(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    """Return the distinct labels of the non-negated findings, in the canonical label order."""
    present = {f.label for f in findings if not f.negated}
    return [label for label in LABELS if label in present]
