"""TF 1.x's op seeds, and one call that makes a graph-mode run bit-reproducible in any process.

TF 1.15 gives a random op without a seed of its own the op seed `graph._last_id`: the number
of ops the graph held when the op was made.  TF 2.21 counts random ops per graph instead, so
the same program draws other numbers.  `use_tf1_op_seeds` puts TF 1.15's rule back (an
explicit op seed, and a graph without a seed, behave as before in both); with it and a graph
built op for op as TF 1.15 builds it, a seeded program draws TF 1.15's numbers.

FACTS.md's seeding trap: with tf-keras, a legacy cell's default kernel initializer takes
its seed from Python's `random` when TF 2 behaviour is on (`disable_eager_execution` alone),
so `set_random_seed` does not fix the LSTM weights across processes.  tf1_graphs turns all
v2 behaviour off, which makes the graph seed govern those initializers again (tested), and
`seed_everything` also seeds Python and NumPy, which the recipes use for data and shuffling.
"""
import contextlib
import random

import numpy as np
import tensorflow as tf
from tensorflow.python.eager import context
from tensorflow.python.framework import ops, random_seed

TF221_GET_SEED = random_seed.get_seed  # TF 2.21's own: its rule where both agree, and the tests' broken twin


def tf1_get_seed(op_seed):
    """TF 1.15's `get_seed` in graph mode: a missing op seed is the graph's op count (`Graph.version`)."""
    graph = ops.get_default_graph()
    if context.executing_eagerly() or graph.seed is None or op_seed is not None:
        return TF221_GET_SEED(op_seed)  # the same in TF 1.15 and 2.21
    seeds = random_seed._truncate_seed(graph.seed), random_seed._truncate_seed(graph.version)
    return (0, random_seed._MAXINT32) if seeds == (0, 0) else seeds


def use_tf1_op_seeds():
    """Every graph from now on takes its implicit op seeds as TF 1.15 did (idempotent)."""
    from tf1_graphs._rebind import rebind  # here: tests/tf115/shim loads this file under TF 1.15, without it

    rebind({TF221_GET_SEED: tf1_get_seed})


def seed_everything(seed):
    """Seed Python, NumPy and the current default graph; call it after `reset_default_graph`."""
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    tf.compat.v1.set_random_seed(seed)
    return seed


@contextlib.contextmanager
def seeded_graph(seed):
    """`with seeded_graph(seed) as graph:` a fresh default graph, seeded before its first variable."""
    graph = tf.Graph()
    with graph.as_default():
        seed_everything(seed)
        yield graph
