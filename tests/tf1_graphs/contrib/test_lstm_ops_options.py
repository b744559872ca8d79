"""The fused cells' options: peepholes with clipping, sequence_length, and the block GRUs.

Peephole fused cells run on the weights of `LSTMCell(use_peepholes=True, cell_clip=...)`
(same variable names, so the same checkpoint) and must give its outputs, final state and
gradients; the kernels exist in float32 only, so the tolerance is 2e-6 relative to the
largest value (seen: forward under 2e-8, gradients under 1e-7).  TensorFlow's fused gradient
kernels ignore the clip (a clipped state passes its gradient on), so gradients are compared
with a clip that is not reached.  `sequence_length` is
checked against each sequence run alone in NumPy for its own length and zero-padded, with
the initial state standing for a length of 0 (2e-6, seen under 2e-7).  The block GRUs run on
GRUCell's weights (forward and gradients, same tolerance; seen under 4e-7).  Each check has a
broken twin.
"""
import numpy as np
import pytest

from tf1_graphs import reference as ref
from tf1_graphs import tf
from tf1_graphs.contrib import rnn

BATCH, TIME, DEPTH, UNITS = 3, 4, 3, 5
TOLERANCE = 2e-6
CLIP = 0.3


def _inputs(scale=1.0, seed=0):
    return tf.constant(scale * np.random.default_rng(seed).normal(size=(BATCH, TIME, DEPTH)).astype(np.float32))


def _relative_gap(got, want):
    return float(np.abs(np.asarray(got) - want).max()) / max(1.0, float(np.abs(want).max()))


def _copy_weights(session, source, target):
    """Give `target`'s variables the values of `source`'s with the same base name (kernel, w_i_diag, ...)."""
    by_name = {_base_name(v): v for v in source}
    session.run([v.assign(by_name[_base_name(v)]) for v in target])


def _base_name(variable):
    return variable.op.name.rsplit("/", 1)[1]


def _peephole_runs(session, block_cell, clip):
    """LSTMCell(use_peepholes, cell_clip=clip) and `block_cell` on LSTMCell's weights (random peepholes).

    Returns {name: [outputs, c, h, gradients of a loss w.r.t. every variable]}.
    """
    x = _inputs(scale=3.0)  # large enough for the cell state to pass the clip
    with tf.variable_scope("core"):
        core = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(UNITS, use_peepholes=True, cell_clip=clip), x,
                                 dtype=tf.float32)
    with tf.variable_scope("block"):
        if isinstance(block_cell, rnn.LSTMBlockFusedCell):
            outputs, state = block_cell(tf.transpose(x, [1, 0, 2]), dtype=tf.float32)
            block = tf.transpose(outputs, [1, 0, 2]), state
        else:
            block = tf.nn.dynamic_rnn(block_cell, x, dtype=tf.float32)
    core_vars, block_vars = tf.trainable_variables("core"), tf.trainable_variables("block")
    session.run(tf.global_variables_initializer())
    _copy_weights(session, core_vars, block_vars)
    results = {}
    for name, (outputs, state), variables in (("core", core, core_vars), ("block", block, block_vars)):
        loss = tf.reduce_sum(outputs * outputs) + tf.reduce_sum(state.c)
        ordered = sorted(variables, key=_base_name)
        results[name] = session.run([outputs, state.c, state.h] + tf.gradients(loss, ordered))
    return results


@pytest.mark.parametrize("kind", ["LSTMBlockCell", "LSTMBlockFusedCell"])
def test_peephole_fused_cells_equal_lstm_cell_with_peepholes_and_clip(session, kind):
    results = _peephole_runs(session, getattr(rnn, kind)(UNITS, use_peephole=True, cell_clip=CLIP), CLIP)
    assert np.abs(results["core"][1]).max() == pytest.approx(CLIP)  # the clip was reached
    for got, want in zip(results["block"][:3], results["core"][:3]):  # outputs, c, h
        assert _relative_gap(got, want) <= TOLERANCE


@pytest.mark.parametrize("kind", ["LSTMBlockCell", "LSTMBlockFusedCell"])
def test_broken_twin_an_unclipped_lstm_cell_differs(session, kind):
    results = _peephole_runs(session, getattr(rnn, kind)(UNITS, use_peephole=True, cell_clip=CLIP), None)
    assert _relative_gap(results["block"][1], results["core"][1]) > TOLERANCE


@pytest.mark.parametrize("kind", ["LSTMBlockCell", "LSTMBlockFusedCell"])
def test_peephole_fused_cells_have_lstm_cell_gradients_while_the_clip_is_not_reached(session, kind):
    """Gradients of bias, kernel, w_f_diag, w_i_diag, w_o_diag.  Where the clip is reached they
    differ: TensorFlow's fused gradient kernels (the same in 1.15) pass the gradient through
    a clipped cell state, clip_by_value stops it."""
    results = _peephole_runs(session, getattr(rnn, kind)(UNITS, use_peephole=True, cell_clip=100.0), 100.0)
    for got, want in zip(results["block"][3:], results["core"][3:]):
        assert _relative_gap(got, want) <= TOLERANCE
    w_f_diag, w_i_diag = 5, 6
    assert _relative_gap(results["block"][w_f_diag], results["core"][w_i_diag]) > TOLERANCE  # broken twin


@pytest.mark.parametrize("kind, scope", [("LSTMBlockCell", "rnn/lstm_cell"),
                                         ("LSTMBlockFusedCell", "lstm_fused_cell")])
def test_peephole_variables_are_named_as_lstm_cell_names_them(graph, kind, scope):
    x = tf.zeros([BATCH, TIME, DEPTH])
    cell = getattr(rnn, kind)(UNITS, use_peephole=True)
    if kind == "LSTMBlockFusedCell":
        cell(tf.transpose(x, [1, 0, 2]), dtype=tf.float32)
    else:
        tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    assert {v.op.name: v.shape.as_list() for v in tf.global_variables()} == {
        f"{scope}/kernel": [DEPTH + UNITS, 4 * UNITS], f"{scope}/bias": [4 * UNITS],
        f"{scope}/w_i_diag": [UNITS], f"{scope}/w_f_diag": [UNITS], f"{scope}/w_o_diag": [UNITS]}


def _masked_by_hand(inputs, lengths, kernel, bias, c0, h0):
    """Each sequence run alone in NumPy for its own length, outputs zero-padded to the full time."""
    outputs = np.zeros(inputs.shape[:2] + (UNITS,))
    finals_c, finals_h = c0.astype(np.float64), h0.astype(np.float64)
    for b, length in enumerate(lengths):
        if length:
            out, final, _ = ref.lstm_sequence(inputs[b:b + 1, :length], kernel, bias, c0[b:b + 1], h0[b:b + 1])
            outputs[b, :length] = out[0]
            finals_c[b], finals_h[b] = final.c[0], final.h[0]
    return outputs, finals_c, finals_h


def _fused_with_lengths(session, lengths):
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(BATCH, TIME, DEPTH)).astype(np.float32)
    c0, h0 = (rng.normal(size=(BATCH, UNITS)).astype(np.float32) for _ in range(2))
    cell = rnn.LSTMBlockFusedCell(UNITS)
    outputs, state = cell(tf.constant(inputs.transpose(1, 0, 2)), sequence_length=tf.constant(lengths),
                          initial_state=(tf.constant(c0), tf.constant(h0)))
    session.run(tf.global_variables_initializer())
    kernel, bias = cell.weights
    bias.load(rng.normal(size=bias.shape.as_list()), session)
    got = session.run([tf.transpose(outputs, [1, 0, 2]), state.c, state.h])
    return got, (inputs, session.run(kernel), session.run(bias), c0, h0)


def test_sequence_length_zeroes_outputs_past_the_end_and_keeps_the_last_state(session):
    lengths = [0, 2, 3]  # a length of 0 keeps the initial state; none reaches TIME = 4
    got, (inputs, kernel, bias, c0, h0) = _fused_with_lengths(session, lengths)
    want = _masked_by_hand(inputs, lengths, kernel, bias, c0, h0)
    for g, w in zip(got, want):
        assert _relative_gap(g, w) <= TOLERANCE
    unmasked = _masked_by_hand(inputs, [TIME] * BATCH, kernel, bias, c0, h0)  # broken twin: no masking
    assert all(_relative_gap(g, w) > TOLERANCE for g, w in zip(got, unmasked))


def _gru_runs(session, block_kind):
    x = _inputs()
    with tf.variable_scope("core"):
        core = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(UNITS), x, dtype=tf.float32)[0]
    with tf.variable_scope("block"):
        block_cell = getattr(rnn, block_kind)(UNITS)
        block = tf.nn.dynamic_rnn(block_cell, x, dtype=tf.float32)[0]
    core_vars = sorted(tf.trainable_variables("core"), key=lambda v: v.op.name)
    session.run(tf.global_variables_initializer())
    rng = np.random.default_rng(2)
    for v in core_vars:  # non-default biases, so both bias paths are tested
        v.load(rng.uniform(-1, 1, size=v.shape.as_list()), session)
    block_vars = block_cell.weights  # gate kernel, gate bias, candidate kernel, candidate bias
    core_in_block_order = [next(v for v in core_vars if v.op.name.endswith(suffix)) for suffix in
                           ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")]
    session.run([b.assign(c) for b, c in zip(block_vars, core_in_block_order)])
    return (session.run([core] + tf.gradients(tf.reduce_sum(core * core), core_in_block_order)),
            session.run([block] + tf.gradients(tf.reduce_sum(block * block), block_vars)))


@pytest.mark.parametrize("kind", ["GRUBlockCell", "GRUBlockCellV2"])
def test_block_gru_equals_gru_cell_forward_and_gradients(session, kind):
    core, block = _gru_runs(session, kind)
    for got, want in zip(block, core):
        assert _relative_gap(got, want) <= TOLERANCE
    assert _relative_gap(block[0], -core[0]) > TOLERANCE  # broken twin


def test_block_gru_matches_the_numpy_gru_step(session):
    cell = rnn.GRUBlockCellV2(UNITS)
    x, h = (np.random.default_rng(seed).normal(size=(BATCH, n)).astype(np.float32)
            for seed, n in ((3, DEPTH), (4, UNITS)))
    output, _ = cell(tf.constant(x), tf.constant(h))
    session.run(tf.global_variables_initializer())
    weights = session.run(cell.weights)
    got = session.run(output)
    assert _relative_gap(got, ref.gru_step(x, h, *weights)) <= TOLERANCE
    swapped = ref.gru_step(x, h, np.roll(weights[0], UNITS, axis=1), *weights[1:])  # r and u swapped
    assert _relative_gap(got, swapped) > TOLERANCE


@pytest.mark.parametrize("kind, names", [
    ("GRUBlockCell", ["w_ru", "b_ru", "w_c", "b_c"]),
    ("GRUBlockCellV2", ["gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"])])
def test_block_gru_variables_are_named_and_initialised_as_tf_1_15(session, kind, names):
    tf.nn.dynamic_rnn(getattr(rnn, kind)(UNITS), tf.zeros([BATCH, TIME, DEPTH]), dtype=tf.float32)
    shapes = [[DEPTH + UNITS, 2 * UNITS], [2 * UNITS], [DEPTH + UNITS, UNITS], [UNITS]]
    assert {v.op.name: v.shape.as_list() for v in tf.global_variables()} == {
        f"rnn/gru_cell/{n}": s for n, s in zip(names, shapes)}
    session.run(tf.global_variables_initializer())
    _, gate_bias, _, candidate_bias = session.run(tf.global_variables())
    assert (gate_bias == 1.0).all() and (candidate_bias == 0.0).all()


def test_block_gru_takes_num_units_or_the_old_cell_size_but_not_both(graph):
    assert rnn.GRUBlockCell(cell_size=4).output_size == 4
    for arguments in ({}, {"num_units": 4, "cell_size": 4}):
        with pytest.raises(ValueError, match="Exactly one of num_units or cell_size must be provided"):
            rnn.GRUBlockCell(**arguments)


def test_lstm_block_wrapper_is_the_abstract_base_of_the_fused_cell():
    with pytest.raises(TypeError, match="abstract"):
        rnn.LSTMBlockWrapper()
    assert issubclass(rnn.LSTMBlockFusedCell, rnn.LSTMBlockWrapper)


def test_private_block_lstm_helper_runs_the_fused_cells_kernel_on_a_list_of_steps(session):
    """TF 1.15's tests call `lstm_ops._block_lstm`: its h list equals the fused cell's outputs."""
    from tf1_graphs.contrib import lstm_ops
    x = tf.transpose(_inputs(), [1, 0, 2])
    cell = rnn.LSTMBlockFusedCell(UNITS)
    outputs, _ = cell(x, dtype=tf.float32)
    kernel, bias = cell.weights
    h = lstm_ops._block_lstm(tf.constant(TIME, tf.int64), tf.unstack(x), kernel, bias)[-1]
    session.run(tf.global_variables_initializer())
    got, want = session.run([tf.stack(h), outputs])
    np.testing.assert_array_equal(got, want)
    assert _relative_gap(got, want[::-1]) > TOLERANCE
