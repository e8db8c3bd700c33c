"""Benchmarks (`make bench`): speed and memory as ratios against a named floor, never asserted in tests."""
