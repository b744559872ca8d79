"""One call that makes a graph-mode run bit-reproducible, in this process or any other.

FACTS.md's seeding trap: with tf-keras, a legacy cell's default kernel initializer takes
its seed from Python's `random` when TF 2 behaviour is on (`disable_eager_execution` alone),
so `set_random_seed` does not fix the LSTM weights across processes.  tf1_graphs turns all
v2 behaviour off, which makes the graph seed govern those initializers again (tested), and
this function also seeds Python and NumPy, which the recipes use for data and shuffling.
"""
import contextlib
import random

from tf1_graphs import _runtime  # noqa: F401  (first: TensorFlow loads in graph mode, quietly)

import numpy as np
import tensorflow as tf


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
