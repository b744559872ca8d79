"""Implicit op seeds follow TF 1.15's rule: seeds and drawn values equal TF 1.15.5's, bit for bit.

The golden (tests/tf115/goldens/op_seeds.json) was written by tests/tf115/record_op_seeds.py
under TensorFlow 1.15.5; the graphs come from the same `op_seeds_graph.build`, so only the
seed rule and the random kernels are compared.
"""
import json
import os

import numpy as np
import pytest
from tensorflow.python.framework import random_seed

from tests.tf115 import op_seeds_graph
from tf1_graphs import seeding, tf

GOLDEN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tf115", "goldens", "op_seeds.json")


@pytest.fixture(scope="module")
def tf115():
    with open(GOLDEN) as golden:
        return json.load(golden)


def _same(recorded, golden):
    """Names whose seeds or values differ from the golden's (values bit for bit)."""
    return sorted(name for name in golden if recorded[name]["seeds"] != golden[name]["seeds"]
                  or not np.array_equal(np.asarray(recorded[name]["value"]), np.asarray(golden[name]["value"])))


@pytest.mark.parametrize("graph_seed", [1, 0])
def test_seeds_and_values_are_tf115s(tf115, graph_seed):
    assert _same(op_seeds_graph.record(tf, graph_seed), tf115[f"graph_seed_{graph_seed}"]) == []


def test_broken_twin_tf2_rule_differs(tf115, monkeypatch):
    """TF 2.21's own rule (a count of random ops) gives other seeds for every op without its own."""
    monkeypatch.setattr(random_seed, "get_seed", seeding.TF221_GET_SEED)
    differing = _same(op_seeds_graph.record(tf, 1), tf115["graph_seed_1"])
    assert differing == ["multinomial", "normal_first", "shuffle", "truncated_after_matmul"]


def test_no_graph_seed_stays_nondeterministic():
    """As in TF 1.15: without a graph seed, an op without its own seed gets (0, 0) attributes."""
    with tf.Graph().as_default():
        graph = tf.random_normal([2]).graph
        random_op = next(o for o in graph.get_operations() if o.type == "RandomStandardNormal")
        assert (random_op.get_attr("seed"), random_op.get_attr("seed2")) == (0, 0)
