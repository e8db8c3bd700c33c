"""Concepts across languages: stems (lower case) that say the same thing in Dutch, English, German and French.

The model sees ``concept:<name>`` beside the words, so what it learns from a Dutch sentence about people far from
the labour market also holds for a French one about "personnes éloignées de l'emploi": the corpus is too small to
learn each language's words for every idea. Stems match anywhere in a word ("werkzoekenden", "Arbeitslosen").
"""

from __future__ import annotations


def concepts() -> dict[str, list[str]]:
    """Return concept -> stems; every call returns fresh lists."""
    return {
        "jobseekers": ["werkzoekend", "werklo", "uitkering", "bijstand", "jobseeker", "job seeker", "unemploy",
                       "arbeitslos", "arbeitsuchend", "erwerbslos", "chômeu", "chomeu", "demandeur d'emploi",
                       "demandeurs d'emploi", "rsa", "minima sociaux", "langdurig", "long-term",
                       "langzeit", "longue durée", "longue duree"],
        "distance": ["afstand tot de arbeidsmarkt", "afstand tot werk", "far from the labour market",
                     "furthest from", "arbeitsmarktfern", "éloigné", "eloigne", "kansengroep", "kansarm",
                     "disadvantag", "benachteilig", "défavoris", "defavoris", "kwetsba", "vulnerable", "priority group",
                     "doelgroep", "zielgruppe", "publics", "public prioritaire", "neet", "ex-offender", "uitzicht"],
        "disability": ["beperking", "handicap", "gehandicapt", "arbeidsbeperk", "disab", "behindert", "behinderung",
                       "schwerbehindert", "handicapé", "handicape", "travailleurs handicap", "banenafspraak",
                       "garantieba", "beschut", "sheltered", "supported employment", "supported business"],
        "youth": ["jongeren", "young people", "youth", "jugendlich", "jeunes", "startkwalificatie", "school leaver"],
        "training": ["leerwerk", "stage", "stagi", "werkervaring", "apprentic", "traineeship", "work experience",
                     "placement", "ausbildung", "auszubild", "lehrstell", "praktik", "apprenti", "alternance",
                     "formation", "bbl", "opleidingsplaats", "leerbaan", "trainee", "upskill", "skills"],
        "hiring": ["inzetten", "inzet", "in dienst", "aannemen", "werkplek", "arbeidsplaats", "banen", "recruit",
                   "employ", "hire", "hiring", "jobs", "job opportunit", "einstell", "beschäftig", "arbeitsplätz",
                   "embauch", "emploi", "recrut", "heures d'insertion", "heures de travail", "insertion"],
        "social_return": ["social return", "socialreturn", "sroi", "social value", "community benefit",
                          "clause sociale", "clauses sociales", "sozialklausel", "soziale klausel", "sociale clausule",
                          "sociale voorwaarde", "maatschappelijke waarde", "social clause", "themes outcomes measures",
                          "toms", "pso", "prestatieladder", "bouwblok"],
        "condition": ["uitvoeringsvoorwaarde", "contractvoorwaarde", "contracteis", "bijzondere voorwaarde",
                      "contract performance condition", "performance condition", "condition d'exécution",
                      "conditions d'exécution", "ausführungsbedingung", "verplicht",
                      "obligation", "oblig", "must", "shall", "required", "moet", "dient", "doit", "doivent", "muss",
                      "müssen", "verpflicht", "s'engage"],
        "percentage": ["%", "procent", "per cent", "percent", "prozent", "pour cent", "pourcent"],
        "reservation": ["voorbehoud", "voorbehouden", "gereserveerd", "reserved", "reserve the right to participate",
                        "vorbehalten", "vorbehaltene", "réservé", "reserve", "restricted to", "beschränkt auf"],
        "sheltered_org": ["sociale werkplaats", "sociale werkplaatsen", "beschutte werkplaats", "maatwerkbedrij",
                          "sw-bedrij", "sociaal werkbedrij", "werkstätt", "werkstatt", "inklusionsbetrieb",
                          "inklusionsunternehm", "esat", "entreprise adaptée", "entreprises adaptées",
                          "entreprise adaptee", "atelier protégé", "ateliers protégés", "siae",
                          "structure d'insertion", "structures d'insertion", "supported business", "sheltered workshop"],
        "social_enterprise": ["sociale onderneming", "sociale ondernemingen", "sociaal ondernem", "social enterprise",
                              "third sector", "vcse", "voluntary", "charit", "mutual", "sozialunternehm",
                              "gemeinnützig", "économie sociale", "economie sociale", "solidaire", "ess ",
                              "non-profit", "not-for-profit", "nonprofit", "buy social", "sociale economie",
                              "sociale inkoop", "sociaal inkopen"],
        "subcontract": ["onderaann", "onderaanneming", "subcontract", "sub-contract", "supply chain",
                        "unterauftrag", "nachunternehm", "sous-trait", "soustrait", "co-traitan", "inschakelen",
                        "buy from", "purchase from", "inkopen bij", "acheter auprès", "achats"],
        "local": ["lokale", "lokaal", "local", "regionale", "regional", "ortsnah", "vor ort", "territoire",
                  "territorial", "proximité", "proximite", "circuits courts", "in de wijk", "in de buurt",
                  "neighbourhood", "neighborhood", "quartier", "stadtteil", "kiez", "anchor", "wealth building"],
        "residents": ["bewoner", "inwoner", "burger", "buurtbewoner", "resident", "communit", "citizen",
                      "bürger", "einwohner", "habitant", "citoyen", "gemeenschap", "samenleving",
                      "bewonersbedrij", "wijkbedrij", "buurtbedrij", "wijkondernem", "coöperatie", "cooperati",
                      "genossenschaft", "coopérative", "initiatie", "initiative", "collectie", "collectif"],
        "sme": ["mkb", "sme", "small and medium", "kmu", "mittelstand", "pme", "tpe", "kleine ondernem",
                "small business", "micro"],
        "challenge": ["right to challenge", "uitdaagrecht", "uit te dagen", "uitdagen", "community right",
                      "expression of interest", "expressions of interest", "localism act", "recht om", "overnemen",
                      "over te nemen", "take over", "taken van de gemeente", "run services", "running services"],
        "award": ["gunning", "gunningscriteri", "subgunning", "emvi", "beoordel", "award", "evaluat", "weight",
                  "scored", "score", "points", "punten", "zuschlag", "wertung", "gewicht", "bewert", "punkte",
                  "attribution", "critère", "critere", "pondération", "ponderation", "notation", "noté", "quality",
                  "kwaliteit", "qualité", "qualite", "qualität", "method statement", "bonus", "fictieve korting",
                  "preisabschlag", "bevorzug"],
        "law": ["aanbestedingswet", "2.82", "artikel 20", "article 20", "regulation 20", "regulation 77",
                "reg. 20", "section 32", "section 33", "§ 118", "§118", "118 gwb", "gwb", "vgv", "l2113",
                "l.2113", "l 2113", "commande publique", "procurement act", "social value act", "ppn 06/20",
                "ppn 6/20", "procurement reform", "wmo", "participatiewet", "sgb ix"],
        "negation": ["niet van toepassing", "n.v.t", "not applicable", "does not intend", "will not", "no community",
                     "nicht", "keine", "kein ", "n'est pas", "ne sont pas", "pas de", "aucune", "niet ", "geen ",
                     "not ", " no "],
        "subject_service": ["re-integratie", "reintegratie", "reintegration", "re-integration", "begeleiding naar",
                            "prestation d'insertion", "prestations d'insertion", "prestations de services d'insertion",
                            "pour objet", "objet du marché", "voorwerp van de opdracht", "subject matter",
                            "mise en œuvre auprès", "mise en oeuvre auprès", "auprès des demandeurs", "orientatie",
                            "trajecten", "programme for", "employability programme", "dienstleistungen zur",
                            "job coaching", "jobcoach", "accompagnement", "maatschappelijke opvang", "beschermd wonen",
                            "social care", "care home", "zorg", "pflege", "soins", "hébergement", "housing",
                            "huisvesting", "wohnung", "logement", "sozialwohnung"],
        "social": ["social", "sociaal", "sociale", "sozial", "maatschappelijk", "societal", "sociétal", "inclusi",
                   "inklusi", "participatie", "participation", "werkgelegenheid", "arbeitsmarkt", "labour market",
                   "marché du travail", "handicap", "insertion"],
        # Naming the right itself: "expression of interest" alone is how any buyer asks for interest.
        "challenge_right": ["right to challenge", "right2challenge", "uitdaagrecht", "uit te dagen", "uitdagen",
                            "uitdaging van", "community right", "localism act", "relevant body", "relevant bodies",
                            "community bod", "voluntary bod", "parish council",
                            "relevant service", "run services", "running services", "run a service",
                            "take over", "overnemen", "over te nemen", "taken van de gemeente", "bewonersinitiatie"],
        "compliance_law": ["cotisations sociales", "sécurité sociale", "securite sociale", "sozialversicherung",
                           "social security", "sociale zekerheid", "l5212", "l.5212", "obligation d'emploi",
                           "tax", "impôt", "steuer", "belasting", "minimum wage", "mindestlohn",
                           "tariftreue", "living wage", "fair work", "modern slavery", "equal pay", "cao"],
    }  # fmt: skip


def anchors() -> dict[str, tuple[str, ...]]:
    """Return per label the concepts of which a sentence must name one before the model may find the label there.

    A clause names what it is about (the labelling rules in ``tests/data/README.md``): a social award criterion a
    social aspect, not only a weighting ("Pondération 10 %"); a Right to Challenge the right or a task taken over,
    not only an "expression of interest"; buying from social enterprises a social enterprise or workshop.
    """
    people = ("jobseekers", "distance", "disability", "youth", "sheltered_org")
    social = ("social", "social_return", "social_enterprise", "local", "residents", "training", "hiring")
    return {
        "reserved_contract": ("reservation", "sheltered_org", "disability", "law"),
        "social_return": ("social_return", "social", *people),
        "employment_of_disadvantaged": (*people, "social"),  # "insertion", "arbeitsmarkt", "labour market"
        "social_enterprise_subcontracting": ("sheltered_org", "social_enterprise", "disability", "social"),
        "local_community_partnering": ("local", "residents", "sme", "social"),
        "right_to_challenge": ("challenge_right",),
        "social_award_criterion": (*social, *people),
    }
