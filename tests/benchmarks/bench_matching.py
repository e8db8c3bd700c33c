"""Scoring 10 000 tenders x 1 000 companies against the bare sparse TF-IDF product of the same matrices.

Tenders are the shared real notices (and their lots) repeated to 10 000; companies are synthetic profiles written
from real notice texts (their title and description as what they do, their CPV division-and-group as codes, a
NUTS region and a capacity). Floor: ``P @ T.T`` of the already vectorised texts, made dense. Measured: the same
product plus every other part, the gates and the kinds (``score_all``). Goal: at most 2x the floor, under 10 s.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime

from crawler.parsers import parse_document
from matcher.scoring import score_all
from matcher.tenders import Profile, Tender, tenders_from_record
from matcher.text import fit_text_model
from tests.shared import SHARED_DATA

TENDERS, COMPANIES = 10_000, 1_000
REGIONS = ["NL32", "NL33", "NL41", "NL22", "BE2", "DE7", "FR1", ""]


def _real() -> list[Tender]:
    tenders = []
    for folder in ("eforms-real", "ted-xml"):
        for path in sorted((SHARED_DATA / "notices" / folder).glob("*.xml")):
            (record,) = parse_document(path.read_bytes(), name=path.name)
            tenders.extend(tenders_from_record(record.model_dump(mode="json"), {}))
    return tenders


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"matching: skipped, {SHARED_DATA} not found"]
    rng = random.Random(7)
    real = _real()
    tenders = [replace(real[n % len(real)], notice_id=f"{n}") for n in range(TENDERS)]
    profiles = []
    for n in range(COMPANIES):
        source = real[rng.randrange(len(real))]
        region = rng.choice(REGIONS)
        profiles.append(Profile(id=f"c{n}", description=source.text[:600], cpv=tuple(c[:4] for c in source.cpv[:2]),
                                regions=(region,) if region else (), max_value=rng.choice([1e5, 2.5e5, 5e5, 1e6]),
                                certifications=("VCA",) if n % 2 else (), min_score=0.3))  # fmt: skip
    model = fit_text_model([t.text for t in real])
    start = time.perf_counter()
    left = model.vectors([p.description for p in profiles])
    right = model.vectors([t.text for t in tenders])
    vectorise = time.perf_counter() - start
    start = time.perf_counter()
    text = (left @ right.T).toarray()
    floor = time.perf_counter() - start
    start = time.perf_counter()
    scores = score_all(
        profiles, tenders, model, as_of=datetime(2024, 1, 1, tzinfo=UTC), text=(left @ right.T).toarray()
    )
    elapsed = time.perf_counter() - start
    kept = int(((scores.kind > 0) & (scores.total >= 0.3)).sum())
    del text
    return [
        f"matching: {TENDERS} tenders x {COMPANIES} companies ({TENDERS * COMPANIES / 1e6:.0f} M pairs)",
        f"  vectorising the texts (both sides, once): {vectorise:6.2f} s",
        f"  floor, sparse TF-IDF product to dense:    {floor:6.2f} s",
        f"  score_all (product + every part + gates): {elapsed:6.2f} s  ({elapsed / floor:.1f}x floor)",
        f"  pairs kept (a match at or above 0.3): {kept}",
    ]
