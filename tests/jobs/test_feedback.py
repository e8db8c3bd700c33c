"""Feedback from the command line: stored once per company, notice and lot; a "not for us" never comes back."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from jobs.cli import cli
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.dbutil import rows
from tests.factories import make_profile, make_record


def _prepare(url: str) -> None:
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=[]))
        for n in range(3):
            repository.upsert_notice(session=session, record=make_record(
                notice_id=f"{n}-2026", procedure_id=f"p{n}", title=f"Groenonderhoud park {n}"))  # fmt: skip
    engine.dispose()


def _cli(url: str, *args: str) -> object:
    return CliRunner().invoke(cli, ["--database-url", url, *args])


def _matched(url: str) -> set[tuple[str, tuple[str, ...]]]:
    result = _cli(url, "match", "--as-of", "2026-11-20", "--format", "jsonl")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return {(m["notice_id"], tuple(m["lots"])) for m in map(json.loads, result.stdout.splitlines())}  # type: ignore[attr-defined]


def test_the_latest_word_counts_once_per_company_notice_and_lot(database_url: str) -> None:
    _prepare(database_url)
    base = ["feedback", "add", "--company", "groen-noord", "--notice", "1-2026"]
    assert _cli(database_url, *base, "--relevant").exit_code == 0  # type: ignore[attr-defined]
    changed = _cli(database_url, *base, "--not-relevant", "--reason", "te ver weg")
    assert changed.exit_code == 0 and "not relevant for groen-noord" in changed.stdout  # type: ignore[attr-defined]
    assert _cli(database_url, *base, "--lot", "LOT-0002", "--relevant").exit_code == 0  # type: ignore[attr-defined]
    assert rows(database_url, "SELECT lot_id, relevant FROM feedback ORDER BY lot_id") == [
        ("", False),
        ("LOT-0002", True),
    ]
    listed = _cli(database_url, "feedback", "list", "--company", "groen-noord", "--format", "jsonl")
    words = [json.loads(line) for line in listed.stdout.splitlines()]  # type: ignore[attr-defined]
    assert [(w["notice_id"], w["lot_id"], w["relevant"], w["reason"]) for w in words] == [
        ("1-2026", "LOT-0002", True, None), ("1-2026", None, False, "te ver weg")]  # fmt: skip
    table = _cli(database_url, "feedback", "list")
    assert "not relevant" in table.stdout and "te ver weg" in table.stdout  # type: ignore[attr-defined]


def test_unknown_company_notice_or_lot_is_a_usage_error(database_url: str) -> None:
    _prepare(database_url)
    for args, hint in ((["--company", "nope", "--notice", "1-2026"], "--company"),
                       (["--company", "groen-noord", "--notice", "9-9999"], "--notice"),
                       (["--company", "groen-noord", "--notice", "1-2026", "--lot", "LOT-9"], "--lot")):  # fmt: skip
        result = _cli(database_url, "feedback", "add", *args, "--not-relevant")
        assert result.exit_code == 2 and hint in result.stderr, result.output  # type: ignore[attr-defined]
    # Neither answer given: both are named, and nothing is recorded.
    result = _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026")
    assert result.exit_code == 2 and "--relevant or --not-relevant" in result.stderr  # type: ignore[attr-defined]
    assert "1-2026" not in _cli(database_url, "feedback", "list").stdout  # type: ignore[attr-defined]


def test_a_notice_marked_not_relevant_never_comes_back(database_url: str) -> None:
    _prepare(database_url)
    assert "1-2026" in {notice for notice, _lots in _matched(database_url)}
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--not-relevant")
    after = _matched(database_url)
    assert not any(notice == "1-2026" for notice, _lots in after)  # nor its lots
    assert {"0-2026", "2-2026"} <= {notice for notice, _lots in after}
    # An incremental run, and a new version of the notice, do not bring it back either.
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        newer = make_record(notice_id="1-2026", procedure_id="p1", version="02", title="Groenonderhoud park 1 (nieuw)")
        repository.upsert_notice(session=session, record=newer)
    engine.dispose()
    quiet = _cli(database_url, "match", "--quiet")
    assert quiet.exit_code == 0  # type: ignore[attr-defined]
    assert not rows(database_url, "SELECT m.id FROM match m JOIN notice n ON n.id = m.notice_pk "
                                  "WHERE n.notice_id = '1-2026'")  # fmt: skip


def test_a_tender_marked_as_a_good_fit_says_so_and_its_look_alikes_say_why_they_moved(database_url: str) -> None:
    _prepare(database_url)
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--relevant")
    result = _cli(database_url, "match", "--as-of", "2026-11-20", "--format", "jsonl")
    reasons = {m["notice_id"]: m["reasons"] for m in map(json.loads, result.stdout.splitlines())}  # type: ignore[attr-defined]
    assert "Jullie markeerden deze aanbesteding als passend" in reasons["1-2026"]
    assert not any(line.startswith("Lijkt op aanbestedingen") for line in reasons["1-2026"])
    assert "Lijkt op aanbestedingen die jullie als passend markeerden" in reasons["0-2026"]


def _store(url: str, *records: object) -> None:
    engine = get_engine(url)
    with session_scope(engine) as session:
        for record in records:
            repository.upsert_notice(session=session, record=record)  # type: ignore[arg-type]
    engine.dispose()


def test_a_change_notice_of_a_tender_turned_down_does_not_bring_it_back(database_url: str) -> None:
    # An eForms change notice is a notice of its own (another publication number) that supersedes the first.
    _prepare(database_url)
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--not-relevant")
    change = make_record(notice_id="7-2026", publication_number="7-2026", procedure_id="p1",
                         publication_date=date(2026, 11, 9), title="Groenonderhoud park 1 (gewijzigd)")  # fmt: skip
    _store(database_url, change)
    assert not {"1-2026", "7-2026"} & {notice for notice, _lots in _matched(database_url)}


def test_turning_down_every_lot_turns_down_the_notice(database_url: str) -> None:
    _prepare(database_url)
    single = make_record(notice_id="8-2026", publication_number="8-2026", procedure_id="p8",
                         lots=[{"lot_id": "LOT-0001", "title": "Park 8", "cpv_main": "77310000"}])  # fmt: skip
    _store(database_url, single)
    assert {"1-2026", "8-2026"} <= {notice for notice, _lots in _matched(database_url)}
    add = ["feedback", "add", "--company", "groen-noord", "--not-relevant"]
    _cli(database_url, *add, "--notice", "1-2026", "--lot", "LOT-0001")
    assert ("1-2026", ("LOT-0002",)) in _matched(database_url)  # the other lot still fits
    _cli(database_url, *add, "--notice", "1-2026", "--lot", "LOT-0002")
    _cli(database_url, *add, "--notice", "8-2026", "--lot", "LOT-0001")  # its only lot: scored as the whole
    assert not {"1-2026", "8-2026"} & {notice for notice, _lots in _matched(database_url)}


def test_a_tender_turned_down_leaves_the_stored_list_at_once(database_url: str) -> None:
    # The digest reads the stored lists: one sent before the next match run must not offer the tender again.
    _prepare(database_url)
    assert "1-2026" in {notice for notice, _lots in _matched(database_url)}
    query = "SELECT n.notice_id FROM match m JOIN notice n ON n.id = m.notice_pk ORDER BY n.notice_id"
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--relevant")
    assert ("1-2026",) in rows(database_url, query)
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--not-relevant")
    assert rows(database_url, query) == [("0-2026",), ("2-2026",)]


def test_turning_down_the_only_lot_that_fits_takes_the_notice_along(database_url: str) -> None:
    # The whole notice fits only through its green lot: with that lot turned down, the whole must not stand for it.
    _prepare(database_url)
    lots = [{"lot_id": "LOT-0001", "title": "Groenonderhoud", "cpv_main": "77310000",
             "description": "Maaien, snoeien en onkruid wieden", "nuts": ["NL329"]},
            {"lot_id": "LOT-0002", "title": "Riolering", "cpv_main": "45232410",
             "description": "Vervangen van riolering en herbestrating", "nuts": ["NL329"]}]  # fmt: skip
    mixed = make_record(notice_id="9-2026", publication_number="9-2026", procedure_id="p9", lots=lots,
                        title="Beheer openbare ruimte", description="Twee percelen.", cpv_additional=[])  # fmt: skip
    _store(database_url, mixed)
    assert ("9-2026", ("LOT-0001",)) in _matched(database_url)
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "9-2026", "--lot", "LOT-0001",
         "--not-relevant")  # fmt: skip
    # At once (a digest may go out before the next match run), and after the next run.
    query = "SELECT n.notice_id FROM match m JOIN notice n ON n.id = m.notice_pk WHERE n.notice_id = '9-2026'"
    assert rows(database_url, query) == []
    assert "9-2026" not in {notice for notice, _lots in _matched(database_url)}


def test_a_lot_said_to_fit_after_the_notice_was_turned_down_brings_that_lot_back(database_url: str) -> None:
    _prepare(database_url)
    add = ["feedback", "add", "--company", "groen-noord", "--notice", "1-2026"]
    _cli(database_url, *add, "--not-relevant")
    assert "1-2026" not in {notice for notice, _lots in _matched(database_url)}
    _cli(database_url, *add, "--lot", "LOT-0002", "--relevant")  # the later word counts, for that lot
    assert ("1-2026", ("LOT-0002",)) in _matched(database_url)
    _cli(database_url, *add, "--not-relevant")  # and a still later one again
    assert "1-2026" not in {notice for notice, _lots in _matched(database_url)}
