"""Clauses in a whole notice: every text field in its own language, merged with the structured social codes.

Works on the notice record's JSON shape (``DESIGN.md``), so the matcher needs nothing from storage or the crawler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from matcher.clauses import clause_language, detect
from matcher.langdetect import detect_language
from matcher.types import LANGUAGES, Finding, TextField

# What a structured code says, for the evidence line a person reads.
CODE_EVIDENCE = {
    ("BT-71", "res-ws"): "BT-71 res-ws: participation is reserved to sheltered workshops and economic operators "
    "aiming at the social and professional integration of disabled or disadvantaged persons",
    ("BT-71", "res-pub-ser"): "BT-71 res-pub-ser: participation is reserved to organisations pursuing a public "
    "service mission",
    ("BT-736", "yes"): "BT-736 yes: the contract must be performed within the framework of sheltered employment "
    "programmes",
    ("BT-775", "opp"): "BT-775 opp: employment opportunities for the long-term unemployed, disadvantaged and/or "
    "persons with disabilities",
}
CODE_LABELS = {
    ("BT-71", "res-ws"): "reserved_contract",
    ("BT-71", "res-pub-ser"): "reserved_contract",
    ("BT-736", "yes"): "reserved_contract",
    ("BT-775", "opp"): "employment_of_disadvantaged",
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def notice_fields(record: Mapping[str, Any]) -> list[TextField]:
    """Return every text of a notice and its lots worth reading for clauses, with field names and lot ids."""
    lang = record.get("language")
    fields: list[TextField] = []

    def add(name: str, value: Any, lot_id: str | None, context: tuple[str, ...] = ()) -> None:
        text = _text(value)
        if text:
            fields.append(TextField(field=name, text=text, lang=lang, lot_id=lot_id, context=context))

    add("title", record.get("title"), None)
    add("description", record.get("description"), None)
    add("additional_information", record.get("additional_information"), None)
    for lot in record.get("lots") or []:
        lot_id = lot.get("lot_id")
        add("lot.title", lot.get("title"), lot_id)
        if _text(lot.get("description")) != _text(record.get("description")):
            add("lot.description", lot.get("description"), lot_id)
        add("lot.performance_terms", lot.get("performance_terms"), lot_id)
        if _text(lot.get("additional_information")) != _text(record.get("additional_information")):
            add("lot.additional_information", lot.get("additional_information"), lot_id)
        add("lot.strategic_procurement_description", lot.get("strategic_procurement_description"), lot_id)
        add("lot.selection_criteria", lot.get("selection_criteria"), lot_id)
        for criterion in lot.get("award_criteria") or []:
            name, description = _text(criterion.get("name")), _text(criterion.get("description"))
            text = name if not description or description == name else f"{name or ''}. {description}".strip(". ")
            # An award criterion's text is an award context even without the word "criterion".
            add("lot.award_criterion", text, lot_id, ("award",))
    return fields


def _codes(holder: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return the clause codes a lot (or a whole notice's ``social``) carries, as ``(business term, code)``."""
    execution = holder.get("reserved_execution")  # one code on a lot, a list on the whole notice
    codes = [("BT-71", c) for c in holder.get("reserved_participation") or []]
    codes += [("BT-736", c) for c in (execution if isinstance(execution, list) else [execution])]
    codes += [("BT-775", c) for c in holder.get("social_objective") or []]
    return [key for key in codes if key in CODE_LABELS]


def _code_finding(key: tuple[str, str], lot_id: str | None) -> Finding:
    return Finding(label=CODE_LABELS[key], evidence=CODE_EVIDENCE[key], start=0, end=0, trigger=f"{key[0]} {key[1]}",
                   rule=key[0], field=key[0], lot_id=lot_id, origin="code", source="code")  # fmt: skip


def code_findings(record: Mapping[str, Any]) -> list[Finding]:
    """Return the findings the structured codes give (BT-71, BT-736, BT-775 per lot, and those of the whole notice
    that no lot carries: an OCDS tender without lots, a TED XML form without lot sections).

    BT-06 ``soc-obj`` gives none on its own: it says only that some social objective is pursued, so it is left
    to support what the text says.
    """
    findings, carried = [], set()
    for lot in record.get("lots") or []:
        for key in _codes(lot):
            carried.add(key)
            findings.append(_code_finding(key, lot.get("lot_id")))
    findings += [_code_finding(key, None) for key in _codes(record.get("social") or {}) if key not in carried]
    return findings


@dataclass(frozen=True)
class NoticeAnalysis:
    """A notice's findings, and whether any of its text could be read (clause rules exist for its language)."""

    findings: tuple[Finding, ...]
    text_analysed: bool


def _languages(fields: Sequence[TextField]) -> tuple[list[str | None], bool]:
    """Return the language each field is read in (``None``: no clause rules for it) and whether most of the text
    was read: a Danish notice with an English title is read on its codes, not on its title. Each distinct text
    counts once (a criterion copied into twenty lots weighs as one)."""
    languages: list[str | None] = []
    counted: set[str] = set()
    read = total = 0  # characters of text read, of all text
    # A field without a language in a notice whose text is plainly in a language without rules (a Danish notice
    # with no language given) is not read by the clause words it quotes ("social return"): that language stands.
    whole = None
    if any(f.lang is None for f in fields):
        whole = detect_language(" ".join(dict.fromkeys(f.text for f in fields)))
    unread = whole if whole not in LANGUAGES else None
    for text_field in fields:
        lang = clause_language(text_field.text, text_field.lang or unread, context=text_field.context)
        languages.append(lang if lang in LANGUAGES else None)
        if text_field.text not in counted:
            counted.add(text_field.text)
            total += len(text_field.text)
            read += len(text_field.text) if lang in LANGUAGES else 0
    return languages, read > 0 and 2 * read >= total


def analyse(record: Mapping[str, Any]) -> NoticeAnalysis:
    """Return all findings of a notice: text findings per field (in the field's language) and code findings.

    Structured codes count in every language; text in a language without clause rules is not read, and the
    analysis says so, so that coverage shares are never computed over text nobody read.
    """
    findings: list[Finding] = []
    fields = notice_fields(record)
    languages, read = _languages(fields)
    # Lots repeat one another: the same performance terms, selection criteria and "Prijs" in each of twenty lots.
    # Each distinct text is read once; every field that holds it gets the findings.
    found: dict[tuple[str, str, tuple[str, ...]], tuple[Finding, ...]] = {}
    for text_field, lang in zip(fields, languages, strict=True):
        if lang is None:
            continue
        key = (text_field.text, lang, text_field.context)
        if key not in found:
            found[key] = detect(text_field.text, lang, context=text_field.context)
        for finding in found[key]:
            findings.append(replace(finding, field=text_field.field, lot_id=text_field.lot_id))
    return NoticeAnalysis(tuple(findings + code_findings(record)), read)


def analyse_notice(record: Mapping[str, Any]) -> tuple[Finding, ...]:
    """Return all findings of a notice (see ``analyse``)."""
    return analyse(record).findings
