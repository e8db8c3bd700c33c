"""Run every benchmark and print its figures: ``python -m tests.benchmarks``."""

from __future__ import annotations

import logging
import sys

from tests.benchmarks import bench_clauses, bench_crawl, bench_matching, bench_storage

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    for bench in (bench_clauses, bench_matching, bench_storage, bench_crawl):
        for line in bench.run():
            sys.stdout.write(line + "\n")
