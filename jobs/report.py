"""Inclusive-clause coverage for procurement officers: per buyer, month, sector or region, counts and value.

One computation (``coverage``) feeds the HTML report, the CSV, the JSON and the web dashboard
(``jobs.report_formats``), so they always agree. What it counts is what notices *announce*: a clause in a notice
is a promise in the tender, not proof of what was delivered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from jobs.analyse import readings_by_notice
from jobs.language import catalog
from jobs.report_groups import GroupCoverage, Spellings, buyer_key
from jobs.report_labels import evidence_text, group_label
from jobs.report_peers import BuyerStanding, standings, top_and_bottom
from jobs.sectors import resident_sector
from jobs.tender_view import notice_link
from matcher import DETECTOR_VERSION
from matcher.codelists import current_nuts
from storage import repository
from storage.db import session_scope
from storage.models import Notice

GROUPS = ("buyer", "month", "cpv-division", "region")
CHUNK = 2000  # notices per query
SHOWN = 500  # evidence sentences and missed opportunities listed at most (a report, not a dump)
MAX_AXIS_MONTHS = 120  # a longer period asked for shows the months that hold notices, not centuries of empty ones


@dataclass(frozen=True)
class Evidence:
    """A finding shown to a person: which notice, which clause, the sentence (codes by their label)."""

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
    period: tuple[str | None, str | None]  # as asked, else the first and last publication date found
    buyer: str | None
    groups: list[GroupCoverage]
    total: GroupCoverage
    months: list[tuple[str, int, int]]  # month, tenders, with clause: every month of the period, in order
    evidence: list[Evidence]
    missed: list[dict[str, Any]]
    missed_count: int = 0
    evidence_count: int = 0  # every label of every tender with a clause: ``evidence`` keeps the first ``SHOWN``
    stale: int = 0  # tenders counted by findings of an older detector (not read afresh: see ``coverage``)
    standings: list[BuyerStanding] = field(default_factory=list)
    top: list[GroupCoverage] = field(default_factory=list)
    bottom: list[GroupCoverage] = field(default_factory=list)
    lang: str = "nl"
    detector: str = DETECTOR_VERSION


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
    estimated_amount: float | None
    currency: str | None


def _key(row: _Row, group_by: str) -> str:
    # (by buyer: its key, from ``Spellings``)
    if group_by == "month":
        return row.publication_date.strftime("%Y-%m") if row.publication_date else "?"
    if group_by == "cpv-division":
        return row.cpv_main[:2] if row.cpv_main else "?"
    nuts = (row.record.get("nuts") or [None])[0] or (row.record.get("buyer") or {}).get("nuts")
    return current_nuts(nuts)[:4] if nuts else (row.buyer_country or "?")  # NL31 (2021) and NL35 are one province


def _rows(engine: Engine, start: date | None, end: date | None) -> Iterator[list[_Row]]:
    """Yield the current tenders of the period in chunks (not the results reported on them: one tender counts
    once); the database filters, Python counts."""
    conditions: list[Any] = [repository.tender_of_record()]
    if start is not None:
        conditions.append(col(Notice.publication_date) >= start)
    if end is not None:
        conditions.append(col(Notice.publication_date) <= end)
    columns = (Notice.id, Notice.notice_id, Notice.title, Notice.buyer_name, Notice.buyer_country,
               Notice.publication_date, Notice.cpv_main, Notice.url, Notice.record, Notice.clauses_version,
               Notice.text_analysed, Notice.estimated_amount, Notice.currency)  # fmt: skip
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


def _months(first: str, last: str) -> list[str]:
    """Return every month from ``first`` to ``last`` ("2026-10"), so empty months stay on the axis.

    >>> _months("2026-11", "2027-02")
    ['2026-11', '2026-12', '2027-01', '2027-02']
    """
    # Counted as numbers: as text, "10000-01" sorts before "9999-12" and the months never ended.
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(_index(first), _index(last) + 1)]


def _index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def axis_of(first: str, last: str, dated: Sequence[str]) -> list[str]:
    """Return the months a chart shows: every month of the period asked for, empty ones too, but not beyond the
    months that hold notices when that period is longer than ``MAX_AXIS_MONTHS`` ("until 9999-12-31").

    >>> axis_of("2026-01", "2026-03", ["2026-02"]), axis_of("0001-01", "9999-12", ["2026-02", "2026-04"])
    (['2026-01', '2026-02', '2026-03'], ['2026-02', '2026-03', '2026-04'])
    """
    if not dated:
        return []
    if _index(last) - _index(first) < MAX_AXIS_MONTHS:
        return _months(first, last)
    return _months(max(first, dated[0]), min(last, dated[-1]))


def _euros(row: _Row) -> float | None:
    # Sums are in euros; an estimate in another currency counts in the numbers, not in the value.
    if row.estimated_amount is not None:
        return row.estimated_amount if (row.currency or "EUR") == "EUR" else None
    # A notice that gives its value per lot only: the lots' estimates together.
    values = [(lot or {}).get("estimated_value") or {} for lot in row.record.get("lots") or []]
    euros = [v["amount"] for v in values if v.get("amount") is not None and (v.get("currency") or "EUR") == "EUR"]
    return float(sum(euros)) if euros else None


def _peer(row: _Row) -> tuple[str, str]:
    buyer = row.record.get("buyer") or {}
    return (row.buyer_country or buyer.get("country") or "?", buyer.get("legal_type") or "?")


def coverage(*, engine: Engine, group_by: str = "buyer", buyer: str | None = None, start: date | None = None,
             end: date | None = None, lang: str = "nl", fresh: bool = True) -> Coverage:  # fmt: skip
    """Count, per group, the current notices in the period and how many carry each inclusive clause, with value.

    Notices stream through in chunks with their findings read in bulk, so memory does not grow with the corpus;
    every buyer of the period is counted too, to place the selected buyers among their peers. The evidence and
    missed-opportunity lists keep at most ``SHOWN`` entries each (their totals are counted). A notice analysed by an
    older detector is read afresh, unless ``fresh`` is False (the dashboard): then its stored findings count, and
    ``stale`` says how many such notices there are.
    """
    wanted = buyer_key(buyer) if buyer else None
    spellings = Spellings()
    groups: dict[str, GroupCoverage] = {}
    buyers: dict[str, GroupCoverage] = {}
    peers: dict[str, tuple[str, str]] = {}
    selected: set[str] = set()
    total = GroupCoverage("total")
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    evidence: list[Evidence] = []
    missed: list[dict[str, Any]] = []
    missed_count = evidence_count = stale = 0
    first_day: date | None = None
    last_day: date | None = None
    for chunk in _rows(engine, start, end):
        with session_scope(engine) as session:
            readings = readings_by_notice(
                session=session, notices=[(r.pk, r.record, r.clauses_version) for r in chunk], fresh=fresh
            )
        for row in chunk:
            findings, read_now = readings[row.pk]
            found = [(f.label, f.origin, f.evidence) for f in findings]
            # A notice not analysed by this detector is read afresh: its findings and whether its text was read.
            read = read_now if read_now is not None else bool(row.text_analysed)
            euros = _euros(row)
            name = spellings.add(row.buyer_name or "?")  # counted by buyer, however its name is written
            buyers.setdefault(name, GroupCoverage(name)).add(found, read, euros)
            peers.setdefault(name, _peer(row))
            # The period is that of every notice read: the one the peers and the top and bottom were counted in,
            # also when the selected buyer published only on one day of it.
            if row.publication_date:
                first_day = min(first_day or row.publication_date, row.publication_date)
                last_day = max(last_day or row.publication_date, row.publication_date)
            if wanted and wanted not in name:
                continue
            selected.add(name)
            stale += not fresh and row.clauses_version not in (None, DETECTOR_VERSION)
            key = name if group_by == "buyer" else _key(row, group_by)
            groups.setdefault(key, GroupCoverage(key)).add(found, read, euros)
            total.add(found, read, euros)
            month = row.publication_date.strftime("%Y-%m") if row.publication_date else "?"
            months[month][0] += 1
            months[month][1] += bool(found)
            title = (row.title or row.notice_id)[:200]
            url = notice_link(row.record, row.url)
            seen: set[str] = set()
            # A structured code is the buyer's own word for a clause: shown before a sentence read as one.
            for label, origin, sentence in sorted(found, key=lambda f: f[1] != "code"):
                if label in seen:
                    continue
                seen.add(label)
                evidence_count += 1
                if len(evidence) < SHOWN:
                    evidence.append(Evidence(row.notice_id, title, row.buyer_name or "", url, label, origin,
                                             evidence_text(sentence, origin, lang)[:500]))  # fmt: skip
            # By the main codes of the notice and its lots: a large works framework lists many additional codes.
            mains = [row.cpv_main, *((lot or {}).get("cpv_main") for lot in row.record.get("lots") or [])]
            sector = None if found else resident_sector(mains)
            if sector:
                missed_count += 1
                if len(missed) < SHOWN:
                    missed.append({"notice_id": row.notice_id, "title": title, "buyer": row.buyer_name or "",
                                   "url": url, "cpv": row.cpv_main, "sector": sector,
                                   "sector_label": group_label("sector", sector, lang),
                                   "work": group_label("cpv", row.cpv_main or "", lang), "value": euros})  # fmt: skip
    first = (start or first_day).isoformat() if (start or first_day) else None
    last = (end or last_day).isoformat() if (end or last_day) else None
    dated = sorted(m for m in months if m != "?")
    axis = axis_of(first[:7], last[:7], dated) if first and last else dated
    trend = [(m, months[m][0], months[m][1]) if m in months else (m, 0, 0) for m in axis]
    trend += [("?", *months["?"])] if "?" in months else []
    if group_by == "month":
        for month in axis:
            groups.setdefault(month, GroupCoverage(month))
        ordered = [groups[m] for m in sorted(groups, key=lambda m: (m == "?", m))]
    else:
        if group_by == "buyer":
            for key, group in groups.items():
                group.group = spellings.shown(key)
        ordered = sorted(groups.values(), key=lambda g: (-g.tenders, g.group))
    buyers = {spellings.shown(key): replace(group, group=spellings.shown(key), label=spellings.shown(key))
              for key, group in buyers.items()}  # fmt: skip
    peers = {spellings.shown(key): peer for key, peer in peers.items()}
    selected = {spellings.shown(key) for key in selected}
    for group in ordered:
        group.label = group_label(group_by, group.group, lang)
    total.label = catalog(lang).gettext("Total")
    report = Coverage(group_by, (first, last), buyer, ordered, total, trend, evidence, missed, missed_count,
                      lang=lang, evidence_count=evidence_count, stale=stale)  # fmt: skip
    report.top, report.bottom = top_and_bottom(buyers)
    if buyer:
        report.standings = standings(buyers, peers, selected, lang)
    return report
