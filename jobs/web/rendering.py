"""Pages out of templates: an autoescaping Jinja2 environment per reader language, the style sheet, error pages.

The style sheet goes inline, allowed by its hash in the Content-Security-Policy: the service then needs no path
of its own for it (the proxy exposes five paths), and no inline script or other style can run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib.resources import files
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup
from starlette.responses import HTMLResponse

from jobs.language import catalog, environment, reader_language
from matcher.i18n import N_

# The web pages, and the report's shared sections (the dashboard shows what `report coverage` writes).
LOADER = ChoiceLoader([PackageLoader("jobs.web", "templates"), PackageLoader("jobs", "templates")])
# Before the company is known (a bad link) the page speaks both languages.
ERRORS: dict[int, str] = {
    400: N_("This request is not understood."),
    403: N_("This link is not valid (any more). Use the link in a more recent mail."),
    404: N_("This page does not exist (any more)."),
    405: N_("That is not possible here."),
    410: N_("This page is gone."),
    500: N_("Something went wrong. Please try again later."),
}
# A valid link of a company that was removed (`companies remove`).
COMPANY_REMOVED = N_("This company is no longer in Kansenradar and gets no more mail.")
CSS = (files("jobs.web") / "static" / "style.css").read_text(encoding="utf-8")
CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src '{CSS_HASH}'; img-src data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@functools.cache
def templates(lang: str) -> Environment:
    """Return the pages' environment in a reader's language (``nl`` or ``en``), every template escaped."""
    return environment(LOADER, lang)


def page(template: str, *, status: int = 200, lang: str = "nl", **context: Any) -> HTMLResponse:
    """Return a rendered page; ``lang`` is the page's language (``nl`` or ``en``)."""
    lang = reader_language(lang)
    html = templates(lang).get_template(template).render(css=Markup(CSS), **context)
    return HTMLResponse(html, status_code=status)


def error_page(status: int, message: str | None = None, detail: str | None = None) -> HTMLResponse:
    """Return the page for an error status (``message`` instead of the status's own): Dutch and English, as the
    reader is not known yet."""
    english = message or ERRORS.get(status, ERRORS[500])
    dutch = catalog("nl").gettext(english)
    return page("error.html.j2", status=status, dutch=dutch, english=english, detail=detail)
