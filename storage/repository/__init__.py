"""Repository functions: keyword-only, given a session, never committing (``session_scope`` does)."""

from storage.repository.companies import list_companies, to_profile, upsert_company
from storage.repository.notices import (
    Outcome,
    count_to_analyse,
    findings_of,
    get_notice,
    list_notices,
    lots_of,
    matches_of,
    notices_to_analyse,
    prune_matches,
    record_hash,
    replace_findings,
    to_record,
    upsert_match,
    upsert_notice,
)
from storage.repository.runs import (
    add_delivery,
    finish_job_run,
    get_delivery,
    job_runs,
    last_successful_run,
    start_job_run,
)

__all__ = [
    "Outcome",
    "add_delivery",
    "count_to_analyse",
    "findings_of",
    "finish_job_run",
    "get_delivery",
    "get_notice",
    "job_runs",
    "last_successful_run",
    "list_companies",
    "list_notices",
    "lots_of",
    "matches_of",
    "notices_to_analyse",
    "prune_matches",
    "record_hash",
    "replace_findings",
    "start_job_run",
    "to_profile",
    "to_record",
    "upsert_company",
    "upsert_match",
    "upsert_notice",
]
