"""English rules (UK and Irish notices, EU institutions, eForms labels)."""

from __future__ import annotations

from matcher.rules import Rules, rule, veto

SR_TERMS = ("community benefit|benefits", "community benefit clause|clauses|requirements|points", "social value",
            "social return", "/^sroi/", "social clause|clauses", "social considerations")  # fmt: skip


def pattern_reserved_contract() -> Rules:
    """Reserved contracts: "Reserved Lot for Sheltered Workshop organisations as defined under Regulation 20",
    "This contract is reserved for supported businesses", eForms "Participation is reserved to sheltered workshops"."""
    return [
        rule("reserved_contract", "en-reserved-contract", "reserved contract|contracts|lot|lots|procurement|participation",
             "/^(participation|contract|lot|procurement|tender|competition|execution)$/ is|be|are|will not? be? restricted|reserved",
             "/^sheltered$/ workshop|workshops|employment", "public service mutual|mutuals",
             "supported employment programme|programmes|provider|providers"),
        rule("reserved_contract", "en-reserved-to", "reserved|restricted to|for", requires=("sheltered",)),
        rule("reserved_contract", "en-reserved-class", "supported business|businesses", "/^regulation$/ 20|21|77",
             requires=("reserved_word",)),
    ]  # fmt: skip


def pattern_social_return() -> Rules:
    """Social return and community benefits: "Community Benefits are included in this requirement",
    "the successful supplier(s) will be required to deliver Community Benefits", "social value commitments"."""
    return [rule("social_return", "en-social-return", *SR_TERMS)]


def pattern_employment_of_disadvantaged() -> Rules:
    """Targeted recruitment and training: "apprenticeships and work placements for the long-term unemployed"."""
    return [
        rule("employment_of_disadvantaged", "en-target-groups", "long -? term unemployed", "/^neet$/", "priority|employability groups", "disadvantaged people|persons|groups|workers|individuals",
             "distant|far from the labour|labor market", "ex -? offenders", "people|persons with disabilities",
             "economically inactive", "young people not in education",
             requires=("employment_action", "obligation"), forbids=("subject_service",)),
        rule("employment_of_disadvantaged", "en-recruitment", "targeted recruitment", "modern apprenticeship|apprenticeships",
             "apprenticeship|apprenticeships", "work experience placement|placements|opportunities", "work placement|placements",
             "employment opportunities for", "jobs for local people",
             requires=("obligation", "employment_action"), forbids=("subject_service",)),
    ]  # fmt: skip


def pattern_social_enterprise_subcontracting() -> Rules:
    """Social enterprises in the supply chain: "subcontracting opportunities for SMEs, supported businesses and the
    third sector", "Buy Social"."""
    return [
        rule("social_enterprise_subcontracting", "en-buy-social", "buy social"),
        rule("social_enterprise_subcontracting", "en-social-enterprises", "social enterprise|enterprises|firms",
             "supported business|businesses|factories", "third sector", "/^vcse$/",
             "voluntary community and social enterprise", requires=("procure_from",)),
    ]  # fmt: skip


def pattern_local_community_partnering() -> Rules:
    """Local and community partners: "support for local community projects", "spend within the local supply
    chain", "Community Wealth Building"."""
    return [
        rule("local_community_partnering", "en-community-wealth", "community wealth building", "anchor institution|institutions"),
        rule("local_community_partnering", "en-local-community", "local community|communities", "community organisations|organizations|groups|bodies|projects",
             "local supply chain|chains",
             "community engagement|initiatives|education", "voluntary and community", "/^(residents|tenants)$/ groups|associations",
             requires=("procure_from", "obligation", "benefit_word")),
        # Written once as "local supply chain|...|suppliers|smes|..." (one phrase), "local suppliers" never matched.
        # Only beside buying from them: "local residents" and "local businesses" are also whom works must not disturb.
        rule("local_community_partnering", "en-local-suppliers",
             "local suppliers|smes|sme|subcontractors|firms|companies|businesses|enterprises", requires=("procure_from",)),
    ]  # fmt: skip


def pattern_right_to_challenge() -> Rules:
    """Right to Challenge: "community right to challenge under the Localism Act 2011"."""
    return [rule("right_to_challenge", "en-rtc", "right to challenge", "localism act")]


def pattern_social_award_criterion() -> Rules:
    """Social value scored at award: "Social value will be evaluated with a minimum weighting of 10%",
    "Community benefits offered — The community benefits are evaluated by ..."."""
    return [rule("social_award_criterion", "en-award", *SR_TERMS, "community benefits proposal|method statement",
                 requires=("award",))]  # fmt: skip


def vetoes() -> Rules:
    """Return English false friends: "reserves the right", professions, accommodation, networks, the EU."""
    return [
        veto("en-reserves-right", "reserves|reserve the right", "particular profession", "sheltered accommodation|housing",
             scope="sentence", labels=("reserved_contract",)),
        veto("en-technical-local", "local area network|networks", "local authority|authorities|council|councils|government",
             "european community", "community pharmacy|pharmacies|setting|hospital|hospitals|beds|nursing", "local time",
             "local road network"),
        veto("en-accessibility", "accessible|accessibility|wcag", "disabled users|access", scope="sentence",
             labels=("employment_of_disadvantaged",)),
        # Rule 4, subject matter: commissioning an employability programme is not a clause.
        # The veto holds for the whole sentence: "commissioning an employment support programme and the provider will
        # recruit ..." loses the clause too (rare in notices, which state the subject and the conditions apart).
        veto("en-subject-employability",
             "procuring|procure|procures|commissioning|commission|commissions _? _? employability|employment support|services|programme|programmes|program",
             scope="sentence", labels=("employment_of_disadvantaged",)),
        veto("en-sroi-ratio", "sroi ratio|analysis|methodology|evaluation", "social return on investment analysis|ratio",
             scope="sentence", labels=("social_return", "social_award_criterion")),
    ]  # fmt: skip


def cues() -> dict[str, list[str]]:
    """Return the English cue groups."""
    return {
        "sheltered": ["/^sheltered$/", "supported business|businesses|employment|factories", "disabled|disadvantaged",
                      "social and professional integration", "public service mutual|mutuals", "mutual|mutuals"],
        "reserved_word": ["reserved", "reserve", "restricted"],
        "obligation": ["shall", "must", "required", "requirement", "requirements", "obligation", "obligations",
                       "contractor", "supplier", "suppliers", "successful", "condition", "conditions", "commit",
                       "commitment", "commitments", "deliver", "will", "expected", "%", "per cent", "percent"],
        "employment_action": ["employ", "employment", "employed", "recruit", "recruitment", "recruited", "jobs", "job",
                              "hire", "training", "opportunities", "placements", "apprenticeships", "create", "created",
                              "work experience", "engage"],
        "procure_from": ["subcontract", "subcontracting", "sub-contract", "sub-contracting", "subcontractors",
                         "sub-contractors", "supply chain", "purchase from", "spend with", "engage", "opportunities for",
                         "partner with", "partnership with", "work with", "working with", "involve", "involving"],
        "benefit_word": ["benefit", "benefits", "social value", "community benefit", "donate", "volunteering"],
        "subject_service": ["training services", "apprenticeship training", "employability services|programme|programmes",
                            "social care", "social work", "social workers", "the provision of", "services for"],
        "award": ["award criterion", "award criteria", "weighting", "weighted", "evaluated", "evaluation", "scored",
                  "score", "points", "quality question", "quality questions", "marks", "assessed", "tender assessment", "sub-criteria",
                  "criterion", "criteria"],
    }  # fmt: skip


def negation() -> dict[str, list[str]]:
    """Return English negation cues."""
    return {
        "before": ["not", "no", "without", "never", "none", "nor", "n't"],
        "before_phrases": ["does not intend to", "do not intend to", "will not", "excluded from", "no longer"],
        "after": ["not applicable", "does not apply", "do not apply", "will not apply", "n/a", "is not included",
                  "are not included", "not included", "not required", "will be explored", "may be explored",
                  "could be explored", "on a voluntary basis", "voluntarily"],
        # a form's answer right after the clause and a colon ("Social return: nee.")
        "answer_no": ["no", "none"],
        "boundary": [";", ":", "but", "however", "although", "whereas"],
        # A negation after the clause, lifted for another part of the contract: a cue, then a part word
        # within a few words, the negated part naming a part too:
        # "does not apply to lot 1 but does apply to lot 2".
        "reassert": ["but"],
        "parts": ["lot", "lots"],
        "reassert_not_after": [],
        "compliance": ["comply", "complying", "meet", "meeting", "fulfil", "fulfill", "achieve", "achieving", "deliver",
                       "delivering"],
    }  # fmt: skip


def screen() -> list[str]:
    """Return English stems (lower case) of which a text must contain one before the model reads it: broad on
    purpose (the model decides), so that texts about nothing of the kind cost no spaCy time."""
    return [
        "social", "community", "communities", "local", "apprentice", "unemploy", "disadvantag", "disabled",
        "disabilit", "sheltered", "supported", "reserved", "reserve", "training", "employment", "recruit",
        "placement", "neet", "young people", "priority group", "third sector", "voluntary", "vcse", "charit",
        "mutual", "challenge", "localism", "wealth", "sme", "small and medium", "supply chain", "award",
        "weighting", "evaluat", "quality", "benefit", "insertion", "ex-offender", "offender", "deprived",
        "vulnerable", "work experience", "job", "jobs", "skills", "regulation 20", "regulation 77", "reg. 20",
        "section 32", "section 33", "residents", "inclusive", "buy social", "enterprise", "not-for-profit", "nonprofit",
        "non-profit", "long-term", "expression of interest", "expressions of interest", "anchor",
    ]  # fmt: skip
