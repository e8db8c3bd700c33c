"""Output safety: CSV cells never run as spreadsheet formulas; only http(s) addresses ever become links."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from crawler.parsers import parse_document
from jobs.cli import cli
from storage.db import get_engine
from tests.dbutil import store
from tests.factories import make_profile, make_record

# (A leading tab or CR never reaches a cell: records strip whitespace; ``jobs.report_formats.cell`` covers them too.)
GREEN_NL32 = make_profile(regions=["NL32"])
HOSTILE_BUYERS = ['=HYPERLINK("http://evil.example","klik")', "+31 20 000", "-2+3", "@SUM(A1)"]


def test_csv_cells_that_look_like_formulas_are_neutralised(database_url: str) -> None:
    records = [make_record(notice_id=f"{i}-2026", procedure_id=f"p-{i}", buyer={"name": name, "country": "NL"})
               for i, name in enumerate(HOSTILE_BUYERS)]  # fmt: skip
    store(database_url, *records, companies=(GREEN_NL32,))
    result = CliRunner().invoke(cli, ["--database-url", database_url, "report", "coverage", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    groups = {row["group"] for row in rows}
    assert groups == {"'" + name for name in HOSTILE_BUYERS} | {"total"}
    assert {row["label"] for row in rows} == {"'" + name for name in HOSTILE_BUYERS} | {"Totaal"}
    excel = CliRunner().invoke(cli, ["--database-url", database_url, "report", "coverage", "--format", "csv",
                                     "--excel"])  # fmt: skip
    header, first = excel.stdout.removeprefix("\ufeff").splitlines()[:2]
    assert header.startswith("group;label;tenders;with_clause;share;")
    assert first.split(";")[4] in ("1,0", "0,0")  # decimal comma, as Dutch Excel reads numbers


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    from jobs.report_formats import cell

    assert cell(f"{start}cmd") == f"'{start}cmd" and cell("Gemeente") == "Gemeente" and cell(-3) == -3


def test_a_javascript_url_from_a_package_never_becomes_a_link(database_url: str, tmp_path: Path) -> None:
    release = {"ocid": "ocds-x-1", "id": "1", "date": "2026-11-20T09:00:00Z", "tag": ["tender"],
               "buyer": {"name": "Gemeente X"}, "tender": {"title": "Groenonderhoud", "tenderPeriod": {
                   "endDate": "2026-12-20T12:00:00Z"}, "documents": [{"url": "javascript:alert(1)"}]},
               "links": [{"href": "javascript:alert(1)"}]}  # fmt: skip
    package = json.dumps({"releases": [release], "uri": "javascript:alert(document.cookie)"}).encode()
    (record,) = parse_document(package, name="p.json", source="ocds")
    assert record.url is None or record.url.startswith("http")
    # And a stored address from an older version is filtered where it is shown.
    store(database_url, make_record(description="Social return: 5% van de opdrachtwaarde."), companies=(GREEN_NL32,))
    engine = get_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE notice SET url = 'javascript:alert(1)'"))
    engine.dispose()
    report = CliRunner().invoke(cli, ["--database-url", database_url, "report", "coverage"])
    assert report.exit_code == 0 and "javascript:" not in report.stdout
    CliRunner().invoke(cli, ["--database-url", database_url, "match", "--as-of", "2026-11-20"])
    digest = CliRunner().invoke(cli, ["--database-url", database_url, "digest", "--week", "2026-W47"],
                                env={"KANSENRADAR_OUTBOX": str(tmp_path / "out")})  # fmt: skip
    assert digest.exit_code == 0, digest.output
    mails = list((tmp_path / "out").rglob("*.eml"))
    assert mails and all("javascript:" not in mail.read_text() for mail in mails)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x/y"])
def test_the_record_keeps_only_http_addresses(value: str) -> None:
    assert make_record(url=value).url is None
