"""Timing for measurements and benchmarks: medians with their spread, variants side by side.

Variants are timed in interleaved rounds, so that a slow spell of the machine hits all of
them alike, and compared by their medians.  Timings are reported, never pass/fail.
"""
import statistics
import time


def summary(samples):
    """{median, min, max, samples} of a list of seconds."""
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "samples": list(samples)}


def time_call(fn, repeats, warmup=1):
    """Seconds per call of `fn`, after `warmup` untimed calls (a graph's first run pays for its setup)."""
    return time_side_by_side({"fn": fn}, repeats, warmup)["fn"]


def time_side_by_side(variants, repeats, warmup=1):
    """{name: summary} for the callables {name: fn}, timed in interleaved rounds."""
    for fn in variants.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: summary(s) for name, s in samples.items()}
