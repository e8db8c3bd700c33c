"""Whom a service is for: re-integration work, or care for children, the elderly or disabled people, versus the same
CPV branch bought for anyone else (issue #10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from matcher.audiences import UNNAMED, audience_fit, named, serves
from matcher.cpv import fit_matrix
from matcher.reasons import reasons_for
from matcher.regions import Place
from matcher.scoring import score_all
from matcher.tenders import Profile, Tender
from matcher.text import fit_text_model

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
REINTEGRATION = Profile(id="werk", description="Wij helpen buurtbewoners die al lang thuis zitten weer aan het werk, "
                        "met een jobcoach en leren in onze werkplaats.", cpv=("80530000", "85312510"),
                        max_value=500_000, min_score=0.0)  # fmt: skip
COURSES = Profile(id="cursus", description="Wij geven cursussen Excel, Word en zakelijk schrijven aan medewerkers "
                  "van bedrijven.", cpv=("80530000",), max_value=500_000, min_score=0.0)  # fmt: skip


def tender(notice_id: str, text: str, cpv: tuple[str, ...] = ("80530000",)) -> Tender:
    return Tender(notice_id=notice_id, lot_id=None, title=text[:40], text=text, cpv=cpv, place=Place(), value=2e5,
                  currency="EUR", deadline=NOW + timedelta(days=40), audiences=named(text))  # fmt: skip


def fits(profile: Profile, tenders: list[Tender]) -> tuple[np.ndarray, np.ndarray]:
    """Return the plain CPV fit of ``profile`` with ``tenders`` and the fit held to the audiences (one row each)."""
    codes = [tuple((c, 1.0) for c in t.cpv) for t in tenders]
    plain = fit_matrix([profile.codes()], codes)
    held = audience_fit([profile.description], [profile.codes()], codes, [t.audiences for t in tenders], plain)
    return plain[0], held[0]


JOBSEEKERS = tender("1-2026", "Marché de services d'insertion professionnelle auprès des demandeurs d'emploi: "
                    "ateliers, accompagnement individuel et mise en relation avec les employeurs.")  # fmt: skip
WRITING = tender("2-2026", "Formation à la qualité des écrits professionnels pour les agents de la collectivité: "
                 "sessions de deux jours, supports pédagogiques et évaluation.")  # fmt: skip
FINNISH = tender("3-2026", "Ryhmämuotoinen kuntouttava työtoiminta pitkäaikaistyöttömille asiakkaille.", ("85312000",))


def test_audiences_are_named_in_many_languages_and_only_where_they_are() -> None:
    for text in ("Begeleiding van werkzoekenden naar werk", "Jobseekers back into employment",
                 "Maßnahmen für Langzeitarbeitslose", FINNISH.text, JOBSEEKERS.text):  # fmt: skip
        assert named(text) == {"jobseekers"}, text
    for text in ("Schoonmaak van kantoren", WRITING.text, "Cours de gestion de projet pour cadres",
                 # Words that start like a stem but name no jobseekers: a work site, legal aid, a bidder.
                 "De werklocatie is het gemeentehuis", "Juridische bijstand bij aanbestedingen",
                 "Verwijzing naar werkzaamheden in bijlage 2", "Uchádzač predloží ponuku",
                 "Eesti Töötukassa IT"):  # fmt: skip
        assert named(text) == frozenset(), text


def test_only_codes_in_the_audiences_branches_are_bound() -> None:
    assert serves("80530000", "jobseekers") and serves("7962", "jobseekers") and serves("853", "jobseekers")
    assert not serves("90910000", "jobseekers") and not serves("80100000", "jobseekers")
    assert not serves("80530000", "nobody")  # an audience without branches binds nothing
    assert serves("85312110", "children") and serves("853", "elderly") and not serves("80530000", "elderly")


def test_re_integration_fits_work_for_jobseekers_above_the_same_code_for_anyone() -> None:
    tenders = [JOBSEEKERS, WRITING, FINNISH]
    scores = score_all([REINTEGRATION, COURSES], tenders, fit_text_model([t.text for t in tenders]), as_of=NOW)
    werk, cursus = scores.parts["cpv"]
    # The same code for anyone is related work for a re-integration company, not its own work ...
    assert werk[0] == 1.0 and werk[1] == np.float32(UNNAMED) and werk[2] > werk[1]
    assert scores.total[0, 0] > scores.total[0, 1] and scores.kind[0, 1] > 0  # still listed, below
    # ... and a company that names no audience is untouched: courses are its work.
    assert cursus[0] == cursus[1] == 1.0


def test_a_company_naming_the_people_it_employs_keeps_its_own_trade_whole() -> None:
    cleaning = Profile(id="schoon", cpv=("90910000", "79620000"),
                       description="Mensen met afstand tot de arbeidsmarkt maken kantoren schoon.")  # fmt: skip
    tenders = [tender("4-2026", "Schoonmaak van het gemeentehuis", ("90911200",)),
               tender("5-2026", "Inhuur tijdelijk personeel voor de afvalverwerking", ("79620000",))]  # fmt: skip
    plain, fit = fits(cleaning, tenders)
    assert fit[0] == plain[0] == 1.0  # cleaning is not a service for jobseekers: as before
    assert fit[1] == np.float32(UNNAMED)  # commercial staffing names no jobseekers: related work only
    assert plain[1] == 1.0  # and the input was not changed in place


def test_the_reason_says_the_notice_does_not_name_the_people() -> None:
    tenders = [JOBSEEKERS, WRITING]
    scores = score_all([REINTEGRATION], tenders, fit_text_model([t.text for t in tenders]), as_of=NOW)
    said = [reasons_for(REINTEGRATION, t, {k: float(v[0, c]) for k, v in scores.parts.items()}, "bid", 40.0)
            for c, t in enumerate(tenders)]  # fmt: skip
    assert said[0][0] == "Past bij jullie werk: Beroepsopleidingsdiensten"
    assert said[1][0] == ("Zelfde werkveld (Beroepsopleidingsdiensten), maar de aankondiging noemt niet de "
                          "mensen voor wie jullie werken")  # fmt: skip


def test_a_company_whose_main_work_is_for_the_people_is_held_to_them_in_every_branch() -> None:
    # Re-integration first, and a bicycle workshop where people learn: a bicycle repair tender for anyone is no
    # re-integration work, while the same company's work for jobseekers in any branch fits fully.
    workshop = Profile(id="werk", cpv=("79611000", "50100000"),
                       description="Wij helpen werkzoekenden uit de buurt naar een baan; in onze werkplaats repareren "
                       "zij fietsen.")  # fmt: skip
    tenders = [tender("6-2026", "Reparatie en onderhoud van dienstfietsen", ("50100000",)),
               tender("7-2026", "Leerwerkplaats fietsreparatie voor werkzoekenden", ("50100000",))]  # fmt: skip
    _plain, fit = fits(workshop, tenders)
    assert fit[0] == np.float32(UNNAMED) and fit[1] == 1.0


def test_the_reason_names_the_pair_that_counted() -> None:
    # Cleaning first, and training of the people it employs: cleaning counts fully wherever it is, and a notice
    # that shares only the division with the held code is "related", as it was.
    cleaning = Profile(id="schoon", cpv=("90910000", "80530000"), min_score=0.0,
                       description="Wij leiden werkzoekenden op tot schoonmaker en maken kantoren schoon.",
                       )  # fmt: skip
    tenders = [tender("8-2026", "Schoonmaak en opleiding van schoonmakers", ("80530000", "90911000")),
               tender("9-2026", "Diensten voor het basisonderwijs", ("80100000",))]  # fmt: skip
    scores = score_all([cleaning], tenders, fit_text_model([t.text for t in tenders]), as_of=NOW)
    said = [reasons_for(cleaning, t, {k: float(v[0, c]) for k, v in scores.parts.items()}, "bid", 40.0)[0]
            for c, t in enumerate(tenders)]  # fmt: skip
    assert said[0].startswith("Past bij jullie werk: Reiniging van woningen en gebouwen")
    assert said[1].startswith("Verwant werkveld")


def test_where_a_notice_names_the_people_the_companys_branches_for_them_count_alike() -> None:
    # Read from its words, a re-integration company that seconds people is mostly 7962 (secondment) and only a
    # little training (8053): buyers code coaching jobseekers as training, social work or secondment alike, so
    # a notice for jobseekers fits it as its likeliest branch, whichever of them the buyer chose.
    werk = Profile(id="werk", description="Wij helpen buurtbewoners die al lang thuis zitten weer aan het werk en "
                   "detacheren ze bij bedrijven.", inferred=(("7962", 1.0), ("8053", 0.3), ("9091", 0.5)))  # fmt: skip
    tenders = [JOBSEEKERS, WRITING, tender("10-2026", "Schoonmaak voor werkzoekenden", ("90910000",))]
    plain, fit = fits(werk, tenders)
    assert plain[0] == np.float32(0.3) and fit[0] == 1.0  # training for jobseekers: as its secondment
    assert fit[1] == pytest.approx(0.3 * UNNAMED)  # the same training for anyone: held, as before
    assert fit[2] == plain[2]  # a branch not for jobseekers (cleaning) keeps its own weight


def test_children_the_elderly_and_disabled_people_are_named_in_many_languages() -> None:
    for text, audiences in (
        ("Kinderopvang en buitenschoolse opvang in het buurthuis", {"children"}),
        ("Accueil des enfants en crèche et périscolaire", {"children"}),
        ("Varhaiskasvatuksen ja esiopetuksen palvelut", {"children"}),
        ("Betreuung in der Kita", {"children"}),
        ("Thuiszorg voor ouderen", {"elderly"}),
        ("Wmo huishoudelijke ondersteuning", {"elderly"}),
        ("Home care for older people", {"elderly"}),
        ("Servicii sociale pentru persoane cu dizabilități", {"disabled"}),
        ("Dagbesteding voor mensen met een beperking", {"disabled"}),
        ("Aide à domicile des personnes âgées et handicapées", {"elderly", "disabled"}),
    ):
        assert named(text) == audiences, text
    # Words that hold a stem's letters but name nobody: painting ("schilder": "child"), aprons ("schorten": "hort"),
    # a limit of liability, a senior consultant, costs borne by the contractor ("zu Lasten").
    for text in ("Schilderwerk van de gevel", "Schorten en werkkleding", "Beperking van de aansprakelijkheid",
                 "Senior consultant for the ERP system", "Die Kosten gehen zu Lasten des Auftragnehmers",
                 # copies (ro), a traffic jam, co-financing (es), infantry, foster parents, an urban vegetable garden
                 # (ca), a collapsible stand, a Czech parent company
                 "Copii conforme cu originalul", "Verkehrsbehinderung während der Bauzeit",
                 "Proyectos que cofinancian", "Infanterie-Ausrüstung", "Werving van pleegouderen",
                 "Manteniment de l'hort urbà",
                 "Collapsible exhibition stand", "Mateřská společnost uchazeče"):  # fmt: skip
        assert named(text) == frozenset(), text
    # Babies "aged" three months are children, not the elderly.
    assert named("Accueil des enfants âgés de 3 mois à 6 ans") == {"children"}


CARE = Profile(id="zorg", description="Onze coöperatie helpt ouderen en mensen met een beperking thuis: huishouden "
               "en dagbesteding.", cpv=("85300000",), min_score=0.0)  # fmt: skip
ELDERLY = tender("11-2026", "Dagbesteding en ondersteuning thuis voor ouderen in de wijk", ("85300000",))
MINORS = tender("12-2026", "Residential and foster placements for looked-after children", ("85300000",))
YOUTH = tender("13-2026", "Community mental health support and advocacy", ("85300000",))


def test_care_for_the_elderly_fits_above_social_work_for_other_people_in_the_same_code() -> None:
    tenders = [ELDERLY, MINORS, YOUTH]
    scores = score_all([CARE], tenders, fit_text_model([t.text for t in tenders]), as_of=NOW)
    cpv = scores.parts["cpv"][0]
    assert cpv[0] == 1.0 and cpv[1] == cpv[2] == np.float32(UNNAMED)  # 85300000 alike, but not for these people
    assert scores.total[0, 0] > max(scores.total[0, 1], scores.total[0, 2])


def test_care_branches_keep_their_order_where_a_notice_names_the_people() -> None:
    # A childcare company read from its words: day care for children (8531211) first, social work (853) below it.
    # Children's day care is coded by what it is: unlike re-integration, a notice naming children does not raise
    # the company's wider branch to its likeliest one, or every social service for children would fit as well.
    opvang = Profile(id="opvang", description="Wij vangen baby's en peuters op en na schooltijd de kinderen.",
                     inferred=(("8531211", 1.0), ("853", 0.8)))  # fmt: skip
    tenders = [tender("14-2026", "Gestion d'une crèche pour les enfants du quartier", ("85312110",)),
               tender("15-2026", "Social services for children and families", ("85320000",)),
               tender("16-2026", "Social services for adults", ("85320000",))]  # fmt: skip
    plain, fit = fits(opvang, tenders)
    assert fit[0] == 1.0 and fit[1] == plain[1] == np.float32(0.8)
    assert fit[2] == pytest.approx(0.8 * UNNAMED)


def test_a_whole_division_is_too_wide_to_hold_a_company_to_whom_it_names() -> None:
    swimming = Profile(id="zwem", cpv=("80000000", "92000000"),
                       description="Zwemles voor kinderen en volwassenen in ons buurtbad.")  # fmt: skip
    tenders = [tender("17-2026", "Schoolzwemmen voor groep 5", ("80000000",)),
               tender("18-2026", "Zwemlessen voor volwassenen", ("92610000",))]  # fmt: skip
    plain, fit = fits(swimming, tenders)
    assert (fit == plain).all()


def test_a_notice_naming_one_of_a_companys_audiences_counts_only_the_codes_for_them() -> None:
    # Re-integration and home help for the elderly: a course for the elderly is no work for jobseekers, and a notice
    # for jobseekers does not raise their training to the home help's weight (only jobseekers' branches count alike).
    both = Profile(id="werkzorg", description="Wij helpen werkzoekenden aan een baan en bieden thuiszorg voor "
                   "ouderen.", inferred=(("98513310", 1.0), ("80530000", 0.4), ("79620000", 0.6)))  # fmt: skip
    tenders = [tender("19-2026", "Cursussen voor ouderen in het buurthuis", ("80530000",)),
               tender("20-2026", "Opleiding van werkzoekenden tot helpende", ("80530000",)),
               tender("21-2026", "Huishoudelijke hulp (Wmo) voor ouderen", ("98513310",))]  # fmt: skip
    plain, fit = fits(both, tenders)
    assert fit[0] == pytest.approx(0.4 * UNNAMED)  # names the elderly, not jobseekers: the training is held
    assert fit[1] == pytest.approx(0.6)  # names jobseekers: as its likeliest branch for them (secondment, 0.6)
    assert fit[2] == 1.0
