"""German rules (Germany, Austria, Luxembourg, Belgium)."""

from __future__ import annotations

from matcher.rules import Rules, rule, veto

SR_TERMS = ("/^sozialklausel/", "soziale|sozialen ausführungsbedingung|ausführungsbedingungen",
            "social return", "/^sroi/")  # fmt: skip


def pattern_reserved_contract() -> Rules:
    """Reserved contracts: "Vorbehaltene Aufträge nach § 118 GWB", "Die Teilnahme ist Werkstätten für Menschen mit
    Behinderungen vorbehalten"."""
    return [
        rule("reserved_contract", "de-reserved", "/^vorbehaltene?n?$/ auftrag|aufträge|auftrags|teilnahme|vergabe|lose|los",
             "§ 118 gwb", "/^(teilnahme|auftrag|ausführung|vergabe|los)$/ ist nicht? _? _? vorbehalten",
             "geschützte|geschützten|geschützter beschäftigung|beschäftigungsverhältnisse|beschäftigungsverhältnissen|werkstätten"),
        rule("reserved_contract", "de-workshops", "/^werkstätten?$/ für behinderte? menschen", "/^inklusionsbetrieb/",
             "/^inklusionsunternehm/", "/^sozialunternehm/", requires=("reserved_word",)),
    ]  # fmt: skip


def pattern_social_return() -> Rules:
    """Social clauses as performance conditions: "Es gelten soziale Ausführungsbedingungen"."""
    return [rule("social_return", "de-social-clause", *SR_TERMS)]


def pattern_employment_of_disadvantaged() -> Rules:
    """Employment of disadvantaged people: "Beschäftigung von Langzeitarbeitslosen"."""
    return [
        rule("employment_of_disadvantaged", "de-target-groups", "/^langzeitarbeitslos/", "benachteiligte|benachteiligten personen|menschen|gruppen|jugendliche",
             "/^(menschen|personen)$/ mit behinderung|behinderungen", "/^wiedereingliederung/", "/^schwerbehindert/",
             "ausbildungsplätze|praktikumsplätze", requires=("employment_action", "obligation"), forbids=("subject_service",)),
    ]  # fmt: skip


def pattern_social_enterprise_subcontracting() -> Rules:
    """Social enterprises as subcontractors: "Einbindung von Sozialunternehmen als Nachunternehmer"."""
    return [
        rule("social_enterprise_subcontracting", "de-social-enterprises", "/^sozialunternehm/", "/^inklusionsbetrieb/",
             "/^werkstätten?$/ für behinderte? menschen", "/^sozialbetrieb/", requires=("procure_from",)),
    ]  # fmt: skip


def pattern_local_community_partnering() -> Rules:
    """Local partners: "Einbindung lokaler Unternehmen und Initiativen aus dem Quartier"."""
    return [
        rule("local_community_partnering", "de-local", "/^(lokal|regional)(e|en|er)$/ unternehmen|betriebe|wertschöpfung|akteure|initiativen|handwerksbetriebe",
             "/^(quartiersbetrieb|stadtteilbetrieb|nachbarschaftsbetrieb|bürgerinitiative|bürgergenossenschaft|quartier)/",
             "bürgerschaftliches|bürgerschaftlichen engagement", requires=("procure_from", "obligation")),
    ]  # fmt: skip


def pattern_right_to_challenge() -> Rules:
    """Right to Challenge (rare in German notices)."""
    return [rule("right_to_challenge", "de-rtc", "right to challenge")]


def pattern_social_award_criterion() -> Rules:
    """Social aspects scored at award: "Zuschlagskriterium soziale Aspekte (10 %)"."""
    return [rule("social_award_criterion", "de-award", *SR_TERMS, "soziale|sozialen aspekte|kriterien|gesichtspunkte",
                 "/^(werkstätten|behindertenwerkstätten|inklusionsbetrieb)/", "/^bevorzugte/ /^(unternehmen|bieter)/", requires=("award",))]  # fmt: skip


def vetoes() -> Rules:
    """Return German false friends: professions, "behält sich vor", "bleibt vorbehalten", "vorbehaltlich", "Angebote
    mit Vorbehalten" (conditions an offer sets)."""
    return [
        # Rule 4, subject matter: "Maßnahmen zur Aktivierung und beruflichen Eingliederung" (SGB III) are bought.
        # With the buying word: "Langzeitarbeitslose aus Maßnahmen zur Aktivierung beschäftigen" is a clause.
        veto("de-subject-activation",
             "vergabe|beschaffung|durchführung|erbringung|konzeption von? maßnahme|maßnahmen|massnahme|massnahmen zur aktivierung",
             "/^arbeitsmarktdienstleistung/", scope="sentence", labels=("employment_of_disadvantaged",)),
        veto("de-accessibility", "/^barrierefrei/", "/^zugänglich/", scope="sentence",
             labels=("employment_of_disadvantaged",)),
        # "Eine Auftragserteilung auf Basis des Erstangebots bleibt vorbehalten": the buyer reserves a right. Only
        # side by side: "die Teilnahme bleibt Werkstätten vorbehalten" and "... Werkstätten vorbehalten bleibt" are
        # reservations.
        veto("de-profession", "/^berufsstand/", "behält sich _? _? vor", "vorbehaltlich", "/^sozialabgabe/",
             "/^sozialversicherung/", "bleibt|bleiben vorbehalten", "mit vorbehalt|vorbehalten", scope="sentence",
             labels=("reserved_contract",)),
    ]  # fmt: skip


def cues() -> dict[str, list[str]]:
    """Return the German cue groups."""
    return {
        "reserved_word": ["vorbehalten", "vorbehaltene", "vorbehaltenen", "beschränkt", "reserviert"],
        "obligation": ["auftragnehmer", "muss", "müssen", "verpflichtet", "verpflichtung", "ist zu", "sind zu",
                       "bedingung", "bedingungen", "anforderung", "anforderungen", "hat", "haben", "%", "prozent"],
        "employment_action": ["beschäftigung", "beschäftigen", "beschäftigt", "einstellen", "einstellung",
                              "arbeitsplätze", "arbeitsplatz", "ausbildung", "praktikum", "qualifizierung", "einsetzen"],
        "procure_from": ["unterauftrag", "unterauftragnehmer", "unteraufträge", "nachunternehmer", "beauftragen",
                         "einbinden", "einbindung", "einkaufen", "zusammenarbeit", "kooperation", "beteiligung"],
        "subject_service": ["dienstleistungen für", "maßnahmen zur", "betreuung von", "eingliederungshilfe"],
        "award": ["/^zuschlagskriteri/", "wertung", "gewichtung", "gewichtet", "punkte", "bonus", "bewertet",
                  "wertungssumme", "bewertungskriterium", "kriterium", "preisabschlag", "abschlag", "preisbonus",
                  "angebotswertung", "wirtschaftlichkeitsbeurteilung"],
    }  # fmt: skip


def negation() -> dict[str, list[str]]:
    """Return German negation cues."""
    return {
        "before": ["nicht", "kein", "keine", "keinen", "keiner", "ohne", "nie"],
        "before_phrases": ["abgesehen von", "verzichtet auf"],
        "after": ["nicht anwendbar", "findet keine anwendung", "entfällt", "nicht vorgesehen", "gilt nicht",
                  "nicht vorbehalten"],
        # a form's answer right after the clause and a colon ("Social return: nee.")
        "answer_no": ["nein", "keine"],
        "boundary": [";", ":", "aber", "jedoch", "sondern"],
        # A negation after the clause, lifted for another part of the contract: a cue, then a part word
        # within a few words, the negated part naming a part too:
        # "gilt nicht für Los 1, wohl aber für Los 2".
        "reassert": ["wohl aber", "jedoch", "aber"],
        "parts": ["los", "lose", "losen", "teillos", "teillose"],
        "reassert_not_after": [],
        "compliance": ["einhalten", "eingehalten", "erfüllen", "erfüllt", "nachkommen"],
    }  # fmt: skip


def screen() -> list[str]:
    """Return German stems (lower case) of which a text must contain one before the model reads it: broad on
    purpose (the model decides), so that texts about nothing of the kind cost no spaCy time."""
    return [
        "sozial", "werkstatt", "werkstätt", "behindert", "behinderung", "inklusion", "arbeitslos", "benachteilig",
        "vorbehalt", "vorbehalten", "§ 118", "118 gwb", "§118", "beschäftigung", "beschäftigt", "ausbildung",
        "lehrling", "praktik", "langzeit", "integration", "eingliederung", "zuschlag", "wertung", "kriteri",
        "gemeinwohl", "gemeinnützig", "lokal", "regional", "ortsnah", "bürger", "zivilgesellschaft", "inklusionsbetrieb",
        "schwerbehindert", "teilhabe", "arbeitsmarkt", "auszubildend", "sgb", "ausführungsbedingung", "genossenschaft", "kmu",
        "mittelstand", "nachhaltig", "bonus", "bevorzugt", "inklusiv", "beschränk",
    ]  # fmt: skip
