"""The ops a builder makes, as TF 1.15.5 makes them and as tf1_graphs makes them, side by side.

TF 1.15 seeds an op without a seed of its own by the graph's op count, so every op created
before a random op must be TF 1.15's, in TF 1.15's order.  This tool lists a graph's ops and
diffs the lists of one builder run under both TensorFlows.  It runs under Python 3.7 (the TF
1.15 venv) and under the project's Python, and imports nothing of the project at top level.

A builder is `FILE.py:FUNCTION`, a function taking `tf` that builds into the default graph
(already seeded with graph seed 0).  From the repository root:

    /work/tf115/bin/python tests/tf115/oplist.py FILE.py:FUNCTION      # TF 1.15's list, JSON
    .venv/bin/python tests/tf115/oplist.py --tf1-graphs FILE.py:FUNCTION  # tf1_graphs' list
    .venv/bin/python tests/tf115/oplist.py --diff FILE.py:FUNCTION     # both, first differences
"""
import argparse
import difflib
import importlib.util
import json
import os
import subprocess
import sys

TF115_PYTHON = os.environ.get("TF115_PYTHON", "/work/tf115/bin/python")
RANDOM_ATTRS = ("seed", "seed2")
# Importing TensorFlow 2.21 sets TF2_BEHAVIOR=1, which would make TF 1.15 build resource variables.
_TF2_ENVIRONMENT = ("TF2_BEHAVIOR", "TF_USE_LEGACY_KERAS")
# One op under two type names (TF 1.15 itself makes both): no count, name or seed depends on which.
SAME_TYPES = {"AddV2": "Add"}


def op_records(graph):
    """[type, name] per op in creation order; random ops get [type, name, seed, seed2]."""
    records = []
    for op in graph.get_operations():
        record = [op.type, op.name]
        if all(attr in op.node_def.attr for attr in RANDOM_ATTRS):
            record += [op.get_attr(attr) for attr in RANDOM_ATTRS]
        records.append(record)
    return records


def load_builder(spec):
    """The function named by `FILE.py:FUNCTION`."""
    path, _, function = spec.rpartition(":")
    module_spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, function)


def build_records(builder, tf, graph_seed=0):
    """The op records of `builder(tf)` built in a fresh graph with `graph_seed`."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(graph_seed)
        builder(tf)
    return op_records(graph)


def tf115_records(spec, graph_seed=0):
    """`spec`'s op records under TF 1.15.5, from a subprocess of the TF 1.15 venv."""
    command = [TF115_PYTHON, os.path.abspath(__file__), "--graph-seed", str(graph_seed), spec]
    environment = {k: v for k, v in os.environ.items() if k not in _TF2_ENVIRONMENT}
    environment["TF_CPP_MIN_LOG_LEVEL"] = "3"
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=environment)
    if done.returncode:
        raise RuntimeError("TF 1.15 failed on %s:\n%s" % (spec, done.stderr[-3000:]))
    return json.loads(done.stdout)


def with_same_types(records):
    """The records with each op type in SAME_TYPES under its one name."""
    return [[SAME_TYPES.get(record[0], record[0])] + record[1:] for record in records]


def _line(record):
    return " ".join(str(field) for field in record)


def diff(tf115, ours, context=3):
    """Unified diff lines of two op-record lists ('-' TF 1.15, '+' tf1_graphs); empty when equal."""
    return list(difflib.unified_diff([_line(r) for r in tf115], [_line(r) for r in ours],
                                     "tf115", "tf1_graphs", n=context, lineterm=""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builder", help="FILE.py:FUNCTION, a function taking tf")
    parser.add_argument("--graph-seed", type=int, default=0)
    parser.add_argument("--tf1-graphs", action="store_true", help="list tf1_graphs' ops")
    parser.add_argument("--diff", action="store_true", help="diff TF 1.15's list against tf1_graphs'")
    parser.add_argument("--context", type=int, default=3)
    parser.add_argument("--same-types", action="store_true", help="Add and AddV2 alike")
    settings = parser.parse_args(argv)
    builder = load_builder(settings.builder)
    if not (settings.tf1_graphs or settings.diff):
        import tensorflow as tf
        json.dump(build_records(builder, tf, settings.graph_seed), sys.stdout)
        return 0
    from tf1_graphs import tf
    ours = build_records(builder, tf, settings.graph_seed)
    if settings.tf1_graphs:
        json.dump(ours, sys.stdout)
        return 0
    tf115 = tf115_records(settings.builder, settings.graph_seed)
    if settings.same_types:
        tf115, ours = with_same_types(tf115), with_same_types(ours)
    lines = diff(tf115, ours, settings.context)
    print("\n".join(lines) if lines else "same %d ops" % len(ours))
    print("ops: tf115 %d, tf1_graphs %d" % (len(tf115), len(ours)))
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
