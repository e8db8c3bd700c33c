"""The shipped code list labels: every CPV code in Dutch, derived reproducibly from the shared label files."""

from __future__ import annotations

from importlib import resources

from jobs.codelist_build import build
from matcher.codelists import codes, cpv_label, cpv_with_check_digit, label
from tests.shared import shared


def test_every_cpv_code_has_a_dutch_and_an_english_label() -> None:
    every = codes("cpv")
    assert len(every) == 9454
    assert all(cpv_label(code, "nl") and cpv_label(code, "en") for code in every)
    assert cpv_label("50870000", "nl") == "Reparatie en onderhoud van speelplaatsuitrusting"
    assert cpv_label("55520000-1", "de") == "Verpflegungsdienste"
    assert cpv_with_check_digit("77310000") == "77310000-6"
    assert cpv_label("99999999") is None


def test_social_codes_and_regions_are_labelled_in_the_readers_language() -> None:
    assert label("reserved-procurement", "res-ws", "nl").startswith("Deelname is voorbehouden aan beschutte")
    assert label("social-objective", "opp", "en").startswith("Employment opportunities")
    assert label("nuts", "NL414", "nl") == "Zuidoost-Noord-Brabant"
    assert label("country", "FIN", "nl") == "Finland"


def test_the_shipped_table_is_what_the_script_derives_from_the_shared_files() -> None:
    folder = shared("codelists")
    shipped = resources.files("matcher.codelists").joinpath("labels.tsv.gz").read_bytes()
    assert build(folder) == shipped, "run `make codelists` and commit matcher/codelists/labels.tsv.gz"
