"""`kansenradar serve` as a real process, spoken to over HTTP: links, one-click unsubscribe, downloads, headers."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from click.testing import CliRunner
from sqlmodel import select

from jobs.cli import cli
from jobs.demo_web import free_port
from jobs.demo_web import served as serve_process
from jobs.web import tokens
from storage import repository
from storage.db import get_engine, session_scope
from storage.models import Notice
from tests.conftest import PROJECT_ROOT
from tests.dbutil import rows, scalar
from tests.factories import make_profile
from tests.web.conftest import NOTICE_TITLE, SECRET, Served, http

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _feedback_rows(served: Served) -> list[tuple[object, ...]]:
    return rows(served.database_url, "SELECT company_id, lot_id, relevant, channel FROM feedback ORDER BY company_id")


def _feedback_url(served: Served, company_id: str, *, relevant: bool, notice_id: str = "123456-2026") -> str:
    url = tokens.feedback_url(served.settings, company_id=company_id, source="ted", notice_id=notice_id, lot_id=None,
                              relevant=relevant)  # fmt: skip
    served.tokens.append(url.rsplit("/", 1)[1])
    return url


def _companies(served: Served) -> dict[str, dict[str, object]]:
    listed = served.run("companies", "list", "--format", "jsonl")
    return {row["id"]: row for row in map(json.loads, listed.splitlines())}


def test_health_and_security_headers_on_every_response(served: Served) -> None:
    health = http(f"{served.base}/health")
    assert health.status == 200 and json.loads(health.body) == {"status": "ok", "database": "ok"}
    for path, status in (("/health", 200), ("/coverage", 200), ("/feedback/nonsense", 403), ("/elsewhere", 404)):
        reply = http(served.base + path)
        assert reply.status == status, path
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe-inline" not in policy
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert reply.headers["x-frame-options"] == "DENY"
        assert "camera=()" in reply.headers["permissions-policy"]
        assert "server" not in reply.headers
    not_allowed = http(f"{served.base}/health", data=b"")
    assert not_allowed.status == 405 and set(not_allowed.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_get_shows_the_question_and_only_post_records_it(served: Served) -> None:
    url = _feedback_url(served, "green-co", relevant=True)
    page = http(url)
    assert page.status == 200 and "Is this one for you?" in page.text and NOTICE_TITLE in page.text
    assert '<strong id="answer">Fits us</strong>' in page.text and 'lang="en"' in page.text
    assert _feedback_rows(served) == []  # a mail scanner following the link changes nothing
    done = http(url, data=b"")
    assert done.status == 200 and "Noted: this tender fits Green Co." in done.text
    assert _feedback_rows(served) == [("green-co", "", True, "web")]
    assert http(url, data=b"").status == 200  # posting twice is harmless: the latest word counts
    assert len(_feedback_rows(served)) == 1


def test_tampered_expired_and_foreign_tokens_get_403_and_change_nothing(served: Served) -> None:
    before = _feedback_rows(served)
    good = _feedback_url(served, "groen-noord", relevant=False)
    with time_machine.travel(datetime.now(UTC) - timedelta(days=61), tick=False):
        expired = _feedback_url(served, "groen-noord", relevant=False)
        expired_page = tokens.company_url(served.settings, company_id="groen-noord")
    tampered = good[:-3] + ("xyz" if not good.endswith("xyz") else "abc")
    page_link = tokens.company_url(served.settings, company_id="groen-noord")
    foreign = page_link.replace("/company/", "/unsubscribe/")  # a page link is no unsubscribe link
    for url in (tampered, expired, foreign, good.replace(good.rsplit("/", 1)[1], "A" * 60)):
        assert http(url).status == 403, url
        refused = http(url, data=b"List-Unsubscribe=One-Click", headers=FORM)
        assert refused.status == 403 and "niet (meer) geldig" in refused.text
    assert http(expired_page).status == 403
    assert _feedback_rows(served) == before
    assert scalar(served.database_url, "SELECT COUNT(*) FROM company WHERE unsubscribed_at IS NOT NULL") == 0


def test_valid_token_for_an_unknown_company_is_410_and_for_an_unknown_notice_404(served: Served) -> None:
    # A signed company id was a stored company: its reader is told it was removed, in both languages.
    gone = http(_feedback_url(served, "nobody", relevant=True), data=b"")
    assert gone.status == 410 and "staat niet meer in Kansenradar" in gone.text and "no longer in" in gone.text
    assert http(_feedback_url(served, "groen-noord", relevant=True, notice_id="999-2026"), data=b"").status == 404
    assert http(tokens.company_url(served.settings, company_id="nobody")).status == 410
    # Nothing more goes to it, which is what a one-click unsubscribe asks: granted, and nothing stored.
    one_click = http(tokens.unsubscribe_url(served.settings, company_id="nobody"), data=b"List-Unsubscribe=One-Click",
                     headers=FORM)  # fmt: skip
    assert one_click.status == 200
    assert scalar(served.database_url, "SELECT COUNT(*) FROM company WHERE id = 'nobody'") == 0
    assert _feedback_rows(served) == [("green-co", "", True, "web")]


def test_one_click_unsubscribe_sticks_through_a_reimport(served: Served) -> None:
    url = tokens.unsubscribe_url(served.settings, company_id="stopper")
    served.tokens.append(url.rsplit("/", 1)[1])
    page = http(url)
    assert page.status == 200 and "Stopper &amp; Zn ontvangt dan geen wekelijkse kansen" in page.text
    assert scalar(served.database_url, "SELECT unsubscribed_at FROM company WHERE id = 'stopper'") is None
    reply = http(url, data=b"List-Unsubscribe=One-Click", headers=FORM)  # RFC 8058, as a mail client posts it
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/plain")
    assert reply.text == "Unsubscribed.\n"
    listed = _companies(served)
    when = datetime.fromisoformat(str(listed["stopper"]["unsubscribed_at"]))
    assert abs(datetime.now(UTC) - when) < timedelta(minutes=5)
    assert listed["groen-noord"]["unsubscribed_at"] is None
    assert "0 new, 0 updated, 3 unchanged" in served.run("companies", "import", str(served.folder / "companies.yaml"))
    (served.folder / "changed.yaml").write_text(
        (served.folder / "companies.yaml").read_text().replace("Groenonderhoud in Amsterdam.", "Groen en grijs.")
    )
    assert "1 updated" in served.run("companies", "import", str(served.folder / "changed.yaml"))
    again = _companies(served)
    assert again["stopper"]["unsubscribed_at"] == listed["stopper"]["unsubscribed_at"]
    engine = get_engine(served.database_url)
    with session_scope(engine) as session:
        assert repository.subscribed(session=session) == ["green-co", "groen-noord"]
        assert repository.is_unsubscribed(session=session, company_id="stopper")
    engine.dispose()
    assert "Afgemeld sinds" in http(url).text
    assert http(url, data=b"List-Unsubscribe=One-Click", headers=FORM).status == 200  # again: still fine


def test_coverage_downloads_are_the_report_commands_numbers(served: Served) -> None:
    for args, query in ((["--group-by", "buyer"], "group_by=buyer"), (["--group-by", "month", "--lang", "en"],
                                                                    "group_by=month&lang=en")):  # fmt: skip
        csv_reply = http(f"{served.base}/coverage?{query}&format=csv")
        assert csv_reply.status == 200 and csv_reply.headers["content-type"].startswith("text/csv")
        group = query.split("&")[0].removeprefix("group_by=")
        assert csv_reply.headers["content-disposition"] == f'attachment; filename="kansenradar-coverage-{group}.csv"'
        excel = http(f"{served.base}/coverage?{query}&format=excel").headers["content-disposition"]
        assert excel == f'attachment; filename="kansenradar-coverage-{group}-excel.csv"'  # not the same name
        assert csv_reply.body.startswith(b"\xef\xbb\xbf")
        written = served.folder / "coverage.csv"  # a file keeps the CSV's CRLF line ends as they are
        served.run("report", "coverage", "--format", "csv", "--output", str(written), *args)
        assert csv_reply.body == written.read_bytes()
        expected = json.loads(served.run("report", "coverage", "--format", "json", *args))
        got = json.loads(http(f"{served.base}/coverage?{query}&format=json").body)
        assert (got["groups"], got["total"]) == (expected["groups"], expected["total"])
    filtered = http(f"{served.base}/coverage?buyer=utrecht&from=2026-10-01&to=2026-10-31&format=json")
    assert [g["group"] for g in json.loads(filtered.body)["groups"]] == ["Gemeente Utrecht"]
    bad = http(f"{served.base}/coverage?buyer=utrecht&from=yesterday&to=2026-10-31&group_by=region")
    assert bad.status == 400 and "Gepubliceerd vanaf: &#39;yesterday&#39; is geen datum (JJJJ-MM-DD)" in bad.text
    # The fields given right stay filled in: only the wrong one needs correcting.
    assert 'name="buyer" value="utrecht"' in bad.text and 'name="to" value="2026-10-31"' in bad.text
    assert '<option value="region" selected>' in bad.text
    english = http(f"{served.base}/coverage?from=2026-11-01&to=2026-10-01&lang=en")
    assert english.status == 400 and "&#39;2026-11-01&#39; is after &#39;2026-10-01&#39;" in english.text


def test_serve_refuses_a_port_in_use(sqlite_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["--database-url", sqlite_url, "serve", "--port", str(port)],
                                    env={"KANSENRADAR_SECRET_KEY": "k" * 40})  # fmt: skip
    assert result.exit_code == 2 and f"--port {port}: cannot listen there" in result.output


def test_the_log_names_paths_without_tokens(served: Served) -> None:
    assert http(_feedback_url(served, "groen-noord", relevant=True)).status == 200
    unsubscribe = tokens.unsubscribe_url(served.settings, company_id="stopper")
    served.tokens.append(unsubscribe.rsplit("/", 1)[1])
    assert http(unsubscribe, data=b"").status == 200
    assert http(f"{served.base}/coverage?group_by=region").status == 200
    expected = ("GET /feedback/… 200", "POST /unsubscribe/… 200", "GET /coverage 200")
    deadline = time.monotonic() + 10  # the access line is written just after the reply has gone out
    while not all(line in served.log.read_text(encoding="utf-8") for line in expected) and time.monotonic() < deadline:
        time.sleep(0.1)
    log = served.log.read_text(encoding="utf-8")
    assert all(line in log for line in expected), log
    assert not [token for token in served.tokens if token in log]
    assert "/feedback/ey" not in log and "test-only-secret-key" not in log


def test_a_company_without_codes_sees_the_work_read_from_its_description(served: Served) -> None:
    engine = get_engine(served.database_url)
    with session_scope(engine) as session:
        cook = make_profile(id="buurtkeuken", cpv=[], regions=[], description="Wij koken voor de buurt.")
        repository.upsert_company(session=session, profile=cook)
        repository.set_inferred_cpv(session=session, company_id="buurtkeuken", codes=[("5552", 1.0), ("555", 0.8)])
    engine.dispose()
    page = http(tokens.company_url(served.settings, company_id="buurtkeuken"))
    assert page.status == 200
    assert "Cateringdiensten" in page.text and "(5552)" in page.text and "(555)" in page.text
    assert "Zo lezen wij het uit jullie beschrijving" in page.text
    given = http(tokens.company_url(served.settings, company_id="groen-noord"))
    assert "(7731)" in given.text and "Zo lezen wij het" not in given.text
    # TED's page in the notice's own language, as the digest links it; not the English page the crawl stored.
    assert "https://ted.europa.eu/nl/notice/-/detail/123456-2026" in given.text
    assert "https://ted.europa.eu/en/notice/-/detail/123456-2026" not in given.text


def test_the_company_page_lists_open_tenders_only(served: Served) -> None:
    page_url = tokens.company_url(served.settings, company_id="groen-noord")
    assert NOTICE_TITLE in http(page_url).text
    # Where to write when something is wrong: the digests' sender.
    assert 'Mail de beheerder van Kansenradar: <a href="mailto:radar@kansen.example">' in http(page_url).text
    engine = get_engine(served.database_url)
    with session_scope(engine) as session:
        notice = session.exec(select(Notice).where(Notice.notice_id == "123456-2026")).one()
        deadline, notice.deadline = notice.deadline, datetime.now(UTC) - timedelta(hours=1)
        notice.closes_at = notice.deadline
        session.add(notice)
    try:
        # The deadline passed after `match` stored the match: the match is still stored, the page no longer offers it.
        page = http(page_url)
        assert page.status == 200 and NOTICE_TITLE not in page.text and 'id="match-1"' not in page.text
        assert scalar(served.database_url, "SELECT COUNT(*) FROM match WHERE company_id = 'groen-noord'") >= 1
    finally:
        with session_scope(engine) as session:
            notice = session.exec(select(Notice).where(Notice.notice_id == "123456-2026")).one()
            notice.deadline = notice.closes_at = deadline
            session.add(notice)
        engine.dispose()
    assert NOTICE_TITLE in http(page_url).text


def test_serve_as_of_a_day_offers_the_tenders_open_that_day(served: Served, tmp_path: Path) -> None:
    # The demo serves its own day, as its digests are written: a tender open today is closed by a later day.
    later = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()  # the fixture's tenders close in 20 days
    port = free_port(0)
    base = f"http://127.0.0.1:{port}"
    env = {"KANSENRADAR_SECRET_KEY": SECRET, "KANSENRADAR_PUBLIC_URL": base, "PYTHONPATH": str(PROJECT_ROOT)}
    page_path = tokens.company_url(served.settings, company_id="groen-noord").removeprefix(served.base)
    with serve_process(database_url=served.database_url, port=port, env=env, log=tmp_path / "serve.log",
                       serve_options=["--as-of", later], cwd=tmp_path):  # fmt: skip
        then = http(base + page_path)
    assert then.status == 200 and NOTICE_TITLE not in then.text and 'id="match-1"' not in then.text
    assert NOTICE_TITLE in http(served.base + page_path).text  # the same page today
    wrong = CliRunner().invoke(cli, ["serve", "--as-of", "30-11-2026"], env={"KANSENRADAR_SECRET_KEY": SECRET})
    assert wrong.exit_code == 2 and "is not a date in the form YYYY-MM-DD" in wrong.output
