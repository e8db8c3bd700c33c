"""Everyday words for the work resident companies do, as extra labelled examples for the CPV model: Dutch, and the
same trades in English, German and French.

CPV labels are formal ("Beplanten en onderhouden van groengebieden") and the notice corpus holds few Dutch texts;
companies write "wij maaien, snoeien en harken". Each entry is a phrase such a company might use, with the CPV code
of that work: the CPV model learns from them as from the official labels. Written from the trades of
bewonersbedrijven (green, cleaning, catering, repairs, re-integration, transport, care, supervision, street
cleaning, laundry, childcare and their neighbours), as data, like the clause rules.

A phrase names the work, not whom it is for: words for the people served (ouderen, kinderen, huurders, mensen)
occur in care, transport, catering and repair alike, and taught here they pulled a company that drives elderly
people to day care toward day care itself (services bought *for* people versus work done *by* the company). Where
the people are what the work is (re-integration of people far from work, care for the disabled), they stay.
"""

from __future__ import annotations

import re

TRADE_WORDS: tuple[tuple[str, str], ...] = (
    # Green: maintenance of parks, verges and gardens; trees; weeds; winter service.
    ("77310000", "groenonderhoud gras maaien grasmaaien maaiwerk gazon plantsoen plantsoenen perken beplanting"),
    ("77310000", "tuinonderhoud tuinen onderhouden schoffelen onkruid wieden harken blad ruimen bladruimen"),
    ("77311000", "onderhoud van siertuinen en parken parkonderhoud bloembakken hanging baskets"),
    ("77313000", "parkonderhoud speeltuinen speelplekken schoolpleinen groen bijhouden"),
    ("77314000", "terreinonderhoud terreinen bijhouden buitenruimte bedrijfsterrein groenstroken"),
    ("77340000", "snoeien snoeiwerk bomen snoeien heggen knippen hagen struiken snoeien"),
    ("77211400", "bomen kappen boomverzorging boomonderhoud stobben frezen"),
    ("90620000", "sneeuwruimen sneeuw ruimen"),
    ("90630000", "gladheidsbestrijding strooien zout strooien pekel ijzel winterdienst"),
    ("45112700", "tuinaanleg bestrating tuin aanleggen groenvoorziening aanleggen planten poten"),
    # Cleaning of buildings and windows.
    ("90910000", "schoonmaak schoonmaken schoonmaakwerk schoonmaker schoonmaakster poetsen dweilen stofzuigen"),
    ("90911200", "kantoorschoonmaak kantoren schoonmaken scholen schoonmaken gebouwen schoonmaken buurthuis"),
    ("90911100", "trappenhuizen portieken galerijen schoonmaken woningschoonmaak flats schoonmaken"),
    ("90911300", "glazenwassen ramen lappen ramen wassen glasbewassing vensters zemen"),
    ("90919200", "dagelijkse schoonmaak sanitair toiletten schoonmaken"),
    ("90919300", "schoonmaak van scholen klaslokalen"),
    # Catering, meals, canteens.
    ("55520000", "catering cateraar maaltijden verzorgen lunches broodjes hapjes buffet vergaderingen feesten"),
    ("55521200", "maaltijdbezorging maaltijden bezorgen warme maaltijden thuisbezorgd eten brengen"),
    ("55524000", "schoolmaaltijden schoollunch lunch voor scholen kinderdagverblijf maaltijden"),
    ("55510000", "kantine kantinediensten bedrijfsrestaurant kantine runnen koffie thee"),
    ("55320000", "maaltijden serveren koken eten bereiden buurtrestaurant buurtkeuken gezamenlijk eten"),
    ("55321000", "maaltijden bereiden koken in de keuken verse maaltijden"),
    # Repairs and maintenance of buildings: painting, carpentry, tiling, small jobs.
    ("45442100", "schilderwerk schilderen verven binnenschilderwerk buitenschilderwerk schilder"),
    ("45421000", "timmerwerk timmerman deuren repareren kozijnen ramen vervangen deuren afhangen"),
    ("45431000", "tegelwerk tegelzetten tegels zetten vloeren tegelen wandtegels"),
    ("45432000", "vloeren leggen vloerbedekking laminaat"),
    ("45453000", "renovatie opknappen woningen opknappen klein onderhoud klussen klusjes klusser"),
    ("50700000", "onderhoud gebouwen reparaties in huis kleine reparaties woningonderhoud"),
    ("45330000", "loodgieterswerk kranen repareren lekkages"),
    ("50870000", "reparatie speeltoestellen onderhoud speelplaatsuitrusting"),
    ("45261000", "dakonderhoud dakgoten schoonmaken"),
    # Re-integration, job coaching, secondment, training at work.
    ("79600000", "werk zoeken werkzoekenden aan het werk helpen bemiddeling naar werk jobcoach"),
    ("79620000", "detacheren detachering mensen uitlenen personeel ter beschikking stellen uitzenden"),
    ("85312510", "re-integratie reintegratie arbeidsre-integratie werkervaring leerwerkplek beschut werk"),
    ("85312510", "mensen met afstand tot de arbeidsmarkt begeleiden naar werk participatie werkfit"),
    ("80530000", "vakopleiding beroepsopleiding leren werken in de werkplaats scholing praktijkleren"),
    ("79611000", "werk zoeken sollicitatie begeleiding loopbaancoaching"),
    # Transport of people: pupils, elderly, disabled; small buses.
    ("60130000", "leerlingenvervoer doelgroepenvervoer zittend ziekenvervoer rolstoelvervoer aangepast vervoer"),
    ("60140000", "vervoer van personen buurtbus busjes chauffeur chauffeurs rijden ritten ritjes brengen en halen"),
    ("60170000", "personenvervoer met chauffeur taxi taxivervoer belbus"),
    ("60112000", "openbaar vervoer buslijn"),
    ("60100000", "wegvervoer vervoer over de weg bestelbus bezorgen"),
    # Care and support at home; day activities.
    ("85312000", "dagbesteding ontmoeting activiteiten dagactiviteiten"),
    ("85312400", "ondersteuning thuis welzijn hulp bij het dagelijks leven mantelzorg zelfstandig thuis wonen"),
    ("98341110", "huishoudelijke hulp huishouden doen poetsen bij mensen thuis thuishulp"),
    ("98513310", "thuishulp boodschappen doen boodschappen halen boodschappendienst hulp in huis"),
    ("85320000", "maatschappelijke ondersteuning wmo begeleiding individuele begeleiding"),
    ("85311200", "zorg voor gehandicapten mensen met een handicap verstandelijke beperking"),
    ("85141200", "thuiszorg wijkverpleging verpleging aan huis wijkverpleegkundige"),
    # Supervision, caretakers, security, traffic controllers, parking.
    ("79713000", "bewaking bewaken beveiliging beveiligers surveillance toezicht houden"),
    ("79710000", "beveiligingsdiensten toezicht straat buurtwacht wijkbeheer handhaving"),
    # A company's "toezicht" is watching over places; the CPV labels' (907316 "Toezicht op methaan") is measuring.
    ("79714000", "toezicht toezichthouder toezichthouders surveillance surveilleren"),
    ("98341140", "conciërge conciërgediensten huismeester gebouwbeheerder sleutelbeheer openen en sluiten"),
    ("98341140", "wijkconciërge wijkconciërges"),
    ("79993000", "gebouwbeheer facilitair beheer receptie balie baliemedewerker"),
    ("63712700", "verkeersregelaars verkeersbegeleiding verkeer regelen bij evenementen"),
    ("63712400", "parkeerbeheer parkeerplaatsen controleren parkeercontrole fietsenstalling beheer"),
    # Street cleaning, litter, bulky waste, reuse.
    ("90610000", "straatreiniging straten vegen vegen pleinen stoepen schoonhouden veegwerk"),
    ("90511000", "afval ophalen grofvuil ophalen huisvuil inzamelen"),
    ("90513000", "afvalverwerking"),
    ("90511000", "prullenbakken legen afvalbakken legen vuilnisbakken legen"),
    ("90610000", "zwerfvuil prikken zwerfafval opruimen zwerfvuilprikkers"),
    ("90600000", "openbare ruimte schoonhouden buitenruimte schoon reinigen van de wijk"),
    ("90514000", "kringloop kringloopwinkel hergebruik tweedehands spullen opknappen"),
    # Laundry, linen, sewing.
    ("98310000", "wasserij wassen strijken vouwen linnen beddengoed handdoeken werkkleding"),
    ("98311000", "was ophalen en terugbrengen wasservice linnenservice"),
    ("98310000", "strijken strijkservice"),
    ("98393000", "kleermakerij naaien naaiatelier kleding repareren verstellen gordijnen naaien"),
    (
        "50830000",
        "kledingreparatie kleding herstellen verstelwerk ritsen vervangen broeken inkorten textiel herstellen",
    ),
    # Childcare, after-school care.
    ("85312110", "kinderopvang kinderdagverblijf opvang van baby's en peuters peuterspeelzaal crèche"),
    ("85312110", "buitenschoolse opvang bso naschoolse opvang vakantieopvang gastouder"),
    ("92331210", "kinderactiviteiten speelactiviteiten knutselen spelen"),
    ("80110000", "voorschoolse educatie peuters"),
    # Neighbours of these trades that resident companies also take on.
    ("79952000", "evenementen organiseren buurtfeest evenementenorganisatie"),
    ("64120000", "pakketbezorging pakketjes bezorgen post bezorgen boodschappen bezorgen koeriersdienst fietskoerier"),
    ("50100000", "fietsenmaker fietsreparatie fietsen repareren"),
    (
        "50850000",
        "meubels repareren meubelreparatie meubelmaker meubelmakerij stofferen stoffeerder meubels opknappen",
    ),
    ("98341130", "huismeesterdiensten"),
    ("92000000", "buurthuis sport en spel recreatie"),
    ("45400000", "afbouw afwerking van gebouwen"),
    # The same trades in English, German and French: a company may describe itself in them, and without them their
    # generic words ("work", "Arbeit", "travaux") pointed at construction, the CPV labels' most common word.
    ("77310000", "grounds maintenance mowing grass cutting lawns weeding gardening park upkeep green spaces"),
    ("77340000", "pruning hedge trimming tree care shrubs"),
    ("77310000", "Grünpflege Rasen mähen Mäharbeiten Unkraut jäten Gartenpflege Parkpflege Grünanlagen pflegen"),
    ("77340000", "Baumschnitt Hecken schneiden Gehölzpflege Sträucher schneiden"),
    ("77310000", "entretien des espaces verts tonte tondre la pelouse désherbage jardinage entretien des parcs"),
    ("77340000", "taille des haies élagage taille des arbres arbustes"),
    ("90910000", "cleaning cleaners office cleaning cleaning schools stairwells mopping vacuuming window cleaning"),
    ("90910000", "Reinigung Gebäudereinigung Büroreinigung Unterhaltsreinigung Treppenhausreinigung Fenster putzen"),
    ("90910000", "nettoyage ménage nettoyage de bureaux nettoyage des écoles cages d'escalier lavage des vitres"),
    ("55520000", "catering meals lunches buffets cooking community kitchen canteen school meals meals on wheels"),
    ("55520000", "Catering Mahlzeiten Mittagessen kochen Stadtteilküche Kantine Schulverpflegung Essen auf Rädern"),
    (
        "55520000",
        "restauration traiteur repas déjeuners cuisine de quartier cantine restauration scolaire portage de repas",
    ),
    ("45442100", "painting decorating painter interior painting exterior painting"),
    ("45453000", "handyman small repairs maintenance of homes and schools doors window frames floors tiling"),
    ("45442100", "Malerarbeiten streichen Maler Anstrich Innenanstrich Fassadenanstrich"),
    ("45453000", "Hausmeisterservice kleine Reparaturen Instandhaltung Türen Fenster Böden Fliesen legen"),
    ("45442100", "peinture peintre travaux de peinture intérieure et extérieure"),
    ("45453000", "petits travaux réparations entretien des logements portes fenêtres sols carrelage bricolage"),
    (
        "85312510",
        "reintegration into work long-term unemployed back into work job coaching work experience employability",
    ),
    ("79620000", "secondment placing people with employers supply of staff temporary staff"),
    (
        "85312510",
        "Wiedereingliederung Langzeitarbeitslose zurück in Arbeit Jobcoaching Arbeitsgelegenheiten Qualifizierung",
    ),
    ("79620000", "Arbeitnehmerüberlassung Personal überlassen Beschäftigte verleihen"),
    (
        "85312510",
        "insertion professionnelle retour à l'emploi demandeurs d'emploi accompagnement vers l'emploi "
        "chantier d'insertion",
    ),
    ("79620000", "mise à disposition de personnel intérim salariés mis à disposition"),
    ("60130000", "school transport pupil transport minibus transport for disabled people wheelchair transport"),
    ("60130000", "Schülerbeförderung Fahrdienst Kleinbus Behindertenfahrdienst Rollstuhlbeförderung"),
    ("60130000", "transport scolaire transport de personnes handicapées minibus transport adapté"),
    ("85312400", "home help support at home day activities day centre companionship"),
    ("85312400", "Haushaltshilfe Betreuung zu Hause Tagesbetreuung Alltagsbegleitung"),
    ("85312400", "aide à domicile aide ménagère accueil de jour accompagnement à domicile"),
    ("79713000", "security guards guarding stewards caretakers patrols concierge"),
    ("79713000", "Wachdienst Bewachung Sicherheitsdienst Ordner Hausmeister Streifendienst"),
    ("79713000", "gardiennage surveillance agents de sécurité gardiens médiateurs rondes"),
    ("90610000", "street cleaning sweeping litter picking emptying litter bins"),
    ("90610000", "Straßenreinigung kehren Müll sammeln Papierkörbe leeren"),
    ("90610000", "propreté urbaine balayage des rues ramassage des déchets vider les corbeilles"),
    ("98310000", "laundry washing ironing linen sewing alterations repairs of clothes"),
    ("98310000", "Wäscherei waschen bügeln Wäsche Nähen Änderungsschneiderei"),
    ("98310000", "blanchisserie lavage repassage linge couture retouches"),
    ("85312110", "childcare nursery after-school care playgroup"),
    ("85312110", "Kinderbetreuung Kita Kindertagesstätte Hort Nachmittagsbetreuung"),
    ("85312110", "garde d'enfants crèche accueil périscolaire halte-garderie"),
    ("50100000", "bicycle repair bike repair bicycles bikes cycle workshop"),
    ("50100000", "Fahrradreparatur Fahrradwerkstatt Fahrräder reparieren"),
    ("50100000", "réparation de vélos atelier vélo"),
    ("50850000", "furniture repair upholstery reupholstering furniture restoration"),
    ("50850000", "Möbelreparatur Polsterei Möbel aufarbeiten Polsterarbeiten"),
    ("50850000", "réparation de meubles tapissier rembourrage restauration de meubles"),
)

# Words that say how work is done, or how much of it, but not what work: "wij herstellen kleding" is a tailor, and
# "herstellen" alone pointed at road repair ("Herstellen van wegen"), "toezicht" at the supervision of methane. A
# branch needs a word of its own beyond these, unless no branch has one: then the likeliest stands on what there is.
_HOW_NOT_WHAT_WORDS: dict[str, str] = {
    "nl": "herstellen herstel repareren reparatie reparaties onderhouden onderhoud maken toezicht verzorgen leveren "
    "doen werken klein kleine groot grote oud oude nieuw nieuwe",
    "en": "repair repairs repairing maintain maintaining maintenance make making supervision supervise provide "
    "small large old new",
    "de": "reparieren reparatur reparaturen instandhaltung warten wartung machen aufsicht kleine große alte neue",
    "fr": "réparer réparation réparations entretenir entretien faire surveillance petits petites grands anciens "
    "vieux nouveaux",
}
HOW_NOT_WHAT: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _HOW_NOT_WHAT_WORDS.items()
}

# Words a company uses about whom it works for, where and when, not about what work it does. Every resident company
# writes them ("bewoners uit de wijk", "ouderen", "kinderen", "elke week"), and the notices the CPV model learns
# from tie them to the social services bought *for* those people: a neighbourhood bus "brengt ouderen naar de
# dagbesteding" and was read as day care. A company's own description is read without them; notices are not.
_NOT_THE_WORK_WORDS: dict[str, str] = {
    "nl": "mensen mens bewoners bewoner buurtbewoners wijkbewoners inwoners ouderen senioren kinderen kind jongeren "
    "jeugd gezinnen ouders huurders klanten vrijwilligers iedereen buurt buurten wijk wijken dorp stad thuis jaren "
    "jaar week weken dag dagen elke iedere samen",
    "en": "people residents resident neighbours elderly older children child young families parents tenants "
    "customers volunteers everyone neighbourhood neighborhood community local home years year week weeks day days "
    "every",
    "de": "menschen bewohner anwohner senioren kinder jugendliche familien eltern mieter kunden ehrenamtliche "
    "nachbarschaft viertel stadtteil jahre jahr woche tag jeden",
    "fr": "personnes habitants aînés âgées enfants jeunes familles parents locataires clients bénévoles quartier "
    "quartiers ans année semaine jour chaque",
}
NOT_THE_WORK: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _NOT_THE_WORK_WORDS.items()
}

# How a company is organised and who works there, not what work it does. "Sociale onderneming met mensen met een
# afstand tot de arbeidsmarkt: wij maken kantoren schoon" is a cleaning company; read with these words it came out
# as vocational rehabilitation, and the same words in notices are the social services bought for those people.
# Removed (as whole phrases, in any of the languages) before the description's work is read; a re-integration
# company keeps what it does ("jobcoach", "aan betaald werk helpen", "detachering").
_WORKFORCE: dict[str, str] = {
    "nl": "met een afstand tot de arbeidsmarkt, met afstand tot de arbeidsmarkt, afstand tot de arbeidsmarkt, "
    "afstand tot werk, sociale onderneming, sociale ondernemingen, sociaal ondernemer, sociaal ondernemers, "
    "sociale ondernemer, sociale ondernemers, bewonersbedrijf, bewonersbedrijven, buurtbedrijf, wijkbedrijf, "
    "sociaal werkbedrijf, leerwerkbedrijf, werkleerbedrijf, maatwerkbedrijf",
    "en": "social enterprise, social enterprises, community business, community businesses, "
    "far from the labour market, distant from the labour market, distance from the labour market, "
    "far from the labor market, distant from the labor market, distance from the labor market",
    "de": "sozialunternehmen, sozialbetrieb, inklusionsbetrieb, inklusionsunternehmen, arbeitsmarktferne, "
    "arbeitsmarktfernen",
    "fr": "entreprise sociale, entreprises sociales, entreprise d'insertion, entreprises d'insertion, "
    "éloignées de l'emploi, éloignés de l'emploi, éloignée de l'emploi, éloigné de l'emploi",
}
WORKFORCE_PHRASES: tuple[str, ...] = tuple(p for phrases in _WORKFORCE.values() for p in phrases.split(", "))


def _phrase(phrase: str) -> str:
    # Any run of white space between words (a description wraps its lines), either apostrophe ("d’insertion").
    return r"\s+".join(re.escape(word).replace("'", "['’]") for word in phrase.split())


# Longest first, so "met een afstand tot de arbeidsmarkt" goes whole rather than leaving "met een".
WORKFORCE = re.compile(
    r"\b(?:" + "|".join(_phrase(p) for p in sorted(WORKFORCE_PHRASES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# "Re-integratie" read as "re" and "integratie": systems integration (72227) among a re-integration company's work.
# Joined before the description is read, as the trade words also write it ("reintegratie").
REJOINED = re.compile(r"\b(re)-(?=integr)", re.IGNORECASE)
