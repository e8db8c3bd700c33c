"""People a service is bought *for*, in the languages of the corpus, and the branches of work that serve them.

Re-integration, job coaching and the training of jobseekers share their CPV codes with work for anyone: a course for
sports instructors is 80530000 like a course that takes the unemployed back to work, temporary staff for a waste
plant is 79620000 like the secondment of people far from work. Home help for the elderly, day care for children, a
children's home and refugee casework are all social work (85300000) to a buyer who codes no deeper. What tells them
apart is whom the service is for, and notices name them in their own language. A company that says whom it serves
("buurtbewoners die al lang thuis zitten weer aan het werk") fits such a branch fully only where the notice names
those people too.

Stems are lower case and match anywhere in a word ("werkzoekenden", "Langzeitarbeitslose", "pitkäaikaistyöttömät"),
so a stem must not start or hide in common other words: "werklo" would find every "werklocatie", "bijstand" every
"juridische bijstand", a Slovak "uchádzač" is any bidder, "child" is in "schilder", "beperking" limits liability,
"âgés de 3 mois" are babies, "copii" are also copies and a "Verkehrsbehinderung" is a traffic jam. Everyday phrases
("into work") and such words ("kita", "met een beperking", "ouderen": not "pleegouderen") are found as whole words
only. Written from the trades of resident companies and the words public buyers use for these people; as data, like
the clause rules.
"""

from __future__ import annotations

AUDIENCE_WORDS: dict[str, tuple[str, ...]] = {
    "jobseekers": (
        # nl: as buyers and as companies write it
        "werkzoekend", "werkloos", "werkloz", "uitkeringsgerechtigd", "bijstandsgerechtigd", "bijstandsuitkering",
        "afstand tot de arbeidsmarkt", "re-integratie", "reintegratie", "re-integreren", "participatiewet",
        "betaalde baan", "jobcoach",
        # en
        "jobseeker", "job seeker", "job-seeker", "unemploy", "employability", "far from the labour market",
        "labour market integration",
        # de
        "arbeitslos", "arbeitsuchend", "arbeitssuchend", "erwerbslos", "jobcenter", "wiedereingliederung",
        "eingliederung in arbeit", "eingliederung in den arbeitsmarkt", "arbeitsmarktintegration",
        # fr
        "demandeur d'emploi", "demandeurs d'emploi", "demandeur d’emploi", "demandeurs d’emploi", "chômeu",
        "chomeu", "chômage", "chomage", "recherche d'emploi", "recherche d’emploi", "recherche d'un emploi",
        "recherche d’un emploi", "insertion professionnelle", "insertion sociale et professionnelle",
        "retour à l'emploi", "retour à l’emploi", "retour vers l'emploi", "retour vers l’emploi", "pôle emploi",
        "france travail", "éloignées de l'emploi", "éloignées de l’emploi", "exclus du marché du travail",
        # other languages of the corpus
        "desemplead", "demandantes de empleo", "búsqueda de empleo", "inserción laboral", "inserción sociolaboral",
        "disoccupat", "inserimento lavorativo", "reinserimento lavorativo", "in cerca di occupazione",
        "bezrobotn", "poszukujących pracy", "aktywizacji zawodowej", "aktywizacja zawodowa", "työtön", "työttöm",
        "työnhakij", "kuntouttava työtoiminta", "arbetslös", "arbetssökande", "desempregad", "arbejdsløs",
        "nezaměstnan", "uchazeč o zaměstnání", "uchazečů o zaměstnání", "uchádzač o zamestnanie",
        "uchádzačov o zamestnanie", "nezamestnan", "șomer", "şomer", "álláskeres", "munkanélküli",
        "ανέργ", "безработн", "bedarb", "bezdarbniek", "nezaposlen", "brezposeln", "töötute", "töötuid",
        "tööturuteenus", "tööotsi",
    ),
    # Children: day care, pre-school, after-school care. As the words go, youth care ("Kinder- und Jugendhilfe",
    # "kinderbescherming") names children too: the trade words and codes tell those apart, not whom they are for.
    "children": (
        "kinder", "peuter", "baby", "kleuter", "buitenschoolse opvang",
        "toddler", "pre-school", "preschool",
        "kinderkrippe", "kindertagespflege", "vorschul",
        "enfant", "enfance", "crèche", "creche", "garderie", "périscolaire", "periscolaire", "accueil de loisirs",
        "bambin", "infanzia", "asilo nido", "niños", "niñas", "guardería", "guarderia", "escuela infantil",
        "dzieci", "żłob", "przedszk", "děti", "dětí", "dětsk", "mateřská škola", "mateřské škol", "jesle", "jeslí",
        "detí", "detsk", "materská škola", "materské škol", "gyermek", "gyerek", "bölcsőd", "óvod", "creșă",
        "creşă", "creșe", "creşe", "grădiniț", "grădiniţ", "päiväko", "varhaiskasvat", "esiopet", "barnomsorg",
        "förskol", "børn", "vuggestue", "børnehave", "παιδι", "παιδί", "νηπιαγωγ", "βρεφονηπιακ", "деца", "детск",
        "otrok", "vrtec", "vrtc", "djec", "vrtić", "vaikų", "vaikai", "bērn", "lasteaed", "lasteaia", "crianças",
        "infância",
    ),
    "elderly": (
        "ouderenzorg", "ouderenwerk", "senioren", "bejaard", "thuiszorg",
        "elderly", "older people", "older adults", "older persons", "aged care",
        "ältere menschen", "älterer menschen", "altenpfleg", "altenhilf", "altenheim", "pflegebedürftig",
        "seniorenheim",
        "personnes âgées", "personne âgée", "personnes agées", "ehpad", "maintien à domicile",
        "anzian", "terza età", "personas mayores", "tercera edad", "osób starszych", "osoby starsze",
        "osobom starszym", "seniorów", "seniorů", "ikäänty", "ikäihmi", "vanhus", "vanhuks", "kotihoi",
        "äldreomsorg", "äldreboend", "ældrepleje", "ældrebolig", "vârstnic", "idősek", "idős emberek",
        "ηλικιωμέν", "pessoas idosas",
    ),
    "disabled": (
        "gehandicapt", "handicap", "disabled", "menschen mit behinderung", "behindertenhilfe",
        "eingliederungshilfe", "disabil", "discapacidad", "discapacitad", "niepełnospraw", "zdravotně postižen",
        "zdravotne postihnut", "zdravotným postihnutím", "fogyatékos", "dizabilit", "vammais", "kehitysvamm",
        "funktionsneds", "funktionshind", "αναπηρ", "pessoas com deficiência", "neįgal", "хора с увреждания",
    ),
}  # fmt: skip
# Phrases of everyday words, found only as whole words: "into work" is not "into workflows", "zonder werk" not
# "zonder werkonderbreking".
AUDIENCE_PHRASES: dict[str, tuple[str, ...]] = {
    "jobseekers": (
        "zonder werk", "weer aan het werk", "aan het werk helpen", "naar betaald werk", "route naar werk",
        "naar een baan", "in de bijstand", "out of work", "back to work", "into work", "into employment",
    ),
    "children": ("kdv", "child", "children", "childcare", "child care", "childminding", "childminder", "kita", "kitas",
                 "lapsi", "lapset", "lapsille", "lapsia", "för barn", "barnen"),
    "elderly": ("ouderen", "wmo", "seniors", "senior citizens", "ancianos", "ancianas", "idosos", "idosas"),
    "disabled": ("met een beperking", "met beperkingen", "special needs", "learning disabilities", "behinderte",
                 "behinderten", "mit behinderungen", "com deficiência"),
}  # fmt: skip

# Branches (CPV prefixes) whose work is a service to the audience: for a company naming the audience, its codes in
# (or above) these branches fit fully only a notice that names the audience as well.
AUDIENCE_WORK: dict[str, tuple[str, ...]] = {
    "jobseekers": ("7961", "7962", "85312", "8053"),  # job search, secondment, social work, vocational training
    "children": ("853", "8011", "9233121"),  # social work and day care, pre-school education, children's animation
    "elderly": ("853", "9851331"),  # social work and day care, home help
    "disabled": ("853", "9851331"),
}
# Audiences whose branches are one service coded as buyers please: where a notice names them, a company's branches
# for them count alike (a company read as seconding jobseekers is as fit for coaching them coded as training). Care
# for children or the elderly is coded by what it is (day care, welfare, home help): there the codes keep their order.
ALIKE: frozenset[str] = frozenset({"jobseekers"})
