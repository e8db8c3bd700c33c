"""What the web pages say, Dutch first and English for companies whose language is ``en``.

The coverage dashboard takes its report words (labels, group names) from ``jobs.report`` so that page and report
name things alike; these are the words of the pages around them.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "feedback_title": "Past dit bij jullie?",
        "feedback_intro": "{company} laat Kansenradar weten of deze aanbesteding bij jullie past:",
        "answer": "Jullie antwoord",
        "relevant": "Past bij ons",
        "not_relevant": "Niet voor ons",
        "lot": "Perceel",
        "confirm": "Bevestigen",
        "feedback_done": "Dank je wel!",
        "feedback_done_relevant": "Genoteerd: deze aanbesteding past bij {company}.",
        "feedback_done_not": "Genoteerd: deze aanbesteding is niets voor {company}. Jullie zien haar niet meer terug.",
        "to_company": "Bekijk al jullie kansen",
        "unsubscribe_title": "Afmelden",
        "unsubscribe_intro": "{company} ontvangt dan geen wekelijkse kansen van Kansenradar meer.",
        "unsubscribe_confirm": "Afmelden",
        "unsubscribe_done": "{company} is afgemeld: er komen geen wekelijkse kansen meer.",
        "unsubscribed_since": "Afgemeld sinds {when}: er komen geen wekelijkse kansen meer.",
        "company_title": "Kansen voor {company}",
        "matches": "Aanbestedingen die nu bij jullie passen",
        "no_matches": "Op dit moment zijn er geen passende aanbestedingen.",
        "bid": "Om zelf op in te schrijven",
        "partner": "Als sociale partner van de winnaar",
        "deadline": "Sluit",
        "said_relevant": "Jullie zeiden: past bij ons.",
        "said_not": "Jullie zeiden: niet voor ons.",
        "notice_link": "Bekijk de aankondiging",
        "profile": "Jullie profiel",
        "regions": "Regio's",
        "anywhere": "overal",
        "cpv": "Werk (CPV)",
        "capacity": "Capaciteit",
        "max_value": "opdrachten tot {value}",
        "staff": "{staff} medewerkers",
        "certifications": "Certificaten",
        "preparation": "Voorbereidingstijd",
        "days": "{days} dagen",
        "none": "geen",
        "not_given": "niet opgegeven",
        "profile_change": "Klopt er iets niet? Laat het de beheerder van Kansenradar weten.",
    },
    "en": {
        "feedback_title": "Is this one for you?",
        "feedback_intro": "{company} tells Kansenradar whether this tender fits:",
        "answer": "Your answer",
        "relevant": "Fits us",
        "not_relevant": "Not for us",
        "lot": "Lot",
        "confirm": "Confirm",
        "feedback_done": "Thank you!",
        "feedback_done_relevant": "Noted: this tender fits {company}.",
        "feedback_done_not": "Noted: this tender is not for {company}. You will not see it again.",
        "to_company": "See all your opportunities",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_intro": "{company} will no longer receive weekly opportunities from Kansenradar.",
        "unsubscribe_confirm": "Unsubscribe",
        "unsubscribe_done": "{company} is unsubscribed: no more weekly opportunities.",
        "unsubscribed_since": "Unsubscribed since {when}: no more weekly opportunities.",
        "company_title": "Opportunities for {company}",
        "matches": "Tenders that fit you now",
        "no_matches": "There are no fitting tenders at the moment.",
        "bid": "To bid on yourselves",
        "partner": "As the winner's social partner",
        "deadline": "Closes",
        "said_relevant": "You said: fits us.",
        "said_not": "You said: not for us.",
        "notice_link": "Read the notice",
        "profile": "Your profile",
        "regions": "Regions",
        "anywhere": "anywhere",
        "cpv": "Work (CPV)",
        "capacity": "Capacity",
        "max_value": "contracts up to {value}",
        "staff": "{staff} staff",
        "certifications": "Certificates",
        "preparation": "Preparation time",
        "days": "{days} days",
        "none": "none",
        "not_given": "not given",
        "profile_change": "Something wrong? Tell the people who run Kansenradar.",
    },
}

# Before the company is known (a bad link) the page speaks both languages.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("Deze vraag begrijpen we niet.", "This request is not understood."),
    403: ("Deze link is niet (meer) geldig. Gebruik de link uit een recentere mail.",
          "This link is not valid (any more). Use the link in a more recent mail."),
    404: ("Deze pagina bestaat niet (meer).", "This page does not exist (any more)."),
    405: ("Dat kan hier niet.", "That is not possible here."),
    500: ("Er ging iets mis. Probeer het later opnieuw.", "Something went wrong. Please try again later."),
}  # fmt: skip

DASHBOARD: dict[str, dict[str, str]] = {
    "nl": {"filters": "Filter", "buyer": "Aanbesteder bevat", "from": "Gepubliceerd vanaf", "to": "tot en met",
           "group_by": "Per", "lang": "Taal", "show": "Toon", "download": "Download dezelfde cijfers",
           "csv_excel": "CSV (Excel NL)", "all": "alle", "public": "Alleen openbare gegevens uit aankondigingen: wat "
           "een aanbesteding aankondigt, niet wat er is uitgevoerd.", "more": "De eerste {shown} van {count}; de "
           "JSON-download bevat ze allemaal.", "chart": "Aanbestedingen per maand, met en zonder inclusieve clausule"},
    "en": {"filters": "Filter", "buyer": "Buyer contains", "from": "Published from", "to": "up to and including",
           "group_by": "By", "lang": "Language", "show": "Show", "download": "Download the same numbers",
           "csv_excel": "CSV (Dutch Excel)", "all": "all", "public": "Public notice data only: what a tender "
           "announces, not what was delivered.", "more": "The first {shown} of {count}; the JSON download has all "
           "of them.", "chart": "Tenders per month, with and without an inclusive clause"},
}  # fmt: skip
