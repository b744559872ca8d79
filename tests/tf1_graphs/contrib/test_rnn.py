"""TensorFlow's cells against the NumPy reference, and the fused cells against BasicLSTMCell.

Tolerances: float32 graphs against the float64 reference agree to 2e-6 on these small
sizes (observed about 1e-7); float64 graphs to 1e-12.  Each parity test has a broken
twin (gates swapped, forget bias dropped, a layer skipped) that must exceed the same tolerance.
"""
import numpy as np
import pytest

from recipes.claims import max_abs_diff
from tf1_graphs import reference as ref
from tf1_graphs import tf

BATCH, TIME, DEPTH, UNITS = 3, 6, 4, 5
F32_ATOL, F64_ATOL = 2e-6, 1e-12


def _inputs(dtype=np.float32, seed=0):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, DEPTH)).astype(dtype)


def _run(session, cell, inputs, dtype=tf.float32):
    """dynamic_rnn over `inputs`; returns (outputs, final state, the cell's variables' values)."""
    outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(inputs), dtype=dtype)
    session.run(tf.global_variables_initializer())
    out, final = session.run([outputs, state])
    return out, final, session.run(cell.weights)


def _swap_blocks(kernel, bias, order):
    """The kernel and bias with their four gate blocks put in `order` (indices into i, j, f, o)."""
    units = bias.shape[0] // 4
    return (kernel.reshape(-1, 4, units)[:, order].reshape(kernel.shape),
            bias.reshape(4, units)[order].reshape(bias.shape))


@pytest.mark.parametrize("dtype,atol", [(tf.float32, F32_ATOL), (tf.float64, F64_ATOL)])
def test_basic_lstm_cell_equals_reference(session, dtype, atol):
    inputs = _inputs(dtype.as_numpy_dtype)
    out, final, (kernel, bias) = _run(session, tf.contrib.rnn.BasicLSTMCell(UNITS), inputs, dtype)
    expected, expected_final, _ = ref.lstm_sequence(inputs, kernel, bias, forget_bias=1.0)
    assert max_abs_diff(out, expected) <= atol
    assert max_abs_diff(final.c, expected_final.c) <= atol and max_abs_diff(final.h, expected_final.h) <= atol


def test_reference_with_swapped_gates_or_without_forget_bias_does_not_match(session):
    inputs = _inputs()
    out, _, (kernel, bias) = _run(session, tf.contrib.rnn.BasicLSTMCell(UNITS), inputs)
    assert max_abs_diff(out, ref.lstm_sequence(inputs, *_swap_blocks(kernel, bias, [2, 1, 0, 3]))[0]) > F32_ATOL
    assert max_abs_diff(out, ref.lstm_sequence(inputs, kernel, bias, forget_bias=0.0)[0]) > F32_ATOL


def test_gru_cell_equals_reference(session):
    inputs = _inputs()
    cell = tf.contrib.rnn.GRUCell(UNITS)
    out, final, weights = _run(session, cell, inputs)
    names = [v.name.split("gru_cell/")[1] for v in cell.weights]
    params = dict(zip(names, weights))
    assert params["gates/kernel:0"].shape == (DEPTH + UNITS, 2 * UNITS)
    expected = ref.gru_sequence(inputs, params["gates/kernel:0"], params["gates/bias:0"],
                                params["candidate/kernel:0"], params["candidate/bias:0"])
    assert max_abs_diff(out, expected) <= F32_ATOL and max_abs_diff(final, expected[:, -1]) <= F32_ATOL
    reset_update_swapped = np.concatenate(np.split(params["gates/kernel:0"], 2, axis=1)[::-1], axis=1)
    broken = ref.gru_sequence(inputs, reset_update_swapped, params["gates/bias:0"],  # reset and update
                              params["candidate/kernel:0"], params["candidate/bias:0"])  # gates swapped
    assert max_abs_diff(final, broken[:, -1]) > F32_ATOL


def test_multi_rnn_cell_of_distinct_cells_equals_stacked_reference(session):
    inputs = _inputs()
    cells = [tf.contrib.rnn.BasicLSTMCell(UNITS) for _ in range(3)]
    out, final, weights = _run(session, tf.contrib.rnn.MultiRNNCell(cells), inputs)
    layers = list(zip(weights[0::2], weights[1::2]))
    expected, finals = ref.stacked_lstm_sequence(inputs, layers)
    assert max_abs_diff(out, expected) <= F32_ATOL
    for layer_state, expected_state in zip(final, finals):
        assert max_abs_diff(layer_state.c, expected_state.c) <= F32_ATOL
    assert max_abs_diff(out, ref.stacked_lstm_sequence(inputs, layers[:1] + layers[2:])[0]) > F32_ATOL


def _basic_and_fused(session, inputs):
    """BasicLSTMCell, LSTMBlockCell and LSTMBlockFusedCell on the same weights and inputs.

    Returns {name: (outputs [batch, time, H], final c, final h, gradient of a loss w.r.t. the kernel)}.
    """
    x = tf.constant(inputs)
    basic = tf.contrib.rnn.BasicLSTMCell(UNITS)
    block = tf.contrib.rnn.LSTMBlockCell(UNITS)
    fused = tf.contrib.rnn.LSTMBlockFusedCell(UNITS)
    runs = {"basic": tf.nn.dynamic_rnn(basic, x, dtype=tf.float32, scope="basic"),
            "block": tf.nn.dynamic_rnn(block, x, dtype=tf.float32, scope="block")}
    fused_out, fused_state = fused(tf.transpose(x, [1, 0, 2]), dtype=tf.float32, scope="fused")
    runs["fused"] = (tf.transpose(fused_out, [1, 0, 2]), fused_state)
    kernels = {"basic": basic.weights[0], "block": block.weights[0], "fused": fused.weights[0]}
    session.run(tf.global_variables_initializer())
    kernel_value, bias_value = session.run(basic.weights)
    rng = np.random.default_rng(3)
    bias_value = rng.normal(size=bias_value.shape).astype(np.float32)  # non-zero, so the bias is tested too
    for cell in (basic, block):
        session.run([cell.weights[0].assign(kernel_value), cell.weights[1].assign(bias_value)])
    session.run([fused.weights[0].assign(kernel_value), fused.weights[1].assign(bias_value)])
    results = {}
    for name, (outputs, state) in runs.items():
        loss = tf.reduce_sum(outputs * outputs) + tf.reduce_sum(state.c)
        results[name] = session.run([outputs, state.c, state.h, tf.gradients(loss, kernels[name])[0]])
    return results


def test_fused_cells_equal_basic_lstm_cell_forward_and_gradients(session):
    """Forward: bit-identical (same maths, same float32 order).  Gradients: within 2e-6 of the largest (seen: 2e-7)."""
    results = _basic_and_fused(session, _inputs())
    basic = results["basic"]
    for name in ("block", "fused"):
        out, c, h, grad = results[name]
        np.testing.assert_array_equal(out, basic[0], err_msg=name)
        np.testing.assert_array_equal(c, basic[1], err_msg=name)
        np.testing.assert_array_equal(h, basic[2], err_msg=name)
        assert max_abs_diff(grad, basic[3]) <= 2e-6 * max(1.0, float(np.abs(basic[3]).max())), name


def test_fused_cells_do_not_clip_the_cell_state(session):
    """The kernels' own default clips c to [-3, 3]; with big inputs an unclipped LSTM goes past it."""
    results = _basic_and_fused(session, 30 * _inputs())
    assert np.abs(results["basic"][1]).max() > 3.0
    np.testing.assert_array_equal(results["fused"][1], results["basic"][1])


def test_weights_saved_from_basic_cell_load_into_block_cell(tmp_path):
    inputs = _inputs()
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
        out, _ = tf.nn.dynamic_rnn(cell, tf.constant(inputs), dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            expected = sess.run(out)
            tf.train.Saver().save(sess, str(tmp_path / "basic"))
            names = [v.op.name for v in cell.weights]
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.LSTMBlockCell(UNITS)
        out, _ = tf.nn.dynamic_rnn(cell, tf.constant(inputs), dtype=tf.float32)
        with tf.Session() as sess:
            tf.train.Saver(dict(zip(names, cell.weights))).restore(sess, str(tmp_path / "basic"))
            np.testing.assert_array_equal(sess.run(out), expected)


def test_fused_cell_refuses_what_tf_1_15_refused(graph):
    with pytest.raises(ValueError, match="ndim=3"):
        tf.contrib.rnn.LSTMBlockFusedCell(UNITS)(tf.zeros([2, 3]), dtype=tf.float32)
    with pytest.raises(ValueError, match="Either initial_state or dtype"):
        tf.contrib.rnn.LSTMBlockFusedCell(UNITS)(tf.zeros([2, 3, 4]))
