"""Readiness scoring: parts, gates, kinds, lots, deadlines, reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from matcher.cpv import fit_matrix, similarity
from matcher.reasons import rank, reasons_for
from matcher.regions import Place, region_fit, region_matrix
from matcher.scoring import ADDITIONAL_TRUST, blocks, score_all, tender_codes
from matcher.tenders import Profile, Tender, tenders_from_record
from matcher.text import fit_text_model
from storage.records import NoticeRecord

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
GREEN = Profile(id="groen", description="Bewonersbedrijf voor groenonderhoud: maaien, snoeien en onkruid wieden",
                cpv=("7731",), regions=("NL32",), max_value=250_000, certifications=("VCA",), preparation_days=10,
                min_score=0.0)  # fmt: skip


def tender(**overrides: object) -> Tender:
    data: dict = {
        "notice_id": "1-2026",
        "lot_id": None,
        "title": "Groenonderhoud",
        "text": "Groenonderhoud: maaien en snoeien van bermen en plantsoenen",
        "cpv": ("77310000",),
        "place": Place(nuts=("NL329",)),
        "value": 180_000.0,
        "currency": "EUR",
        "deadline": NOW + timedelta(days=30),
    }
    data.update(overrides)
    return Tender(**data)


def model(*texts: str):  # type: ignore[no-untyped-def]
    return fit_text_model(list(texts) or ["groenonderhoud maaien snoeien", "schoonmaak kantoren"])


def test_vectorised_cpv_equals_the_scalar_rule() -> None:
    company = [["7731"], ["77310000"], ["45"], ["9091", "7734"]]
    notices = [["77310000"], ["77300000"], ["77000000"], ["77320000"], ["45000000"], ["90911200", "77341000"], []]
    matrix = fit_matrix([[(c, 1.0) for c in row] for row in company], [[(c, 1.0) for c in row] for row in notices])
    for i, own in enumerate(company):
        for j, theirs in enumerate(notices):
            expected = max((similarity(t, o) for t in theirs for o in own), default=0.0)
            assert matrix[i, j] == pytest.approx(expected), (own, theirs)


def test_vectorised_regions_equal_the_scalar_rule() -> None:
    profiles = [Profile(id=str(i), description="x", regions=r) for i, r in enumerate([(), ("NL32",), ("NL329",)])]
    places = [
        Place(nuts=n, buyer_nuts=b, buyer_country=c)
        for n, b, c in [
            (("NL329",), None, "NL"),
            (("NL3",), None, "NL"),
            (("NL",), None, "NL"),
            (("NL413",), None, "NL"),
            (("BE211",), None, "BE"),
            ((), "NL329", "NL"),
            ((), None, "NL"),
            ((), None, "DE"),
            ((), None, None),
        ]
    ]
    matrix = region_matrix([p.regions for p in profiles], places)
    for i, p in enumerate(profiles):
        for j, place in enumerate(places):
            assert matrix[i, j] == pytest.approx(region_fit(place=place, regions=p.regions).score), (p.regions, place)


def test_a_company_working_in_its_whole_country_is_inside_it_everywhere() -> None:
    country = Profile(**{**GREEN.__dict__, "regions": ("NL",)})
    for place in (Place(nuts=("NL329",)), Place(buyer_country="NL"), Place(nuts=("NL",))):
        (match,) = rank([country], [tender(place=place)], model(), as_of=NOW)
        assert match.parts["region"] == 1.0
        assert not any("buiten" in r for r in match.reasons)
        # Where only the buyer is known, the reason says so rather than where the work is done.
        wording = "Opdrachtgever in" if place.nuts == () else "in jullie regio"
        assert any(wording in r for r in match.reasons), match.reasons
    (seat,) = rank([country], [tender(place=Place(buyer_nuts="NL329"))], model(), as_of=NOW)
    assert seat.parts["region"] == 1.0  # a company working in all of NL: inside, wherever the buyer's work is
    (unknown,) = rank([GREEN], [tender(place=Place())], model(), as_of=NOW)
    assert "De aankondiging noemt geen plaats van uitvoering" in unknown.reasons


def test_a_place_that_includes_the_region_and_a_buyer_seat_are_said_as_such() -> None:
    # A nationwide tender includes the company's region; a buyer's seat is not where the work is done.
    (whole,) = rank([GREEN], [tender(place=Place(nuts=("NL",)))], model(), as_of=NOW)
    assert "Uitvoering in Nederland, waaronder jullie regio" in whole.reasons
    (seat,) = rank([GREEN], [tender(place=Place(buyer_nuts="NL329"))], model(), as_of=NOW)
    assert seat.parts["region"] == pytest.approx(0.8)
    assert "Opdrachtgever in Groot-Amsterdam (NL329); de aankondiging noemt geen plaats van uitvoering" in seat.reasons


def test_a_good_fit_is_a_bid_with_reasons() -> None:
    (match,) = rank([GREEN], [tender()], model(), as_of=NOW)
    assert match.kind == "bid" and match.score > 0.7
    assert set(match.parts) == {"text", "cpv", "region", "size", "time", "requirements", "clauses", "feedback"}
    assert match.reasons[0] == "Past bij jullie werk: Beplanten en onderhouden van groengebieden"
    # NL329 (NUTS 2021, still in notices) is Groot-Amsterdam, NL32B since 2024: named so, the code as published.
    assert "Uitvoering in Groot-Amsterdam (NL329), in jullie regio" in match.reasons
    assert "Geraamde waarde €\u00a0180.000 past binnen jullie capaciteit (€\u00a0250.000)" in match.reasons
    assert "Nog 30 dagen tot de deadline (28 dec 2026); jullie hebben 10 dagen nodig" in match.reasons
    # Each number with its own plural.
    quick = Profile(**{**GREEN.__dict__, "preparation_days": 1})
    (match,) = rank([quick], [tender(deadline=NOW + timedelta(days=1))], model(), as_of=NOW)
    assert "Nog 1 dag tot de deadline (29 nov 2026); jullie hebben 1 dag nodig" in match.reasons
    # No preparation time needed: the time left, without "you need 0 days".
    ready = Profile(**{**GREEN.__dict__, "preparation_days": 0})
    (match,) = rank([ready], [tender(deadline=NOW + timedelta(days=1))], model(), as_of=NOW)
    assert "Nog 1 dag tot de deadline (29 nov 2026)" in match.reasons
    # Under a day is tight for them too, as the score's time part has it.
    (match,) = rank([ready], [tender(deadline=NOW + timedelta(hours=8))], model(), as_of=NOW)
    assert match.parts["time"] < 1 and "Nog 0 dagen tot de deadline (28 nov 2026) — krap" in match.reasons


def test_a_value_that_cannot_be_compared_is_only_stated() -> None:
    # No capacity given, or a currency without a rate: neither "fits" nor "above your capacity".
    unknown = Profile(**{**GREEN.__dict__, "max_value": None})
    (match,) = rank([unknown], [tender()], model(), as_of=NOW)
    assert "Geraamde waarde €\u00a0180.000" in match.reasons
    (match,) = rank([GREEN], [tender(currency="XYZ")], model(), as_of=NOW)
    assert not any("capaciteit" in r for r in match.reasons)


def test_reasons_in_english_and_what_to_arrange() -> None:
    english = Profile(**{**GREEN.__dict__, "language": "en"})
    item = tender(certificates=("VCA", "ISO 9001"), clauses=("social_return",), deadline=NOW + timedelta(days=4))
    (match,) = rank([english], [item], model(), as_of=NOW)
    assert "Required: VCA, ISO 9001; to arrange: ISO 9001" in match.reasons
    assert "4 days to the deadline (2 Dec 2026); you need 10 days — tight" in match.reasons
    assert "Inclusive clause: social return" in match.reasons
    assert match.to_arrange == ("ISO 9001",)
    dutch = reasons_for(GREEN, item, dict(match.parts), "bid", 4.0)
    assert "Gevraagd: VCA, ISO 9001; nog te regelen: ISO 9001" in dutch
    assert "Inclusieve clausule: social return" in dutch


def test_too_large_with_a_social_clause_is_a_partner_chance() -> None:
    big = tender(value=3_000_000.0, clauses=("social_return",), certificates=("ISO 9001",))
    (match,) = rank([GREEN], [big], model(), as_of=NOW)
    assert match.kind == "partner"
    assert match.to_arrange == ()  # what the notice asks of bidders is the winner's to arrange
    partner = "Te groot om zelf in te schrijven (€\u00a03.000.000 tegen €\u00a0250.000)"
    assert any(r.startswith(partner) for r in match.reasons)
    assert rank([GREEN], [tender(value=3_000_000.0)], model(), as_of=NOW) == []
    no_partners = Profile(**{**GREEN.__dict__, "partner": False})
    assert rank([no_partners], [big], model(), as_of=NOW) == []


def test_a_lot_that_fits_counts_when_the_whole_does_not() -> None:
    record = {
        "notice_id": "7-2026", "title": "Groenonderhoud gemeente", "description": "Maaien en snoeien",
        "cpv_main": "77310000", "nuts": ["NL329"], "estimated_value": {"amount": 900_000, "currency": "EUR"},
        "deadline": (NOW + timedelta(days=40)).isoformat(), "buyer": {"country": "NL"},
        "lots": [
            {"lot_id": "LOT-1", "title": "Perceel Noord", "estimated_value": {"amount": 150_000, "currency": "EUR"}},
            {"lot_id": "LOT-2", "title": "Perceel Zuid", "estimated_value": {"amount": 750_000, "currency": "EUR"}},
        ],
    }  # fmt: skip
    tenders = tenders_from_record(NoticeRecord.model_validate({"source": "file", "format": "eforms", **record}), {})
    assert [t.lot_id for t in tenders] == [None, "LOT-1", "LOT-2"]
    matches = rank([GREEN], tenders, model(), as_of=NOW)
    # One entry for the notice, its best part (the lot) speaking for it and the fitting lot named.
    assert [(m.notice_id, m.lots, m.kind) for m in matches] == [("7-2026", ("LOT-1",), "bid")]
    reasons = matches[0].reasons
    assert "Perceel Noord: Geraamde waarde €\u00a0150.000 past binnen jullie capaciteit (€\u00a0250.000)" in reasons
    assert "Percelen die passen: LOT-1: Perceel Noord (€\u00a0150.000)" in reasons
    # The lot closes with the notice: its deadline line names no lot (it would read as if only that lot closed).
    assert any(r.startswith("Nog 40 dagen tot de deadline") for r in reasons)


def test_a_lot_named_in_its_title_and_a_lot_with_its_own_deadline() -> None:
    later = NOW + timedelta(days=50)
    record = {
        "notice_id": "8-2026", "title": "Groenonderhoud gemeente", "cpv_main": "77310000", "nuts": ["NL329"],
        "deadline": (NOW + timedelta(days=40)).isoformat(), "buyer": {"country": "NL"},
        "lots": [
            {"lot_id": "1", "title": "Perceel 1: Noord", "deadline": (NOW + timedelta(days=40)).isoformat()},
            {"lot_id": "2", "title": "Perceel 2: Zuid", "deadline": later.isoformat()},
        ],
    }  # fmt: skip
    tenders = tenders_from_record(NoticeRecord.model_validate({"source": "file", "format": "eforms", **record}), {})
    assert [t.own_deadline for t in tenders] == [False, False, True]
    (match,) = rank([GREEN], tenders[2:], model(), as_of=NOW)
    assert any(r.startswith("Perceel 2: Zuid: Nog 50 dagen tot de deadline") for r in match.reasons)
    (both,) = rank([GREEN], tenders, model(), as_of=NOW)
    assert "Percelen die passen: Perceel 1: Noord; Perceel 2: Zuid" in both.reasons


def test_the_whole_and_its_lots_are_one_entry() -> None:
    record = NoticeRecord.model_validate({
        "source": "file", "format": "eforms", "notice_id": "9-2026", "title": "Groenonderhoud",
        "cpv_main": "77310000", "nuts": ["NL329"], "estimated_value": {"amount": 200_000, "currency": "EUR"},
        "deadline": (NOW + timedelta(days=40)).isoformat(),
        "lots": [{"lot_id": "A", "title": "Noord", "estimated_value": {"amount": 100_000}},
                 {"lot_id": "B", "title": "Zuid", "estimated_value": {"amount": 100_000}}],
    })  # fmt: skip
    (match,) = rank([GREEN], tenders_from_record(record, {}), model(), as_of=NOW)
    assert match.lots == ("A", "B")


def _two_lots(first: dict, second: dict, **notice: object) -> list[Tender]:
    record = {"source": "file", "format": "eforms", "notice_id": "10-2026", "title": "Beheer openbare ruimte",
              "cpv_main": "77310000", "nuts": ["NL329"], "deadline": (NOW + timedelta(days=30)).isoformat(),
              "lots": [{"lot_id": "LOT-1", **first}, {"lot_id": "LOT-2", **second}], **notice}  # fmt: skip
    return tenders_from_record(NoticeRecord.model_validate(record), {None: ["social_return"]})


def test_a_lot_to_bid_on_comes_before_a_chance_to_partner_on_the_whole() -> None:
    # The whole (EUR 2M, social return) is a partner chance whose size part is full: it ties with the small lot.
    tenders = _two_lots({"title": "Perceel Noord", "estimated_value": {"amount": 90_000, "currency": "EUR"}},
                        {"title": "Perceel Zuid", "estimated_value": {"amount": 1_910_000, "currency": "EUR"}},
                        estimated_value={"amount": 2_000_000, "currency": "EUR"})  # fmt: skip
    (match,) = rank([GREEN], tenders, model(), as_of=NOW)
    assert (match.kind, match.lots) == ("bid", ("LOT-1",))
    assert not any(r.startswith("Te groot om zelf") for r in match.reasons)


def test_a_lot_asks_only_its_own_and_the_notices_requirements() -> None:
    tenders = _two_lots({"title": "Schoonmaak", "selection_criteria": "VCA** en ISO 14001; jaaromzet € 3.000.000"},
                        {"title": "Groen", "selection_criteria": "Geen aanvullende eisen."},
                        description="De inschrijver moet beschikken over ISO 9001.")  # fmt: skip
    whole, cleaning, green = tenders
    assert (whole.certificates, whole.turnover) == (("VCA", "ISO 9001", "ISO 14001"), 3_000_000)
    assert (cleaning.certificates, cleaning.turnover) == (("VCA", "ISO 9001", "ISO 14001"), 3_000_000)
    assert (green.certificates, green.turnover) == (("ISO 9001",), None)


def test_what_to_arrange_is_in_the_readers_language() -> None:
    (match,) = rank([GREEN], [tender(certificates=("ISO 9001",), turnover=3_000_000.0)], model(), as_of=NOW)
    assert match.to_arrange == ("ISO 9001", "omzeteis €\u00a03.000.000")


def test_lot_values_add_up_to_the_notice_value() -> None:
    record = NoticeRecord.model_validate({
        "source": "file", "format": "eforms", "notice_id": "8-2026",
        "lots": [
            {"lot_id": "A", "estimated_value": {"amount": 100, "currency": "EUR"}},
            {"lot_id": "B", "estimated_value": {"amount": 50, "currency": "EUR"}},
        ],
    })  # fmt: skip
    assert tenders_from_record(record, {})[0].value == 150


def test_deadline_cut_off_and_as_of() -> None:
    closing = tender(deadline=NOW - timedelta(days=1))
    assert rank([GREEN], [closing], model(), as_of=NOW) == []
    (looking_back,) = rank([GREEN], [closing], model(), as_of=NOW, include_closed=True)
    assert looking_back.parts["time"] == pytest.approx(0.6)
    (earlier,) = rank([GREEN], [closing], model(), as_of=NOW - timedelta(days=20))
    assert earlier.parts["time"] == 1.0
    (short,) = rank([GREEN], [tender(deadline=NOW + timedelta(days=6))], model(), as_of=NOW)
    assert short.parts["time"] == 0.5


def test_foreign_currency_is_compared_in_euros() -> None:
    nok = tender(value=2_500_000.0, currency="NOK")  # about EUR 215 000
    (match,) = rank([GREEN], [nok], model(), as_of=NOW)
    assert match.parts["size"] == 1.0


def test_outside_the_regions_or_the_work_is_no_match() -> None:
    assert rank([GREEN], [tender(place=Place(nuts=("BE211",)))], model(), as_of=NOW) == []
    unrelated = tender(cpv=("30200000",), text="Levering van laptops en monitoren", title="Laptops")
    assert rank([GREEN], [unrelated], model(), as_of=NOW) == []


def test_company_without_cpv_codes_is_judged_on_text() -> None:
    text_only = Profile(**{**GREEN.__dict__, "cpv": ()})
    corpus = model("Groenonderhoud: maaien en snoeien van bermen en plantsoenen", "Levering van laptops en monitoren")
    (match,) = rank([text_only], [tender(cpv=())], corpus, as_of=NOW)
    assert match.parts["text"] > 0.35
    scores = score_all([text_only], [tender(cpv=())], corpus, as_of=NOW)
    what = 0.5 * scores.parts["text"][0, 0]
    rest = sum(w * scores.parts[n][0, 0] for n, w in (("region", 0.15), ("size", 0.1), ("time", 0.1),
                                                       ("requirements", 0.05), ("clauses", 0.1)))  # fmt: skip
    # The readiness parts count as far as the work fits.
    assert scores.total[0, 0] == pytest.approx(what + what / 0.5 * rest, rel=1e-5)


def test_readiness_never_lifts_other_work_above_the_companys_own() -> None:
    reserved_elsewhere = tender(notice_id="2-2026", cpv=("85310000",), text="Maatschappelijke dienstverlening",
                                clauses=("reserved_contract",))  # fmt: skip
    own = tender(notice_id="3-2026", clauses=())
    scores = score_all([GREEN], [reserved_elsewhere, own], model(), as_of=NOW)
    assert scores.total[0, 1] > scores.total[0, 0]


def test_empty_inputs() -> None:
    empty = fit_text_model([])
    assert rank([GREEN], [], empty, as_of=NOW) == []
    assert rank([], [tender()], empty, as_of=NOW) == []
    assert score_all([GREEN], [tender()], empty, as_of=NOW).total.shape == (1, 1)
    assert np.isfinite(score_all([GREEN], [tender(value=None, deadline=None)], empty, as_of=NOW).total).all()


def test_days_are_counted_by_the_calendar_and_other_currencies_get_their_euros() -> None:
    from datetime import timezone

    cet = timezone(timedelta(hours=1))
    deadline = datetime(2023, 12, 18, 9, tzinfo=cet)  # a Monday morning
    tender = Tender(notice_id="1-2023", lot_id=None, title="Úklid", text="Úklid", cpv=("90910000",),
                    deadline=deadline, value=2_483_530.0, currency="CZK")  # fmt: skip
    parts = {"cpv": 1.0, "text": 0.0, "region": 1.0, "size": 1.0, "time": 1.0, "clauses": 0.0}
    on_thursday = (deadline - datetime(2023, 12, 14, 14, tzinfo=cet)).total_seconds() / 86400  # 3.8 days
    reasons = reasons_for(GREEN, tender, parts, "bid", on_thursday)
    assert any(r.startswith("Nog 4 dagen tot de deadline (18 dec 2023)") for r in reasons)
    assert any("CZK" in r and "(ongeveer € 99.300)" in r.replace("\xa0", " ") for r in reasons)
    sunday_evening = (deadline - datetime(2023, 12, 17, 20, tzinfo=cet)).total_seconds() / 86400
    assert any(
        r.startswith("Nog 1 dag tot de deadline") for r in reasons_for(GREEN, tender, parts, "bid", sunday_evening)
    )


def test_days_and_dates_are_those_of_where_the_company_lives() -> None:
    from zoneinfo import ZoneInfo

    deadline = datetime(2023, 12, 17, 23, 30, tzinfo=UTC)  # stored in UTC: Monday 18 December, 00:30 in Amsterdam
    tender = Tender(notice_id="1-2023", lot_id=None, title="Groen", text="Groen", deadline=deadline)
    parts = {"cpv": 1.0, "text": 0.0, "region": 1.0, "size": 1.0, "time": 1.0, "clauses": 0.0}
    thursday_noon = (deadline - datetime(2023, 12, 14, 11, tzinfo=UTC)).total_seconds() / 86400
    here = reasons_for(GREEN, tender, parts, "bid", thursday_noon, zone=ZoneInfo("Europe/Amsterdam"))
    assert any(r.startswith("Nog 4 dagen tot de deadline (18 dec 2023)") for r in here)


def test_blocks_bound_pairs_and_never_split_a_notice() -> None:
    assert blocks([], companies=5, pairs=10) == []
    # A notice with more tenders than a block holds is a block of its own; the rest fill blocks up to the bound.
    assert blocks([1, 5, 1, 1], companies=2, pairs=4) == [(0, 1), (1, 6), (6, 8)]
    assert blocks([2, 2, 2], companies=0, pairs=4) == [(0, 4), (4, 6)]  # no companies: counted as one
    assert blocks([3, 3], companies=10, pairs=1) == [(0, 3), (3, 6)]


def test_a_lots_clause_is_its_own_not_the_other_lots() -> None:
    record = NoticeRecord.model_validate({
        "source": "file", "format": "eforms", "notice_id": "11-2026", "title": "Beheer openbare ruimte",
        "cpv_main": "77310000", "nuts": ["NL329"], "deadline": (NOW + timedelta(days=30)).isoformat(),
        "lots": [{"lot_id": "LOT-1", "title": "Schoonmaak kantoren", "cpv_main": "90911200"},
                 {"lot_id": "LOT-2", "title": "Groenonderhoud", "cpv_main": "77310000"}],
    })  # fmt: skip
    whole, cleaning, green = tenders_from_record(record, {None: ["social_return"], "LOT-1": ["reserved_contract"]})
    assert (whole.clauses, cleaning.clauses, green.clauses) == (
        ("social_return",),
        ("reserved_contract", "social_return"),
        ("social_return",),
    )
    (match,) = rank([GREEN], [whole, cleaning, green], model(), as_of=NOW)
    assert match.lots == ("LOT-2",)
    assert "Inclusieve clausule: social return" in match.reasons  # not the cleaning lot's reservation


def test_a_notice_naming_only_a_division_is_a_related_field() -> None:
    painter = Profile(id="schilder", description="Schilderwerk binnen en buiten", cpv=("45442100",),
                      regions=("NL32",), max_value=250_000, min_score=0.0)  # fmt: skip
    bridge = tender(title="Vervanging brug", text="Schilderwerk en vervanging van de brug", cpv=("45000000",))
    (match,) = rank([painter], [bridge], model("schilderwerk brug", "groen"), as_of=NOW)
    assert match.reasons[0] == "Verwant werkveld: Bouwwerkzaamheden"
    (same,) = rank([painter], [tender(cpv=("45442100",))], model(), as_of=NOW)
    assert same.reasons[0].startswith("Past bij jullie werk: ")


def test_a_catalogue_of_additional_codes_is_not_the_work() -> None:
    # A design-and-build of a railway repair hall listed some sixty additional codes, one of green work among them,
    # and was the only tender in a green company's digest. A few additional codes keep their trust.
    catalogue = (*(f"45{n:03d}000" for n in range(100, 160)), "77313000")
    hall = tender(title="Hala utrzymaniowo-naprawcza", text="Zaprojektowanie i wybudowanie hali",
                  cpv=("45000000", *catalogue))  # fmt: skip
    mixed = tender(title="Renovatie", text="Renovatie", cpv=("45000000", "77313000", "45233000"))
    assert dict(tender_codes(mixed))["77313000"] == ADDITIONAL_TRUST
    assert dict(tender_codes(hall))["77313000"] < 0.2
    green = Profile(id="g", description="Groenonderhoud", language="nl", cpv=("77310000",), min_score=0.0)
    scores = score_all([green], [hall, mixed], fit_text_model(["Groenonderhoud", "hala"]), as_of=NOW)
    assert scores.parts["cpv"][0, 0] < 0.35 <= scores.parts["cpv"][0, 1]
