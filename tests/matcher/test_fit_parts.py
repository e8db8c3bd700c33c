"""Building blocks of readiness matching: CPV hierarchy, regions, requirements."""

from __future__ import annotations

import pytest

from matcher.codelists import region_label
from matcher.cpv import best_similarity, code_label, fit_matrix, significant, similarity
from matcher.regions import Place, region_fit
from matcher.requirements import extract, held, missing


@pytest.mark.parametrize(
    ("notice", "company", "expected"),
    [
        ("77310000", "77310000", 1.0),
        ("77311000", "7731", 1.0),  # inside the company's branch
        ("77310000-6", "77310000", 1.0),  # check digit ignored
        ("77300000", "77310000", 0.8),  # the notice asks for a wider branch
        ("77000000", "7731", 0.5),  # a whole division says little
        ("77312000", "77311000", 0.7),  # same class, other category
        ("77320000", "7731", 0.5),  # same group, other class
        ("77110000", "7731", 0.3),  # same division only
        ("45000000", "77310000", 0.0),
        ("03000000", "03", 1.0),
    ],
)
def test_cpv_hierarchy(notice: str, company: str, expected: float) -> None:
    assert similarity(notice, company) == expected


def test_cpv_closeness_orders_as_people_expect() -> None:
    assert similarity("77300000", "77310000") > similarity("45000000", "77310000")
    assert significant("90911200") == "909112" and significant("03000000") == "03"
    one = [(c, 1.0) for c in ("9091", "7731")]
    assert best_similarity([("45000000", 1.0), ("77311000", 1.0)], one) == (1.0, "77311000", "7731")
    assert best_similarity([], one) == (0.0, None, None)


def test_codes_count_as_far_as_they_are_sure() -> None:
    # An inferred company code at 0.5 and a code read from a notice's text at 0.8 weigh the fit down.
    fits = fit_matrix([[("7731", 0.5)]], [[("77310000", 1.0)], [("77311000", 0.8)]])
    assert fits[0].tolist() == pytest.approx([0.5, 0.4])
    assert fit_matrix([[("7731", 1.0), ("9091", 1.0)]], [[("90911200", 0.8)]])[0, 0] == pytest.approx(0.8)
    assert fit_matrix([], [[("7731", 1.0)]]).shape == (0, 1) and fit_matrix([[("7731", 1.0)]], []).shape == (1, 0)


def test_a_code_without_a_label_is_named_by_its_nearest_labelled_parent() -> None:
    assert code_label("77990000") == "Bijenteeltdiensten"  # 77900000
    assert code_label("90919900", "en") == code_label("90919000", "en")
    assert code_label("99000000", "nl") == "onbekende sector" and code_label("99", "en") == "unknown sector"


def test_every_code_has_its_official_label() -> None:
    assert code_label("77310000-6") == "Beplanten en onderhouden van groengebieden"
    assert code_label("909") == "Schoonmaak- en afvalverwijderingsdiensten"
    assert code_label("50870000", "en") == "Repair and maintenance services of playground equipment"
    assert code_label("99999999") == "onbekende sector"


@pytest.mark.parametrize(
    ("nuts", "buyer_nuts", "country", "regions", "score", "basis"),
    [
        (["NL329"], None, "NL", [], 1.0, "anywhere"),
        (["NL329"], None, "NL", ["NL32"], 1.0, "performance"),
        (["NL3"], None, "NL", ["NL329"], 0.8, "performance"),
        (["NL"], None, "NL", ["NL329"], 0.5, "performance"),
        (["NL413"], None, "NL", ["NL329"], 0.3, "performance"),
        (["BE211"], None, "BE", ["NL329"], 0.0, "elsewhere"),
        ([], "NL329", "NL", ["NL32"], 0.8, "buyer"),  # a buyer's seat is no place of performance
        ([], None, "NL", ["NL32"], 0.5, "country"),
        ([], None, "NL", ["NL"], 1.0, "country"),  # a company working in all of NL
        (["NL329"], None, "NL", ["NL"], 1.0, "performance"),
        ([], None, "GR", ["EL30"], 0.5, "country"),  # ISO GR is NUTS EL
        ([], None, "DE", ["NL32"], 0.0, "elsewhere"),
        ([], None, None, ["NL32"], 0.5, "unknown"),
        # NUTS 2021 codes in older notices and profiles are the 2024 regions of the same name.
        (["NL310"], None, "NL", ["NL35"], 1.0, "performance"),  # Utrecht
        (["NL33C"], None, "NL", ["NL36"], 1.0, "performance"),  # Groot-Rijnmond in Zuid-Holland
        (["NL32B"], None, "NL", ["NL329"], 1.0, "performance"),  # Groot-Amsterdam
        ([], "NL33A", "NL", ["nl36"], 0.8, "buyer"),
        ([], "NL413", "NL", ["NL36"], 0.3, "buyer"),
        (["NL310"], None, "NL", ["NL36"], 0.3, "performance"),  # Utrecht is not Zuid-Holland
    ],
)
def test_region_prefixes(
    nuts: list[str], buyer_nuts: str | None, country: str | None, regions: list[str], score: float, basis: str
) -> None:
    fit = region_fit(place=Place(tuple(nuts), buyer_nuts, country), regions=regions)
    assert (fit.score, fit.basis) == (score, basis)


def test_requirement_extraction() -> None:
    texts = [
        "De inschrijver beschikt over een geldig VCA**-certificaat en is ISO 9001 gecertificeerd.",
        "Een gemiddelde jaaromzet van minimaal € 1.250.000 over de laatste drie jaar.",
        None,
        "Bidders must hold ISO 14001 and a Keurmerk Schoonmaak.",
    ]
    required = extract(texts)
    assert extract([], texts) == required  # in descriptions too, where a sentence asks it of the bidder
    assert required.certificates == ("VCA", "ISO 9001", "ISO 14001", "Keurmerk Schoon")
    assert required.turnover == 1_250_000
    assert extract(["Minimum turnover of EUR 2 million."]).turnover == 2_000_000
    assert extract(["Levering van kantoorartikelen."]).certificates == ()
    assert held(["VCA*", "PSO trede 2", "iso9001"]) == {"VCA", "PSO", "ISO 9001"}
    assert missing(required, ["VCA", "ISO 9001"]) == ["ISO 14001", "Keurmerk Schoon"]


def test_what_a_notice_buys_is_not_what_it_asks() -> None:
    bought = ["Certification audit of the JRC's quality management system against ISO 9001 and ISO 14001.",
              "Begeleiding bij de invoering van ISO 9001 binnen de gemeente."]  # fmt: skip
    assert extract([], bought).certificates == ()
    asked = "Inschrijver moet beschikken over ISO 9001. Het werk omvat het onderhoud van het ISO 14001-systeem."
    assert extract([], [asked]).certificates == ("ISO 9001",)
    # Selection criteria state conditions: everything named there counts.
    assert extract(["ISO 9001 certificaat"], []).certificates == ("ISO 9001",)


def test_an_old_nuts_code_is_named_as_the_region_it_is() -> None:
    fit = region_fit(place=Place(("NL310",)), regions=["NL35"])
    assert fit.place == "NL310" and region_label(fit.place) == "Utrecht"  # the code as published, named as it is
