"""The offline demo: the project's own example notices and companies through every step, into a folder."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from jobs.analyse import analyse_pending
from jobs.app import App
from jobs.companies import load_company_file
from jobs.crawl import crawl_in_subprocess
from jobs.digest import iso_week, send_digests
from jobs.match import match_companies, stored_matches
from jobs.report import coverage, to_html
from jobs.settings import Settings
from storage import repository
from storage.db import session_scope

logger = logging.getLogger(__name__)
# The example notices are dated November 2026; the demo looks at them from this moment so it always shows them.
DEMO_AS_OF = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass
class DemoSummary:
    """Where the demo put everything and what it found."""

    database: Path
    outbox: Path
    report: Path
    notices: int = 0
    with_clause: int = 0
    rows: list[tuple[str, int, int, str]] = field(default_factory=list)  # company, bids, partners, digest file


def run_demo(output: Path, settings: Settings) -> DemoSummary:
    """Import the example companies, crawl the example notices with the files spider, analyse, match, write the
    week's digests to the outbox and the coverage report; return a summary."""
    output = output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    database = output / "kansenradar.db"
    settings = settings.model_copy(update={"database_url": f"sqlite:///{database}", "outbox": output / "outbox"})
    app = App(settings)
    try:
        data = resources.files("jobs") / "demo_data"
        with (
            resources.as_file(data / "companies.yaml") as companies_file,
            resources.as_file(data / "notices") as notices,
        ):
            loaded = load_company_file(companies_file)
            with session_scope(app.engine) as session:
                for _line, profile in loaded.profiles:
                    repository.upsert_company(session=session, profile=profile)
            code = crawl_in_subprocess("files", [str(notices)], env={"KANSENRADAR_DATABASE_URL": settings.database_url,
                                                                    "KANSENRADAR_LOG_LEVEL": "WARNING"})  # fmt: skip
        if code:
            logger.warning("The demo crawl ended with exit code %d", code)
        analyse_pending(engine=app.engine)
        match_companies(engine=app.engine, as_of=DEMO_AS_OF, full=True)
        matched = stored_matches(engine=app.engine)
        week = iso_week(DEMO_AS_OF.date())
        send_digests(engine=app.engine, settings=settings, week=week, as_of=DEMO_AS_OF, send=False)
        report = coverage(engine=app.engine, group_by="buyer")
        report_path = output / "coverage.html"
        report_path.write_text(to_html(report, "nl"), encoding="utf-8")
        summary = DemoSummary(database, settings.outbox, report_path, report.total.tenders, report.total.with_clause)
        for _line, profile in loaded.profiles:
            mine = [m for m in matched if m["company_id"] == profile.id]
            eml = settings.outbox / week / f"{profile.id}.eml"
            bids, partners = sum(m["kind"] == "bid" for m in mine), sum(m["kind"] == "partner" for m in mine)
            summary.rows.append((profile.id, bids, partners, str(eml) if eml.exists() else "-"))
        return summary
    finally:
        app.close()
