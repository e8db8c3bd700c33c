"""Each OCDS address is a source of its own: a crawl of one neither starts from nor moves another's watermark."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from crawler.spiders.ocds import feed_of
from tests.crawler.test_spiders_e2e import _env
from tests.dbutil import job_runs, rows
from tests.replay import Reply, replay_server, run_cli


def _package(ocid: str, published: date) -> dict[str, object]:
    release = {"ocid": ocid, "id": "1", "date": f"{published.isoformat()}T09:00:00Z", "tag": ["tender"],
               "language": "en", "buyer": {"id": "GB-1", "name": "Bristol City Council"},
               "tender": {"title": f"Grounds maintenance {ocid}", "status": "active",
                          "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "77310000"}}]}}  # fmt: skip
    return {"version": "1.1", "releases": [release]}


def test_two_ocds_addresses_keep_their_own_watermarks(tmp_path: Path, database_url: str) -> None:
    today = date.today()
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
        server.route("GET", "/own", Reply.json(_package("ocds-own-1", date.today() - timedelta(days=1))))
        env = {**_env(database_url, server.base), "KANSENRADAR_OCDS_URL": own}
        result = run_cli("crawl", "ocds", "--url", own, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [status for status, _counts, _watermark in job_runs(database_url, "crawl:ocds")] == ["success"]
    assert feed_of(own, primary=False) != feed_of(f"{own}/", primary=False) != "ocds"
