"""The coverage dashboard for buyers: ``report coverage`` in a browser, with its filters and downloads.

One computation: the page, the CSV and the JSON all come from ``jobs.report.coverage`` with the filters of the
query string, exactly as ``kansenradar report coverage`` computes them. Public notice data only.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jobs import report, report_formats
from jobs.language import catalog
from jobs.report_labels import GROUP_NAMES
from jobs.web.rendering import page
from matcher.i18n import N_

logger = logging.getLogger(__name__)

SHOWN = 50  # evidence sentences and missed opportunities on the page; the JSON download has the report's list
FORMATS = ("html", "csv", "excel", "json")


# The filters by the labels their fields carry on the page, to name the one that is wrong in the reader's words.
FIELDS = {"buyer": N_("Buyer contains"), "from": N_("Published from"), "to": N_("up to and including"),
          "group_by": N_("By"), "lang": N_("Language"), "format": N_("Format")}  # fmt: skip


class BadFilter(ValueError):
    """Raised when a filter of the query string is not understood, from ``read_filters``: an English message id
    and its values, said in the reader's language by ``text``."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message.format(**values))
        self.message, self.values = message, values

    def text(self, lang: str) -> str:
        """Return the problem in ``lang``, the field named by its label on the page."""
        gettext = catalog(lang).gettext
        values = {k: gettext(FIELDS[v]) if k == "field" else v for k, v in self.values.items()}
        return gettext(self.message).format(**values)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, as ``report coverage`` takes them."""

    buyer: str | None = None
    start: date | None = None
    end: date | None = None
    group_by: str = "buyer"
    lang: str = "nl"
    output: str = "html"

    def query(self, **changes: str) -> str:
        """Return the query string of these filters (with ``changes``), for links to the same numbers."""
        values = {"buyer": self.buyer or "", "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "", "group_by": self.group_by,
                  "lang": self.lang}  # fmt: skip
        values.update(changes)
        return "?" + urlencode({key: value for key, value in values.items() if value})


def _date(params: QueryParams, name: str) -> date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(N_("{field}: '{value}' is not a date (YYYY-MM-DD)"), field=name, value=value[:40]) from None


def _choice(params: QueryParams, name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(name, "").strip() or default
    if value not in choices:
        raise BadFilter(N_("{field}: '{value}' is not one of {choices}"), field=name, value=value[:40],
                        choices=", ".join(choices))  # fmt: skip
    return value


def read_filters(params: QueryParams) -> Filters:
    """Return the filters of a query string, or raise ``BadFilter`` naming the one that is wrong."""
    buyer = " ".join(params.get("buyer", "").split())[:200] or None
    start, end = _date(params, "from"), _date(params, "to")
    if start and end and start > end:
        raise BadFilter(N_("'{start}' is after '{end}'"), start=start.isoformat(), end=end.isoformat())
    group_by = _choice(params, "group_by", report.GROUPS, "buyer")
    lang, output = _choice(params, "lang", ("nl", "en"), "nl"), _choice(params, "format", FORMATS, "html")
    return Filters(buyer, start, end, group_by, lang, output)


def _chart(report_: report.Coverage, lang: str, alt: str) -> Markup | None:
    # An image rather than inline SVG: its styles stay inside it, so the page's policy allows no inline styles.
    if not report_.months:
        return None
    svg = report_formats.trend_svg(report_.months, lang)
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="chart" alt="{}" src="{}">').format(alt, source)


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body.encode("utf-8"), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip


def _form_context(form: dict[str, object]) -> dict[str, object]:
    return {"groups": report.GROUPS, "group_names": GROUP_NAMES, "limit": SHOWN, "form": form}


async def coverage(request: Request) -> Response:
    """The dashboard (``format=html``), or the same numbers as CSV (with a byte-order mark) or JSON."""
    try:
        filters = read_filters(request.query_params)
    except BadFilter as exc:
        # The form comes back as it was sent, the wrong field included, so only that one needs correcting.
        lang = "en" if request.query_params.get("lang", "").strip() == "en" else "nl"
        sent = {name: request.query_params.get(name, "").strip()[:200] for name in ("buyer", "from", "to", "group_by")}
        sent["group_by"] = sent["group_by"] if sent["group_by"] in report.GROUPS else "buyer"
        return page("dashboard.html.j2", status=400, lang=lang, problem=exc.text(lang), report=None,
                    **_form_context(sent))  # fmt: skip
    context = _form_context({"buyer": filters.buyer or "", "from": filters.start or "", "to": filters.end or "",
                             "group_by": filters.group_by})  # fmt: skip
    computed = await run_in_threadpool(
        report.coverage, engine=request.app.state.engine, group_by=filters.group_by, buyer=filters.buyer,
        start=filters.start, end=filters.end, lang=filters.lang, fresh=False,
    )  # fmt: skip
    name = f"kansenradar-coverage-{filters.group_by}"
    if filters.output in ("csv", "excel"):
        # The byte-order mark makes spreadsheets read UTF-8, as `report coverage --format csv` writes it.
        body = report_formats.to_csv(computed, excel=filters.output == "excel")
        # Two files of one report side by side in a downloads folder: the Dutch-Excel one says so in its name.
        suffix = "-excel" if filters.output == "excel" else ""
        return _download(body, "text/csv; charset=utf-8", f"{name}{suffix}.csv")
    if filters.output == "json":
        return _download(report_formats.to_json(computed), "application/json", f"{name}.json")
    alt = catalog(filters.lang).gettext("Tenders per month, with and without an inclusive clause")
    chart = await run_in_threadpool(_chart, computed, filters.lang, alt)
    downloads = {kind: filters.query(format=kind) for kind in ("csv", "excel", "json")}
    return page("dashboard.html.j2", lang=filters.lang, chart=chart, downloads=downloads, problem=None,
                **context, **report_formats.context(computed))  # fmt: skip


ROUTES = [Route("/coverage", coverage, methods=["GET"])]
