"""Reporting for the benchmarks: result rows with their spread and ratio, the machine, the table.

Every comparison is timed side by side in one process (recipes.timing) and reported
as a ratio to its baseline.  Spread is min-max over the repeats; ratios use the medians.
"""
import os
import platform

import numpy as np


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    import tensorflow as tf

    return {"cpu": cpu_model(), "cores": os.cpu_count(), "tensorflow": tf.__version__,
            "numpy": np.__version__, "python": platform.python_version(), "system": platform.platform(),
            "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)")}


def row(benchmark, variant, stats, per, unit, baseline=None, note=""):
    """A result row: the median and spread expressed as `unit` (time per `per` items, or items/s)."""
    entry = {"benchmark": benchmark, "variant": variant, "unit": unit, "per": per, "note": note,
             "seconds": {k: stats[k] for k in ("median", "min", "max")}}
    if unit.endswith("/s"):
        entry.update(median=per / stats["median"], low=per / stats["max"], high=per / stats["min"])
    else:  # a time per item, in the unit's scale
        scale = {"ms": 1e3}.get(unit, 1e6)
        entry.update(median=scale * stats["median"] / per, low=scale * stats["min"] / per,
                     high=scale * stats["max"] / per)
    if baseline is not None:
        entry["ratio"] = baseline["median"] / stats["median"]  # > 1: faster than the baseline
    return entry


def markdown(rows, machine_info):
    lines = [f"Machine: {machine_info['cpu']}, {machine_info['cores']} cores; TensorFlow "
             f"{machine_info['tensorflow']}, NumPy {machine_info['numpy']}, Python {machine_info['python']}.", "",
             "| benchmark | variant | median | spread (min-max) | speed-up vs baseline | note |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['ratio']:.2f}x" if "ratio" in r else ""
        lines.append(f"| {r['benchmark']} | {r['variant']} | {_fmt(r['median'])} {r['unit']} | "
                     f"{_fmt(r['low'])}-{_fmt(r['high'])} | {ratio} | {r['note']} |")
    return "\n".join(lines) + "\n"


def _fmt(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
