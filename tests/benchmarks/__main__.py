"""Run every benchmark and print its figures: ``python -m tests.benchmarks [name ...]``."""

from __future__ import annotations

import logging
import sys

from tests.benchmarks import bench_clauses, bench_ingest, bench_match, bench_memory

BENCHES = {"clauses": bench_clauses, "ingest": bench_ingest, "match": bench_match, "memory": bench_memory}

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    for name in sys.argv[1:] or list(BENCHES):
        for line in BENCHES[name].run():
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
