"""`kansenradar match` and `eval matching` as a user runs them."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlmodel import select

from jobs.cli import cli
from matcher.langdetect import detect_language
from storage import repository
from storage.db import get_engine, session_scope, upgrade
from storage.models import Match
from tests.factories import make_profile, make_record
from tests.shared import shared

MATCHING = Path(__file__).resolve().parents[1] / "data" / "matching"


def _setup(url: str, *records: object) -> None:
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=["NL32"]))
        repository.upsert_company(session=session, profile=make_profile(id="schoon", name="Schoon", cpv=["9091"],
                                  description="Schoonmaak van kantoren en buurthuizen", regions=["NL33"]))  # fmt: skip
        for record in records:
            repository.upsert_notice(session=session, record=record)  # type: ignore[arg-type]
    engine.dispose()


def _run(url: str, *args: str) -> object:
    return CliRunner().invoke(cli, ["--database-url", url, "match", *args])


def test_match_lists_stores_and_does_not_duplicate(database_url: str) -> None:
    laptops = make_record(
        notice_id="2-2026", procedure_id="other", title="Laptops", cpv_main="30200000", cpv_additional=[],
        description="Levering van laptops", lots=[],
    )  # fmt: skip
    _setup(database_url, make_record(), laptops)  # fmt: skip
    first = _run(database_url, "--as-of", "2026-11-20", "--format", "jsonl")
    assert first.exit_code == 0, first.output
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert lines and {line["company_id"] for line in lines} == {"groen-noord"}
    best = lines[0]
    assert set(best) == {"company_id", "notice_id", "source", "lots", "kind", "score", "parts", "reasons"}
    assert best["notice_id"] == "123456-2026" and best["kind"] == "bid"
    assert any("Inclusieve clausule" in r for r in best["reasons"])  # social return in the description
    again = _run(database_url, "--as-of", "2026-11-20", "--format", "jsonl")
    assert again.stdout == first.stdout
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        assert len(session.exec(select(Match)).all()) == len(lines)
    engine.dispose()
    table = _run(database_url, "--as-of", "2026-11-20", "--company", "groen-noord")
    assert "groen-noord" in table.stdout and "Past bij jullie werk" in table.stdout


def test_the_table_shows_the_deadline_ahead_of_the_lots_that_fit(database_url: str) -> None:
    # The notice's own deadline is its earliest lot's: a lot of other work that closed in November; the fitting
    # lot closes in December. The table showed 29-11 for a tender it offered as open on 4 December.
    early, late = datetime(2026, 11, 29, 9, 0, tzinfo=UTC), datetime(2026, 12, 29, 9, 0, tzinfo=UTC)
    lots = [
        {"lot_id": "LOT-0001", "title": "Perceel groenonderhoud", "cpv_main": "77310000", "deadline": late},
        {"lot_id": "LOT-0002", "title": "Levering van laptops", "cpv_main": "30200000", "deadline": early},
    ]
    record = make_record(lots=lots, deadline=early, cpv_additional=[])
    _setup(database_url, record)
    table = _run(database_url, "--as-of", "2026-12-04", "--company", "groen-noord")
    assert table.exit_code == 0, table.output
    line = next(row for row in table.stdout.splitlines() if "123456-2026" in row)
    assert "29-12-2026" in line and "29-11-2026" not in line


def test_closed_tenders_only_when_asked(database_url: str) -> None:
    _setup(database_url, make_record())
    assert _run(database_url, "--as-of", "2027-01-15", "--format", "jsonl").stdout == ""
    looking_back = _run(database_url, "--as-of", "2027-01-15", "--include-closed", "--format", "jsonl")
    assert json.loads(looking_back.stdout.splitlines()[0])["notice_id"] == "123456-2026"


def test_a_run_as_of_another_day_leaves_the_next_run_to_score_todays_lists(database_url: str) -> None:
    # A look back at March 2024 stores that day's list (an award, a prior information notice); the next plain run
    # must list today's opportunities, not keep those and miss the call published since.
    old = {"publication_date": date(2024, 2, 20), "deadline": None}
    award = make_record(notice_id="1-2024", publication_number="1-2024", procedure_id="p1",
                        notice_type="can-standard", **old)  # fmt: skip
    notice = make_record(notice_id="2-2024", publication_number="2-2024", procedure_id="p2",
                         notice_type="pin-only", **old)  # fmt: skip
    call = make_record(publication_date=datetime.now(UTC).date() - timedelta(days=10),
                       deadline=datetime.now(UTC) + timedelta(days=20))  # fmt: skip
    _setup(database_url, award, notice, call)
    back = _run(database_url, "--as-of", "2024-03-01", "--include-closed", "--format", "jsonl")
    assert {json.loads(line)["notice_id"] for line in back.stdout.splitlines()} == {"1-2024", "2-2024"}
    today = _run(database_url, "--format", "jsonl")
    assert [json.loads(line)["notice_id"] for line in today.stdout.splitlines()] == ["123456-2026"]
    assert _run(database_url, "--format", "jsonl").stdout == today.stdout  # and an incremental run keeps it


def test_looking_back_offers_awards_but_no_modification_or_completion_of_a_contract(database_url: str) -> None:
    # "Avenant 2 Marché 5392 Nettoyage" (can-modif) was offered to a cleaning company by --include-closed.
    old = {"publication_date": date(2024, 2, 20), "deadline": None}
    kinds = {"1-2024": "can-standard", "2-2024": "veat", "3-2024": "can-modif", "4-2024": "compl",
             "5-2024": "brin-ecs"}  # fmt: skip
    records = [make_record(notice_id=n, publication_number=n, procedure_id=f"p{n}", notice_type=kind, **old)
               for n, kind in kinds.items()]  # fmt: skip
    _setup(database_url, *records)
    back = _run(database_url, "--as-of", "2024-03-01", "--include-closed", "--format", "jsonl")
    assert {json.loads(line)["notice_id"] for line in back.stdout.splitlines()} == {"1-2024", "2-2024"}


def test_looking_back_a_modified_contract_is_still_its_tender(database_url: str) -> None:
    # eForms links a procedure's notices: the modification supersedes the call and the award, and stands for them.
    kinds = {"1-2024": ("cn-standard", date(2024, 1, 10)), "2-2024": ("can-standard", date(2024, 3, 1)),
             "3-2024": ("can-modif", date(2024, 5, 1))}  # fmt: skip
    records = [make_record(notice_id=n, publication_number=n, procedure_id="p-modified", notice_type=kind,
                           publication_date=day, deadline=None) for n, (kind, day) in kinds.items()]  # fmt: skip
    _setup(database_url, *records)
    back = _run(database_url, "--as-of", "2024-06-01", "--include-closed", "--format", "jsonl")
    assert [json.loads(line)["notice_id"] for line in back.stdout.splitlines()] == ["3-2024"]


def test_a_corrigendum_is_not_offered_beside_the_call_it_corrects(database_url: str) -> None:
    # TED XML links no procedure: the corrigendum (F14, no deadline of its own) would be a second, undated entry.
    # One whose call is not stored (published before the crawled period) is the only record of its tender.
    today = datetime.now(UTC)
    common = {"format": "ted-xml", "procedure_id": None, "title": "Groenonderhoud Noord"}
    call = make_record(notice_id="10-2026", publication_number="10-2026", publication_date=today.date()
                       - timedelta(days=10), deadline=today + timedelta(days=20), **common)  # fmt: skip
    corrections = [make_record(notice_id=f"{number}-2026", publication_number=f"{number}-2026", notice_type="corr",
                               refers_to=refers_to, publication_date=today.date() - timedelta(days=3), deadline=None,
                               **common) for number, refers_to in ((11, "10-2026"), (12, "9-2025"))]  # fmt: skip
    _setup(database_url, call, *corrections)
    for look_back in ((), ("--include-closed",)):
        listed = _run(database_url, *look_back, "--format", "jsonl").stdout.splitlines()
        assert sorted(json.loads(line)["notice_id"] for line in listed) == ["10-2026", "12-2026"]


def test_one_id_from_two_sources_is_two_entries_that_say_their_source(database_url: str) -> None:
    # A notice read from a local file and the same one crawled from TED: two stored notices, each with its lots.
    ted = make_record()
    local = make_record(source="file", title="Groenonderhoud Noord (lokaal bestand)",
                        lots=[{"lot_id": "LOT-0009", "title": "Perceel Zuid", "cpv_main": "77310000"}])  # fmt: skip
    _setup(database_url, ted, local)
    listed = [json.loads(line) for line in _run(database_url, "--as-of", "2026-11-20", "--format", "jsonl").stdout
              .splitlines()]  # fmt: skip
    assert sorted((m["source"], m["notice_id"]) for m in listed) == [("file", "123456-2026"), ("ted", "123456-2026")]
    lots = {m["source"]: m["lots"] for m in listed}
    assert set(lots["ted"]) <= {"LOT-0001", "LOT-0002"} and set(lots["file"]) <= {"LOT-0009"}


def test_a_tender_from_ted_and_tenderned_is_one_entry(database_url: str) -> None:
    # TenderNed sends the tender on to TED; the TED notice links the TenderNed page (publicatieId 343577). Crawled
    # from both, the TED notice is the entry, for the TenderNed announcement and its rectification alike.
    today = datetime.now(UTC)
    dates = {"publication_date": today.date() - timedelta(days=5), "deadline": today + timedelta(days=20)}
    ted = make_record(tenderned_id="343577", **dates)
    tenderned = {"source": "tenderned", "format": "tenderned", "publication_number": None, "version": None,
                 "lots": [], "url": None, **dates}  # fmt: skip
    copies = [make_record(notice_id="343577", procedure_id="TN-1", **tenderned),
              make_record(notice_id="343590", procedure_id="TN-1", notice_type="corr", **tenderned)]  # fmt: skip
    # A tender on TenderNed alone (below the EU thresholds) stays its own entry; so does another publication of the
    # linked tender (a call after the prior information notice TED has), until TED publishes it too.
    own = make_record(notice_id="350001", procedure_id="TN-2", title="Groenonderhoud speeltuinen Noord", **tenderned)
    call = make_record(notice_id="343600", procedure_id="TN-1", title="Groenonderhoud Noord, de aanbesteding",
                       **tenderned)  # fmt: skip
    _setup(database_url, *copies, own, call)
    before = [json.loads(line) for line in _run(database_url, "--format", "jsonl").stdout.splitlines()]
    assert sorted(line["notice_id"] for line in before) == ["343577", "343600", "350001"]  # not yet on TED
    _setup(database_url, ted)
    for look_back in ((), ("--include-closed",)):
        listed = [json.loads(line) for line in _run(database_url, *look_back, "--format", "jsonl").stdout.splitlines()]
        assert sorted((line["source"], line["notice_id"]) for line in listed) == [
            ("ted", "123456-2026"), ("tenderned", "343600"), ("tenderned", "350001")]  # fmt: skip
    engine = get_engine(database_url)
    with session_scope(engine) as session:  # the copy's stored match is gone too: a digest cannot offer it
        stored = {notice.notice_id for _match, notice in repository.matches_of(session=session)}
    engine.dispose()
    assert stored == {"123456-2026", "343600", "350001"}


def test_empty_corpus(database_url: str) -> None:
    _setup(database_url)
    result = _run(database_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # no header over nothing
    assert "No open tender matched" in result.stderr
    # Looking back with nothing to show says so too, instead of ending in silence.
    looked = _run(database_url, "--include-closed")
    assert looked.exit_code == 0, looked.output
    assert looked.stdout == ""
    assert "No tender matched" in looked.stderr and "--include-closed" not in looked.stderr


@pytest.mark.slow
def test_eval_matching_reports_every_method_and_skips_what_it_cannot_read(tmp_path: Path) -> None:
    # A notices folder as the judgements name it: two shared folders, and one document that does not parse.
    root = tmp_path / "notices"
    root.mkdir()
    for folder in ("eforms-real", "ted-xml"):
        (root / folder).symlink_to(shared("notices", folder))
    (root / "broken").mkdir()
    (root / "broken" / "bad.xml").write_text("<not-a-notice", encoding="utf-8")
    rows = [json.loads(line) for line in (MATCHING / "relevance.jsonl").read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in rows if r["notice"].startswith(("eforms-real/", "ted-xml/"))]
    chosen.append({"company": "groen", "notice": "broken/bad.xml", "judgement": "relevant", "reason": "x"})
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(root), "--split", "all"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "bad.xml" in result.stderr and "not found or not readable" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[1:] == ["full", "P@5", "no-cpv", "P@5", "cpv-prefix", "P@5", "keywords", "P@5",
                                    "unmarked", "P@5", "feedback", "P@5"]  # fmt: skip
    mean = next(line for line in lines if line.startswith("mean")).split()
    scores = [float(v) for v in mean[1:13] if v != "-"]  # unmarked: these notices hold only five per company
    assert len(scores) == 8 and all(0.0 <= v <= 1.0 for v in scores)
    assert scores[0] > scores[6]  # the full score ranks better than shared words alone
    spans = lines[next(i for i, line in enumerate(lines) if line.startswith("mean")) + 1]
    assert spans.startswith("95%") and "bootstrap over the companies" in spans
    low, high = (float(v) for v in spans.split()[1].split("-"))  # the full score's, over the companies
    assert low <= float(mean[1]) <= high and low < high


@pytest.mark.parametrize(
    ("line", "said"),
    [('{"company": "groen", "notice": "a.xml", "judgement": "meh"}', "line 2: not a judgement"),
     ("not json", "line 2: not a judgement"),
     ('{"company": "groen", "notice": "elsewhere.xml", "judgement": "relevant"}', "none of the judged notices")],
)  # fmt: skip
def test_eval_matching_names_the_input_it_cannot_use(tmp_path: Path, line: str, said: str) -> None:
    (tmp_path / "a.xml").write_text("<not-a-notice", encoding="utf-8")
    judgements = tmp_path / "judgements.jsonl"
    good = '{"company": "groen", "notice": "elsewhere.xml", "judgement": "partner"}'
    judgements.write_text(f"{good}\n{line}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(tmp_path), "--split", "all"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert said in result.stderr and "Traceback" not in result.output


def test_relevance_set_shape() -> None:
    profiles = yaml.safe_load((MATCHING / "profiles.yaml").read_text(encoding="utf-8"))["companies"]
    rows = [json.loads(line) for line in (MATCHING / "relevance.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {row["company"] for row in rows} == {p["id"] for p in profiles}
    assert {row["judgement"] for row in rows} == {"relevant", "partner", "irrelevant"}
    assert all(row["reason"].strip() for row in rows)
    assert len({(row["company"], row["notice"]) for row in rows}) == len(rows)
    # A notice is in one split for every profile; at least 8 profiles have 5 relevant notices or more.
    split = {}
    for row in rows:
        assert split.setdefault(row["notice"], row["split"]) == row["split"]
    relevant = Counter(row["company"] for row in rows if row["judgement"] == "relevant")
    assert sum(1 for n in relevant.values() if n >= 5) >= 8
    # Descriptions are Dutch only: no English sentence beside the Dutch.
    assert all(detect_language(p["description"]) == "nl" for p in profiles)


def test_eval_matching_says_when_the_split_has_no_judgements(tmp_path: Path) -> None:
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text('{"company": "groen", "notice": "a.xml", "judgement": "relevant", "split": "dev"}\n',
                          encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(tmp_path), "--split", "test"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "no judgements in the 'test' split" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow
def test_eval_matching_leaves_a_company_with_nothing_to_find_out_of_the_mean(tmp_path: Path) -> None:
    # schoon has a relevant notice to find, groen only irrelevant ones: groen's nDCG is undefined, not 0.
    root = tmp_path / "notices"
    root.mkdir()
    (root / "eforms-real").symlink_to(shared("notices", "eforms-real"))
    rows = [{"company": "schoon", "notice": "eforms-real/2024-OJS197-00607986.xml", "judgement": "relevant"},
            {"company": "groen", "notice": "eforms-real/599894-2023.xml", "judgement": "irrelevant"},
            {"company": "schoon", "notice": "eforms-real/599894-2023.xml", "judgement": "irrelevant"}]  # fmt: skip
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(root), "--split", "all"])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[2:] if line.strip()}
    assert set(lines["groen"]) == {"-"}
    assert lines["schoon"][:8] != ["-"] * 8  # full, no-cpv, cpv-prefix, keywords
    assert lines["mean"][:12] == lines["schoon"][:12]  # the mean is schoon's alone, "-" where schoon has none
    assert "groen" in result.stdout.split("left out of that mean:")[1]


@pytest.mark.slow
def test_eval_feedback_learns_part_weights_from_the_marks_as_match_does(tmp_path: Path, monkeypatch) -> None:
    import jobs.matching_eval as evaluation
    from matcher.scoring import WEIGHTS

    root = tmp_path / "notices"
    root.mkdir()
    for folder in ("eforms-real", "ted-xml"):
        (root / folder).symlink_to(shared("notices", folder))
    rows = [json.loads(line) for line in (MATCHING / "relevance.jsonl").read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in rows if r["notice"].startswith(("eforms-real/", "ted-xml/"))]
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    seen: list[tuple[list[dict[str, float]], list[bool]]] = []
    learn = evaluation.learn_weights

    def spy(said, prior):  # type: ignore[no-untyped-def]
        seen.append(([parts for _c, parts, _yes in said], [yes for _c, _parts, yes in said]))
        assert len({company for company, _parts, _yes in said}) == len(said) // 5  # each company its five
        return learn(said, prior)

    monkeypatch.setattr(evaluation, "learn_weights", spy)
    evaluation.evaluate_matching(MATCHING / "profiles.yaml", judgements, root, split="all")
    [(parts, relevant)] = seen
    companies = yaml.safe_load((MATCHING / "profiles.yaml").read_text(encoding="utf-8"))["companies"]
    assert len(parts) == len(relevant) == 5 * len(companies)  # every company marked its top five
    assert all(set(p) == set(WEIGHTS) and all(0.0 <= v <= 1.0 for v in p.values()) for p in parts)
    assert 0 < sum(relevant) < len(relevant)


def test_match_and_analyse_by_hand_refuse_beside_a_running_pipeline_with_exit_3(database_url: str) -> None:
    from jobs.locks import run_lock
    from storage.models import ClauseFinding

    _setup(database_url, make_record())
    engine = get_engine(database_url)
    with run_lock(engine):  # a `run` in progress holds it
        for command in (["match", "--as-of", "2026-11-20"], ["analyse"]):
            refused = CliRunner().invoke(cli, ["--database-url", database_url, *command])
            assert refused.exit_code == 3, refused.output
            assert refused.stderr.startswith("Error: not started: another run holds")
    with session_scope(engine) as session:  # nothing was written beside the pipeline
        assert session.exec(select(Match)).all() == [] and session.exec(select(ClauseFinding)).all() == []
    assert CliRunner().invoke(cli, ["--database-url", database_url, "analyse"]).exit_code == 0
    assert _run(database_url, "--as-of", "2026-11-20", "--quiet").exit_code == 0
    with session_scope(engine) as session:
        assert session.exec(select(Match)).all() and session.exec(select(ClauseFinding)).all()
    engine.dispose()


@pytest.mark.slow
def test_eval_matching_ranks_by_a_second_readers_judgements_and_says_how_far_they_agree(tmp_path: Path) -> None:
    root = tmp_path / "notices"
    root.mkdir()
    (root / "eforms-real").symlink_to(shared("notices", "eforms-real"))
    found, other = "eforms-real/2024-OJS197-00607986.xml", "eforms-real/599894-2023.xml"

    def judged(*pairs: tuple[str, str]) -> str:
        return "".join(json.dumps({"company": "schoon", "notice": n, "judgement": j}) + "\n" for n, j in pairs)

    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text(judged((found, "relevant"), (other, "irrelevant")))
    # The second reader sees it the other way round: their ranking puts the relevant notice second.
    second = tmp_path / "second.jsonl"
    second.write_text(judged((found, "irrelevant"), (other, "relevant")))
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(root), "--split", "all", "--second", str(second)])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[2:] if line.strip()}
    assert lines["schoon"][-2:] == ["0.631", "0.20"]  # 3 / log2(3) of an ideal 3; one hit in the first five
    assert "2 of the 2 pairs judged by both, 0% alike, weighted kappa -1.00" in result.stdout


def test_eval_matching_refuses_a_second_reading_of_other_pairs(tmp_path: Path) -> None:
    judgements = tmp_path / "judgements.jsonl"
    judgements.write_text('{"company": "groen", "notice": "a.xml", "judgement": "relevant", "split": "test"}\n')
    second = tmp_path / "second.jsonl"
    second.write_text('{"company": "groen", "notice": "b.xml", "judgement": "relevant"}\n')
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(tmp_path), "--second", str(second)])  # fmt: skip
    assert result.exit_code == 2 and "judges none of the 'test' pairs" in result.stderr
    second.write_text('{"company": "groen", "notice": "a.xml", "judgement": "maybe"}\n')
    result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                      str(tmp_path), "--second", str(second)])  # fmt: skip
    assert result.exit_code == 2 and "line 1" in result.stderr and "Traceback" not in result.output
    for broken in (second, judgements):  # not UTF-8, either file: named, exit 2
        broken.write_bytes(b'\xff{"company": "groen"}\n')
        result = CliRunner().invoke(cli, ["eval", "matching", str(MATCHING / "profiles.yaml"), str(judgements),
                                          str(tmp_path), "--second", str(second)])  # fmt: skip
        assert result.exit_code == 2 and f"{broken}: not readable as UTF-8" in result.stderr


def test_the_second_reading_judges_every_test_pair_and_nothing_else() -> None:
    def pairs(name: str) -> list[dict]:
        return [json.loads(line) for line in (MATCHING / name).read_text(encoding="utf-8").splitlines() if line]

    test = {(r["company"], r["notice"]) for r in pairs("relevance.jsonl") if r["split"] == "test"}
    second = pairs("relevance_second.jsonl")
    assert sorted((r["company"], r["notice"]) for r in second) == sorted(test)
    assert all(r["judgement"] in ("relevant", "partner", "irrelevant") and r["reason"].strip() for r in second)
