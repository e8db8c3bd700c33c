"""Each OCDS address is a source of its own: a crawl of one neither starts from nor moves another's watermark."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from crawler.spiders.ocds import address, feed_of
from jobs.crawl import feed_name, resolve_since
from jobs.settings import Settings
from storage import repository
from storage.db import ensure_schema, get_engine, session_scope
from tests.crawler.test_spiders_e2e import _env
from tests.dbutil import job_runs, rows
from tests.factories import local_today
from tests.replay import Reply, replay_server, run_cli


def _package(ocid: str, published: date) -> dict[str, object]:
    release = {"ocid": ocid, "id": "1", "date": f"{published.isoformat()}T09:00:00Z", "tag": ["tender"],
               "language": "en", "buyer": {"id": "GB-1", "name": "Bristol City Council"},
               "tender": {"title": f"Grounds maintenance {ocid}", "status": "active",
                          "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "77310000"}}]}}  # fmt: skip
    return {"version": "1.1", "releases": [release]}


def test_two_ocds_addresses_keep_their_own_watermarks(tmp_path: Path, database_url: str) -> None:
    today = local_today()
    newer, older = today - timedelta(days=2), today - timedelta(days=9)  # both inside the first crawl's 14 days
    with replay_server() as server:
        # The installation's own address (KANSENRADAR_OCDS_URL) publishes later than the second one.
        own, other, third = f"{server.base}/own", f"{server.base}/other", f"{server.base}/third"
        server.route("GET", "/own", Reply.json(_package("ocds-own-1", newer)))
        server.route("GET", "/other", Reply.json(_package("ocds-other-1", older)))
        server.route("GET", "/third", Reply.json(_package("ocds-third-1", older)))
        env = {**_env(database_url, server.base), "KANSENRADAR_OCDS_URL": own, "KANSENRADAR_OCDS_SINCE_PARAM": "from"}
        first = run_cli("crawl", "ocds", env=env, cwd=tmp_path)
        assert first.returncode == 0 and "new 1" in first.stdout, first.stderr
        # Before, this crawl started from the own address's watermark and left its older release out.
        second = run_cli("crawl", "ocds", "--url", other, env=env, cwd=tmp_path)
        assert second.returncode == 0 and "new 1" in second.stdout, second.stderr
        assert second.stdout.startswith(f"crawl {feed_of(other, primary=False)} ({other}): success")  # key and address
        assert server.seen("GET", "/other")[0].query["from"] == [f"{today - timedelta(days=14)}T00:00:00"]
        # The own address asks again from its own watermark, not from the other one's.
        again = run_cli("crawl", "ocds", env=env, cwd=tmp_path)
        assert again.returncode == 0 and "unchanged 1" in again.stdout, again.stderr
        assert server.seen("GET", "/own")[-1].query["from"] == [f"{newer}T00:00:00"]
        # Without KANSENRADAR_OCDS_URL every address given with --url is its own source as well.
        plain = {key: value for key, value in env.items() if key != "KANSENRADAR_OCDS_URL"}
        for url, said in ((third, "new 1"), (other, "unchanged 1")):
            result = run_cli("crawl", "ocds", "--url", url, env=plain, cwd=tmp_path)
            assert result.returncode == 0 and said in result.stdout, result.stderr
        assert server.seen("GET", "/other")[-1].query["from"] == [f"{older}T00:00:00"]
    other_runs = job_runs(database_url, f"crawl:{feed_of(other, primary=False)}")
    assert [(status, watermark) for status, _counts, watermark in other_runs] == [("success", older.isoformat())] * 2
    assert [w for _s, _c, w in job_runs(database_url, "crawl:ocds")] == [newer.isoformat()] * 2
    assert [w for _s, _c, w in job_runs(database_url, f"crawl:{feed_of(third, primary=False)}")] == [older.isoformat()]
    stored = rows(database_url, "SELECT notice_id FROM notice WHERE source = 'ocds' ORDER BY notice_id")
    assert [r[0] for r in stored] == ["ocds-other-1", "ocds-own-1", "ocds-third-1"]


def test_the_own_address_given_with_url_is_the_own_source(tmp_path: Path, database_url: str) -> None:
    with replay_server() as server:
        own = f"{server.base}/own"
        server.route("GET", "/own", Reply.json(_package("ocds-own-1", local_today() - timedelta(days=1))))
        env = {**_env(database_url, server.base), "KANSENRADAR_OCDS_URL": own}
        result = run_cli("crawl", "ocds", "--url", own, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [status for status, _counts, _watermark in job_runs(database_url, "crawl:ocds")] == ["success"]
    assert feed_of(own, primary=False) != feed_of(f"{own}/", primary=False) != "ocds"


@pytest.mark.parametrize(
    ("one", "other"),
    [("https://Find-Tender.example:443/api/ocds", "https://find-tender.example/api/ocds"),
     ("http://[::1]:80/ocds", "http://[::1]/ocds"),
     ("file://localhost/tmp/package%20one.json", "/tmp/package one.json"),
     ("file:///tmp/x/../package.json", "/tmp/package.json")],
)  # fmt: skip
def test_one_address_written_two_ways_is_one_source(one: str, other: str) -> None:
    assert address(one) == address(other) and feed_of(one, primary=False) == feed_of(other, primary=False)
    configured = Settings(ocds_url=other)  # type: ignore[call-arg]
    assert feed_name(configured, "ocds", one) == "ocds" and feed_name(configured, "ocds") == "ocds"


def test_another_port_or_path_is_another_source() -> None:
    assert (
        len(
            {
                feed_of(url, primary=False)
                for url in (
                    "https://a.example/ocds",
                    "https://a.example:8443/ocds",
                    "https://a.example/ocds?page=2",
                    "https://b.example/ocds",
                )
            }
        )
        == 4
    )
    assert feed_name(Settings(), "ted") == "ted" and feed_name(Settings(), "ocds", "https://a.example/ocds") != "ocds"


def test_an_address_recorded_before_it_had_a_key_starts_no_later_than_its_old_watermark(tmp_path: Path) -> None:
    # An installation that crawled --url X without KANSENRADAR_OCDS_URL kept X's watermark as crawl:ocds.
    engine = get_engine(f"sqlite:///{tmp_path / 'k.db'}")
    ensure_schema(engine)
    today, url = date(2026, 12, 7), "https://a.example/ocds"
    plain, configured = Settings(crawl_first_days=14), Settings(crawl_first_days=14, ocds_url="https://b.example/o")

    def since(settings: Settings) -> date | None:
        return resolve_since(engine=engine, settings=settings, source="ocds", explicit=None, today=today, url=url)

    assert since(plain) == date(2026, 11, 23)  # nothing recorded: the first crawl's 14 days
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name="crawl:ocds")
        repository.finish_job_run(session=session, run=run, status="success", watermark="2026-10-01")
    assert since(plain) == date(2026, 10, 1)  # a month without crawls is not skipped
    assert since(configured) == date(2026, 11, 23)  # crawl:ocds is the configured address's now, not this one's
    with session_scope(engine) as session:
        run = repository.start_job_run(session=session, name=f"crawl:{feed_of(url, primary=False)}")
        repository.finish_job_run(session=session, run=run, status="success", watermark="2026-12-01")
    assert since(plain) == date(2026, 12, 1)  # its own watermark, once it has one
    engine.dispose()


@pytest.mark.parametrize("url", ["http://example.org:abc/ocds", "http://[::1/ocds"])
def test_an_address_that_is_no_url_is_one_line_naming_the_option(tmp_path: Path, url: str) -> None:
    result = run_cli("crawl", "ocds", "--url", url, env={"KANSENRADAR_DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"},
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--url (or KANSENRADAR_OCDS_URL): {url} is not a URL one can fetch" in result.stderr
