"""Small helpers for what commands print: aligned tables and JSON lines."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click

FORMATS = click.Choice(["table", "jsonl"])


def date_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """Click callback: parse an ISO date option (YYYY-MM-DD) or report a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def shorten(value: object, width: int) -> str:
    """Return ``value`` as one line of at most ``width`` characters."""
    text = " ".join(str("" if value is None else value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def shorten_start(value: object, width: int) -> str:
    """Return ``value`` as one line of at most ``width`` characters, cut at its start: a path or URL is told apart
    by its end (``…notices/INVALID_can_24_minimal.xml``).

    >>> shorten_start("/srv/drop/2026/11/INVALID_can_24_minimal.xml", 30)
    '…11/INVALID_can_24_minimal.xml'
    """
    text = " ".join(str("" if value is None else value).split())
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


# A notice id is what `feedback add --notice` takes: never shortened (UUIDs, OCDS ids), up to what storage keeps.
NOTICE_ID = 128
MOMENT = 24  # a local time with its zone, "25-10-2024 23:59 CEST", never cut short


def echo_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, widths: Sequence[int]) -> None:
    """Print rows as a plain aligned table with a header line."""
    cells = [[shorten(value, width) for value, width in zip(row, widths, strict=True)] for row in rows]
    sizes = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(size) for h, size in zip(headers, sizes, strict=True)).rstrip())
    click.echo("  ".join("-" * size for size in sizes))
    for row in cells:
        click.echo("  ".join(value.ljust(size) for value, size in zip(row, sizes, strict=True)).rstrip())


def echo_jsonl(objects: Iterable[Any]) -> None:
    """Print one compact JSON object per line (UTF-8, not ASCII-escaped)."""
    for obj in objects:
        click.echo(json.dumps(obj, ensure_ascii=False, sort_keys=False))


def writable_folder(folder: Path) -> str | None:
    """Return why files cannot be written into ``folder`` (creating it if needed), or ``None`` when they can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        return f"cannot write there ({exc.strerror or exc})"
    if not os.access(folder, os.W_OK):
        return "cannot write there (permission denied)"
    return None


def check_period(start: date | None, end: date | None, *, names: tuple[str, str] = ("--from", "--to")) -> None:
    """Raise a usage error when a period's start is after its end."""
    if start is not None and end is not None and start > end:
        raise click.BadParameter(f"{start} is after {names[1]} {end}", param_hint=names[0])
