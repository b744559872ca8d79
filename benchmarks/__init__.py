"""Timings of the faithful graphs beside their fast paths: `python -m benchmarks` (or `make bench`)."""
