"""The offline demo: the project's own example notices and companies through every step, into a folder.

Digests link to a real ``kansenradar serve`` the demo starts on 127.0.0.1 (with a demo-only key), their links are
tried against it, and screenshots of a digest, a company page and the coverage dashboard are taken when headless
Chromium is there. The demo writes a ``.env`` beside its database, so ``kansenradar serve`` started in that folder
answers the links in the digests again later.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from pydantic import SecretStr

from jobs.analyse import analyse_pending
from jobs.app import App
from jobs.clock import iso_week
from jobs.companies import load_company_file, store_companies
from jobs.crawl import crawl_in_subprocess
from jobs.demo_web import DEMO_PORT, browser, free_port, screenshot, served, status_of, why_no_browser
from jobs.digest import send_digests
from jobs.match import match_companies, stored_matches
from jobs.report import coverage
from jobs.report_formats import to_html
from jobs.settings import Settings

logger = logging.getLogger(__name__)
# The example notices are dated November 2026; the demo looks at them from this moment so it always shows them.
DEMO_AS_OF = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# Signs the demo's links only: anyone can read it here, so it must never sign a real service's links.
DEMO_SECRET = "kansenradar-demo-only-key-never-use-it-for-a-real-service"
SHOWN_COMPANY = "groen-noord"  # whose digest and page the screenshots show
LINK = re.compile(r'href="(http://127\.0\.0\.1:\d+/(?:feedback|unsubscribe|company)/[^"]+)"')


@dataclass
class DemoSummary:
    """Where the demo put everything and what it found."""

    database: Path
    outbox: Path
    report: Path
    notices: int = 0
    with_clause: int = 0
    rows: list[tuple[str, int, int, str]] = field(default_factory=list)  # company, bids, partners, digest file
    public_url: str = ""
    links_checked: int = 0
    links_failed: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    screenshots_skipped: str | None = None
    env_file: Path | None = None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _html_parts(folder: Path) -> dict[str, Path]:
    """Write each digest's HTML part beside its .eml (to open in a browser); return them by company."""
    pages = {}
    for eml in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
        if body is not None:
            pages[eml.stem] = eml.with_suffix(".html")
            pages[eml.stem].write_text(body.get_content(), encoding="utf-8")
    return pages


def _check_links(pages: dict[str, Path], summary: DemoSummary) -> None:
    """Open every feedback, unsubscribe and company link of the digests (GET: it shows a page, changes nothing)."""
    for page in pages.values():
        for link in sorted(set(LINK.findall(page.read_text(encoding="utf-8")))):
            summary.links_checked += 1
            if status_of(link) != 200:
                summary.links_failed.append(link.split("/")[3])
    if summary.links_failed:
        logger.error("Demo: %d digest links did not answer 200", len(summary.links_failed))


def _screenshots(output: Path, base: str, pages: dict[str, Path], summary: DemoSummary) -> None:
    summary.screenshots_skipped = why_no_browser()
    if summary.screenshots_skipped or SHOWN_COMPANY not in pages:
        summary.screenshots_skipped = summary.screenshots_skipped or f"no digest for {SHOWN_COMPANY}"
        return
    digest = pages[SHOWN_COMPANY]
    company = next(link for link in LINK.findall(digest.read_text(encoding="utf-8")) if "/company/" in link)
    try:
        with tempfile.TemporaryDirectory(prefix="kansenradar-chromium-") as profile, browser(Path(profile)) as driver:
            summary.screenshots.append(screenshot(driver, digest.as_uri(), output / "digest.png", width=760))
            summary.screenshots.append(screenshot(driver, company, output / "company.png"))
            dashboard = f"{base}/coverage?group_by=buyer"
            summary.screenshots.append(screenshot(driver, dashboard, output / "dashboard.png", width=1440))
    except Exception as exc:  # any browser failure: the demo itself is done, so say why and go on
        summary.screenshots_skipped = f"the browser failed: {type(exc).__name__}: {str(exc).splitlines()[0]}"


def run_demo(output: Path, settings: Settings) -> DemoSummary:
    """Import the example companies, crawl the example notices with the files spider, analyse, match, serve the
    links, write the week's digests and the coverage report, try the links, take screenshots; return a summary."""
    output = output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    database = output / "kansenradar.db"
    # Again on the port of an earlier run in this folder: the digests it wrote link there.
    earlier = re.search(r"^KANSENRADAR_PUBLIC_URL=http://127\.0\.0\.1:(\d+)$", _read(output / ".env"), re.MULTILINE)
    port = free_port(int(earlier.group(1)) if earlier else DEMO_PORT)
    public_url = f"http://127.0.0.1:{port}"
    settings = settings.model_copy(update={
        "database_url": f"sqlite:///{database}", "outbox": output / "outbox", "public_url": public_url,
        "secret_key": SecretStr(DEMO_SECRET)})  # fmt: skip
    app = App(settings)
    try:
        data = resources.files("jobs") / "demo_data"
        with (
            resources.as_file(data / "companies.yaml") as companies_file,
            resources.as_file(data / "notices") as notices,
        ):
            loaded = load_company_file(companies_file)
            store_companies(app.engine, [profile for _line, profile in loaded.profiles], workers=app.settings.workers)
            code = crawl_in_subprocess("files", [str(notices)], env={"KANSENRADAR_DATABASE_URL": settings.database_url,
                                                                    "KANSENRADAR_LOG_LEVEL": "WARNING"})  # fmt: skip
        if code:
            logger.warning("The demo crawl ended with exit code %d", code)
        analyse_pending(engine=app.engine)
        match_companies(engine=app.engine, as_of=DEMO_AS_OF, full=True, zone=app.zone)
        matched = stored_matches(engine=app.engine)
        week = iso_week(DEMO_AS_OF.date())
        report = coverage(engine=app.engine, group_by="buyer")
        report_path = output / "coverage.html"
        report_path.write_text(to_html(report, "nl"), encoding="utf-8")
        summary = DemoSummary(database, settings.outbox, report_path, report.total.tenders, report.total.with_clause,
                              public_url=public_url)  # fmt: skip
        env = {"KANSENRADAR_SECRET_KEY": DEMO_SECRET, "KANSENRADAR_PUBLIC_URL": public_url,
               "KANSENRADAR_LOG_LEVEL": "WARNING"}  # fmt: skip
        # The pages show the demo's day, as its digests do: its tenders close in the weeks after it.
        with served(
            database_url=settings.database_url,
            port=port,
            env=env,
            log=output / "serve.log",
            serve_options=["--as-of", DEMO_AS_OF.date().isoformat()],
        ) as base:
            send_digests(engine=app.engine, settings=settings, week=week, as_of=DEMO_AS_OF, send=False)
            pages = _html_parts(settings.outbox / week)
            _check_links(pages, summary)
            _screenshots(output, base, pages, summary)
        # `kansenradar serve` started in the output folder answers the digests' links again (same key, same port).
        summary.env_file = output / ".env"
        summary.env_file.write_text(
            f"# Written by `kansenradar demo`: a demo-only key; never use it for a real service.\n"
            f"KANSENRADAR_DATABASE_URL={settings.database_url}\nKANSENRADAR_SECRET_KEY={DEMO_SECRET}\n"
            f"KANSENRADAR_PUBLIC_URL={public_url}\n",
            encoding="utf-8",
        )
        for _line, profile in loaded.profiles:
            mine = [m for m in matched if m["company_id"] == profile.id]
            eml = settings.outbox / week / f"{profile.id}.eml"
            # Per notice, as the digest counts them (a notice and its lots are one opportunity).
            bids = len({m["notice_id"] for m in mine if m["kind"] == "bid"})
            partners = len({m["notice_id"] for m in mine if m["kind"] == "partner"})
            summary.rows.append((profile.id, bids, partners, str(eml) if eml.exists() else "-"))
        return summary
    finally:
        app.close()
