"""Spiders end to end: a local server replays API responses, `kansenradar crawl` runs in its own process."""

from __future__ import annotations

import base64
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from crawler.parsers import parse_document
from crawler.spiders.ocds import feed_of
from tests.crawler.hostile import HOSTILE
from tests.dbutil import as_json, job_runs, rows
from tests.replay import Reply, Seen, replay_server, run_cli, sequence
from tests.shared import shared

pytestmark = pytest.mark.slow

TED_FILES = [
    "2024-OJS044-00127505.xml",
    "2024-OJS065-00191536.xml",
    "2024-OJS056-00163529.xml",
    "2024-OJS198-00612681.xml",
    "666487-2023.xml",
]


def _env(url: str, base: str) -> dict[str, str]:
    return {
        "KANSENRADAR_DATABASE_URL": url,
        "KANSENRADAR_TED_API_URL": f"{base}/v3",
        "KANSENRADAR_TENDERNED_API_URL": f"{base}/papi/tenderned-rs-tns/v2",
        "KANSENRADAR_CRAWL_DELAY": "0",
        "KANSENRADAR_RETRY_BACKOFF": "0.05",
    }


def _rows(url: str, sql: str) -> list[tuple]:
    return rows(url, sql)


def _job_runs(url: str, name: str) -> list[tuple[str, dict, str | None]]:
    return job_runs(url, name)


def _search_page(base: str, numbers: list[tuple[str, str]], token: str | None) -> dict:
    """Build a search response in the exact shape of the recorded one (ted_api_response.json)."""
    notices = [
        {
            "PD": f"{published}T00:00:00Z",
            "publication-number": number,
            "ND": number,
            "links": {
                "xml": {"MUL": f"{base}/en/notice/{number}/xml"},
                "pdf": {"ENG": f"{base}/en/notice/{number}/pdf", "NLD": f"{base}/nl/notice/{number}/pdf"},
                "html": {"ENG": f"{base}/en/notice/-/detail/{number}"},
            },
        }
        for number, published in numbers
    ]
    return {"notices": notices, "totalNoticeCount": 5, "iterationNextToken": token}


def _ted_notices() -> dict[str, tuple[bytes, str]]:
    notices = {}
    for name in TED_FILES:
        data = shared("notices", "eforms-real", name).read_bytes()
        (record,) = parse_document(data, name=name)
        assert record.publication_number and record.publication_date
        notices[record.publication_number] = (data, record.publication_date.isoformat())
    return notices


def test_ted_spider_pages_retries_and_stores_once(tmp_path: Path, database_url: str) -> None:
    notices = _ted_notices()
    numbers = [(n, published) for n, (_data, published) in notices.items()]
    with replay_server() as server:
        pages = {None: _search_page(server.base, numbers[:3], "tok-page-2"),
                 "tok-page-2": _search_page(server.base, numbers[3:], None)}  # fmt: skip
        throttled = iter([Reply(429, b"slow down", {"Retry-After": "0"})])

        def search(request: Seen) -> Reply:
            first = next(throttled, None)
            return first or Reply.json(pages[request.json().get("iterationNextToken")])

        server.route("POST", "/v3/notices/search", search)
        for number, (data, _published) in notices.items():
            reply = Reply(200, data, {"Content-Type": "application/xml"})
            flaky = number == numbers[1][0]
            server.route("GET", f"/en/notice/{number}/xml", sequence(Reply(500, b"oops"), reply) if flaky else reply)

        first = run_cli("crawl", "ted", "--since", "2023-01-01", env=_env(database_url, server.base), cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "crawl ted: success; fetched 5, new 5" in first.stdout
        searches = server.seen("POST", "/v3/notices/search")
        assert len(searches) == 3  # 429, page 1, page 2
        body = searches[1].json()
        assert body["paginationMode"] == "ITERATION" and "iterationNextToken" not in body
        assert "buyer-country IN (NLD)" in body["query"] and "publication-date >= 20230101" in body["query"]
        assert "links" in body["fields"] and body["limit"] <= 250
        assert searches[2].json()["iterationNextToken"] == "tok-page-2"
        assert len(server.seen("GET", f"/en/notice/{numbers[1][0]}/xml")) == 2  # the 500 was retried
        assert "Kansenradar" in searches[1].headers["User-Agent"]

        stored = _rows(database_url, "SELECT source, notice_id FROM notice ORDER BY notice_id")
        assert sorted(stored) == sorted(("ted", n) for n in notices)
        (run,) = _job_runs(database_url, "crawl:ted")
        assert run[0] == "success" and run[1]["new"] == 5 and run[1]["failed"] == 0
        assert run[2] == max(published for _n, published in numbers)

        second = run_cli("crawl", "ted", env=_env(database_url, server.base), cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert "new 0" in second.stdout and "unchanged 5" in second.stdout
        # Incremental: the second crawl starts at the first one's watermark.
        assert (
            f"publication-date >= {run[2].replace('-', '')}"
            in server.seen("POST", "/v3/notices/search")[-1].json()["query"]
        )
    assert len(_rows(database_url, "SELECT id FROM notice")) == 5
    assert [r[1]["unchanged"] for r in _job_runs(database_url, "crawl:ted")] == [0, 5]


def test_ted_spider_replays_the_recorded_response(tmp_path: Path, database_url: str) -> None:
    recorded = shared("ted-api", "ted_api_response.json").read_text(encoding="utf-8")
    with replay_server() as server:
        # The recorded response points at ted.europa.eu; replayed here, it points at the local server.
        server.route("POST", "/v3/notices/search", Reply(200, recorded.replace("https://ted.europa.eu", server.base)
                                                        .encode(), {"Content-Type": "application/json"}))  # fmt: skip
        result = run_cli("crawl", "ted", "--since", "2022-02-01", env=_env(database_url, server.base), cwd=tmp_path)
        # Its notice (listed twice) is not in ../shared/data: the server answers 404, once.
        assert len(server.seen("GET", "/en/notice/67623-2022/xml")) == 1
    assert result.returncode == 1
    assert "failed 1" in result.stdout
    assert f"{server.base}/en/notice/67623-2022/xml: download failed" in result.stderr
    ((status, counts, _watermark),) = _job_runs(database_url, "crawl:ted")
    # Its only notice failed: nothing was read, so the run failed (and its watermark does not move).
    assert status == "failed" and counts["failed"] == 1 and counts["new"] == 0


def _tenderned_detail(publication_id: int, title: str, cpv: str) -> dict:
    return {
        "publicatieId": publication_id,
        "kenmerk": 300000 + publication_id,
        "publicatieDatum": "2026-11-20",
        "typePublicatie": {"code": "AAO", "omschrijving": "Aankondiging van een opdracht"},
        "aanbestedingNaam": title,
        "aanbestedendeDienstNaam": "Gemeente Utrecht",
        "opdrachtgeverNaam": "Gemeente Utrecht",
        "opdrachtBeschrijving": f"{title}. Social return: 5% van de opdrachtsom.",
        "sluitingsDatum": "2026-12-18T12:00:00+01:00",
        "procedure": {"code": "OPE", "omschrijving": "Openbaar"},
        "typeOpdracht": {"code": "D", "omschrijving": "Diensten"},
        "cpvCodes": [
            {"code": cpv, "omschrijving": "", "isHoofdOpdracht": True},
            {"code": "90610000-6", "omschrijving": "", "isHoofdOpdracht": False},
        ],  # fmt: skip
        "digitaal": True,
        "europees": False,
        "link": {"href": f"https://www.tenderned.nl/aankondigingen/overzicht/{publication_id}", "title": title},
    }


def test_tenderned_spider_with_basic_auth(tmp_path: Path, database_url: str) -> None:
    details = {
        401: _tenderned_detail(401, "Groenonderhoud wijkparken", "77310000-6"),
        402: _tenderned_detail(402, "Schoonmaak buurthuizen", "90911200-8"),
        403: _tenderned_detail(403, "Catering stadskantoor", "55520000-1"),
    }
    api = "/papi/tenderned-rs-tns/v2"
    with replay_server() as server:

        def listing(request: Seen) -> Reply:
            page = int(request.query["page"][0])
            ids = [401, 402] if page == 0 else [403]
            content = [
                {k: details[i][k] for k in ("publicatieId", "aanbestedingNaam", "publicatieDatum")} for i in ids
            ]
            return Reply.json({"content": content, "totalElements": 3, "totalPages": 2, "number": page,
                               "size": 2, "first": page == 0, "last": page == 1})  # fmt: skip

        server.route("GET", f"{api}/publicaties", listing)
        for publication_id, detail in details.items():
            reply = Reply.json(detail)
            flaky = publication_id == 402
            server.route("GET", f"{api}/publicaties/{publication_id}", sequence(Reply(503), reply) if flaky else reply)
        env = {**_env(database_url, server.base), "KANSENRADAR_TENDERNED_USER": "kansen",
               "KANSENRADAR_TENDERNED_PASSWORD": "radar"}  # fmt: skip
        first = run_cli("crawl", "tenderned", "--since", "2026-11-01", env=env, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "new 3" in first.stdout
        listings = server.seen("GET", f"{api}/publicaties")
        assert [r.query["page"] for r in listings] == [["0"], ["1"]]
        assert listings[0].query["publicatieDatumVanaf"] == ["2026-11-01"]
        expected = "Basic " + base64.b64encode(b"kansen:radar").decode()
        api_requests = [r for r in server.requests if r.path.startswith(api)]
        assert api_requests and all(r.headers.get("Authorization") == expected for r in api_requests)
        assert len(server.seen("GET", f"{api}/publicaties/402")) == 2
        second = run_cli("crawl", "tenderned", "--since", "2026-11-01", env=env, cwd=tmp_path)
        assert second.returncode == 0 and "new 0" in second.stdout and "unchanged 3" in second.stdout
    rows = _rows(database_url, "SELECT notice_id, title, cpv_main, buyer_name FROM notice ORDER BY notice_id")
    assert rows == [("401", "Groenonderhoud wijkparken", "77310000", "Gemeente Utrecht"),
                    ("402", "Schoonmaak buurthuizen", "90911200", "Gemeente Utrecht"),
                    ("403", "Catering stadskantoor", "55520000", "Gemeente Utrecht")]  # fmt: skip


def test_a_first_crawl_says_what_it_left_out_as_too_old(tmp_path: Path, database_url: str) -> None:
    # A real package from 2018, crawled for the first time: only the last KANSENRADAR_CRAWL_FIRST_DAYS count.
    package = shared("ocds", "release-package_1.1-2.json")
    env = {"KANSENRADAR_DATABASE_URL": database_url, "KANSENRADAR_CRAWL_DELAY": "0"}
    result = run_cli("crawl", "ocds", "--url", package.as_uri(), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    name = f"crawl:{feed_of(package.as_uri(), primary=False)}"
    ((status, counts, _watermark),) = job_runs(database_url, name)
    assert status == "success" and counts["new"] == 0 and counts["outside"] >= 1
    noun = "notice" if counts["outside"] == 1 else "notices"
    assert f"{counts['outside']} {noun} left out, not published from" in result.stderr and "--since" in result.stderr
    again = run_cli("crawl", "ocds", "--url", package.as_uri(), "--since", "2000-01-01", env=env, cwd=tmp_path)
    assert again.returncode == 0 and job_runs(database_url, name)[-1][1]["new"] >= 1


def test_ocds_spider_follows_next_links(tmp_path: Path, database_url: str) -> None:
    real = shared("ocds", "release-package_1.1-2.json").read_bytes()
    page_one = {
        "uri": "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages",
        "version": "1.1",
        "publishedDate": "2026-11-20T10:00:00Z",
        "publisher": {"name": "Find a Tender"},
        "releases": [
            {
                "ocid": "ocds-h6vhtk-0a1b2c",
                "id": "024123-2026",
                "date": "2026-11-20T09:00:00Z",
                "tag": ["tender"],
                "language": "en",
                "buyer": {"id": "GB-1", "name": "Bristol City Council"},
                "parties": [
                    {
                        "id": "GB-1",
                        "name": "Bristol City Council",
                        "roles": ["buyer"],
                        "address": {"locality": "Bristol", "countryName": "United Kingdom"},
                    }
                ],  # fmt: skip
                "tender": {
                    "title": "Community grounds maintenance",
                    "status": "active",
                    "tenderPeriod": {"endDate": "2026-12-15T12:00:00Z"},
                    "items": [
                        {
                            "id": "1",
                            "relatedLot": "1",
                            "classification": {"scheme": "CPV", "id": "77310000"},
                            "deliveryAddresses": [{"region": "UKK11"}],
                        }
                    ],  # fmt: skip
                    "lots": [
                        {
                            "id": "1",
                            "title": "Parks",
                            "value": {"amount": 120000, "currency": "GBP"},
                            "otherRequirements": {"reservedParticipation": ["shelteredWorkshop"]},
                            "sustainability": [{"goal": "social.disadvantagedEmploymentOpportunities"}],
                        }
                    ],
                },  # fmt: skip
            }
        ],
        "links": {"next": "/api/1.0/ocdsReleasePackages?cursor=page-2"},
    }
    path = "/api/1.0/ocdsReleasePackages"
    with replay_server() as server:

        def packages(request: Seen) -> Reply:
            if request.query.get("cursor") == ["page-2"]:
                return Reply(200, real, {"Content-Type": "application/json"})
            return Reply.json(page_one)

        server.route("GET", path, packages)
        env = _env(database_url, server.base)
        result = run_cli("crawl", "ocds", "--url", f"{server.base}{path}", "--since", "2018-01-01",
                         "--since-param", "updatedFrom", env=env, cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert server.seen("GET", path)[0].query["updatedFrom"] == ["2018-01-01T00:00:00"]
        assert len(server.seen("GET", path)) == 2
    query = "SELECT notice_id, title, cpv_main, record FROM notice WHERE source = 'ocds' ORDER BY id"
    found = _rows(database_url, query)
    assert [r[0] for r in found] == ["ocds-h6vhtk-0a1b2c", "ocds-03ad3f-246807"]
    record = as_json(found[0][3])
    assert record["social"]["reserved_participation"] == ["res-ws"]
    assert record["social"]["social_objective"] == ["opp"]
    assert record["lots"][0]["nuts"] == ["UKK11"] and record["buyer"]["country"] == "GB"


def test_files_spider_skips_bad_files_and_keeps_going(tmp_path: Path, database_url: str) -> None:
    notices = tmp_path / "in"
    (notices / "nested").mkdir(parents=True)
    for name in ("2024-OJS065-00191536.xml", "583624-2023.xml"):
        shutil.copy(shared("notices", "eforms-real", name), notices / name)
    shutil.copy(shared("notices", "ted-xml", "008380-2021.xml"), notices / "nested" / "008380-2021.xml")
    for name, (data, _reason) in HOSTILE.items():
        (notices / "nested" / name).write_bytes(data)
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as archive:
        archive.write(shared("notices", "eforms-sdk-examples", "cn-social_25.xml"), "cn-social_25.xml")
        archive.writestr("bad.xml", b"<unclosed")
    env = {"KANSENRADAR_DATABASE_URL": database_url}
    result = run_cli("crawl", "files", "in", "bundle.zip", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "new 4" in result.stdout and f"failed {len(HOSTILE) + 1}" in result.stdout
    for name in HOSTILE:
        assert f"nested/{name}: " in result.stderr
    assert "bundle.zip/bad.xml: not well-formed XML" in result.stderr
    assert len(_rows(database_url, "SELECT id FROM notice WHERE source = 'file'")) == 4
    again = run_cli("crawl", "files", "in", env=env, cwd=tmp_path)
    assert "new 0" in again.stdout and "unchanged 3" in again.stdout


def test_ted_packages_spider_reads_daily_packages(tmp_path: Path, database_url: str) -> None:
    package = tmp_path / "202400065.tar.gz"

    with tarfile.open(package, "w:gz") as archive:
        for name in TED_FILES[:3]:
            archive.add(shared("notices", "eforms-real", name), arcname=f"20240402_065/{name}")
        archive.add(shared("notices", "ted-xml", "008380-2021.xml"), arcname="20240402_065/008380-2021.xml")
    with replay_server() as server:
        server.route("GET", "/packages/daily/202400065", Reply(200, package.read_bytes()))
        server.route("GET", "/packages/daily/202400066", Reply(200, b"\x1f\x8b\x08\x00 truncated package"))
        env = {**_env(database_url, server.base), "KANSENRADAR_TED_PACKAGES_URL": f"{server.base}/packages"}
        result = run_cli("crawl", "ted_packages", "--issue", "202400065-202400066", env=env, cwd=tmp_path)
        assert len(server.seen("GET", "/packages/daily/202400067")) == 0
    assert result.returncode == 1
    assert "new 4" in result.stdout
    assert "daily-202400066.tar.gz: not a readable archive" in result.stderr
    ((status, counts, _watermark),) = _job_runs(database_url, "crawl:ted_packages")
    assert status == "failed" and counts["new"] == 4
