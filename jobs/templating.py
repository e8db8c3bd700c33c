"""The Jinja2 environment for everything people read: digests and reports (HTML escaped, plain text not)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

TEMPLATES = Environment(
    loader=PackageLoader("jobs", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
)
