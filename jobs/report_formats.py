"""The coverage report written out: CSV and JSON with every number, HTML (with an inline SVG chart) for people.

All three come from one ``jobs.report.Coverage``. HTML shows long lists collapsed (the groups with a clause and
the largest others, the rest summed in one line); CSV and JSON carry every group.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from jobs.language import catalog
from jobs.report import Coverage
from jobs.report_groups import ORIGINS, GroupCoverage
from jobs.report_labels import GROUP_NAMES, LABEL_NAMES, ORIGIN_NAMES, group_label
from jobs.templating import templates
from matcher import LABELS, i18n

TOP_ROWS = 15  # groups in the HTML table before the rest is summed in one line
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_rows(report: Coverage) -> list[dict[str, Any]]:
    """Return one flat row per group plus the total, as CSV and JSON carry them."""
    rows = []
    for group in [*report.groups, report.total]:
        row: dict[str, Any] = {"group": group.group, "label": group.label, "tenders": group.tenders,
                               "with_clause": group.with_clause, "share": round(group.share, 4),
                               "text_analysed": group.text_analysed, "codes_only": group.codes_only,
                               "valued": group.valued, "value_eur": round(group.value, 2),
                               "value_with_clause_eur": round(group.value_with_clause, 2),
                               "value_share": round(group.value_share, 4)}  # fmt: skip
        for label in LABELS:
            for origin in ORIGINS:
                row[f"{label}_{origin}"] = group.labels[label][origin]
            row[f"{label}_value_eur"] = round(group.label_values[label], 2)
        rows.append(row)
    return rows


def cell(value: Any) -> Any:
    r"""Return a CSV cell that a spreadsheet shows as text, never runs as a formula (CSV injection).

    >>> cell("=HYPERLINK(\"http://x\")"), cell("Gemeente Utrecht"), cell(3)
    ('\'=HYPERLINK("http://x")', 'Gemeente Utrecht', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(report: Coverage, *, excel: bool = False) -> str:
    """Return the report's numbers as CSV; ``excel`` uses ``;`` and decimal commas, as Dutch Excel expects.

    Text cells that a spreadsheet would read as a formula are neutralised. It starts with a byte-order mark, so
    Excel reads the UTF-8 right.
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
    return "\ufeff" + buffer.getvalue()


def _ranked(groups: list[GroupCoverage]) -> list[dict[str, Any]]:
    return [{"buyer": g.group, "tenders": g.tenders, "with_clause": g.with_clause, "share": round(g.share, 4)}
            for g in groups]  # fmt: skip


def to_json(report: Coverage) -> str:
    """Return the report as JSON: the same numbers, the trend, peers, the evidence and the missed opportunities."""
    rows = to_rows(report)
    standings = [{**asdict(s), "share": round(s.share, 4), "peer_share": round(s.peer_share, 4)}
                 for s in report.standings]  # fmt: skip
    return json.dumps(
        {"group_by": report.group_by, "period": {"from": report.period[0], "to": report.period[1]},
         "buyer": report.buyer, "lang": report.lang, "detector": report.detector, "groups": rows[:-1],
         "total": rows[-1], "trend": [{"month": m, "tenders": t, "with_clause": w} for m, t, w in report.months],
         "standings": standings, "top": _ranked(report.top), "bottom": _ranked(report.bottom),
         "evidence": [asdict(e) for e in report.evidence], "evidence_count": report.evidence_count,
         "stale": report.stale,
         "missed_count": report.missed_count, "missed_opportunities": report.missed},
        ensure_ascii=False, indent=2,
    )  # fmt: skip


@dataclass
class TableView:
    """The HTML table: the groups shown, the rest summed in one line, the clause labels worth a column."""

    rows: list[GroupCoverage]
    rest: GroupCoverage | None
    rest_groups: int
    labels: list[str]


def table_view(report: Coverage, top: int = TOP_ROWS) -> TableView:
    """Return the table people read: every month (an axis has no gaps), else groups with a clause first and the
    largest others, up to ``top`` rows; the remaining groups are summed in one line instead of a page of zeros."""
    labels = [label for label in LABELS if report.total.labels[label]["any"]]
    if report.group_by == "month" or len(report.groups) <= top:
        return TableView(report.groups, None, 0, labels)
    ordered = sorted(report.groups, key=lambda g: (not g.with_clause, -g.with_clause, -g.tenders, g.group))
    shown, hidden = ordered[:top], ordered[top:]
    rest = GroupCoverage("rest")
    for group in hidden:
        rest.tenders += group.tenders
        rest.with_clause += group.with_clause
        rest.text_analysed += group.text_analysed
        rest.codes_only += group.codes_only
        rest.valued += group.valued
        rest.value += group.value
        rest.value_with_clause += group.value_with_clause
        for label in LABELS:
            for origin in ORIGINS:
                rest.labels[label][origin] += group.labels[label][origin]
    return TableView(shown, rest, len(hidden), labels)


def trend_svg(months: Sequence[tuple[str, int, int]], lang: str = "nl") -> str:
    """Return an SVG chart of tenders per month, those with an inclusive clause stacked at the bottom.

    Every month of the period has its place on the axis (empty ones too); the legend sits above the plot, clear
    of the bars, and labels are large enough to read without zooming.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    _ = catalog(lang).gettext
    points = [m for m in months if m[0] != "?"]
    labels = [group_label("month", m, lang) if len(points) <= 12 else m for m, _t, _w in points]
    with_clause = [w for _m, _t, w in points]
    without = [t - w for _m, t, w in points]
    # A few months get a narrower figure, so one month is not one wall-to-wall bar.
    figure, axis = plt.subplots(figsize=(min(8.0, max(4.5, 2.0 + 0.5 * len(points))), 3.4), dpi=100)
    positions = range(len(points))
    axis.bar(positions, with_clause, width=0.7, color="#2e7d32", label=_("with an inclusive clause"))
    axis.bar(positions, without, width=0.7, bottom=with_clause, color="#b0bec5", label=_("without"))
    axis.set_xlim(-0.75, max(len(points), 3) - 0.25)
    slanted = len(points) > 6
    axis.set_xticks(list(positions), labels, rotation=45 if slanted else 0, ha="right" if slanted else "center",
                    fontsize=10)  # fmt: skip
    if len(points) > 24:
        for index, tick in enumerate(axis.get_xticklabels()):
            tick.set_visible(index % max(1, len(points) // 12) == 0)
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.tick_params(axis="y", labelsize=10)
    axis.set_ylabel(_("tenders"), fontsize=10)
    axis.spines[["top", "right"]].set_visible(False)
    axis.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncol=2, frameon=False, fontsize=10)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def context(report: Coverage) -> dict[str, Any]:
    """Return what the report's sections need to render (the HTML report and the dashboard share them)."""
    lang = report.lang
    period = tuple(i18n.date_text(date.fromisoformat(day), lang) if day else "…" for day in report.period)
    return {"report": report, "table": table_view(report), "label_names": LABEL_NAMES, "origin_names": ORIGIN_NAMES,
            "group_name": catalog(lang).gettext(GROUP_NAMES[report.group_by]), "period": period}  # fmt: skip


def to_html(report: Coverage, lang: str | None = None) -> str:
    """Return the report as one self-contained HTML page (the chart inline as SVG)."""
    lang = lang or report.lang
    # Markup: matplotlib's own SVG, whose text is drawn as paths (nothing from a notice is markup in it).
    chart = Markup(trend_svg(report.months, lang)) if report.months else None
    return templates(lang).get_template("coverage.html.j2").render(chart=chart, **context(report))
