"""The rules alone (``detect(mode="rules")``): compounds, negation, false friends, codes; the model is tested apart."""

from __future__ import annotations

import pytest

from matcher import analyse_notice, detect_language, labels_of
from matcher.clauses import detect as detect_combined
from matcher.rules import nl, rules_of
from matcher.types import Finding
from tests.shared import shared


def detect(text: str, lang: str | None = None, **kwargs: object) -> tuple[Finding, ...]:
    return detect_combined(text, lang, mode="rules", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_gives_nothing(text: str) -> None:
    assert detect(text, "nl") == ()
    assert detect(text) == ()


def test_evidence_is_the_sentence_with_its_offsets() -> None:
    text = "Het betreft groenonderhoud. De opdrachtnemer besteedt 5% van de opdrachtwaarde aan social return. Einde."
    (finding,) = detect(text, "nl")
    assert finding.label == "social_return" and not finding.negated
    assert finding.evidence == "De opdrachtnemer besteedt 5% van de opdrachtwaarde aan social return."
    assert text[finding.start : finding.end] == finding.evidence
    assert finding.trigger == "social return"


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("De social-returnverplichting bedraagt 5%.", "social-returnverplichting"),
        ("Er geldt een SROI-eis van 2% van de loonsom.", "SROI-eis"),
        ("Wij betrekken bewonersbedrijven bij het onderhoud.", "bewonersbedrijven"),
        ("Het wijkbedrijf voert het maaiwerk uit.", "wijkbedrijf"),
        ("Opdrachtnemer heeft een PSO-certificaat.", "PSO-certificaat"),
    ],
)
def test_dutch_compounds_are_matched_inside(text: str, trigger: str) -> None:
    assert [f.trigger for f in detect(text, "nl")] == [trigger]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Social return is bij deze opdracht niet van toepassing.", "nl"),
        ("Deelname is niet voorbehouden.", "nl"),
        ("The Contracting Authority does not intend to include any community benefit requirements.", "en"),
        ("Participation is not reserved.", "en"),
        ("La participation n'est pas réservée.", "fr"),
        ("Teilnahme ist nicht vorbehalten.", "de"),
        # a form's answer after the clause
        ("Social return: nee.", "nl"),
        ("SROI-verplichting: nee", "nl"),
        ("Voorbehouden opdracht: Nee.", "nl"),
        ("Reserved contract: No.", "en"),
        ("Marché réservé : non.", "fr"),
    ],
)
def test_negated_clauses_are_kept_for_audit_but_not_labels(text: str, lang: str) -> None:
    findings = detect(text, lang)
    assert findings and all(f.negated for f in findings)
    assert labels_of(findings) == []


def test_negation_is_scoped_to_its_clause() -> None:
    text = "Er is geen voorbehouden opdracht; social return is wel van toepassing (5%)."
    findings = detect(text, "nl")
    assert {(f.label, f.negated) for f in findings} == {("reserved_contract", True), ("social_return", False)}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("SROI geldt niet voor perceel 1, wel voor perceel 2: 5% van de aanneemsom.", "nl"),
        ("Social return is niet van toepassing op perceel 1, wel op perceel 2.", "nl"),
        ("Social value does not apply to lot 1 but does apply to lot 2.", "en"),
    ],
)
def test_a_clause_denied_for_one_part_and_held_for_another_is_stated(text: str, lang: str) -> None:
    findings = [f for f in detect(text, lang) if not f.negated]
    assert findings, detect(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Social return is niet van toepassing, maar de opdrachtnemer koopt lokaal in waar dat kan.", "nl"),
        ("Social return is niet van toepassing op deze opdracht dan wel op onderdelen daarvan.", "nl"),  # "or"
        ("Social return is niet van toepassing; de opdrachtgever stelt het wel op prijs als u lokaal inkoopt.", "nl"),
        ("Social return geldt niet, ook niet wanneer de opdracht wel wordt verlengd.", "nl"),
        ("Social return is niet van toepassing op perceel 1, wel wordt duurzaamheid meegewogen.", "nl"),
        ("Der Auftrag ist Werkstätten nicht vorbehalten, aber für alle Bieter offen.", "de"),
    ],
)
def test_a_contrast_after_a_negation_that_names_no_other_part_keeps_it(text: str, lang: str) -> None:
    findings = detect(text, lang)
    assert findings and all(f.negated for f in findings), findings


def test_an_answer_word_that_starts_a_phrase_is_no_negation() -> None:
    findings = detect("Reserved contract: no fewer than 30 % of the workers are disabled workers.", "en")
    assert [(f.label, f.negated) for f in findings] == [("reserved_contract", False)]


def test_a_form_answer_holds_for_its_own_line_and_not_for_a_blank_forms_options() -> None:
    found = detect("Social return: nee\nVoorbehouden opdracht: ja", "nl")
    assert {(f.label, f.negated) for f in found} == {("social_return", True), ("reserved_contract", False)}
    assert [f.negated for f in detect("Social return: nee / ja (aankruisen)", "nl")] == [False]


def test_a_form_answer_no_vetoes_the_model_too() -> None:
    # Before the answer was read, the model found social return in "Social return: nee." (0.80).
    assert labels_of(detect_combined("Social return: nee.", "nl")) == []
    assert labels_of(detect_combined("Social return: ja.", "nl")) == ["social_return"]


def test_failing_to_comply_is_not_a_negation() -> None:
    findings = detect("Opdrachtnemers die niet voldoen aan de SROI-verplichting krijgen een boete.", "nl")
    assert labels_of(findings) == ["social_return"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Alle rechten voorbehouden.", "nl"),
        ("De aanbestedende dienst behoudt zich het recht voor om niet te gunnen.", "nl"),
        ("The contracting authority reserves the right to award in part.", "en"),
        ("Execution of the service is reserved to a particular profession.", "en"),
        ("Le pouvoir adjudicateur se réserve le droit de ne pas attribuer le marché.", "fr"),
        ("Die Ausführung ist einem besonderen Berufsstand vorbehalten.", "de"),
        ("Supply and installation of a local area network.", "en"),
        ("The European Community's rules on state aid apply.", "en"),
        ("Campagne via sociale media.", "nl"),
        ("Inkoop van re-integratiediensten voor mensen met een afstand tot de arbeidsmarkt.", "nl"),
        ("Mission de maîtrise d'oeuvre relative à la construction d'un ESAT.", "fr"),
    ],
)
def test_false_friends_and_subject_matter_are_not_clauses(text: str, lang: str) -> None:
    assert labels_of(detect(text, lang)) == []


def test_language_detection() -> None:
    assert detect_language("De opdrachtnemer moet social return leveren aan de gemeente.") == "nl"
    assert detect_language("The contractor shall deliver community benefits for the council.") == "en"
    assert detect_language("Der Auftragnehmer muss die Sozialklausel einhalten und ist verpflichtet.") == "de"
    assert detect_language("Le titulaire doit respecter la clause sociale du marché.") == "fr"
    assert detect_language("12345 67") is None


def test_rules_are_fresh_data_each_call() -> None:
    first = rules_of(nl)
    first[0]["patterns"].clear()
    assert rules_of(nl)[0]["patterns"]
    assert {rule["label"] for rule in first} == {
        "reserved_contract", "social_return", "employment_of_disadvantaged", "social_enterprise_subcontracting",
        "local_community_partnering", "right_to_challenge", "social_award_criterion"}  # fmt: skip


def test_dutch_award_notice_social_return() -> None:
    from crawler.parsers import parse_document

    path = shared("notices", "eforms-real", "2024-OJS065-00191536.xml")
    (record,) = parse_document(path.read_bytes(), name=path.name)
    findings = analyse_notice(record.model_dump(mode="json"))
    assert labels_of(findings) == ["social_return", "social_award_criterion"]
    award = next(f for f in findings if f.label == "social_award_criterion")
    assert (award.field, award.lot_id, award.origin) == ("lot.award_criterion", "LOT-0000", "text")
    assert award.evidence == "Social Return (criterium 5)"


@pytest.mark.parametrize(
    ("folder", "name", "expected"),
    [
        ("eforms-real", "583624-2023.xml", {("employment_of_disadvantaged", "BT-775")}),
        ("eforms-real", "650276-2023.xml", {("employment_of_disadvantaged", "BT-775")}),
        ("eforms-sdk-examples", "pin-cfc-social_24.xml", {("reserved_contract", "BT-71")}),
        ("eforms-sdk-examples", "pin-cfc-social_23.xml", {("reserved_contract", "BT-71")}),
        ("eforms-sdk-examples", "cn_24_maximal.xml",
         {("reserved_contract", "BT-71"), ("reserved_contract", "BT-736")}),
        ("eforms-sdk-examples", "cn-social_25.xml",
         {("reserved_contract", "BT-736"), ("employment_of_disadvantaged", "BT-775")}),
        ("eforms-real", "2024-OJS044-00127505.xml", set()),
    ],
)  # fmt: skip
def test_social_codes_in_shared_notices(folder: str, name: str, expected: set[tuple[str, str]]) -> None:
    from crawler.parsers import parse_document

    path = shared("notices", folder, name)
    (record,) = parse_document(path.read_bytes(), name=path.name)
    codes = {(f.label, f.field) for f in analyse_notice(record.model_dump(mode="json")) if f.origin == "code"}
    assert codes == expected


def test_bt06_social_objective_alone_is_not_a_finding() -> None:
    record = {"language": "en", "lots": [{"lot_id": "LOT-1", "strategic_procurement": ["soc-obj"]}]}
    assert analyse_notice(record) == ()


def test_notice_fields_are_read_in_their_own_language_with_lot_and_field() -> None:
    record = {
        "language": "nl",
        "title": "Groenonderhoud",
        "description": "Onderhoud van het openbaar groen.",
        "lots": [
            {"lot_id": "LOT-0001", "performance_terms": "De opdrachtnemer werkt samen met het bewonersbedrijf.",
             "award_criteria": [{"name": "PSO-trede", "description": None}]},
        ],
    }  # fmt: skip
    findings = analyse_notice(record)
    assert {(f.label, f.field, f.lot_id) for f in findings} == {
        ("local_community_partnering", "lot.performance_terms", "LOT-0001"),
        # A PSO level scored at award is an award criterion, not a social-return obligation (labelling rules).
        ("social_award_criterion", "lot.award_criterion", "LOT-0001"),
    }


def test_a_text_repeated_in_lots_is_read_once_and_found_in_each(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.notice

    terms = "Social return: 5% van de opdrachtwaarde wordt besteed aan mensen met een afstand tot de arbeidsmarkt."
    lots = [{"lot_id": f"LOT-{n}", "performance_terms": terms, "award_criteria": [{"name": "Prijs"}]}
            for n in range(1, 4)]  # fmt: skip
    read: list[str] = []

    def counted(text: str, lang: str, **kwargs: object) -> tuple[Finding, ...]:
        read.append(text)
        return detect_combined(text, lang, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(matcher.notice, "detect", counted)
    findings = analyse_notice({"language": "nl", "title": "Schoonmaak", "lots": lots})
    assert sorted(read) == sorted(["Schoonmaak", terms, "Prijs"])
    assert {(f.label, f.lot_id) for f in findings if f.field == "lot.performance_terms"} >= {
        ("social_return", f"LOT-{n}") for n in range(1, 4)
    }


def test_the_pre_filters_answer_as_their_definitions_on_the_labelled_corpus() -> None:
    from pathlib import Path

    from jobs.clause_corpus import load_corpus
    from matcher.nlp import compiled

    folder = Path(__file__).resolve().parents[1] / "data" / "clauses"
    texts = [(s.text, s.lang) for s in load_corpus(folder, shared=None) if s.lang in ("nl", "en", "de", "fr")]
    texts += [(text, lang) for text, lang in (("", "nl"), ("SROI", "nl"), ("x" * 50, "en"))]
    assert len(texts) > 1000
    for text, lang in texts:
        c = compiled(lang)
        lowered = text.lower()
        # The definitions: a rule can match only if each required token's literals include one in the text (one pass
        # over the first tokens' literals must not change that); the model reads only texts with one of its
        # screening stems.
        hints = None if c.rule_index is None else c.rule_index.hints
        may_match = hints is None or any(all(o.found(lowered) for o in pattern) for pattern in hints)
        assert c.may_match(text) == may_match, text
        assert c.may_concern(text) == any(stem in lowered for stem in c.screen), text
        doc = c.nlp(text)
        # And the hints are right: a text the rule patterns match passes the filter (raw matches: a candidate that a
        # rule's requirements drop is still a feature of the model).
        rule_matches = [m for m in c.matcher(doc) if doc.vocab.strings[m[0]].startswith("R")]  # vetoes need none
        assert not rule_matches or c.may_match(text), text
        # The cue patterns' hints likewise: a text the cue matcher finds something in passes ``may_cue``.
        assert not c.cue_matcher(doc) or c.may_cue(text), text


@pytest.mark.parametrize("lang", ["nl", "en", "de", "fr"])
def test_every_rule_has_a_literal_the_pre_filter_can_look_for(lang: str) -> None:
    # One pattern without a certain literal (an optional group, a character class) leaves a language without its
    # rule index: every text of it then goes through spaCy. It happened once, for German, at 2.3x the cost.
    from matcher.nlp import compiled

    assert compiled(lang).rule_index is not None
    assert not compiled(lang).may_match("Het betreft de levering van kantoorpapier. Delivery of office paper.")


def test_a_token_a_rule_needs_whole_is_looked_for_as_a_word() -> None:
    from matcher.nlp import compiled

    fr = compiled("fr")
    # "ess" (économie sociale et solidaire) is a whole token in the rule: "adresse" and "intéressée" hold it as
    # letters only, and sent every French address line through the whole pipeline.
    assert not fr.may_match("Veuillez indiquer votre adresse électronique et le nom de la personne intéressée.")
    assert fr.may_match("Le marché est ouvert aux structures de l'ESS.")
    assert fr.may_match("Les lots sont réservés à l'ESS, aux ESAT et aux entreprises adaptées.")
    assert fr.may_cue("Sous-traitance à une EA.") and not fr.may_cue("Nous sommes en train de lire la presse.")
    text = "Le titulaire confiera une partie des prestations en sous-traitance à des structures de l'ESS."
    assert [f.trigger for f in detect_combined(text, "fr", mode="rules")] == ["ESS"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le titulaire s'engage à réserver 5 % des heures d'insertion à des demandeurs d'emploi.",
         {("employment_of_disadvantaged", False), ("social_return", False)}),
        ("Critère de performance en matière d'insertion sociale, pondéré à 10 %.",
         {("social_award_criterion", False)}),
        ("La clause sociale d'insertion ne s'applique pas à ce lot.", {("social_return", True)}),
    ],
)  # fmt: skip
def test_a_typographic_apostrophe_reads_as_a_straight_one(text: str, expected: set[tuple[str, bool]]) -> None:
    # A quarter of French texts write "d’insertion"; the rules are written with "d'". Evidence stays verbatim.
    curly = text.replace("'", "\u2019")
    assert {(f.label, f.negated) for f in detect(text, "fr")} == expected
    found = detect(curly, "fr")
    assert {(f.label, f.negated) for f in found} == expected
    assert all(f.evidence == curly for f in found)


def test_social_aims_scored_at_award_are_found_in_dutch_and_german() -> None:
    assert "social_award_criterion" in labels_of(
        detect("De PSO-trede wordt in het gunningcriterium gewaardeerd.", "nl")
    )
    assert labels_of(detect("Er gelden sociale gunningscriteria.", "nl")) == ["social_award_criterion"]
    assert labels_of(detect("Behindertenwerkstätten erhalten bei der Angebotswertung einen Preisbonus von 15 %.", "de")
                     ) == ["social_award_criterion"]  # fmt: skip
    assert not labels_of(detect("De gunningscriteria zijn prijs (60 %) en kwaliteit (40 %).", "nl"))
    # Workshops for cars are no workshops for the disabled; a town's social aims beside plain criteria score nothing.
    assert not labels_of(detect("Zuschlagskriterium: Entfernung der Vertragswerkstätten (20 Punkte).", "de"))
    assert not labels_of(detect("Wertung: Anzahl der Kfz-Werkstätten im Umkreis, gewichtet mit 10 %.", "de"))
    assert not labels_of(detect("De opdracht draagt bij aan de sociale doelstellingen van de gemeente; de "
                                "gunningscriteria zijn prijs en kwaliteit.", "nl"))  # fmt: skip


def test_a_no_break_space_reads_as_a_space_and_the_evidence_stays_verbatim() -> None:
    text = "Het betreft groen. De opdrachtnemer besteedt 5\u00a0% van de opdrachtwaarde aan social\u00a0return."
    for found in (detect(text, "nl"), detect_combined(text, "nl")):
        (finding,) = found
        assert finding.label == "social_return" and not finding.negated
        assert finding.evidence == text[finding.start : finding.end] and "\u00a0" in finding.evidence
    assert set(labels_of(detect("Social\u202fvalue will be evaluated with a weighting of 10\u202f%.", "en"))) == {
        "social_award_criterion", "social_return"}  # fmt: skip


def test_a_few_words_without_a_language_are_read_by_their_clause_words() -> None:
    from matcher.clauses import clause_language

    # py3langid cannot place two words; the German rules know them, in an award criterion's context.
    assert labels_of(detect_combined("Soziale Aspekte", None, context=("award",))) == ["social_award_criterion"]
    assert clause_language("Reserved contract.") == "en" and clause_language("Lot 3.") is None
    # A declared language is not second-guessed by clause words (a Danish lot title quoting an English term), nor
    # is a notice's own language when it gives none.
    assert clause_language("Sociale klausuler (social return)", "da") is None
    assert detect_combined("Sociale klausuler (social return)", "da") == ()
    danish = {"notice_id": "1-2026", "language": None, "title": "Sociale klausuler (social return)", "lots": [],
              "description": "Kontrakten omfatter rengøring af kommunens skoler og institutioner. Leverandøren skal "
                             "sikre en høj kvalitet i udførelsen af opgaverne i hele kontraktperioden."}  # fmt: skip
    assert analyse_notice(danish) == ()
    assert labels_of(analyse_notice(danish | {"description": None})) == ["social_return"]


def test_text_no_rule_literal_can_match_builds_no_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.clauses

    read: list[str] = []
    real = matcher.clauses.rule_pass
    monkeypatch.setattr(
        matcher.clauses, "rule_pass", lambda text, lang, **kw: read.append(lang) or real(text, lang, **kw)
    )
    assert matcher.clauses.clause_language("Lot 3.") is None and read == []  # no rule of any language could match
    assert matcher.clauses.clause_language("Reserved contract.") == "en" and "en" in read
