"""Benchmark for compliance-lint: a seeded corpus generator and ``bench/run.py``."""
