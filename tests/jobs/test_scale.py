"""Scale: notices stored in batches that lose only a broken notice, commands that stream instead of loading all
notices, and incremental matching that keeps exactly what a full run keeps. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

import jobs.match_store
import jobs.models
import jobs.report
import matcher.scoring
from crawler.parsers import parse_document
from jobs.cli import cli
from jobs.match import match_companies
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from tests.dbutil import rows, scalar
from tests.factories import make_profile, make_record
from tests.replay import run_cli
from tests.shared import shared

AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TRADES = [("Groenonderhoud en maaien van plantsoenen", "77310000"), ("Schoonmaak van scholen", "90911200"),
          ("Catering en maaltijden voor buurthuizen", "55520000"), ("Schilderwerk en kleine reparaties", "45442100"),
          ("Leerlingenvervoer met kleine bussen", "60130000"), ("Levering van laptops", "30213100")]  # fmt: skip


def _notice(n: int, **overrides: object) -> object:
    title, cpv = TRADES[n % len(TRADES)]
    description = f"{title}. Social return: 5% van de opdrachtwaarde." if n % 3 else title
    data = {"notice_id": f"{n}-2026", "procedure_id": f"p-{n}", "title": f"{title} {n}", "cpv_main": cpv,
            "cpv_additional": [], "description": description,
            "publication_date": date(2026, 11, 1) + timedelta(days=n % 15),
            "deadline": AS_OF + timedelta(days=10 + n % 30), "lots": [],
            "estimated_value": {"amount": 50_000 + 10_000 * (n % 40), "currency": "EUR"}}  # fmt: skip
    return make_record(**(data | overrides))


def _store(engine: Engine, records: list[object]) -> None:
    with session_scope(engine) as session:
        results = repository.store_notices(session=session, items=[(r, None) for r in records])
    assert all(s.outcome is not None for s in results)


def _companies(engine: Engine, count: int = 8, changed: str | None = None) -> None:
    with session_scope(engine) as session:
        for i in range(count):
            title, cpv = TRADES[i % len(TRADES)]
            description = f"Bewonersbedrijf: {title.lower()} in de wijk" + (" en meer" if changed == f"c{i}" else "")
            repository.upsert_company(session=session, profile=make_profile(
                id=f"c{i}", description=description, cpv=[cpv[:4]], regions=[],
                capacity={"max_contract_value": 200_000 + 50_000 * i}, digest={"min_score": 0.2}))  # fmt: skip


def _snapshot(url: str) -> list[tuple[object, ...]]:
    return rows(url, "SELECT m.company_id, n.notice_id, m.lots, m.kind, ROUND(CAST(m.score AS NUMERIC), 5) "
                     "FROM match m JOIN notice n ON n.id = m.notice_pk ORDER BY 1, 2")  # fmt: skip


def test_incremental_matching_keeps_what_a_full_run_keeps(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs.match_store, "MAX_STORED", 12)  # small, so new notices push stored ones out
    monkeypatch.setattr(jobs.match, "CHUNK", 70)
    engine = get_engine(database_url)
    upgrade(engine)
    _store(engine, [_notice(n) for n in range(300)])
    _companies(engine)
    first = match_companies(engine=engine, as_of=AS_OF)
    assert first.mode == "full" and first.refitted
    # The world moves on: 25 new notices (fewer than REFIT_SHARE: no refit), one changed, one company changed.
    _store(engine, [_notice(n) for n in range(300, 325)])
    _store(
        engine,
        [_notice(7, version="02", title="Groenonderhoud en maaien, gewijzigd", deadline=AS_OF + timedelta(days=3))],
    )
    _companies(engine, changed="c3")
    second = match_companies(engine=engine, as_of=AS_OF)
    assert second.mode == "incremental" and not second.refitted
    assert second.notices_scored == 325 + 26  # everything for c3 only; the 26 new or changed for the rest
    incremental = _snapshot(database_url)
    full = match_companies(engine=engine, as_of=AS_OF, full=True)
    assert full.mode == "full" and not full.refitted and full.notices_scored >= 300
    assert incremental == _snapshot(database_url)
    assert max(Counter(r[0] for r in incremental).values()) == 12  # lists were full: the merge had to choose
    engine.dispose()


def _matched(database_url: str, monkeypatch: pytest.MonkeyPatch | None = None, *, notices: int = 200,
             companies: int = 8, notice: Callable[[int], object] = _notice) -> Engine:  # fmt: skip
    """Return an engine on notices and companies after a first (full) match (12 stored per company, given the
    monkeypatch)."""
    if monkeypatch is not None:
        monkeypatch.setattr(jobs.match_store, "MAX_STORED", 12)
    engine = get_engine(database_url)
    upgrade(engine)
    _store(engine, [notice(n) for n in range(notices)])
    _companies(engine, companies)
    assert match_companies(engine=engine, as_of=AS_OF).mode == "full"
    return engine


def _mark(engine: Engine, marks: list[tuple[str, str, bool]]) -> None:
    with session_scope(engine) as session:
        for company, notice_id, relevant in marks:
            pk = repository.find_notice(session=session, notice_id=notice_id).id
            repository.set_feedback(session=session, company_id=company, notice_pk=pk, lot_id=None, relevant=relevant)


def test_incremental_matching_after_feedback_equals_a_full_run(database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:  # fmt: skip
    engine = _matched(database_url, monkeypatch)
    listed = [r for r in _snapshot(database_url) if r[0] == "c1"]
    turned_down, liked = listed[0][1], listed[-1][1]
    _mark(engine, [("c1", turned_down, False), ("c1", liked, True)])
    second = match_companies(engine=engine, as_of=AS_OF)
    assert second.mode == "incremental"
    incremental = _snapshot(database_url)
    kept = {r[1] for r in incremental if r[0] == "c1"}
    assert turned_down not in kept and liked in kept  # a notice turned down never comes back for that company
    assert match_companies(engine=engine, as_of=AS_OF, full=True).mode == "full"
    assert incremental == _snapshot(database_url)
    engine.dispose()


def _demanding(n: int) -> object:
    """Every other notice of a trade asks for social return, and for ISO 9001 (which no company holds) within a few
    days: the hand-set weights rank it below its plain neighbours."""
    title, _cpv = TRADES[n % len(TRADES)]
    if (n // len(TRADES)) % 2:
        return _notice(n, description=title, deadline=AS_OF + timedelta(days=40))
    return _notice(n, description=f"{title}. Social return: 5% van de opdrachtwaarde. ISO 9001 is vereist.",
                   deadline=AS_OF + timedelta(days=4))  # fmt: skip


def test_learned_weights_rescore_everyone_only_when_they_change(database_url: str) -> None:
    engine = _matched(database_url, notice=_demanding)
    shown = rows(
        database_url, "SELECT m.company_id, n.notice_id, m.parts FROM match m JOIN notice n ON n.id = m.notice_pk"
    )

    def social(parts: object) -> bool:
        return (json.loads(parts) if isinstance(parts, str) else parts)["clauses"] > 0  # type: ignore[index,arg-type]

    # Enough marks, with both answers within each company, for the part weights to be learned and to hold for a
    # company held out: the companies liked the matches whose notices ask for a social clause, and not the others,
    # which the hand-set weights put first.
    assert all(0 < sum(social(p) for c, _n, p in shown if c == company) < sum(c == company for c, _n, _p in shown)
               for company in {c for c, _n, _p in shown})  # fmt: skip
    _mark(engine, [(company, notice_id, social(parts)) for company, notice_id, parts in shown])
    learned = match_companies(engine=engine, as_of=AS_OF)
    assert learned.mode == "full"
    fingerprint = json.loads(bytes(scalar(database_url, "SELECT payload FROM model_state WHERE name = 'scored_with'")))
    assert fingerprint["learned"] is not None
    _store(engine, [_notice(n) for n in range(200, 205)])
    again = match_companies(engine=engine, as_of=AS_OF)  # the same marks, the same weights: only what is new
    assert again.mode == "incremental" and again.notices_scored == 5
    incremental = _snapshot(database_url)
    assert match_companies(engine=engine, as_of=AS_OF, full=True).mode == "full"
    assert incremental == _snapshot(database_url)
    company, notice_id, parts = shown[0]
    _mark(engine, [(company, notice_id, not social(parts))])
    assert match_companies(engine=engine, as_of=AS_OF).mode == "full"  # a changed mark, new weights: everyone again
    engine.dispose()


def test_notices_analysed_again_are_scored_again(database_url: str) -> None:
    engine = _matched(database_url, notices=60, companies=2)
    assert match_companies(engine=engine, as_of=AS_OF).notices_scored == 0  # nothing changed
    # ``analyse`` after an upgrade (other rules, another clause model), possibly stopped half-way: the notices it
    # got to have new findings, and only those are scored again.
    with session_scope(engine) as session:
        again = [n.id for n in repository.list_notices(session=session)][:7]
        repository.store_findings(session=session, findings={pk: [] for pk in again}, version="clauses-next")
    run = match_companies(engine=engine, as_of=AS_OF)
    assert run.mode == "incremental" and run.notices_scored == len(again)
    assert match_companies(engine=engine, as_of=AS_OF).notices_scored == 0
    engine.dispose()


def test_a_new_scoring_version_has_everyone_scored_again(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _matched(database_url, notices=60, companies=2)
    monkeypatch.setattr(jobs.models, "SCORING_VERSION", "scoring-next")
    assert match_companies(engine=engine, as_of=AS_OF).mode == "full"
    assert match_companies(engine=engine, as_of=AS_OF).mode == "incremental"
    engine.dispose()


def test_a_model_fitted_again_for_one_company_has_everyone_scored_again(database_url: str) -> None:
    engine = _matched(database_url, notices=100, companies=3)
    _store(engine, [_notice(n) for n in range(100, 120)])  # 20 %: the next run fits the text model again
    assert match_companies(engine=engine, as_of=AS_OF, company_id="c1").refitted
    # c0 and c2 were scored with the old model: an incremental run would mix their lists with new scores.
    assert match_companies(engine=engine, as_of=AS_OF).mode == "full"
    assert match_companies(engine=engine, as_of=AS_OF).mode == "incremental"
    engine.dispose()


def test_a_run_since_a_date_keeps_older_open_notices_in_the_lists(database_url: str) -> None:
    engine = _matched(database_url, notices=120, companies=4)
    _companies(engine, 4, changed="c2")  # c2 is scored anew: against every open notice, not only the period's
    since = date(2026, 11, 12)  # 32 of the 120 notices were published since
    in_period = sum(1 for n in range(120) if date(2026, 11, 1) + timedelta(days=n % 15) >= since)
    run = match_companies(engine=engine, as_of=AS_OF, since=since)
    assert run.notices_scored == 120 + in_period  # all of them for c2, the period's for the other three
    after_since = _snapshot(database_url)
    assert match_companies(engine=engine, as_of=AS_OF, full=True).mode == "full"
    assert after_since == _snapshot(database_url)
    engine.dispose()


def test_a_since_run_that_scores_everyone_anew_is_a_whole_run(database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                              ) -> None:  # fmt: skip
    engine = _matched(database_url, notices=60, companies=2)
    monkeypatch.setattr(jobs.models, "SCORING_VERSION", "scoring-next")  # everyone is scored anew, period or not
    run = match_companies(engine=engine, as_of=AS_OF, since=date(2026, 11, 12))
    assert run.mode == "full" and run.notices_scored == 60  # every open notice, not only the period's
    # Its fingerprint and starting point are kept: the next run has nothing left to do.
    assert match_companies(engine=engine, as_of=AS_OF).notices_scored == 0
    engine.dispose()


def test_the_text_model_is_kept_and_refitted_when_the_corpus_grows(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    _store(engine, [_notice(n) for n in range(100)])
    _companies(engine, 2)
    assert match_companies(engine=engine, as_of=AS_OF).refitted
    _store(engine, [_notice(n) for n in range(100, 105)])  # 5 %: kept
    assert not match_companies(engine=engine, as_of=AS_OF).refitted
    _store(engine, [_notice(n) for n in range(105, 120)])  # 20 % since it was fitted: refitted
    assert match_companies(engine=engine, as_of=AS_OF).refitted
    assert scalar(database_url, "SELECT corpus_size FROM model_state WHERE name = 'text'") == 120
    engine.dispose()


@contextmanager
def _statements(engine_class: type = Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine_class, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine_class, "before_cursor_execute", record)


def test_commands_that_walk_notices_read_them_in_chunks(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    count, chunk = 1200, 100
    for module in (jobs.match, jobs.report):
        monkeypatch.setattr(module, "CHUNK", chunk)
    monkeypatch.setattr("jobs.analyse.BATCH", chunk)
    monkeypatch.setattr("storage.repository.notices.CHUNK", chunk)
    engine = get_engine(database_url)
    upgrade(engine)
    _store(engine, [_notice(n) for n in range(count)])
    _companies(engine, 3)
    engine.dispose()
    commands = (["analyse", "--workers", "1"], ["match", "--quiet"], ["report", "coverage", "--format", "json"],
                ["notices", "--format", "jsonl"], ["notices"])  # fmt: skip
    for command in commands:
        with _statements() as seen:
            result = CliRunner().invoke(cli, ["--database-url", database_url, *command])
        assert result.exit_code == 0, (command, result.output)
        reading = [s for s in seen if s.startswith("SELECT") and re.search(r"\bnotice\.record\b", s)]
        assert reading, command
        # Every read of notice records is bounded, and their number follows the chunks, not the notices.
        assert all(re.search(r"LIMIT", s) for s in reading), (command, [s[:120] for s in reading if "LIMIT" not in s])
        # ... and at least one read per chunk: loading everything in one bounded read would pass the bound alone.
        assert count // chunk <= len(reading) <= 3 * (count // chunk + 2), (command, len(reading))
        assert len(seen) < count, (command, len(seen))  # no statement per notice


def _trigger(url: str) -> None:
    engine = get_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("CREATE OR REPLACE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                                    "IF NEW.title LIKE '%REFUSE%' THEN RAISE EXCEPTION 'refused'; END IF; "
                                    "RETURN NEW; END $$ LANGUAGE plpgsql"))  # fmt: skip
            connection.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON notice FOR EACH ROW EXECUTE FUNCTION refuse()")
            )
        else:
            connection.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON notice WHEN NEW.title LIKE '%REFUSE%' "
                                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"))  # fmt: skip
    engine.dispose()


def test_a_batch_with_one_broken_notice_stores_the_rest(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    _trigger(database_url)
    records = [_notice(n) for n in range(6)] + [_notice(6, title="REFUSE me")] + [_notice(n) for n in range(7, 10)]
    with session_scope(engine) as session:
        results = repository.store_notices(session=session, items=[(r, None) for r in records])
    engine.dispose()
    assert [r.outcome is None for r in results] == [False] * 6 + [True] + [False] * 3
    assert "refused" in (results[6].error or "")
    assert scalar(database_url, "SELECT count(*) FROM notice") == 9


@pytest.mark.slow
def test_a_crawl_with_one_notice_the_database_refuses_stores_the_rest(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["583624-2023.xml", "2024-OJS065-00191536.xml", "741214-2023.xml", "650276-2023.xml"]
    for name in names:
        shutil.copy(shared("notices", "eforms-real", name), folder / name)
    data = (folder / names[0]).read_bytes()
    (record,) = parse_document(data, name=names[0])
    title = (record.title or "").encode()
    assert title and title in data
    (folder / names[0]).write_bytes(data.replace(title, b"REFUSE " + title))
    engine = get_engine(database_url)
    upgrade(engine)
    engine.dispose()
    _trigger(database_url)
    result = run_cli("crawl", "files", "in", env={"KANSENRADAR_DATABASE_URL": database_url}, cwd=tmp_path)
    assert result.returncode == 1
    assert f"{names[0]}: not stored" in result.stderr and "refused" in result.stderr
    assert scalar(database_url, "SELECT count(*) FROM notice") == 3
    assert [r[0] for r in rows(database_url, "SELECT status FROM crawl_failure")] == ["pending"]


def _with_lots(n: int) -> object:
    title, cpv = TRADES[n % len(TRADES)]
    lots = [{"lot_id": f"LOT-{k}", "title": f"{title}, perceel {k}", "description": f"{title} in wijk {k}",
             "cpv_main": cpv} for k in range(1, 1 + n % 4)]  # fmt: skip
    return _notice(n, lots=lots)


def test_scoring_in_small_blocks_keeps_the_same_lists(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Scoring goes block by block to bound memory; a block never splits a notice from its lots, so the lists,
    # lots named and turned-down lots are the same whatever the block size (here: one notice per block).
    monkeypatch.setattr(jobs.match_store, "MAX_STORED", 12)
    engine = get_engine(database_url)
    upgrade(engine)
    _store(engine, [_with_lots(n) for n in range(120)])
    _companies(engine)
    with session_scope(engine) as session:
        lot_pk = repository.find_notice(session=session, notice_id="7-2026").id
        repository.set_feedback(session=session, company_id="c1", notice_pk=lot_pk, lot_id="LOT-1", relevant=False)
    assert match_companies(engine=engine, as_of=AS_OF, full=True).mode == "full"
    whole = _snapshot(database_url)
    monkeypatch.setattr(matcher.scoring, "BLOCK_PAIRS", 1)
    assert match_companies(engine=engine, as_of=AS_OF, full=True).mode == "full"
    assert _snapshot(database_url) == whole
    named = {(r[0], r[1]): json.loads(r[2]) if isinstance(r[2], str) else r[2] for r in whole}
    assert any(len(lots) > 1 for lots in named.values())  # several lots of one notice named in one entry
    assert "LOT-1" not in named.get(("c1", "7-2026"), [])
    engine.dispose()


def test_a_chunk_of_only_invalid_records_is_skipped(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    # The only notice changed since the last run was stored by an older parser and no longer validates: the
    # incremental run scores a chunk with nothing in it to score (it stopped on an empty text model input).
    engine = _matched(database_url, notices=40, companies=2)
    _store(engine, [_notice(100)])
    with session_scope(engine) as session:
        notice = repository.find_notice(session=session, notice_id="100-2026")
        notice.record = notice.record | {"estimated_value": "not a value"}
        session.add(notice)
    second = match_companies(engine=engine, as_of=AS_OF)
    assert second.mode == "incremental" and second.notices_scored == 1
    assert "skipped" in caplog.text and "100-2026" not in {r[1] for r in _snapshot(database_url)}
    engine.dispose()


def test_a_mark_on_a_notice_that_no_longer_validates_is_left_out(database_url: str) -> None:
    # A company's only mark is on a notice an older parser stored: its marks are read from nothing (this stopped
    # every run on an empty text model input, for as long as the mark existed).
    engine = _matched(database_url, notices=40, companies=2)
    with session_scope(engine) as session:
        notice = repository.find_notice(session=session, notice_id="5-2026")
        notice.record = notice.record | {"estimated_value": "not a value"}
        session.add(notice)
        session.flush()
        repository.set_feedback(session=session, company_id="c0", notice_pk=notice.id, lot_id=None, relevant=True)
    run = match_companies(engine=engine, as_of=AS_OF, full=True)
    assert run.mode == "full" and run.written > 0 and "5-2026" not in {r[1] for r in _snapshot(database_url)}
    engine.dispose()
