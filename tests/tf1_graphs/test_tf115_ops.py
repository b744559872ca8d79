"""tf1_graphs builds TF 1.15's ops where TF 2.21 builds others, so seeded values are TF 1.15.5's, bit for bit.

The golden (tests/tf115/goldens/ops115.json) was written by tests/tf115/record_ops115.py under
TensorFlow 1.15.5 from the same builders (tests/tf115/ops115_graphs.py), graph seed 0.  Compared:
the op lists (type and name in creation order, seeds of random ops; `Add` and `AddV2` count as
one type), the variables' names and shapes, and the values: bit for bit, except the losses of
three training steps, whose softmax kernel and gradient graph are TF 2.21's (1.2e-7 measured).
Gradient graphs stay TF 2.21's (see tf1_graphs/tf115_ops.py), so training graphs are compared up
to their first `gradients/` op.  Each broken twin puts TF 2.21's own function back and must differ.
"""
import contextlib
import functools
import json
import os

import numpy as np
import pytest

from tests.tf115 import ops115_graphs
from tests.tf115.oplist import with_same_types
from tf1_graphs import tf, tf115_ops
from tf1_graphs._rebind import rebind

GOLDEN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tf115", "goldens", "ops115.json")
LOSS_TOLERANCE = 1e-6  # measured 1.19e-7 (one float32 ulp of a loss near 1) in step 2
NAMES = [builder.__name__ for builder in ops115_graphs.BUILDERS]


@pytest.fixture(scope="module")
def tf115():
    with open(GOLDEN) as golden:
        return json.load(golden)["graphs"]


@functools.lru_cache(maxsize=None)
def _ours(name):
    return ops115_graphs.record(tf, getattr(ops115_graphs, name))


def _forward(ops):
    """The ops before the first gradient op, with Add and AddV2 as one type."""
    gradient = next((i for i, op in enumerate(ops) if op[1].startswith("gradients/")), len(ops))
    return with_same_types(ops[:gradient])


def _differing_values(ours, golden):
    """Names of values not bit-equal to the golden's (losses: within LOSS_TOLERANCE)."""
    differing = []
    for name, expected in golden.items():
        value, expected = np.asarray(ours[name]), np.asarray(expected)
        same = (np.allclose(value, expected, rtol=0, atol=LOSS_TOLERANCE) if name == "losses"
                else np.array_equal(value, expected))
        if not same:
            differing.append(name)
    return differing


@pytest.mark.parametrize("name", NAMES)
def test_ops_are_tf115s(tf115, name):
    assert _forward(_ours(name)["ops"]) == _forward(tf115[name]["ops"])


@pytest.mark.parametrize("name", NAMES)
def test_variables_and_seeded_values_are_tf115s(tf115, name):
    ours = _ours(name)
    assert ours["variables"] == tf115[name]["variables"]
    assert _differing_values(ours["values"], tf115[name]["values"]) == []


def test_training_ops_differ_only_in_the_gradients(tf115):
    """What stays TF 2.21's: its gradient graph, here three ops fewer; every other op, Adam's too, is TF 1.15's."""
    ours, golden = _ours("mlp_training")["ops"], tf115["mlp_training"]["ops"]
    assert (len(golden), len(ours)) == (170, 167)

    def outside_gradients(ops):
        return with_same_types([op for op in ops if not op[1].startswith("gradients/")])
    assert outside_gradients(ours) == outside_gradients(golden)


def test_broken_twin_perturbed_golden_is_caught(tf115):
    """Two ops swapped, or one value moved by one ulp, must be seen."""
    golden = tf115["conv_layers"]
    swapped = list(golden["ops"])
    swapped[3], swapped[4] = swapped[4], swapped[3]
    assert _forward(_ours("conv_layers")["ops"]) != _forward(swapped)
    nudged = dict(golden["values"], after=np.nextafter(np.float32(golden["values"]["after"]), np.float32(9)))
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
    ("Conv.build", "conv_layers"), ("Conv.convolution_op", "conv_layers")])
def test_broken_twin_tf221_builder_differs(tf115, tf221_name, builder):
    """(TF 2.21's v1 `dropout` alone has no twin: it calls the module's `dropout_v2`, TF 1.15's here.)"""
    with _tf221_put_back(tf221_name):
        ops = ops115_graphs.record(tf, getattr(ops115_graphs, builder))["ops"]
    assert _forward(ops) != _forward(tf115[builder]["ops"])
    rebuilt = ops115_graphs.record(tf, getattr(ops115_graphs, builder))["ops"]
    assert _forward(rebuilt) == _forward(tf115[builder]["ops"])  # TF 1.15's builder is back
