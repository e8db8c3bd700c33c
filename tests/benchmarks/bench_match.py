"""Matching: the whole ``kansenradar match`` for 1 000 companies x 10 000 notices, against the bare TF-IDF product.

Notices: the shared real ones repeated to 10 000 (crawled and analysed first, not timed); companies: 1 000 profiles
written from real notice texts. Floor: fitting the project's TF-IDF vectoriser on the same notice texts and the
sparse product of companies x notices, made dense. Measured: the command a user runs (``match --quiet``: model fit,
scoring, reasons, storage; start-up included), first in full, then after 100 new notices (incremental). The
``analyse`` run before it (clauses in every notice) is timed too, as the whole command.
Goals: full at most 3x the floor; incremental at most 10 % of the full run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from jobs.match_profiles import profile_of
from matcher.text import fit_text_model
from storage.db import get_engine, session_scope
from storage.records import CompanyProfile, NoticeRecord
from storage.repository import list_notices
from tests.benchmarks.corpus import kansenradar, last_counts, write_companies, write_notices
from tests.parallelism import cores
from tests.shared import SHARED_DATA

NOTICES, COMPANIES, NEW = 10_000, 1_000, 100


def _floor(database: Path, companies: Path) -> float:
    from matcher.tenders import notice_text

    engine = get_engine(f"sqlite:///{database}")
    with session_scope(engine) as session:
        texts = [notice_text(NoticeRecord.model_validate(n.record))
                 for n in list_notices(session=session, current_only=True)]  # fmt: skip
    engine.dispose()
    profiles = [profile_of(CompanyProfile.model_validate(c)) for c in yaml.safe_load(companies.read_text())]
    start = time.perf_counter()
    model = fit_text_model(texts)
    (model.vectors([p.description for p in profiles]) @ model.vectors(texts).T).toarray()
    return time.perf_counter() - start


def run() -> list[str]:
    """Measure and return report lines."""
    if not (SHARED_DATA / "notices").is_dir():
        return [f"matching: skipped, {SHARED_DATA} not found"]
    with tempfile.TemporaryDirectory() as tmp:
        database, folder, fresh = Path(tmp) / "match.db", Path(tmp) / "notices", Path(tmp) / "new"
        companies = Path(tmp) / "companies.yaml"
        write_notices(folder, NOTICES, calls=True)
        write_companies(companies, COMPANIES)
        kansenradar(database, "crawl", "files", str(folder))
        kansenradar(database, "companies", "import", str(companies))
        analysed, _peak = kansenradar(database, "analyse")
        floor = _floor(database, companies)
        full, _peak = kansenradar(database, "match", "--quiet")
        scored = last_counts(database, "match").get("notices_scored", 0)
        write_notices(fresh, NEW, offset=NOTICES, calls=True)
        kansenradar(database, "crawl", "files", str(fresh))
        kansenradar(database, "analyse")
        incremental, _peak = kansenradar(database, "match", "--quiet")
        rescored = last_counts(database, "match").get("notices_scored", 0)
    return [
        f"matching: `match` for {COMPANIES} companies x {NOTICES} real notices ({COMPANIES * NOTICES / 1e6:.0f} M "
        f"pairs) in SQLite, {cores()} cores",
        f"  floor, TF-IDF fit + sparse product to dense: {floor:6.2f} s",
        f"  `kansenradar match`, full (fit, score, reasons, store): {full:6.2f} s  ({full / floor:.1f}x floor); "
        f"{scored} open notices scored",
        f"  after {NEW} new notices, incremental:                {incremental:6.2f} s  "
        f"({incremental / full:.0%} of the full run); {rescored} notices scored",
        f"  (before matching: `kansenradar analyse` on the {NOTICES} notices: {analysed:6.2f} s, "
        f"{analysed / NOTICES * 1000:.2f} ms/notice; clause detection itself is measured under clauses)",
    ]
