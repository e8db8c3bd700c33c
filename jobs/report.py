"""Inclusive-clause coverage for procurement officers: per buyer, month, sector or region, with evidence.

Numbers come from one computation (``coverage``) and are written as HTML (self-contained, charts as inline SVG),
CSV or JSON, so the three always agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from jobs.analyse import findings_by_notice
from jobs.templating import TEMPLATES
from matcher import DETECTOR_VERSION, LABELS, LANGUAGES
from matcher.cpv import division_label
from storage.db import session_scope
from storage.models import Notice
from storage.records import safe_url

# CPV prefixes where resident companies work: cleaning, green, catering, repairs, care, staffing/reintegration.
RESIDENT_SECTORS = ("9091", "9092", "9061", "7731", "7734", "5552", "5551", "5532", "5541", "4544", "4545", "4542",
                    "5070", "8531", "8532", "7962", "9851")  # fmt: skip
GROUPS = ("buyer", "month", "cpv-division", "region")
TEXTS = {
    "nl": {"title": "Inclusieve clausules in aanbestedingen", "grouped": "Per", "period": "Periode", "buyer": "Aanbesteder",
           "detector": "detector", "tenders": "Aanbestedingen", "with_clause": "Met clausule", "share": "Aandeel",
           "total": "Totaal", "trend": "Verloop per maand", "evidence": "Bewijs: de zinnen", "none": "Geen.",
           "summary": "{with_clause} van de {tenders} aanbestedingen ({share:.0%}) bevatten minstens één inclusieve clausule.",
           "text_code": "Tussen haakjes: gevonden in de tekst / in gestructureerde eForms-codes.",
           "read": "Tekst gelezen", "codes_only": "Alleen codes",
           "read_note": "Tekst gelezen: aanbestedingen in een taal met clausuleregels (Nederlands, Engels, Duits, Frans); "
                        "bij de andere telden alleen de gestructureerde codes, dus hun aandeel is een ondergrens.",
           "missed": "Gemiste kansen", "notice": "Aanbesteding", "sector": "Sector",
           "missed_intro": "Aanbestedingen in sectoren waar bewonersbedrijven werken (schoonmaak, groen, catering, "
                           "reparaties, zorg) zonder enige inclusieve clausule.",
           "group_names": {"buyer": "aanbesteder", "month": "maand", "cpv-division": "sector (CPV)", "region": "regio"},
           "origins": {"text": "tekst", "code": "code"},
           "labels": {"reserved_contract": "Voorbehouden", "social_return": "Social return",
                      "employment_of_disadvantaged": "Werk voor kwetsbaren", "social_enterprise_subcontracting": "Sociale inkoop",
                      "local_community_partnering": "Lokaal / bewoners", "right_to_challenge": "Right to Challenge",
                      "social_award_criterion": "Sociaal gunningscriterium"}},
    "en": {"title": "Inclusive clauses in tenders", "grouped": "By", "period": "Period", "buyer": "Buyer",
           "detector": "detector", "tenders": "Tenders", "with_clause": "With a clause", "share": "Share",
           "total": "Total", "trend": "Per month", "evidence": "Evidence: the sentences", "none": "None.",
           "summary": "{with_clause} of {tenders} tenders ({share:.0%}) carry at least one inclusive clause.",
           "text_code": "In brackets: found in the text / in structured eForms codes.",
           "read": "Text read", "codes_only": "Codes only",
           "read_note": "Text read: tenders in a language with clause rules (Dutch, English, German, French); for the "
                        "others only structured codes counted, so their share is a lower bound.",
           "missed": "Missed opportunities", "notice": "Tender", "sector": "Sector",
           "missed_intro": "Tenders in sectors where resident companies work (cleaning, green, catering, repairs, "
                           "care) without any inclusive clause.",
           "group_names": {"buyer": "buyer", "month": "month", "cpv-division": "sector (CPV)", "region": "region"},
           "origins": {"text": "text", "code": "code"},
           "labels": {"reserved_contract": "Reserved", "social_return": "Social return",
                      "employment_of_disadvantaged": "Jobs for the disadvantaged",
                      "social_enterprise_subcontracting": "Social enterprises", "local_community_partnering": "Local / community",
                      "right_to_challenge": "Right to Challenge", "social_award_criterion": "Social award criterion"}},
}  # fmt: skip
ORIGINS = ("text", "code", "any")
CHUNK = 2000  # notices per query
SHOWN = 500  # evidence sentences and missed opportunities listed at most (a report, not a dump)


@dataclass
class GroupCoverage:
    """Counts for one group: tenders, with any clause, and per label (text findings and codes apart)."""

    group: str
    tenders: int = 0
    with_clause: int = 0
    # Tenders whose text was read (a language with clause rules) and those judged on their codes alone.
    text_analysed: int = 0
    codes_only: int = 0
    labels: dict[str, dict[str, int]] = field(
        default_factory=lambda: {label: {"text": 0, "code": 0, "any": 0} for label in LABELS}
    )

    @property
    def share(self) -> float:
        return self.with_clause / self.tenders if self.tenders else 0.0


@dataclass(frozen=True)
class Evidence:
    """A finding shown to a person: which notice, which clause, the sentence."""

    notice_id: str
    title: str
    buyer: str
    url: str | None
    label: str
    origin: str
    evidence: str


@dataclass
class Coverage:
    """The whole report."""

    group_by: str
    period: tuple[str | None, str | None]
    buyer: str | None
    groups: list[GroupCoverage]
    total: GroupCoverage
    months: list[tuple[str, int, int]]  # month, tenders, with clause
    evidence: list[Evidence]
    missed: list[dict[str, Any]]
    detector: str = DETECTOR_VERSION


def _key(row: _Row, group_by: str, lang: str) -> str:
    if group_by == "buyer":
        return row.buyer_name or "?"
    if group_by == "month":
        return row.publication_date.strftime("%Y-%m") if row.publication_date else "?"
    if group_by == "cpv-division":
        return f"{row.cpv_main[:2]} {division_label(row.cpv_main, lang)}" if row.cpv_main else "?"
    nuts = (row.record.get("nuts") or [None])[0] or (row.record.get("buyer") or {}).get("nuts")
    return nuts[:4] if nuts else (row.buyer_country or "?")


@dataclass(frozen=True)
class _Row:
    pk: int
    notice_id: str
    title: str | None
    buyer_name: str | None
    buyer_country: str | None
    publication_date: date | None
    cpv_main: str | None
    url: str | None
    record: dict[str, Any]
    clauses_version: str | None
    text_analysed: bool | None


def _rows(engine: Engine, buyer: str | None, start: date | None, end: date | None) -> Iterator[list[_Row]]:
    """Yield the current notices of the period (and buyer) in chunks; the database filters, Python counts."""
    conditions: list[Any] = [col(Notice.superseded_by).is_(None)]
    if start is not None:
        conditions.append(col(Notice.publication_date) >= start)
    if end is not None:
        conditions.append(col(Notice.publication_date) <= end)
    if buyer:
        conditions.append(func.lower(col(Notice.buyer_name)).contains(buyer.lower(), autoescape=True))
    columns = (Notice.id, Notice.notice_id, Notice.title, Notice.buyer_name, Notice.buyer_country,
               Notice.publication_date, Notice.cpv_main, Notice.url, Notice.record, Notice.clauses_version,
               Notice.text_analysed)  # fmt: skip
    last = 0
    while True:
        with session_scope(engine) as session:
            statement = (
                select(*columns).where(*conditions, col(Notice.id) > last).order_by(col(Notice.id)).limit(CHUNK)
            )
            chunk = [_Row(int(r[0]), *r[1:]) for r in session.exec(statement)]
        if not chunk:
            return
        last = chunk[-1].pk
        yield chunk


def coverage(*, engine: Engine, group_by: str = "buyer", buyer: str | None = None, start: date | None = None,
             end: date | None = None, lang: str = "nl") -> Coverage:  # fmt: skip
    """Count, per group, the current notices in the period and how many carry each inclusive clause.

    Notices stream through in chunks with their findings read in bulk, so memory does not grow with the corpus;
    the evidence and missed-opportunity lists keep at most ``SHOWN`` entries each (their totals are counted).
    """
    groups: dict[str, GroupCoverage] = {}
    total = GroupCoverage("total")
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    evidence: list[Evidence] = []
    missed: list[dict[str, Any]] = []
    for chunk in _rows(engine, buyer, start, end):
        with session_scope(engine) as session:
            findings = findings_by_notice(
                session=session, notices=[(r.pk, r.record, r.clauses_version) for r in chunk]
            )
        for row in chunk:
            found = [(f.label, f.origin, f.evidence) for f in findings.get(row.pk, [])]
            key = _key(row, group_by, lang)
            group = groups.setdefault(key, GroupCoverage(key))
            read = row.text_analysed if row.text_analysed is not None else row.record.get("language") in LANGUAGES
            for target in (group, total):
                target.tenders += 1
                target.with_clause += bool(found)
                target.text_analysed += bool(read)
                target.codes_only += not read
                for label in {f[0] for f in found}:
                    for origin in {f[1] for f in found if f[0] == label}:
                        target.labels[label][origin] += 1
                    target.labels[label]["any"] += 1
            month = row.publication_date.strftime("%Y-%m") if row.publication_date else "?"
            months[month][0] += 1
            months[month][1] += bool(found)
            title = (row.title or row.notice_id)[:200]
            seen: set[str] = set()
            for label, origin, sentence in found:
                if label not in seen and len(evidence) < SHOWN:
                    seen.add(label)
                    evidence.append(Evidence(row.notice_id, title, row.buyer_name or "", safe_url(row.url), label,
                                             origin, sentence[:500]))  # fmt: skip
            codes = [row.cpv_main or "", *(row.record.get("cpv_additional") or [])]
            if not found and any(code.startswith(RESIDENT_SECTORS) for code in codes) and len(missed) < SHOWN:
                sector = division_label(row.cpv_main or "", lang)
                missed.append({"notice_id": row.notice_id, "title": title, "buyer": row.buyer_name or "",
                               "url": safe_url(row.url), "cpv": row.cpv_main, "sector": sector})  # fmt: skip
    ordered = sorted(groups.values(), key=lambda g: (-g.tenders, g.group))
    trend = [(m, c[0], c[1]) for m, c in sorted(months.items())]
    period = (start.isoformat() if start else None, end.isoformat() if end else None)
    return Coverage(group_by, period, buyer, ordered, total, trend, evidence, missed)


def to_rows(report: Coverage) -> list[dict[str, Any]]:
    """Return one flat row per group plus the total, as CSV and JSON carry them."""
    rows = []
    for group in [*report.groups, report.total]:
        row: dict[str, Any] = {"group": group.group, "tenders": group.tenders, "with_clause": group.with_clause,
                               "share": round(group.share, 4), "text_analysed": group.text_analysed,
                               "codes_only": group.codes_only}  # fmt: skip
        for label in LABELS:
            for origin in ORIGINS:
                row[f"{label}_{origin}"] = group.labels[label][origin]
        rows.append(row)
    return rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula (CSV injection).

    >>> cell("=HYPERLINK(\"http://x\")"), cell("Gemeente Utrecht"), cell(3)
    ('\'=HYPERLINK("http://x")', 'Gemeente Utrecht', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(report: Coverage, *, excel: bool = False) -> str:
    """Return the report's numbers as CSV; ``excel`` uses ``;`` and decimal commas, as Dutch Excel expects.

    Text cells that a spreadsheet would read as a formula are neutralised. Write it with a byte-order mark
    (``utf-8-sig``) so Excel reads the UTF-8 right.
    """
    rows = to_rows(report)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["group"], delimiter=";" if excel else ",")
    writer.writeheader()
    for row in rows:
        cells = {key: cell(value) for key, value in row.items()}
        if excel:
            cells = {key: str(value).replace(".", ",") if isinstance(value, float) else value
                     for key, value in cells.items()}  # fmt: skip
        writer.writerow(cells)
    return buffer.getvalue()


def to_json(report: Coverage) -> str:
    """Return the report as JSON: the same numbers, the trend, the evidence and the missed opportunities."""
    return json.dumps(
        {"group_by": report.group_by, "period": {"from": report.period[0], "to": report.period[1]},
         "buyer": report.buyer, "detector": report.detector, "groups": to_rows(report)[:-1],
         "total": to_rows(report)[-1],
         "trend": [{"month": m, "tenders": t, "with_clause": w} for m, t, w in report.months],
         "evidence": [asdict(e) for e in report.evidence], "missed_opportunities": report.missed},
        ensure_ascii=False, indent=2,
    )  # fmt: skip


def trend_svg(months: Sequence[tuple[str, int, int]], lang: str = "nl") -> str:
    """Return an inline SVG chart: tenders per month and the share with an inclusive clause."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [m for m, _t, _w in months]
    figure, axis = plt.subplots(figsize=(7, 2.8), dpi=100)
    axis.bar(
        labels, [t for _m, t, _w in months], color="#c8d6e5", label="aanbestedingen" if lang == "nl" else "tenders"
    )
    axis.bar(labels, [w for _m, _t, w in months], color="#2e7d32",
             label="met inclusieve clausule" if lang == "nl" else "with an inclusive clause")  # fmt: skip
    axis.legend(frameon=False, fontsize=8)
    axis.tick_params(axis="x", labelrotation=45, labelsize=7)
    axis.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def to_html(report: Coverage, lang: str = "nl") -> str:
    """Return the report as one self-contained HTML page (the chart inline as SVG)."""
    return TEMPLATES.get_template("coverage.html.j2").render(
        report=report, t=TEXTS[lang], lang=lang, labels=LABELS, chart=trend_svg(report.months, lang)
    )
