"""JSON lines files read with their line numbers: the eval inputs (judgements, second readings, the clause corpus,
described companies) all name a bad file and line the same way. Kept apart from what reads them so that importing
it loads nothing heavy (the CLI starts without NumPy or scikit-learn)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def json_rows(path: Path, error: type[Exception], what: str = "a JSON object") -> list[tuple[int, dict[str, Any]]]:
    """Return the JSON objects of a JSON lines file with their line numbers (blank lines skipped); raise ``error``
    naming the file, and the line, when it cannot be read, is not UTF-8 or a line is not a JSON object (``what``
    the line should have been)."""
    try:
        # Lines end at "\n" only: str.splitlines would also cut at U+2028 or U+0085, which JSON written with
        # ensure_ascii=False keeps raw inside strings.
        lines = [line.removesuffix("\r") for line in path.read_text(encoding="utf-8").split("\n")]
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not readable as UTF-8 text ({exc})") from None
    except OSError as exc:  # not there, a folder, no permission: the reason, not a decoding complaint
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise error(f"{path}, line {number}: not {what} ({exc})") from None
        if not isinstance(row, dict):
            raise error(f"{path}, line {number}: not {what}")
        rows.append((number, row))
    return rows
