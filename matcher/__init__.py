"""Matcher: pure functions that find inclusive clauses and score company-tender fit (no I/O)."""
