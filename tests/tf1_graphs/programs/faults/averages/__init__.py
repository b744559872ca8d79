"""A package run with `python -m averages`."""
