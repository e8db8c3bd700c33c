"""`kansenradar eval cpv`: does a company's own Dutch description lead to the CPV group of its work?"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from jobs.cpv_eval import Described, InferenceScore, evaluate_inference
from jobs.models import shipped_cpv_model
from matcher.langdetect import detect_language

OTHER = Path(__file__).resolve().parents[1] / "data" / "matching" / "inference_other.jsonl"
INFERENCE = Path(__file__).resolve().parents[1] / "data" / "matching" / "inference.jsonl"


def _eval(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["eval", "cpv", *args])
    return result.exit_code, result.stdout, result.stderr


def test_ranks_count_where_the_first_right_group_comes() -> None:
    text = "Wij maken kantoren en scholen schoon en lappen de ramen."
    items = [Described("a", "cleaning", text, ("909",)), Described("b", "cleaning", text, ("601", "909")),
             Described("c", "green", "Wij maaien het gras en snoeien de heggen in het park.", ("773",))]  # fmt: skip
    score = evaluate_inference(items, shipped_cpv_model())
    assert score.ranks == (1, 1, 1)  # the alternative group counts as right too
    assert evaluate_inference([Described("d", "wrong", text, ("773",))], shipped_cpv_model()).ranks[0] != 1


def test_descriptions_are_read_as_companies_import_reads_them() -> None:
    # Scored on the words that name the work (``own_work``), as a company's codes are inferred: read whole, who works
    # there ("met een afstand tot de arbeidsmarkt") put vocational rehabilitation (853) above the cleaning.
    text = ("Bewonersbedrijf en sociale onderneming met mensen met een afstand tot de arbeidsmarkt: wij maken "
            "kantoren en trappenhuizen schoon.")  # fmt: skip
    assert evaluate_inference([Described("w", "cleaning", text, ("909",))], shipped_cpv_model()).ranks == (1,)


def test_the_figures_from_the_ranks() -> None:
    items = tuple(Described(str(i), "t", "x", ("909",)) for i in range(3))
    score = InferenceScore(items, (1, 3, None))
    assert (score.top(1), score.top(3), score.mrr) == (pytest.approx(1 / 3), pytest.approx(2 / 3),
                                                       pytest.approx((1 + 1 / 3) / 3))  # fmt: skip


def test_the_blind_descriptions_run_through_the_command(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in INFERENCE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 60 and len({r["id"] for r in rows}) == 60 and len({r["trade"] for r in rows}) == 16
    assert all(1 <= len(r["cpv_groups"]) <= 2 for r in rows)
    code, out, _err = _eval(str(INFERENCE))
    assert code == 0, out
    assert "(shipped model)" in out.splitlines()[0]
    overall = next(line for line in out.splitlines() if line.startswith("all ")).split()
    assert overall[1] == "60"
    top1, top3, mrr = (float(v) for v in overall[2:5])
    assert top1 <= top3 and 0.0 < mrr <= 1.0
    # A guard, not a target: the shipped model (cpv-7) finds a right group among its first three for 54 of the 60.
    assert top3 >= 0.8
    # A notices folder too small to learn from leaves the shipped model in charge, and says so.
    code, out, _err = _eval(str(INFERENCE), "--notices", str(tmp_path))
    assert code == 0 and "fewer than 1000" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("not json", ", line 2: not a description line"),
        ('{"id": "x", "description": "Wij maaien gras."}', ", line 2: not a description line"),
        ('{"id": "x", "description": "Wij maaien gras.", "cpv_groups": ["77310000"]}', "three digits"),
        ('{"id": "x", "description": " ", "cpv_groups": ["773"]}', "needs a description"),
        ('{"id": "x", "description": null, "cpv_groups": ["773"]}', "needs a description"),
        ('{"id": "x", "description": "Wij maaien gras.", "cpv_groups": ["773\\n"]}', "three digits"),
        ('{"id": "x", "description": "Wij verkopen meubels.", "cpv_groups": ["391"]}', "no group of works"),
        ("[1, 2]", "not a description line"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_scored(tmp_path: Path, line: str, said: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "ok", "description": "Wij maaien gras.", "cpv_groups": ["773"]}\n' + line + "\n",
                    encoding="utf-8")  # fmt: skip
    code, out, err = _eval(str(path))
    assert code == 2 and said in err and "Traceback" not in out + err
    assert "top-1" not in out


def test_an_unreadable_or_empty_file_is_a_usage_error(tmp_path: Path) -> None:
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "x", "description": "Wij maken caf\u00e9s schoon.", "cpv_groups": ["909"]}\n'
                      .encode("latin-1"))  # fmt: skip
    code, out, err = _eval(str(latin))
    assert code == 2 and "not readable as UTF-8 text" in err and "Traceback" not in out + err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    code, out, err = _eval(str(empty))
    assert code == 2 and "no descriptions" in err


def test_descriptions_in_english_german_and_french_run_through_the_command() -> None:
    rows = [json.loads(line) for line in OTHER.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 36 and {r["lang"] for r in rows} == {"en", "de", "fr"}
    assert all(detect_language(r["description"]) == r["lang"] for r in rows)  # none is Dutch in disguise
    code, out, _err = _eval(str(OTHER))
    assert code == 0, out
    top3 = float(next(line for line in out.splitlines() if line.startswith("all ")).split()[3])
    # A guard, not a target: before the trade words in these languages, 22 of the 36 (0.61); with them, all 36.
    assert top3 >= 0.8
