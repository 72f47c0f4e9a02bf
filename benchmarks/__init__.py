"""Benchmarks: a synthetic tip generator and the `make bench` harness (see README)."""
