"""Dutch rules (also Flemish usage). Examples in each docstring are real or in the style of real bestekken."""

from __future__ import annotations

from matcher.rules import Rules, rule, veto

SR_TERMS = ("social return", "social /^return/", "/^social-?return/", "/^sroi/", "/^socialreturn/", "/^pso-(trede|certifica|ladder)/",
            "pso trede|certificaat|-certificaat|ladder", "prestatieladder socialer ondernemen")  # fmt: skip


def pattern_reserved_contract() -> Rules:
    """Reserved contracts: "voorbehouden opdracht (art. 2.82 Aw)", "Deelname is voorbehouden aan sociale
    werkplaatsen", BT-736 "binnen het kader van programma's voor maatwerkbedrijven"."""
    return [
        rule("reserved_contract", "nl-reserved-contract", "voorbehouden opdracht|opdrachten|aanbesteding|perceel|percelen",
             "/^(deelname|opdracht|perceel|percelen|uitvoering|inschrijving)$/ _? is|wordt|zijn|worden niet? voorbehouden",
             "/^(artikel|art\\.?)$/ 2.82", "2.82 aanbestedingswet|aw"),
        rule("reserved_contract", "nl-reserved-to", "voorbehouden|gereserveerd aan|voor", requires=("sheltered",)),
        rule("reserved_contract", "nl-sheltered-programme", "/^programma/ 's? voor /^maatwerkbedrij/"),
        rule("reserved_contract", "nl-protected-work", "/^beschermde?$/ arbeid", requires=("reserved_word",)),
    ]  # fmt: skip


def pattern_social_return() -> Rules:
    """Social return: "SROI-verplichting van 5% van de opdrachtwaarde", "social returnverplichting", "PSO-trede 2"."""
    return [rule("social_return", "nl-social-return", *SR_TERMS)]


def pattern_employment_of_disadvantaged() -> Rules:
    """Jobs for people distant from the labour market: "mensen met een afstand tot de arbeidsmarkt inzetten",
    "leerwerkplekken", "kandidaten uit de Participatiewet of de banenafspraak"."""
    return [
        rule("employment_of_disadvantaged", "nl-target-groups", "afstand tot de? arbeidsmarkt", "/^participatiewet/",
             "/^banenafspraak/", "kwetsbare groepen", "/^kansengroep/", "/^uitkeringsgerechtigde/", "kansarmen|kansarme",
             "/^doelgroep(en|werknemer|werknemers)?$/", "langdurig werklozen|werkzoekenden", "/^arbeidsbeperk/",
             "jongeren zonder startkwalificatie", "/^werkzoekende/", "met een uitkering", "/^statushouder/", "/^(mensen|personen)$/ met een beperking",
             requires=("employment_action", "obligation"), forbids=("subject_service",)),
        rule("employment_of_disadvantaged", "nl-work-places",
             "/^(leerwerkplek|leerwerkplaats|werkervaringsplek|werkleerplek|leerbaan|leerbanen|stageplek|stageplaats)/",
             "/^(garantiebaan|garantiebanen|beschut)$/ werk?", requires=("obligation", "employment_action"),
             forbids=("subject_service",)),
    ]  # fmt: skip


def pattern_social_enterprise_subcontracting() -> Rules:
    """Buying from social enterprises: "een SW-bedrijf als onderaannemer", "sociale inkoop", "Buy Social"."""
    return [
        rule("social_enterprise_subcontracting", "nl-social-purchasing", "/^sociale?$/ inkoop", "sociaal inkopen",
             "buy social"),
        rule("social_enterprise_subcontracting", "nl-social-enterprises", "/^sociale$/ onderneming|ondernemingen|werkplaats|werkplaatsen",
             "/^sociaal$/ ondernemer|ondernemers|werkbedrijf|werkbedrijven", "/^sw-bedrij/", "/^pso-gecertific/",
             "/^inschakelingsonderneming/", "/^maatwerkbedrij/", requires=("procure_from",)),
    ]  # fmt: skip


def pattern_local_community_partnering() -> Rules:
    """Resident companies and local partners: "in samenwerking met het bewonersbedrijf", "wijkonderneming",
    "lokale ondernemers uit de wijk betrekken"."""
    return [
        rule("local_community_partnering", "nl-resident-companies",
             "/^(bewonersbedrij|wijkbedrij|buurtbedrij|wijkondernem|buurtondernem|bewonerscoöp|bewonerscoop|buurtcoöp|buurtcoop|wijkcoöp|wijkcoop)/",
             "community wealth building"),
        rule("local_community_partnering", "nl-local-partners", "lokale|regionale ondernemers|werkgelegenheid|mkb|mkb-bedrijven|bedrijven|partners",
             "/^(bewonersorganisatie|burgerinitiatie|burgercollectie|buurtinitiatie|wijkinitiatie)/",
             "bewoners|inwoners uit|van de wijk|buurt", requires=("procure_from", "obligation")),
    ]  # fmt: skip


def pattern_right_to_challenge() -> Rules:
    """Right to Challenge: "bewoners kunnen via het uitdaagrecht (Right to Challenge) taken overnemen"."""
    return [
        rule(
            "right_to_challenge",
            "nl-rtc",
            "right to challenge",
            "/^uitdaagrecht/",
            "recht om|tot uit? te? dagen|uitdagen",
        )
    ]


def pattern_social_award_criterion() -> Rules:
    """Social return scored at award: "gunningscriterium Social Return (20%)", "Social Return (criterium 5)"."""
    return [rule("social_award_criterion", "nl-award", *SR_TERMS, "maatschappelijke waarde",
                 "sociale aspecten|criteria|gunningscriteria|gunningscriterium",
                 "/^pso/",
                 requires=("award",))]  # fmt: skip


def vetoes() -> Rules:
    """Return Dutch false friends: "Alle rechten voorbehouden", "onder voorbehoud", SROI as an impact ratio."""
    return [
        veto("nl-rights-reserved", "alle rechten voorbehouden", "onder voorbehoud", "behoudt zich het recht voor",
             "geen voorbehouden bij inschrijving", "exclusief voorbehouden aan de overheid", scope="sentence",
             labels=("reserved_contract",)),
        veto("nl-accessibility", "/^toegankelijk/", "/^(digitale)$/ toegankelijkheid", scope="sentence",
             labels=("employment_of_disadvantaged",)),
        # Rule 4, subject matter: buying re-integration services is not a clause ("Inkoop van re-integratiediensten").
        # Not "inkoop van re-integratietrajecten bij het SW-bedrijf", one way a bidder may meet its SROI duty.
        veto("nl-subject-reintegration",
             "aanbesteding|aanbesteden|opdracht van? _? /^re-?integratie-?(diensten|dienstverlening|trajecten|traject|voorzieningen)$/",
             "inkoop|inkopen van? _? /^re-?integratie-?(diensten|dienstverlening|voorzieningen)$/",
             scope="sentence", labels=("employment_of_disadvantaged",)),
        veto("nl-sroi-ratio", "/^sroi-?(ratio|analyse|analyses|meting|methodiek|waarde)$/", "sroi ratio|analyse|meting|methodiek",
             "maatschappelijke kosten-batenanalyse", scope="sentence", labels=("social_return", "social_award_criterion")),
    ]  # fmt: skip


def cues() -> dict[str, list[str]]:
    """Return the Dutch cue groups rules require or forbid."""
    return {
        "sheltered": ["/^(sociale|beschutte)$/ werkplaats|werkplaatsen|werkbedrijven|ondernemingen", "/^sw-bedrij/",
                      "sociaal werkbedrijf|werkbedrijven", "/^maatwerkbedrij/", "/^inschakelingsonderneming/",
                      "gehandicapte|gehandicapten|kansarme|kansarmen", "beschermde arbeid", "/^arbeidsbeperk/",
                      "/^(personen|mensen|werknemers)$/ met een? beperking|handicap"],
        "reserved_word": ["voorbehouden", "gereserveerd", "/^voorbehoud/"],
        "obligation": ["opdrachtnemer", "inschrijver", "inschrijvers", "dient", "dienen", "moet", "moeten", "verplicht",
                       "verplichting", "verplichten", "eis", "eisen", "/^(uitvoerings|contract|bijzondere)voorwaarde/",
                       "contracteis", "verbindt", "zal", "zullen", "/^\\d+([.,]\\d+)?%$/", "% van", "procent",
                       "/^social-?return/", "/^sroi/"],
        "employment_action": ["inzetten", "ingezet", "inzet", "in dienst", "aannemen", "werkplekken", "arbeidsplaatsen",
                              "banen", "werk", "plaatsen", "plaatsing", "opleiden", "werkgelegenheid", "stage", "stages",
                              "arbeidsuren", "uren", "fte", "dienstverband", "detacheren", "kansen", "leerwerkplekken",
                              "social return", "/^social-?return/", "/^sroi/", "vacature", "vacatures",
                              "voordragen", "voorgedragen"],
        "procure_from": ["onderaannemer", "onderaannemers", "onderaanneming", "uitbesteden", "inkopen bij", "inkoop bij",
                         "inschakelen", "betrekken", "betrokken", "keten", "ketenpartner", "ketenpartners", "samenwerken",
                         "samenwerking", "samen met", "gunnen aan", "besteden", "afnemen", "partner", "partners"],
        "subject_service": ["/^re-?integratie(dienst|traject|trajecten|diensten|bedrijf)?/", "arbeidsbemiddeling",
                            "begeleiding naar werk", "dagbesteding", "/^(maatschappelijke)$/ opvang|ondersteuning",
                            "schuldhulpverlening", "diensten voor", "dienstverlening aan", "beschermd wonen"],
        "award": ["/^(sub)?gunnings?criteri/", "beoordelingscriteria", "meegewogen", "prijs-kwaliteitsverhouding", "criterium", "criteria", "emvi",
                  "prijs-kwaliteitverhouding", "bpkv", "weging", "gewogen", "wegingsfactor", "punten", "beoordeeld",
                  "beoordeling", "fictieve korting", "kwaliteitscriteria", "kwaliteitscriterium", "scoren", "score"],
    }  # fmt: skip


def negation() -> dict[str, list[str]]:
    """Return Dutch negation cues: before the clause, after it, clause boundaries and compliance verbs."""
    return {
        "before": ["niet", "geen", "zonder", "nooit", "noch"],
        "before_phrases": ["af te zien van", "afgezien van", "afzien van", "geen sprake van", "uitgezonderd"],
        "after": ["niet van toepassing", "n.v.t.", "nvt", "niet aan de orde", "geldt niet", "is niet", "wordt niet",
                  "vervalt", "niet voorbehouden"],
        # a form's answer right after the clause and a colon ("Social return: nee.")
        "answer_no": ["nee", "neen"],
        "boundary": [";", ":", "maar", "echter", "wel", "tenzij", "doch"],
        # A negation after the clause, lifted for another part of the contract: a cue, then a part word
        # within a few words, the negated part naming a part too:
        # "SROI geldt niet voor perceel 1, wel voor perceel 2".
        "reassert": ["wel"],
        "parts": ["perceel", "percelen", "deelopdracht", "deelopdrachten", "onderdeel"],
        "reassert_not_after": ["dan"],
        "compliance": ["voldoen", "voldoet", "nakomen", "nakoming", "naleven", "realiseren", "gerealiseerd", "behalen",
                       "invullen", "ingevuld", "nageleefd"],
    }  # fmt: skip


def screen() -> list[str]:
    """Return Dutch stems (lower case) of which a text must contain one before the model reads it: broad on
    purpose (the model decides), so that texts about nothing of the kind cost no spaCy time."""
    return [
        "social", "sociaal", "sociale", "sroi", "pso", "arbeidsmarkt", "werkplek", "werkplaats",
        "werkzoek", "uitkering", "participatie", "banenafspraak", "doelgroep", "voorbehoud", "voorbehouden", "gereserveerd",
        "sw-bedrijf", "bewoner", "wijk", "buurt", "lokale", "lokaal", "regionale", "inwoners",
        "challenge", "uitdaag", "gunning", "emvi", "inkoop", "inkopen", "inclusie", "inclusief",
        "inclusiev", "beperking", "handicap", "kwetsba", "leerwerk", "stage", "werkervaring", "kansarm",
        "kansengroep", "langdurig", "werkloos", "werkgelegenheid", "maatschappelijk", "mvi", "onderaann", "ondernemer",
        "2.82", "beschut", "beschermd", "arbeidsbeperk", "jongeren", "startkwalificatie", "statushouder", "garantiebaan",
        "re-integratie", "reintegratie", "werkfit", "leerbaan", "opleidingsplaats", "bbl", "taken over", "overnemen",
        "burger", "gemeenschap", "community", "buy social", "werkgevers servicepunt", "sociaal ondernem", "sociale onderneming", "afstand tot",
        "uitzicht op werk", "maatwerkbedrij", "garantieban", "uit te dagen", "over te nemen", "in te zetten", "inzet",
    ]  # fmt: skip
