"""The benchmarks' fast paths compute what the faithful graphs compute.

The four ways `benchmarks.models.rnn_outputs` runs an LSTM get the same weights and the
same inputs: forward outputs must be bit-identical (rnn_decoder's static unroll, the
LSTMBlockCell kernel and the fused BlockLSTM kernel do the posts' arithmetic in the same
order), and one training step must move the weights alike (within 1e-6).
"""
import numpy as np
import pytest

from benchmarks.models import RNN_KINDS, rnn_outputs, sine_training_step
from tf1_graphs import tf


def _variables_of(scope):
    return sorted(tf.trainable_variables(scope), key=lambda v: v.op.name.split("/")[-1])  # bias, kernel


def test_every_rnn_kind_gives_bit_identical_outputs(session):
    inputs = tf.constant(np.random.default_rng(0).normal(size=(3, 7, 4)).astype(np.float32))
    outputs = {}
    for kind in RNN_KINDS:
        with tf.variable_scope(kind):
            outputs[kind] = rnn_outputs(kind, inputs, 6)
    session.run(tf.global_variables_initializer())
    reference = session.run(_variables_of("dynamic_rnn"))
    for kind in RNN_KINDS[1:]:
        session.run([v.assign(value) for v, value in zip(_variables_of(kind), reference)])
    values = session.run(outputs)
    for kind in RNN_KINDS[1:]:
        np.testing.assert_array_equal(values[kind], values["dynamic_rnn"], err_msg=kind)


def test_the_comparison_can_fail_when_weights_differ(session):
    inputs = tf.constant(np.ones((2, 3, 4), np.float32))
    with tf.variable_scope("a"):
        a = rnn_outputs("dynamic_rnn", inputs, 6)
    with tf.variable_scope("b"):
        b = rnn_outputs("fused", inputs, 6)
    session.run(tf.global_variables_initializer())  # independent random kernels
    first, second = session.run([a, b])
    assert np.abs(first - second).max() > 1e-3


@pytest.fixture(scope="module")
def trained_sine_weights():
    """The sine model's weights after 5 Adam steps, for every RNN kind from the same seed."""
    weights = {}
    for kind in RNN_KINDS:
        session, train = sine_training_step(kind, seed=0)
        with session:
            for _ in range(5):
                session.run(train)
            weights[kind] = session.run(sorted(session.graph.get_collection("trainable_variables"),
                                               key=lambda v: v.op.name.split("/")[-1]))
    return weights


def test_one_seed_trains_every_kind_alike(trained_sine_weights):
    for kind in RNN_KINDS[1:]:
        for got, want in zip(trained_sine_weights[kind], trained_sine_weights["dynamic_rnn"]):
            assert np.abs(got - want).max() <= 1e-6, kind
