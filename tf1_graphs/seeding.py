"""One call that makes a graph-mode run bit-reproducible, in this process or any other.

`tf.set_random_seed` alone is not enough on current TensorFlow: with tf-keras, the legacy
cells' default kernel initializer takes its seed from Python's `random` (FACTS.md, the
seeding trap), so Python's, NumPy's and the graph's generators must all be seeded, and
after the graph the model will live in has become the default one.
"""
import random

import numpy as np
import tensorflow as tf


def seed_everything(seed):
    """Seed Python, NumPy and the current default graph; call it after `reset_default_graph`."""
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    tf.compat.v1.set_random_seed(seed)
    return seed
