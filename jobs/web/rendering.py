"""Pages out of templates: one autoescaping Jinja2 environment, the style sheet, and the error pages.

The style sheet goes inline, allowed by its hash in the Content-Security-Policy: the service then needs no path
of its own for it (the proxy exposes five paths), and no inline script or other style can run.
"""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.responses import HTMLResponse

from jobs.web.texts import ERRORS

TEMPLATES = Environment(
    loader=PackageLoader("jobs.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)
CSS = (files("jobs.web") / "static" / "style.css").read_text(encoding="utf-8")
CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src '{CSS_HASH}'; img-src data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def page(template: str, *, status: int = 200, lang: str = "nl", **context: Any) -> HTMLResponse:
    """Return a rendered page; ``lang`` is the page's language (``nl`` or ``en``)."""
    html = TEMPLATES.get_template(template).render(css=Markup(CSS), lang=lang, **context)
    return HTMLResponse(html, status_code=status)


def error_page(status: int, detail: str | None = None) -> HTMLResponse:
    """Return the page for an error status: Dutch and English, as the reader is not known yet."""
    dutch, english = ERRORS.get(status, ERRORS[500])
    return page("error.html.j2", status=status, dutch=dutch, english=english, detail=detail)


def money(amount: float | None, lang: str) -> str:
    """Return an amount in euros as a reader of ``lang`` writes it ("€ 250.000" or "€250,000").

    >>> money(250000, "nl"), money(250000.0, "en"), money(None, "nl")
    ('€ 250.000', '€250,000', '')
    """
    if amount is None:
        return ""
    grouped = f"{amount:,.0f}"
    return "€ " + grouped.replace(",", ".") if lang == "nl" else "€" + grouped
