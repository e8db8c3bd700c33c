"""The sectors where resident companies work, by CPV code: the coverage report's "missed opportunities".

A tender in one of these sectors without any inclusive clause is a missed opportunity: work a bewonersbedrijf
could do, or help do, that the notice does not open to them. Codes are CPV prefixes (a prefix covers every code
below it: ``773`` is all horticultural services); the README lists them too.
"""

from __future__ import annotations

from collections.abc import Iterable

from matcher.i18n import N_

# sector -> (name people read, CPV prefixes)
RESIDENT_SECTORS: dict[str, tuple[str, tuple[str, ...]]] = {
    # 773 horticultural services (green areas 7731, sports fields 7732, floral displays 7733, tree pruning and
    # hedge trimming 7734); 77211500 tree maintenance; 4511271 landscaping work for green areas.
    "green": (N_("Green maintenance"), ("773", "77211500", "4511271")),
    # 90910000 cleaning services; 90911 buildings and windows, 90914 car parks, 90918 bins, 90919 offices and
    # schools; 9061 street cleaning, 9064 gullies, 9068 beaches, 9069 graffiti; 90511300 litter collection;
    # 45452 exterior cleaning of buildings. Industrial cleaning (tanks, furnaces, tubular structures) is left out.
    "cleaning": (N_("Cleaning"), ("90910", "90911", "90914", "90918", "90919", "9061", "9064", "9068", "9069",
                                  "90511300", "45452")),  # fmt: skip
    # 5552 catering, 5551 canteens, 5530 restaurant and food-serving, 5532 meal serving and preparation, 5541 bars.
    "catering": (N_("Catering"), ("5552", "5551", "55300", "5532", "5541")),
    # 507 repair and maintenance of building installations (electrical and mechanical, heating, public
    # conveniences, ...); 50800000 miscellaneous repairs: 5082 leather goods, 5083 garments and textiles,
    # 5085 furniture, 5087 playground equipment (50870000), 5088 hotel and restaurant equipment; building
    # completion: 4542 joinery and carpentry, 4543 floors and walls, 4544 painting and glazing, 4545 other
    # completion work; 45261900 roof repair; 98341130 janitorial and 98341140 caretaker services.
    "repair": (N_("Repair and maintenance"), ("507", "50800", "5082", "5083", "5085", "5087", "5088", "4542", "4543",
                                              "4544", "4545", "45261900", "98341130", "98341140")),  # fmt: skip
    # 8531 social work (incl. 85312510 vocational rehabilitation), 8532 social services, 98513310 home help,
    # 7962 supply of personnel, 79611 job search, 8053 vocational training (re-integration trajectories).
    "care": (N_("Care and re-integration"), ("8531", "8532", "98513310", "7962", "79611", "8053")),
}  # fmt: skip


def resident_sector(codes: Iterable[str | None]) -> str | None:
    """Return the first resident-company sector any of the CPV codes falls in, or ``None``.

    >>> resident_sector(["45000000", "50870000"]), resident_sector(["90911200"]), resident_sector(["72000000"])
    ('repair', 'cleaning', None)
    """
    for code in codes:
        for sector, (_name, prefixes) in RESIDENT_SECTORS.items():
            if code and code.startswith(prefixes):
                return sector
    return None
