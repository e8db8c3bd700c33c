"""Matching from a company's own Dutch words across languages, learning from its feedback, one entry per tender."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from storage import repository
from storage.db import get_engine, session_scope
from tests.dbutil import rows, store
from tests.factories import make_profile, make_record

AS_OF = "2026-11-20"
KITCHEN = """companies:
  - id: buurtkeuken
    name: Buurtkeuken Het Fornuis
    description: >-
      Bij ons koken bewoners uit de wijk elke dag verse maaltijden. We verzorgen lunches voor scholen en de
      catering van vergaderingen, en we bezorgen warme maaltijden bij ouderen thuis.
    capacity: {max_contract_value: 250000}
"""


def _cli(url: str, *args: str, **kwargs: Any) -> Any:
    result = CliRunner().invoke(cli, ["--database-url", url, *args], **kwargs)
    assert result.exit_code == 0, result.output
    return result


def _notice(number: int, title: str, description: str, cpv: str, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "notice_id": f"{number}-2026", "publication_number": f"{number}-2026", "procedure_id": f"p{number}",
        "title": title, "description": description, "cpv_main": cpv, "cpv_additional": [], "lots": [],
        "social": {}, "estimated_value": {"amount": 150_000.0, "currency": "EUR"},
    }  # fmt: skip
    data.update(overrides)
    return make_record(**data)


def _matches(url: str) -> list[dict[str, Any]]:
    out = _cli(url, "match", "--as-of", AS_OF, "--format", "jsonl").stdout
    return [json.loads(line) for line in out.splitlines()]


def test_a_dutch_only_profile_without_codes_finds_a_finnish_tender_of_its_trade(database_url: str,
                                                                                tmp_path: Path) -> None:  # fmt: skip
    finnish = _notice(1, "Kouluruokailun ja päiväkotien ateriapalvelut",
                      "Hankinnan kohteena ovat koulujen ja päiväkotien ateriapalvelut sekä kokoustarjoilut.",
                      "55524000", language="fi", buyer={"name": "Tampereen kaupunki", "country": "FI"},
                      nuts=["FI197"])  # fmt: skip
    dutch = [
        _notice(2, "Levering van kantoormeubilair", "Bureaus, stoelen en kasten voor het stadskantoor.", "39130000"),
        _notice(3, "Onderhoud van het zaaksysteem", "Beheer en onderhoud van software voor de gemeente.", "72267000"),
        _notice(4, "Vervanging brug Noorderkanaal", "Sloop en nieuwbouw van een beweegbare brug.", "45221111"),
    ]
    store(database_url, finnish, *dutch)
    companies = tmp_path / "companies.yaml"
    companies.write_text(KITCHEN, encoding="utf-8")
    imported = _cli(database_url, "companies", "import", str(companies))
    assert "CPV codes inferred from the description for 1 without codes" in imported.stdout
    (listed,) = [json.loads(line) for line in _cli(database_url, "companies", "list", "--format", "jsonl").stdout
                 .splitlines()]  # fmt: skip
    assert listed["cpv"] == [] and any(code.startswith("55") for code, _sure in listed["cpv_inferred"])

    found = _matches(database_url)
    assert [m["notice_id"] for m in found][:1] == ["1-2026"]  # the Finnish catering tender, first
    assert not {"2-2026", "3-2026", "4-2026"} & {m["notice_id"] for m in found}
    assert any("zoals wij het uit jullie omschrijving lezen" in reason for reason in found[0]["reasons"])


def test_suggested_codes_come_with_labels_and_words_and_never_replace_given_ones(database_url: str,
                                                                                tmp_path: Path) -> None:  # fmt: skip
    store(database_url)
    companies = tmp_path / "companies.yaml"
    companies.write_text(KITCHEN + """  - id: groen
    name: Groen
    description: Wij maaien gras en snoeien heggen in de wijk.
    cpv: ["77310000"]
""", encoding="utf-8")  # fmt: skip
    _cli(database_url, "companies", "import", str(companies))
    suggested = [json.loads(line) for line in _cli(database_url, "companies", "suggest-cpv", "buurtkeuken",
                                                     "--format", "jsonl").stdout.splitlines()]  # fmt: skip
    best = suggested[0]
    assert best["code"].startswith("555") and "-" in best["code"]  # with its check digit
    assert best["label"] and set(best["words"]) & {"maaltijden", "catering", "lunches", "koken"}
    table = _cli(database_url, "companies", "suggest-cpv", "groen").stdout
    assert "groen gave its own codes (77310000); matching uses those" in table
    listed = {row["id"]: row for row in map(json.loads, _cli(database_url, "companies", "list", "--format",
                                                              "jsonl").stdout.splitlines())}  # fmt: skip
    assert listed["groen"]["cpv"] == ["77310000"] and listed["groen"]["cpv_inferred"] == []
    result = CliRunner().invoke(cli, ["--database-url", database_url, "companies", "suggest-cpv", "nobody"])
    assert result.exit_code == 2 and "no company with id 'nobody'" in result.stderr


def test_a_not_relevant_mark_removes_the_notice_and_lowers_its_near_duplicate(database_url: str) -> None:
    text = "Maaien van bermen, snoeien van heesters en onkruidbeheer in de openbare ruimte van Noord."
    twin_a = _notice(1, "Groenonderhoud bermen Noord", text, "77310000")
    twin_b = _notice(2, "Groenonderhoud bermen Noord (perceel 2)", text, "77310000")
    other = _notice(3, "Boomverzorging stadsparken", "Snoeien en verzorgen van bomen in de stadsparken.", "77211400")
    store(database_url, twin_a, twin_b, other)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(cpv=["7731", "7721"], regions=[]))
    engine.dispose()
    before = {m["notice_id"]: m["score"] for m in _matches(database_url)}
    assert set(before) == {"1-2026", "2-2026", "3-2026"}
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--not-relevant")
    after = {m["notice_id"]: m for m in _matches(database_url)}
    assert "1-2026" not in after
    assert after["2-2026"]["score"] < before["2-2026"] - 0.02  # the near-duplicate sinks
    # Other work of the trade that resembles it less moves less.
    assert before["3-2026"] - after["3-2026"]["score"] < before["2-2026"] - after["2-2026"]["score"]
    assert any("niet vonden passen" in reason for reason in after["2-2026"]["reasons"])


def test_a_relevant_mark_raises_its_near_duplicate_and_says_why(database_url: str) -> None:
    text = "Maaien van bermen, snoeien van heesters en onkruidbeheer in de openbare ruimte van Noord."
    twin_a = _notice(1, "Groenonderhoud bermen Noord", text, "77310000")
    twin_b = _notice(2, "Groenonderhoud bermen Noord (perceel 2)", text, "77310000")
    other = _notice(3, "Boomverzorging stadsparken", "Snoeien en verzorgen van bomen in de stadsparken.", "77211400")
    store(database_url, twin_a, twin_b, other, companies=(make_profile(cpv=["7731", "7721"], regions=[]),))
    before = {m["notice_id"]: m["score"] for m in _matches(database_url)}
    _cli(database_url, "feedback", "add", "--company", "groen-noord", "--notice", "1-2026", "--relevant")
    after = {m["notice_id"]: m for m in _matches(database_url)}
    assert "1-2026" in after  # a relevant mark keeps the notice
    assert after["2-2026"]["score"] > before["2-2026"] + 0.02  # the near-duplicate rises
    # Other work of the trade that resembles it less moves less.
    assert after["3-2026"]["score"] - before["3-2026"] < after["2-2026"]["score"] - before["2-2026"]
    assert "Lijkt op aanbestedingen die jullie als passend markeerden" in after["2-2026"]["reasons"]


def test_one_entry_per_tender_with_the_lots_that_fit_named(database_url: str) -> None:
    store(database_url, make_record(social={}))  # a notice with two lots of green work
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=[]))
    engine.dispose()
    (only,) = _matches(database_url)
    assert only["notice_id"] == "123456-2026" and only["lots"] == ["LOT-0001", "LOT-0002"]
    assert rows(database_url, "SELECT COUNT(*) FROM match") == [(1,)]


def test_a_notice_without_deadline_is_offered_for_a_while_after_publication(database_url: str) -> None:
    published = date.fromisoformat(AS_OF)
    old = _notice(1, "Groenonderhoud (vooraankondiging)", "Maaien en snoeien.", "77310000", deadline=None,
                  notice_type="pin-only", publication_date=published - timedelta(days=400))  # fmt: skip
    recent = _notice(2, "Groenonderhoud (vooraankondiging 2026)", "Maaien en snoeien.", "77310000", deadline=None,
                     notice_type="pin-only", publication_date=published - timedelta(days=30))  # fmt: skip
    store(database_url, old, recent)
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(regions=[]))
    engine.dispose()
    assert [m["notice_id"] for m in _matches(database_url)] == ["2-2026"]
    longer = CliRunner().invoke(cli, ["--database-url", database_url, "match", "--as-of", AS_OF, "--format",
                                      "jsonl"], env={"KANSENRADAR_UNDATED_DAYS": "500"})  # fmt: skip
    assert sorted(json.loads(line)["notice_id"] for line in longer.stdout.splitlines()) == ["1-2026", "2-2026"]


def test_only_opportunities_on_the_day_a_run_looks_from_are_offered(database_url: str) -> None:
    # An award notice reports a result; a notice published after --as-of did not exist on that day.
    award = _notice(1, "Groenonderhoud (gunning)", "Maaien en snoeien.", "77310000", notice_type="can-standard")
    later = _notice(2, "Groenonderhoud 2027", "Maaien en snoeien.", "77310000", publication_date=date(2026, 11, 25))
    call = _notice(3, "Groenonderhoud", "Maaien en snoeien.", "77310000")
    store(database_url, award, later, call, companies=(make_profile(regions=[]),))
    assert [m["notice_id"] for m in _matches(database_url)] == ["3-2026"]
    back = _cli(database_url, "match", "--as-of", AS_OF, "--include-closed", "--format", "jsonl").stdout
    assert sorted(json.loads(line)["notice_id"] for line in back.splitlines()) == ["1-2026", "3-2026"]


def test_the_cpv_model_learns_from_the_corpus_when_large_enough(database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:  # fmt: skip
    import jobs.models

    # A small corpus and a few labels stand for the real sizes (1,000 notices, 38,000 labels): same code path.
    monkeypatch.setattr(jobs.models, "MIN_CORPUS", 4)
    monkeypatch.setattr(jobs.models, "label_examples", lambda: [("Cateringdiensten", "55520000"),
                                                                ("Reinigingsdiensten", "90910000")])  # fmt: skip
    trades = [_notice(n, f"Schoolmaaltijden {n}", "Koken en bezorgen van maaltijden.", "55524000") for n in range(3)]
    store(database_url, *trades)
    engine = get_engine(database_url)
    assert jobs.models.cpv_model(engine) == (jobs.models.shipped_cpv_model(), False)  # 3 notices: the shipped one
    store(database_url, _notice(9, "Schoonmaak scholen", "Schoonmaken van klaslokalen.", "90911200"))
    model, fitted = jobs.models.cpv_model(engine)
    assert fitted and model is not jobs.models.shipped_cpv_model()
    again, fitted_again = jobs.models.cpv_model(engine)
    assert not fitted_again and jobs.models.cpv_to_state(again) == jobs.models.cpv_to_state(model)  # kept, as data
    store(database_url, _notice(10, "Kantine", "Kantinediensten.", "55510000"))  # the corpus grew by a quarter
    assert jobs.models.cpv_model(engine)[1]
    engine.dispose()


def test_a_match_run_that_fits_both_models_reads_the_corpus_once(database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                                 ) -> None:  # fmt: skip
    import jobs.models
    from jobs.match import match_companies

    monkeypatch.setattr(jobs.models, "MIN_CORPUS", 2)
    monkeypatch.setattr(jobs.models, "label_examples", lambda: [("Cateringdiensten", "55520000"),
                                                                ("Reinigingsdiensten", "90910000")])  # fmt: skip
    reads: list[int] = []
    real = jobs.models._sample
    monkeypatch.setattr(jobs.models, "_sample", lambda engine, size: reads.append(size) or real(engine, size))
    store(database_url, _notice(1, "Schoolmaaltijden", "Koken van maaltijden.", "55524000"),
          _notice(2, "Schoonmaak scholen", "Schoonmaken van klaslokalen.", "90911200"),
          companies=(make_profile(regions=[]),))  # fmt: skip
    engine = get_engine(database_url)
    run = match_companies(engine=engine, as_of=datetime.fromisoformat(f"{AS_OF}T12:00:00+00:00"), workers=1)
    assert run.refitted and reads == [2]  # the text model and the CPV model were both fitted, on one reading
    with session_scope(engine) as session:
        assert set(repository.model_fits(session=session, names=("text", "cpv"))) == {"text", "cpv"}
    engine.dispose()


def test_the_fit_sample_keeps_each_notices_text_and_main_code_not_its_record(database_url: str) -> None:
    # 20,000 validated records took some 450 MB at 100,000 notices; the models read only these two fields.
    import jobs.models
    from matcher.tenders import notice_text
    from storage.records import NoticeRecord

    lot_only = _notice(2, "Schoonmaak", "Schoonmaken van klaslokalen.", None,
                       lots=[{"lot_id": "LOT-1", "title": "Perceel 1", "cpv_main": "90911200"}])  # fmt: skip
    store(database_url, _notice(1, "Schoolmaaltijden", "Koken van maaltijden.", "55524000"), lot_only)
    engine = get_engine(database_url)
    sample = jobs.models._sample(engine, 2)
    records = [NoticeRecord.model_validate_json(r) if isinstance(r, str) else NoticeRecord.model_validate(r)
               for (r,) in rows(database_url, "SELECT record FROM notice ORDER BY id")]  # fmt: skip
    assert all(isinstance(item, jobs.models.Learned) for item in sample)
    texts = [notice_text(r) for r in records]
    assert [item.text for item in sample] == texts and "Perceel 1" in texts[1]
    assert jobs.models.notice_examples(sample) == [(texts[0], "55524000"), (texts[1], "90911200")]
    engine.dispose()


def test_suggest_cpv_reads_the_kept_model_and_never_fits_one(database_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import jobs.models
    from matcher.cpv_model import to_state, train_cpv_model
    from tests.matcher.test_cpv_model import EXAMPLES, LABELS

    monkeypatch.setattr(jobs.models, "MIN_CORPUS", 2)  # a corpus "large enough" to learn from, in three notices
    store(database_url, *(_notice(n, f"Schoonmaak {n}", "Schoonmaak van kantoren.", "90911200") for n in (1, 2, 3)))
    engine = get_engine(database_url)
    with session_scope(engine) as session:
        repository.upsert_company(session=session, profile=make_profile(id="buurtkeuken", cpv=[],
                                  description="Wij koken maaltijden en verzorgen de catering."))  # fmt: skip
    # Nothing learned from the notices yet: the shipped model answers, it says so, and nothing is fitted or stored.
    before = _cli(database_url, "companies", "suggest-cpv", "buurtkeuken", "--format", "jsonl")
    assert "not been learned from the stored notices yet" in before.stderr
    assert json.loads(before.stdout.splitlines()[0])["code"].startswith("555")
    assert rows(database_url, "SELECT name FROM model_state") == []
    # A kept model, however far the corpus has grown since (a match would fit again): used as it is.
    small = train_cpv_model(EXAMPLES, LABELS)  # three groups: green work, cleaning, catering
    with session_scope(engine) as session:
        repository.save_model_state(session=session, name="cpv", version=jobs.models.CPV_MODEL_VERSION,
                                    corpus_size=1, payload=to_state(small))  # fmt: skip
    kept = rows(database_url, "SELECT fitted_at FROM model_state")
    after = _cli(database_url, "companies", "suggest-cpv", "buurtkeuken", "--format", "jsonl")
    assert {json.loads(line)["code"][:3] for line in after.stdout.splitlines()} <= {"909", "555", "773"}
    assert "not been learned" not in after.stderr and rows(database_url, "SELECT fitted_at FROM model_state") == kept
    engine.dispose()
