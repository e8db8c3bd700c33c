"""Nothing lost: unreadable listings fail the crawl, failed notices are queued and retried, the watermark waits.

Each test reproduces a failure seen with the earlier version (crawl "success" with pages never fetched; notices
skipped for good once the watermark passed them) against a stand-in API on 127.0.0.1, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from crawler.spiders.ocds import feed_of
from tests.crawler.test_spiders_e2e import _env, _search_page, _ted_notices
from tests.dbutil import job_runs, rows, scalar
from tests.factories import local_today
from tests.replay import Reply, Seen, replay_server, run_cli
from tests.shared import shared

pytestmark = pytest.mark.slow

HTML_ERROR = Reply(200, b"<html><body>Service temporarily unavailable</body></html>", {"Content-Type": "text/html"})


def _notices() -> tuple[dict[str, tuple[bytes, str]], list[tuple[str, str]]]:
    notices = _ted_notices()
    numbers = sorted(((n, published) for n, (_d, published) in notices.items()), key=lambda item: item[1])
    return notices, numbers


def _route_notices(server: object, notices: dict[str, tuple[bytes, str]], skip: str | None = None) -> None:
    for number, (data, _published) in notices.items():
        reply = Reply(404, b"gone") if number == skip else Reply(200, data, {"Content-Type": "application/xml"})
        server.route("GET", f"/en/notice/{number}/xml", reply)  # type: ignore[attr-defined]


def test_an_unreadable_second_page_fails_the_crawl_and_keeps_the_watermark(tmp_path: Path, database_url: str) -> None:
    notices, numbers = _notices()
    with replay_server() as server:
        healthy = False

        def search(request: Seen) -> Reply:
            token = request.json().get("iterationNextToken")
            if token is None:
                return Reply.json(_search_page(server.base, numbers[:2], "page-2"))
            return Reply.json(_search_page(server.base, numbers[2:], None)) if healthy else HTML_ERROR

        server.route("POST", "/v3/notices/search", search)
        _route_notices(server, notices)
        env = {**_env(database_url, server.base), "KANSENRADAR_CRAWL_FIRST_DAYS": "5000"}
        first = run_cli("crawl", "ted", env=env, cwd=tmp_path)
        assert first.returncode == 1, first.stdout
        assert "crawl ted: failed" in first.stdout
        assert "/v3/notices/search: listing unreadable, crawl incomplete: not JSON (text/html" in first.stderr
        assert "Traceback" not in first.stderr
        ((status, _counts, _watermark),) = job_runs(database_url, "crawl:ted")
        assert status == "failed"
        assert scalar(database_url, "SELECT count(*) FROM notice") == 2
        healthy = True  # the API recovers
        second = run_cli("crawl", "ted", env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
    # The failed run did not move the watermark: the second crawl starts where the first began, and gets all.
    assert scalar(database_url, "SELECT count(*) FROM notice") == len(notices)
    assert [r[0] for r in job_runs(database_url, "crawl:ted")] == ["failed", "success"]


def test_a_wrongly_shaped_listing_fails_the_crawl(tmp_path: Path, database_url: str) -> None:
    with replay_server() as server:
        server.route("POST", "/v3/notices/search", Reply.json({"notices": "not a list", "totalNoticeCount": 3}))
        result = run_cli("crawl", "ted", "--since", "2024-01-01", env=_env(database_url, server.base), cwd=tmp_path)
    assert result.returncode == 1
    assert "JSON without a list of notices" in result.stderr
    assert job_runs(database_url, "crawl:ted")[0][0] == "failed"


def test_tenderned_and_ocds_listings_that_are_not_json_fail_the_crawl(tmp_path: Path, database_url: str) -> None:
    api = "/papi/tenderned-rs-tns/v2"
    with replay_server() as server:
        server.route("GET", f"{api}/publicaties", HTML_ERROR)
        server.route("GET", "/ocds", Reply.json({"releases": [], "links": {"next": f"{server.base}/ocds/2"}}))
        server.route("GET", "/ocds/2", Reply(200, b'{"releases": [{"ocid": "ocds-x-1", "ten', {}))  # truncated
        tenderned = run_cli("crawl", "tenderned", "--since", "2026-11-01", env=_env(database_url, server.base),
                            cwd=tmp_path)  # fmt: skip
        ocds = run_cli("crawl", "ocds", "--url", f"{server.base}/ocds", env=_env(database_url, server.base),
                       cwd=tmp_path)  # fmt: skip
    assert tenderned.returncode == 1 and "listing unreadable" in tenderned.stderr
    assert ocds.returncode == 1 and f"{server.base}/ocds/2: listing unreadable" in ocds.stderr
    assert job_runs(database_url, "crawl:tenderned")[0][0] == "failed"
    assert job_runs(database_url, f"crawl:{feed_of(f'{server.base}/ocds', primary=False)}")[0][0] == "failed"


def test_a_notice_that_cannot_be_fetched_is_queued_retried_first_and_holds_the_watermark(
    tmp_path: Path, database_url: str
) -> None:
    notices, numbers = _notices()
    broken, broken_day = numbers[1]  # not the newest: the watermark must not pass it
    with replay_server() as server:
        server.route("POST", "/v3/notices/search", Reply.json(_search_page(server.base, numbers, None)))
        _route_notices(server, notices, skip=broken)
        env = {**_env(database_url, server.base), "KANSENRADAR_CRAWL_FIRST_DAYS": "5000",
               "KANSENRADAR_RETRY_QUEUE_BACKOFF": "0"}  # fmt: skip
        first = run_cli("crawl", "ted", env=env, cwd=tmp_path)
        assert first.returncode == 1  # a notice failed; the rest is stored
        assert "failed 1" in first.stdout and f"new {len(notices) - 1}" in first.stdout
        ((status, counts, watermark),) = job_runs(database_url, "crawl:ted")
        assert status == "success" and counts["failed"] == 1
        assert watermark == broken_day < max(day for _n, day in numbers)
        queued = rows(database_url, "SELECT source, key, status, attempts, publication_date FROM crawl_failure")
        assert [(q[0], q[1], q[2], q[3]) for q in queued] == [
            ("ted", f"{server.base}/en/notice/{broken}/xml", "pending", 1)]  # fmt: skip
        listed = run_cli("runs", "--failed", env=env, cwd=tmp_path)
        assert f"{broken}.xml" in listed.stdout and "pending" in listed.stdout

        server.route("GET", f"/en/notice/{broken}/xml", Reply(200, notices[broken][0]))  # the source heals
        server.requests.clear()
        second = run_cli("crawl", "ted", env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        # Retried first, before the listing; then stored, and gone from the queue.
        first_two = [(r.method, r.path) for r in server.requests if not r.path.endswith("robots.txt")][:1]
        assert first_two == [("GET", f"/en/notice/{broken}/xml")]
    assert scalar(database_url, "SELECT count(*) FROM notice") == len(notices)
    assert scalar(database_url, "SELECT count(*) FROM crawl_failure") == 0
    assert job_runs(database_url, "crawl:ted")[-1][1]["retried"] == 1


def test_a_notice_that_keeps_failing_is_given_up_and_reported(tmp_path: Path, database_url: str) -> None:
    notices, numbers = _notices()
    broken = numbers[0][0]
    with replay_server() as server:
        server.route("POST", "/v3/notices/search", Reply.json(_search_page(server.base, numbers, None)))
        _route_notices(server, notices, skip=broken)
        env = {**_env(database_url, server.base), "KANSENRADAR_CRAWL_FIRST_DAYS": "5000",
               "KANSENRADAR_RETRY_QUEUE_BACKOFF": "0", "KANSENRADAR_RETRY_LIMIT": "2"}  # fmt: skip
        run_cli("crawl", "ted", env=env, cwd=tmp_path)
        last = run_cli("crawl", "ted", env=env, cwd=tmp_path)
        assert f"Gave up on {broken}.xml after 2 attempts" in last.stderr
        server.requests.clear()
        third = run_cli("crawl", "ted", env=env, cwd=tmp_path)
        # Given up: no longer retried from the queue (only asked for again when a listing still names it).
        assert len(server.seen("GET", f"/en/notice/{broken}/xml")) == 1
        listed = run_cli("runs", "--failed", "--format", "jsonl", env=env, cwd=tmp_path)
    assert third.returncode == 1
    queued = [json.loads(line) for line in listed.stdout.splitlines() if '"queued_notice"' in line]
    assert [(q["document"], q["status"]) for q in queued] == [(f"{broken}.xml", "gave_up")]
    # Given up, it no longer holds the watermark back.
    assert job_runs(database_url, "crawl:ted")[-1][2] == max(day for _n, day in numbers)


def test_a_file_that_failed_to_parse_is_retried_by_the_next_files_crawl(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(shared("notices", "eforms-real", "583624-2023.xml"), folder / "good.xml")
    (folder / "late.xml").write_bytes(b"<half a file")  # still being copied when the crawl ran
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_RETRY_QUEUE_BACKOFF": "0"}
    first = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert first.returncode == 1 and "late.xml: not well-formed XML" in first.stderr
    assert [r[0] for r in rows(database_url, "SELECT status FROM crawl_failure")] == ["pending"]
    shutil.copy(shared("notices", "eforms-real", "2024-OJS065-00191536.xml"), folder / "late.xml")
    second = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert scalar(database_url, "SELECT count(*) FROM notice") == 2
    assert scalar(database_url, "SELECT count(*) FROM crawl_failure") == 0
    # Read once: by the retry queue, not again by the folder's listing (two files, two fetched).
    counts = job_runs(database_url, "crawl:files")[-1][1]
    assert (counts["fetched"], counts["retried"], counts["new"], counts["unchanged"]) == (2, 1, 1, 1)
    # A file that still fails is counted once too.
    (folder / "late.xml").write_bytes(b"<half a file")
    (folder / "other.xml").write_bytes(b"<also half")
    run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    third = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert third.returncode == 1 and third.stderr.count("late.xml: not well-formed XML") == 1
    counts = job_runs(database_url, "crawl:files")[-1][1]
    assert (counts["fetched"], counts["failed"], counts["retried"]) == (3, 2, 2)


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "'2026-13' is not a month in the form YYYY-MM"), ("2999-01", "2999-01 is not finished yet")],
)
def test_ted_packages_month_is_checked_before_any_request(tmp_path: Path, month: str, message: str) -> None:
    with replay_server() as server:
        env = {"KANSENRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
               "KANSENRADAR_TED_PACKAGES_URL": f"{server.base}/packages"}  # fmt: skip
        result = run_cli("crawl", "ted_packages", "--month", month, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert f"--month: {message}" in result.stderr and result.stderr.count("\n") == 1  # the option typed, by name
    assert server.requests == [] and not (tmp_path / "x.db").exists()


def test_ted_packages_by_date_ask_only_for_finished_months(tmp_path: Path, database_url: str) -> None:
    with replay_server() as server:
        env = {**_env(database_url, server.base), "KANSENRADAR_TED_PACKAGES_URL": f"{server.base}/packages"}
        server.route("GET", "/packages/monthly/2026-10", Reply(404))
        server.route("GET", "/packages/monthly/2026-11", Reply(404))
        run_cli("crawl", "ted_packages", "--since", "2026-10-15", env={**env}, cwd=tmp_path)
    asked = sorted(r.path for r in server.requests if "monthly" in r.path)
    today = local_today()
    assert all(tuple(map(int, p.rsplit("/", 1)[1].split("-"))) < (today.year, today.month) for p in asked)
    assert "/packages/monthly/2026-10" in asked


def test_a_narrowed_crawl_does_not_move_the_watermark(tmp_path: Path, database_url: str) -> None:
    # A crawl of some codes (or at most N notices) recorded the newest date it stored as the source's watermark: the
    # next daily crawl started there and never fetched what the narrow one had left out.
    notices, numbers = _notices()
    queries: list[str] = []
    listed = numbers[:1]  # the full crawl finds the oldest notice; the narrow ones a newer one
    with replay_server() as server:

        def search(request: Seen) -> Reply:
            queries.append(request.json()["query"])
            return Reply.json(_search_page(server.base, listed, None))

        server.route("POST", "/v3/notices/search", search)
        _route_notices(server, notices)
        env = _env(database_url, server.base)
        full = run_cli("crawl", "ted", "--since", "2020-01-01", env=env, cwd=tmp_path)
        listed = numbers[-1:]
        narrow = run_cli("crawl", "ted", "--cpv", "6651", env=env, cwd=tmp_path)
        capped = run_cli("crawl", "ted", "--since", "2020-01-01", "--max-notices", "1", env=env, cwd=tmp_path)
        daily = run_cli("crawl", "ted", env=env, cwd=tmp_path)
    assert [r.returncode for r in (full, narrow, capped, daily)] == [0, 0, 0, 0], daily.stderr
    watermarks = [watermark for _status, _counts, watermark in job_runs(database_url, "crawl:ted")]
    assert watermarks[:3] == [numbers[0][1], None, None]
    # The daily crawl starts where the full one stopped, not at the newer notice a narrow one stored.
    assert f"publication-date >= {numbers[0][1].replace('-', '')}" in queries[-1]


def test_a_server_asking_for_a_long_wait_is_not_asked_again_early(tmp_path: Path, database_url: str) -> None:
    # Retry-After: 600 was cut to the back-off cap (120 s) and asked five more times within the server's ban.
    with replay_server() as server:
        server.route("POST", "/v3/notices/search", Reply(429, b"slow down", {"Retry-After": "600"}))
        result = run_cli("crawl", "ted", "--since", "2024-01-01", env=_env(database_url, server.base), cwd=tmp_path)
        asked = len(server.seen("POST", "/v3/notices/search"))
    assert result.returncode == 1 and "asks to wait 600 s" in result.stderr and "not retried" in result.stderr
    assert asked == 1 and job_runs(database_url, "crawl:ted")[0][0] == "failed"  # the next crawl asks again


def test_an_issue_range_across_a_year_is_refused(tmp_path: Path, database_url: str) -> None:
    # Issue numbers restart each year: the range was a hundred thousand requests for packages that do not exist.
    result = run_cli("crawl", "ted_packages", "--issue", "202500250-202600003", env=_env(database_url, "http://x"),
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2 and "within one year" in result.stderr


def test_one_bad_release_costs_itself_not_its_page(tmp_path: Path, database_url: str) -> None:
    # A page of three OCDS releases, the middle one with a number for a title: the whole page failed, and its two
    # good releases were lost for good.
    def release(number: int, title: object) -> dict[str, object]:
        return {"ocid": f"ocds-kr-{number}", "id": str(number), "date": "2026-11-02T09:00:00Z", "tag": ["tender"],
                "tender": {"title": title, "status": "active"}}  # fmt: skip

    with replay_server() as server:
        first = {"releases": [release(1, "Catering"), release(2, 2026), release(3, "Schoonmaak")],
                 "links": {"next": f"{server.base}/ocds/2"}}  # fmt: skip
        server.route("GET", "/ocds", Reply.json(first))
        server.route("GET", "/ocds/2", Reply.json({"releases": [release(4, "Groenonderhoud")]}))
        result = run_cli("crawl", "ocds", "--url", f"{server.base}/ocds", "--since", "2026-01-01",
                         env=_env(database_url, server.base), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert f"{server.base}/ocds#ocds-kr-2: invalid title" in result.stderr
    stored = [ocid for (ocid,) in rows(database_url, "SELECT notice_id FROM notice ORDER BY notice_id")]
    assert stored == ["ocds-kr-1", "ocds-kr-3", "ocds-kr-4"]
    assert "ocds-kr-2" in rows(database_url, "SELECT last_error FROM crawl_failure")[0][0]  # listed, retried
    page = tmp_path / "page.json"
    page.write_text(json.dumps(first), encoding="utf-8")
    parsed = run_cli("parse", "--source", "ocds", str(page), env={}, cwd=tmp_path)
    assert parsed.returncode == 1 and len(parsed.stdout.splitlines()) == 2 and "page.json#ocds-kr-2" in parsed.stderr


def test_a_monthly_package_is_read_once(tmp_path: Path, database_url: str) -> None:
    # The watermark stayed inside the month read (its newest notice), so every daily crawl fetched last month's
    # package (hundreds of megabytes) again until the next month ended.
    from datetime import timedelta

    today = local_today()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    package = io.BytesIO()
    with tarfile.open(fileobj=package, mode="w:gz") as archive:
        archive.add(shared("notices", "eforms-real", "583624-2023.xml"), arcname="583624-2023.xml")
    with replay_server() as server:
        env = {**_env(database_url, server.base), "KANSENRADAR_TED_PACKAGES_URL": f"{server.base}/packages",
               "KANSENRADAR_CRAWL_FIRST_DAYS": str(today.day + 5)}  # fmt: skip
        server.route("GET", f"/packages/monthly/{int(last_month[:4])}-{int(last_month[5:])}",
                     Reply(200, package.getvalue()))  # fmt: skip
        first = run_cli("crawl", "ted_packages", env=env, cwd=tmp_path)
        second = run_cli("crawl", "ted_packages", env=env, cwd=tmp_path)
        asked = [r.path for r in server.requests if "monthly" in r.path]
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert len(asked) == 1
    assert job_runs(database_url, "crawl:ted_packages")[0][2] == today.replace(day=1).isoformat()


def test_a_month_cut_short_by_until_is_read_again() -> None:
    from crawler.spiders.ted_packages import TedPackages

    whole = TedPackages(since="2026-01-01", until="2026-02-28", today="2026-12-06")
    cut = TedPackages(since="2026-01-01", until="2026-02-15", today="2026-12-06")
    assert (whole.months, str(whole.next_start)) == (["2026-1", "2026-2"], "2026-03-01")
    assert cut.next_start is None  # the notices after 15 February are the next crawl's: no jump to March
