"""tf1_graphs builds TF 1.15's ops where TF 2.21 builds others, so seeded values are TF 1.15.5's, bit for bit.

The golden (tests/tf115/goldens/ops115.json) was written by tests/tf115/record_ops115.py under
TensorFlow 1.15.5 from the same builders (tests/tf115/ops115_graphs.py), graph seed 0.  Compared:
the op lists (type and name in creation order, seeds of random ops; `Add` and `AddV2` count as
one type, and gradients' grad_ys ops under one name), the variables' names and shapes, and the
values, the losses of three training steps included: bit for bit here, within TOLERANCE for
other CPUs (with oneDNN on, as TF_ENABLE_ONEDNN_OPTS=1 asks, conv2d_transpose's output differs
by 3.7e-9).  Each broken twin puts TF 2.21's own function back and must differ.
"""
import contextlib
import functools
import json
import os
import re

import numpy as np
import pytest
from tensorflow.python.framework import ops

from tests.tf115 import ops115_graphs
from tests.tf115.oplist import with_same_types
from tf1_graphs import tf, tf115_gradients, tf115_ops
from tf1_graphs._rebind import rebind

GOLDEN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tf115", "goldens", "ops115.json")
# Measured: every value equal bit for bit.  The margin is for other CPUs: TF 2.21's Eigen kernels
# round tanh, exp or a long sum otherwise than TF 1.15.5's (up to 4e-7 relative on large tensors
# here); a wrong seed or op moves a value by far more.
TOLERANCE = 1e-5
NAMES = [builder.__name__ for builder in ops115_graphs.BUILDERS]


@pytest.fixture(scope="module")
def tf115():
    with open(GOLDEN) as golden:
        return json.load(golden)["graphs"]


@functools.lru_cache(maxsize=None)
def _ours(name):
    return ops115_graphs.record(tf, getattr(ops115_graphs, name))


def _tf115_comparable(ops):
    """The op records with Add and AddV2 as one type, and the one naming TF 2.21 changed in every
    gradient graph (grad_ys_0/Const and Fill grad_ys_0 for TF 1.15's Const grad_ys_0 and Fill): same ops."""
    comparable = []
    for record in with_same_types(ops):
        name = record[1]
        if re.fullmatch(r"gradients(_\d+)?/(grad_ys_\d+(/Const)?|Fill(_\d+)?)", name):
            name = re.sub(r"/.*", "/grad_ys", name)
        comparable.append([record[0], name] + record[2:])
    return comparable


def _differing_values(ours, golden):
    """Names of values farther than TOLERANCE from the golden's."""
    return [name for name, expected in golden.items()
            if not np.allclose(np.asarray(ours[name]), expected, rtol=TOLERANCE, atol=TOLERANCE)]


@pytest.mark.parametrize("name", NAMES)
def test_ops_are_tf115s(tf115, name):
    assert _tf115_comparable(_ours(name)["ops"]) == _tf115_comparable(tf115[name]["ops"])


@pytest.mark.parametrize("name", NAMES)
def test_variables_and_seeded_values_are_tf115s(tf115, name):
    ours = _ours(name)
    assert ours["variables"] == tf115[name]["variables"]
    assert _differing_values(ours["values"], tf115[name]["values"]) == []


@pytest.mark.parametrize("op_type", ["AddV2", "Mean", "Mul", "Reshape", "SparseSoftmaxCrossEntropyWithLogits", "Sub", "Sum"])
def test_broken_twin_tf221_gradient_differs(tf115, op_type):
    """With TF 2.21's gradient function for one op type back, the training graph is not TF 1.15's.
    (`Add` shares AddV2's function; TF 1.15's `+` made AddV2 too.)"""
    registry = ops._gradient_registry._registry[op_type]
    registry["type"] = tf115_gradients.TF221[op_type]
    try:
        training = ops115_graphs.record(tf, ops115_graphs.mlp_training)["ops"]
    finally:
        registry["type"] = tf115_gradients._TF115_GRADIENTS[op_type]
    assert _tf115_comparable(training) != _tf115_comparable(tf115["mlp_training"]["ops"])


def test_broken_twin_perturbed_golden_is_caught(tf115):
    """Two ops swapped, or one value moved by 1e-4, must be seen."""
    golden = tf115["conv_layers"]
    swapped = list(golden["ops"])
    swapped[3], swapped[4] = swapped[4], swapped[3]
    assert _tf115_comparable(_ours("conv_layers")["ops"]) != _tf115_comparable(swapped)
    nudged = dict(golden["values"], after=np.asarray(golden["values"]["after"]) + 1e-4)
    assert _differing_values(_ours("conv_layers")["values"], nudged) == ["after"]


@contextlib.contextmanager
def _tf221_put_back(name):
    """TF 2.21's own `name` (a function, or `Class.method`) in place of tf1_graphs' TF 1.15 builder, for a while."""
    tf115_builder = {key: f for (_, key), f in tf115_ops._TF115.items()}.get(name)
    if tf115_builder is not None:
        rebind({tf115_builder: tf115_ops.TF221[name]})
        try:
            yield
        finally:
            rebind({tf115_ops.TF221[name]: tf115_builder})
        return
    cls, method = next((cls, method) for (cls, method) in tf115_ops._TF115_METHODS if
                       f"{cls.__name__}.{method}" == name)
    setattr(cls, method, tf115_ops.TF221[name])
    try:
        yield
    finally:
        setattr(cls, method, tf115_ops._TF115_METHODS[(cls, method)])


@pytest.mark.parametrize("tf221_name, builder", [
    ("random_uniform", "random_uniform_unit"), ("random_uniform", "initializers"),
    ("dropout_v2", "dropout"), ("split", "split_and_reduce"), ("_ReductionDims", "split_and_reduce"),
    ("clip_by_global_norm", "clip_by_global_norm"), ("tensordot", "dense_layers"),
    ("Conv.build", "conv_layers"), ("Conv.convolution_op", "conv_layers"), ("Conv2DTranspose.call", "conv_layers"),
    ("Flatten.call", "conv_layers")])
def test_broken_twin_tf221_builder_differs(tf115, tf221_name, builder):
    """(TF 2.21's v1 `dropout` alone has no twin: it calls the module's `dropout_v2`, TF 1.15's here.)"""
    with _tf221_put_back(tf221_name):
        ops = ops115_graphs.record(tf, getattr(ops115_graphs, builder))["ops"]
    assert _tf115_comparable(ops) != _tf115_comparable(tf115[builder]["ops"])
    rebuilt = ops115_graphs.record(tf, getattr(ops115_graphs, builder))["ops"]
    assert _tf115_comparable(rebuilt) == _tf115_comparable(tf115[builder]["ops"])  # TF 1.15's builder is back
