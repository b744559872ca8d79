"""The NumPy reference against values worked out by hand, so the references are themselves checked."""
import numpy as np
import pytest

from tf1_graphs import reference as ref


def test_lstm_step_with_zero_weights_is_the_forget_bias_at_work():
    """All-zero kernel and bias: f = sigmoid(0 + 1), i = o = sigmoid(0) = 1/2, candidate j = tanh(0) = 0."""
    units, depth = 3, 2
    c = np.array([[1.0, -2.0, 0.5]])
    step = ref.lstm_step(np.ones((1, depth)), c, np.zeros((1, units)),
                         np.zeros((depth + units, 4 * units)), np.zeros(4 * units), forget_bias=1.0)
    f = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(step.c, f * c, rtol=0, atol=1e-15)
    np.testing.assert_allclose(step.h, 0.5 * np.tanh(f * c), rtol=0, atol=1e-15)


def test_split_lstm_kernel_reads_blocks_in_i_j_f_o_order():
    kernel = np.repeat(np.arange(4.0), 2)[None, :].repeat(3, axis=0)  # block k filled with k
    blocks = ref.split_lstm_kernel(kernel, np.arange(8.0))
    assert [blocks[g][0][0, 0] for g in "ijfo"] == [0, 1, 2, 3]
    np.testing.assert_array_equal(blocks["f"][1], [4.0, 5.0])


def test_gru_step_with_update_gate_closed_keeps_the_state():
    """A huge gates bias makes u = 1, so h' = h whatever the candidate is."""
    units, depth = 2, 3
    h = np.array([[0.3, -0.7]])
    gate_bias = np.full(2 * units, 50.0)
    rng = np.random.default_rng(0)
    new_h = ref.gru_step(rng.normal(size=(1, depth)), h, rng.normal(size=(depth + units, 2 * units)), gate_bias,
                         rng.normal(size=(depth + units, units)), np.zeros(units))
    np.testing.assert_allclose(new_h, h, atol=1e-12)


def test_cross_entropy_of_uniform_logits_is_log_k():
    logits = np.zeros((4, 7))
    np.testing.assert_allclose(ref.sparse_softmax_cross_entropy([0, 1, 2, 6], logits), np.log(7))
    np.testing.assert_allclose(ref.softmax_cross_entropy(np.eye(7)[[0, 1, 2, 6]], logits), np.log(7))


def test_log_softmax_is_stable_for_huge_logits():
    out = ref.log_softmax(np.array([[1000.0, 0.0]]))
    assert np.isfinite(out).all() and out[0, 0] == pytest.approx(0.0)


def test_stacked_lstm_feeds_each_layer_into_the_next():
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(2, 4, 3))
    layers = [(rng.normal(size=(3 + 2, 8)), rng.normal(size=8)), (rng.normal(size=(2 + 2, 8)), rng.normal(size=8))]
    top, finals = ref.stacked_lstm_sequence(inputs, layers)
    first, _, _ = ref.lstm_sequence(inputs, *layers[0])
    second, last, _ = ref.lstm_sequence(first, *layers[1])
    np.testing.assert_array_equal(top, second)
    np.testing.assert_array_equal(finals[1].h, last.h)
