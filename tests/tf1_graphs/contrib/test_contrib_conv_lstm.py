"""ConvLSTMCell and its 1-D, 2-D and 3-D forms against a NumPy 'SAME' cross-correlation LSTM.

float64 graphs, 3 steps of `dynamic_rnn` from a random state, every variable set to seeded
values; tolerance 1e-12 (observed ~1e-15: the same sums in another order).  Even kernel
sizes are included, where 'SAME' pads one more cell after than before.  Broken twins, which
must miss by more than 1e-3: the kernel flipped (a true convolution), and the gates in
another order.
"""
import numpy as np
import pytest

from contrib_cell_step import cell_step, max_diff, shapes, sigmoid, unroll
from tf1_graphs import tf
from tf1_graphs.contrib import conv_lstm

BATCH, TIME = 2, 3
F64_ATOL, BROKEN_MIN = 1e-12, 1e-3


def conv_same(x, kernel):
    """Stride-1 'SAME' cross-correlation of x [batch, *space, in] with kernel [*k, in, out]."""
    sizes = kernel.shape[:-2]
    pads = [(0, 0)] + [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in sizes] + [(0, 0)]
    padded = np.pad(x, pads)
    out = 0.0
    for offset in np.ndindex(*sizes):
        window = tuple(slice(o, o + n) for o, n in zip(offset, x.shape[1:-1]))
        out = out + padded[(slice(None),) + window] @ kernel[offset]
    return out


def ref_conv_lstm(x, state, v, broken=None, forget_bias=1.0, skip=False):
    c, h = state
    kernel = v["kernel"]
    if broken == "flipped":
        kernel = kernel[tuple(slice(None, None, -1) for _ in kernel.shape[:-2])]
    gates = conv_same(np.concatenate([x, h], -1), kernel) + v.get("biases", 0.0)
    i, j, f, o = np.split(gates, 4, -1)
    if broken == "gate order":
        i, f = f, i
    c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    h = np.tanh(c) * sigmoid(o)
    if skip:
        h = np.concatenate([h, x], -1)
    return h, (c, h)


CASES = {  # name: (cell, input_shape, output channels, kernel shape)
    "1d": (conv_lstm.Conv1DLSTMCell, [5, 2], 3, [3]),
    "2d-even-kernel": (conv_lstm.Conv2DLSTMCell, [3, 4, 2], 2, [3, 2]),
    "3d": (conv_lstm.Conv3DLSTMCell, [2, 3, 2, 1], 2, [2, 3, 1]),
}


def _random_state(rng, space, channels):
    return tf.nn.rnn_cell.LSTMStateTuple(*rng.normal(size=(2, BATCH, *space, channels)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_conv_lstm_matches_numpy_reference_and_broken_twins_do_not(session, name):
    make, input_shape, channels, kernel_shape = CASES[name]
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(BATCH, TIME, *input_shape))
    state = _random_state(rng, input_shape[:-1], channels)
    cell = make(input_shape=input_shape, output_channels=channels, kernel_shape=kernel_shape)
    actual = cell_step(session, cell, inputs, state, over_time=True)
    outputs, final, v = actual
    assert shapes(v) == {"kernel": kernel_shape + [input_shape[-1] + channels, 4 * channels],
                         "biases": [4 * channels]}
    assert max_diff((outputs, final), unroll(ref_conv_lstm, inputs, state, v)) <= F64_ATOL
    for broken in ("flipped", "gate order"):
        assert max_diff((outputs, final), unroll(ref_conv_lstm, inputs, state, v, broken)) > BROKEN_MIN


def test_skip_connection_without_bias_appends_the_input(session):
    """One step: output (and the state's h) = [LSTM output, input] along the channels."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(BATCH, 3, 3, 2))
    state = _random_state(rng, [3, 3], 4)
    cell = conv_lstm.ConvLSTMCell(2, [3, 3, 2], 4, [3, 3], use_bias=False, skip_connection=True,
                                  forget_bias=0.5)
    out, new_state, v = cell_step(session, cell, x, state)
    assert shapes(v) == {"kernel": [3, 3, 6, 16]}
    expected = ref_conv_lstm(x, state, v, forget_bias=0.5, skip=True)
    assert out.shape == (BATCH, 3, 3, 6)
    assert max_diff((out, new_state), expected) <= F64_ATOL
    assert max_diff((out, new_state), ref_conv_lstm(x, state, v, skip=True)) > BROKEN_MIN


def test_names_sizes_and_zero_state(graph):
    cells = [conv_lstm.Conv1DLSTMCell(input_shape=[5, 2], output_channels=3, kernel_shape=[3]),
             conv_lstm.Conv2DLSTMCell(input_shape=[4, 4, 2], output_channels=3, kernel_shape=[3, 3],
                                      skip_connection=True),
             conv_lstm.Conv3DLSTMCell(input_shape=[2, 2, 2, 1], output_channels=3,
                                      kernel_shape=[1, 1, 1]),
             conv_lstm.ConvLSTMCell(1, [5, 2], 3, [3])]
    assert [c.name for c in cells] == ["conv_1d_lstm_cell", "conv_2d_lstm_cell",
                                       "conv_3d_lstm_cell", "conv_lstm_cell"]
    assert cells[1].state_size.c == tf.TensorShape([4, 4, 3])
    assert cells[1].output_size == tf.TensorShape([4, 4, 5])
    zero = cells[2].zero_state(BATCH, tf.float32)
    assert [z.shape.as_list() for z in zero] == [[BATCH, 2, 2, 2, 3]] * 2


def test_bad_arguments_raise_as_in_tf115(graph):
    with pytest.raises(ValueError, match=r"Invalid input_shape \[4, 2\] for conv_ndims=2\."):
        conv_lstm.ConvLSTMCell(2, [4, 2], 3, [3, 3])
    cell = conv_lstm.ConvLSTMCell(1, [5, 2], 3, [3])
    flat = tf.zeros([BATCH, 2])
    with pytest.raises(ValueError, match="Conv Linear expects 3D, 4D or 5D arguments"):
        cell(flat, (flat, flat))
