"""French rules (France, Belgium, Luxembourg)."""

from __future__ import annotations

from matcher.rules import Rules, rule, veto

SR_TERMS = ("clause|clauses sociale|sociales", "clause|clauses d' insertion", "/^clauses?$/ d'insertion",
            "heures d'? insertion", "/^heures$/ d'insertion", "action|actions d'? insertion", "social return")  # fmt: skip


def pattern_reserved_contract() -> Rules:
    """Reserved contracts: "Le présent marché est réservé aux entreprises adaptées et aux ESAT (L2113-12)",
    eForms "La participation est réservée à des ateliers protégés"."""
    return [
        rule("reserved_contract", "fr-reserved", "marché|marchés|lot|lots|participation réservé|réservés|réservée|réservées",
             "/^(marché|lot|participation|consultation|procédure|exécution)$/ n'? ne? est|sont n'? ne? pas? réservé|réservée|réservés|réservées",
             "ateliers protégés", "emplois protégés", "/^l2113-1[2356]/", "/^l\\.?$/ /^2113-1[2356]/"),
        rule("reserved_contract", "fr-reserved-to", "réservé|réservée|réservés|réservées à|aux|au", requires=("sheltered",)),
    ]  # fmt: skip


def pattern_social_return() -> Rules:
    """Social (insertion) clauses: "clause sociale d'insertion de 5 % des heures travaillées"."""
    return [
        rule("social_return", "fr-clause-sociale", *SR_TERMS),
        # French notices: "des conditions d'exécution à caractère social détaillées au CCAP" (not an award term: the
        # same sentence often points to the award criteria elsewhere).
        rule(
            "social_return",
            "fr-conditions-sociales",
            "condition|conditions d'? exécution à caractère social",
            "/^conditions?$/ d'exécution à caractère social",
        ),
        # "réserver 7 % des heures de travail à des personnes en insertion": an insertion clause, not a reservation.
        rule("social_return", "fr-insertion-hours", "/^heures?$/ de travail", requires=("insertion_word",)),
    ]


def pattern_employment_of_disadvantaged() -> Rules:
    """Employment of people far from work: "publics éloignés de l'emploi", "demandeurs d'emploi de longue durée"."""
    return [
        rule("employment_of_disadvantaged", "fr-target-groups", "personnes|publics éloignées|éloignés de l'? emploi",
             "demandeurs d'? emploi", "chômeurs de longue durée", "publics en difficulté", "bénéficiaires du rsa",
             "travailleurs handicapés", "personnes handicapées ou défavorisées", "insertion professionnelle",
             "heures d'? insertion", "/^heures$/ d'insertion", "personnes|publics en insertion",
             requires=("employment_action", "obligation"),
             forbids=("subject_service",)),
    ]  # fmt: skip


def pattern_social_enterprise_subcontracting() -> Rules:
    """Social-economy subcontractors: "sous-traitance à une entreprise d'économie sociale d'insertion"."""
    return [
        rule("social_enterprise_subcontracting", "fr-ess", "/^(entreprises?|structures?)$/ d'? économie sociale",
             "/^(entreprises?|structures?)$/ d'? insertion", "/^siae$/", "/^ess$/", "entreprises adaptées",
             "/^esat$/", requires=("procure_from",)),
    ]  # fmt: skip


def pattern_local_community_partnering() -> Rules:
    """Local partners: "en partenariat avec la régie de quartier", "acteurs locaux"."""
    return [
        rule("local_community_partnering", "fr-regie", "régie|régies de quartier|territoire"),
        rule("local_community_partnering", "fr-local", "acteurs|entreprises|producteurs|associations locaux|locales",
             "circuit|circuits court|courts", "habitants du quartier", "tissu associatif|économique local",
             requires=("procure_from", "obligation")),
    ]  # fmt: skip


def pattern_right_to_challenge() -> Rules:
    """Right to Challenge (rare in French notices)."""
    return [rule("right_to_challenge", "fr-rtc", "right to challenge", "droit de défi")]


def pattern_social_award_criterion() -> Rules:
    """Social criteria scored at award: "critère d'attribution : performance en matière d'insertion (10 %)"."""
    return [rule("social_award_criterion", "fr-award", *SR_TERMS, "performance|performances en matière d'? insertion",
                 "/^performances?$/ sociale|sociales", requires=("award",))]  # fmt: skip


def vetoes() -> Rules:
    """Return French false friends: "se réserve le droit", "sous réserve", subscribers, professions, premises, joint
    liability ("solidaire de")."""
    return [
        veto("fr-accessibility", "/^accessib/", scope="sentence", labels=("employment_of_disadvantaged",)),
        veto("fr-reserve-right", "se réserve", "sous réserve", "réservée|réservé aux abonnés", "profession|professions",
             "inscrites au registre", scope="sentence", labels=("reserved_contract",)),
        veto("fr-local-premises", "local technique", "les locaux", "des locaux", labels=("local_community_partnering",)),
        # "Le mandataire est solidaire de ses co-traitants": jointly liable, not the économie sociale et solidaire.
        # Not "l'économie sociale et solidaire du territoire", which is what the label is about.
        veto("fr-joint-liability", "est|sont|soit|être solidaire|solidaires", "/^solidairement$/",
             "conjoint|conjoints et solidaire|solidaires", "groupement|groupements|mandataire solidaire|solidaires",
             scope="sentence", labels=("social_enterprise_subcontracting",)),
        # Rule 4, subject matter: a contract that *buys* insertion services for jobseekers asks no bidder to employ
        # them ("prestation de services d'insertion professionnelle auprès des demandeurs d'emploi").
        # Only with "prestation": "avec l'appui des services d'insertion professionnelle du Département" in a clause
        # is who helps the bidder, not what is bought.
        veto("fr-subject-insertion",
             "prestation|prestations de|des? service|services? d'? insertion professionnelle|socioprofessionnelle",
             "prestation|prestations de|des? service|services? d'insertion professionnelle|socioprofessionnelle",
             scope="sentence", labels=("employment_of_disadvantaged",)),
        veto("fr-csr", "responsabilité sociale", "régularité fiscale|fiscales et sociale|sociales", "cotisations sociales",
             scope="span"),
    ]  # fmt: skip


def cues() -> dict[str, list[str]]:
    """Return the French cue groups."""
    return {
        "sheltered": ["entreprises adaptées", "/^esat$/", "/^siae$/", "ateliers protégés", "structures d'? insertion",
                      "/^structures$/ d'insertion", "insertion par l'? activité économique", "travailleurs handicapés",
                      "économie sociale et solidaire", "personnes handicapées ou défavorisées", "/^ea$/"],
        "obligation": ["titulaire", "doit", "doivent", "devra", "devront", "s'engage", "engage", "obligation",
                       "obligatoire", "condition", "conditions", "exigence", "imposé", "%", "pour cent"],
        "employment_action": ["emploi", "emplois", "embauche", "embaucher", "heures", "recrutement", "recruter",
                              "insertion", "formation", "stage", "contrats", "postes", "travail"],
        "procure_from": ["sous-traitance", "sous-traitant", "sous-traitants", "sous-traiter", "cotraitance",
                         "cotraitant", "faire appel", "recours", "partenariat", "partenaire", "partenaires", "achats",
                         "associer", "impliquer"],
        "insertion_word": ["insertion"],
        "subject_service": ["prestations d'accompagnement", "accompagnement vers l'emploi", "services d'aide"],
        "award": ["critère", "critères", "attribution", "sous-critère", "pondération", "pondéré", "noté", "notée",
                  "points", "évalué", "évaluée", "jugement des offres"],
    }  # fmt: skip


def negation() -> dict[str, list[str]]:
    """Return French negation cues."""
    return {
        "before": ["pas", "ne", "n'", "sans", "aucun", "aucune", "jamais", "ni", "non"],
        "before_phrases": ["renonce à", "à l'exclusion de"],
        "after": ["ne s'applique pas", "sans objet", "non applicable", "pas applicable", "n'est pas réservé",
                  "n'est pas réservée"],
        # a form's answer right after the clause and a colon ("Social return: nee.")
        "answer_no": ["non", "aucun", "aucune", "néant"],
        "boundary": [";", ":", "mais", "cependant", "toutefois"],
        # A negation after the clause, lifted for another part of the contract: a cue, then a part word
        # within a few words, the negated part naming a part too:
        # "ne s'applique pas au lot 1, mais bien au lot 2".
        "reassert": ["mais bien", "mais"],
        "parts": ["lot", "lots"],
        "reassert_not_after": [],
        "compliance": ["respecter", "respect", "respecte", "satisfaire", "exécuter"],
    }  # fmt: skip


def screen() -> list[str]:
    """Return French stems (lower case) of which a text must contain one before the model reads it: broad on
    purpose (the model decides), so that texts about nothing of the kind cost no spaCy time."""
    return [
        "social", "sociale", "insertion", "réserv", "reserv", "handicap", "esat", "siae",
        "entreprise adaptée", "entreprises adaptées", "ess", "économie sociale", "economie sociale", "solidaire", "emploi", "chômeur",
        "chomeur", "demandeur", "éloigné", "eloigne", "défavoris", "defavoris", "apprenti", "stagiaire",
        "formation", "jeunes", "rsa", "heures", "l2113", "l.2113", "l 2113", "atelier",
        "protégé", "protege", "attribution", "critère", "critere", "pondération", "ponderation", "local",
        "locale", "territoire", "territorial", "habitants", "quartier", "associati", "tpe", "pme",
        "intégration", "integration", "inclusion", "clause", "mission de service public", "mutuelle", "coopérative", "cooperative",
        "bénéficiaire", "beneficiaire", "locaux", "circuits courts",
    ]  # fmt: skip
