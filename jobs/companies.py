"""Read company profiles from YAML or CSV, validating each row and remembering its line number; store them."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from babel.numbers import NumberFormatError, parse_decimal
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from jobs.mail_address import address_problem
from storage import repository
from storage.db import session_scope
from storage.records import CompanyProfile
from storage.repository import Outcome

logger = logging.getLogger(__name__)

# A character UTF-8 writes in two to four bytes ("é" is C3 A9): Windows-1252 text hardly ever holds one.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

MAX_FILE_BYTES = 10 * 1024 * 1024
LIST_FIELDS = frozenset({"cpv", "regions", "certifications"})
NESTED_FIELDS = {"capacity": {"max_contract_value", "staff"}, "digest": {"min_score", "max_items"}}
TOP_FIELDS = frozenset(CompanyProfile.model_fields) - set(NESTED_FIELDS)
NUMBER_FIELDS = frozenset({"capacity.max_contract_value", "capacity.staff", "digest.min_score", "digest.max_items",
                           "preparation_days"})  # fmt: skip


class UnknownCompanyError(LookupError):
    """Raised when a command is asked for a company id that is not stored (``match_companies``, ``send_digests``)."""


class CompanyFileError(Exception):
    """Raised when a company file as a whole cannot be read, from ``load_company_file``."""


@dataclass(frozen=True)
class RowError:
    """A row that was not imported, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class CompanyFile:
    """The valid profiles of a file (with their line numbers) and the rows that were refused."""

    profiles: list[tuple[int, CompanyProfile]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def describe(error: ValidationError) -> str:
    """Return a pydantic error as one readable line: ``field: message; field: message``."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "row"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


class _CompanyLoader(yaml.SafeLoader):
    """The safe loader, keeping a number written with a leading zero as written: YAML 1.1 reads the CPV code
    ``03450000`` (tree-nursery products) as the octal number 937984."""


def _number_or_code(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(node.value)
    if len(text) > 1 and text.startswith("0") and text.isdigit():
        return text
    return loader.construct_yaml_int(node)


_CompanyLoader.add_constructor("tag:yaml.org,2002:int", _number_or_code)


def _yaml_rows(text: str) -> list[tuple[int, Any]]:
    loader = _CompanyLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return []
        if isinstance(root, yaml.MappingNode):
            for key, value in root.value:
                if isinstance(key, yaml.ScalarNode) and key.value == "companies":
                    root = value
                    break
            else:
                raise CompanyFileError("expected a list of companies, or a mapping with a 'companies:' list")
        if not isinstance(root, yaml.SequenceNode):
            raise CompanyFileError(f"line {root.start_mark.line + 1}: expected a list of companies")
        return [(node.start_mark.line + 1, loader.construct_document(node)) for node in root.value]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise CompanyFileError(f"{where}not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    finally:
        loader.dispose()


def _csv_value(column: str, value: str, separators: str = ";", delimiter: str = ",") -> Any:
    if column in LIST_FIELDS:
        return [part.strip() for part in re.split(f"[{separators}]", value) if part.strip()]
    if column in NUMBER_FIELDS:
        # A file split by ";" comes from a spreadsheet in a Dutch locale, which writes 250.000 and 0,4: read as
        # written there, "250.000" is 250000 euros, not 250.
        try:
            return str(parse_decimal(value.strip(), locale="nl_NL" if delimiter == ";" else "en_US", strict=True))
        except NumberFormatError:
            return value  # validation names the row and the field
    return value


def _delimiter(text: str) -> str:
    """Return the file's column separator: ";" when its header is split by semicolons (what a spreadsheet in a
    Dutch locale writes), else ","."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _csv_rows(text: str) -> list[tuple[int, Any]]:
    delimiter = _delimiter(text)
    # Lists in a cell are split by ";"; in a file whose columns are split by ";", by "," (or "|").
    separators = ";" if delimiter == "," else ",|"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return []
    except csv.Error as exc:
        raise CompanyFileError(f"line 1: not valid CSV ({exc})") from None
    known = set(TOP_FIELDS) | {f"{outer}.{inner}" for outer, inners in NESTED_FIELDS.items() for inner in inners}
    unknown = [name for name in header if name not in known]
    if unknown:
        raise CompanyFileError(f"line 1: unknown column(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    rows: list[tuple[int, Any]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append((line, ValueError(f"not valid CSV ({exc})")))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            rows.append((line, ValueError(f"{len(cells)} cells, header has {len(header)}")))
            continue
        row: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=True):
            if not cell.strip():
                continue
            outer, _, inner = column.partition(".")
            if inner:
                row.setdefault(outer, {})[inner] = _csv_value(column, cell, separators, delimiter)
            else:
                row[column] = _csv_value(column, cell, separators, delimiter)
        rows.append((line, row))
    return rows


def _unknown(profile: CompanyProfile) -> str | None:
    """Return what a profile names that no code list knows: a well-formed typo ("NK32") would match nothing."""
    from matcher.codelists import unknown_codes  # the label table is read on first use, not at start-up

    regions = unknown_codes(regions=profile.regions)
    cpv = unknown_codes(cpv=profile.cpv)
    problems = ([f"regions: not a NUTS region or country: {', '.join(map(repr, regions))}"] if regions else []) + (
        [f"cpv: not a CPV code or the start of one: {', '.join(map(repr, cpv))}"] if cpv else [])  # fmt: skip
    return "; ".join(problems) or None


def _decoded(data: bytes, path: Path) -> str:
    """Return a company file's text: UTF-8 (with or without a byte-order mark), else Windows-1252, which is what a
    spreadsheet in a Dutch locale saves as "CSV (gescheiden door lijstscheidingsteken)" ("Buurtcafé" as byte E9)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # UTF-8 with one broken byte is not Windows-1252: read so, its "é" elsewhere would be stored as "Ã©".
        if UTF8_SEQUENCE.search(data):
            raise CompanyFileError(f"line {line}: not UTF-8 text (a byte that is no character there)") from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise CompanyFileError(f"line {line}: not UTF-8 text, nor Windows-1252; save it as CSV UTF-8") from None
    logger.warning("%s: not UTF-8 (line %d), read as Windows-1252; saving it as CSV UTF-8 avoids the guess", path,
                   line)  # fmt: skip
    return text


def load_company_file(path: Path) -> CompanyFile:
    """Read ``path`` (``.yaml``/``.yml`` or ``.csv``) and validate every row on its own."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise CompanyFileError(f"unsupported file type {suffix or '(none)'}: use .yaml, .yml or .csv")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CompanyFileError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        text = _decoded(path.read_bytes(), path)
    except OSError as exc:
        raise CompanyFileError(exc.strerror or str(exc)) from None
    rows = _csv_rows(text) if suffix == ".csv" else _yaml_rows(text)
    result = CompanyFile()
    first_line: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, Exception):
            result.errors.append(RowError(line, str(row)))
            continue
        if not isinstance(row, dict):
            result.errors.append(RowError(line, f"expected a mapping of fields, got {type(row).__name__}"))
            continue
        try:
            profile = CompanyProfile.model_validate(row)
        except ValidationError as exc:
            result.errors.append(RowError(line, describe(exc)))
            continue
        problem = address_problem(profile.email)
        if problem:
            result.errors.append(RowError(line, f"email: {problem}"))
            continue
        unknown = _unknown(profile)
        if unknown:
            result.errors.append(RowError(line, unknown))
            continue
        if profile.id in first_line:
            reason = f"duplicate id {profile.id!r} (first on line {first_line[profile.id]})"
            result.errors.append(RowError(line, reason))
            continue
        first_line[profile.id] = line
        result.profiles.append((line, profile))
    return result


def store_companies(engine: Engine, profiles: Sequence[CompanyProfile],
                    workers: int | None = None) -> tuple[dict[Outcome, int], int]:  # fmt: skip
    """Store company profiles and, for each without CPV codes, the branches inferred from its description.

    Return how many were new, updated or unchanged, and how many had their codes inferred. Codes a company gave
    are never overwritten: inferred ones are kept apart, and only for companies without codes. ``workers``
    processes fit the CPV model if it must be fitted first.
    """
    counts = dict.fromkeys(Outcome, 0)
    with session_scope(engine) as session:
        for profile in profiles:
            counts[repository.upsert_company(session=session, profile=profile)] += 1
    without = [profile for profile in profiles if not profile.cpv]
    suggested: dict[str, tuple[tuple[str, float], ...]] = {}
    if without:
        from jobs.models import cpv_model, inferred  # scikit-learn: only when there is something to infer

        model, _fitted = cpv_model(engine, workers=workers)
        suggested = {profile.id: inferred(model, profile.description) for profile in without}
    with session_scope(engine) as session:
        for profile in profiles:
            repository.set_inferred_cpv(session=session, company_id=profile.id, codes=suggested.get(profile.id, ()))
    return counts, len(without)
