"""A stand-in `tf1_graphs` that hands the recipes TensorFlow 1.15 itself (tests/tf115/record_recipes.py).

The recipes import `tf`, `seeded_graph` and `reference` from tf1_graphs; here `tf` is the real
TF 1.15.5, the seeding is what tf1_graphs.seeding does minus its TF 1.15 op-seed rule (TF 1.15
has it already), and `reference` is the project's own NumPy module, loaded from its file.
"""
import contextlib
import importlib.util
import os
import random
import sys

import numpy as np
import tensorflow as tf

_REFERENCE = os.path.join(os.path.dirname(__file__), *[os.pardir] * 4, "tf1_graphs", "reference.py")


def seed_everything(seed):
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    tf.set_random_seed(seed)
    return seed


@contextlib.contextmanager
def seeded_graph(seed):
    graph = tf.Graph()
    with graph.as_default():
        seed_everything(seed)
        yield graph


_spec = importlib.util.spec_from_file_location("tf1_graphs.reference", os.path.normpath(_REFERENCE))
reference = sys.modules["tf1_graphs.reference"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)
