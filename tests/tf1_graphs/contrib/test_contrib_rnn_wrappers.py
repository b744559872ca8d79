"""`tf.contrib.rnn`'s names, wrappers and multi-layer runs against differently built graphs.

The export list is TF 1.15's `tensorflow/contrib/rnn/__init__.py` (tag v1.15.0).  The
wrappers and runs are compared in float64 with graphs built another way from the same
weights (a projection by hand after the cell, layers chained by hand, the backward half of
`bidirectional_dynamic_rnn`); the same ops in the same order agree exactly, other orders to
1e-12 (seen: under 1e-15).  TF 1.15's documented outputs (variables all 0.5) are checked to its
own float32 tolerance.  Each check has a broken twin.
"""
import types

import numpy as np
import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import rnn

TF_1_15_EXPORTS = """
RNNCell LayerRNNCell BasicRNNCell BasicLSTMCell GRUCell LSTMCell LSTMStateTuple DropoutWrapper MultiRNNCell
DeviceWrapper ResidualWrapper EmbeddingWrapper InputProjectionWrapper OutputProjectionWrapper
LayerNormBasicLSTMCell LSTMBlockWrapper LSTMBlockCell GRUBlockCell GRUBlockCellV2 FusedRNNCell FusedRNNCellAdaptor
TimeReversedFusedRNN LSTMBlockFusedCell CoupledInputForgetGateLSTMCell TimeFreqLSTMCell GridLSTMCell
BidirectionalGridLSTMCell NASCell UGRNNCell IntersectionRNNCell PhasedLSTMCell ConvLSTMCell Conv1DLSTMCell
Conv2DLSTMCell Conv3DLSTMCell HighwayWrapper GLSTMCell SRUCell IndRNNCell IndyGRUCell IndyLSTMCell
AttentionCellWrapper CompiledWrapper static_rnn static_state_saving_rnn static_bidirectional_rnn
stack_bidirectional_dynamic_rnn stack_bidirectional_rnn transpose_batch_time best_effort_input_batch_size
""".split()
CORE_ALIASES = {"RNNCell": "nn.rnn_cell.RNNCell", "BasicRNNCell": "nn.rnn_cell.BasicRNNCell",
                "BasicLSTMCell": "nn.rnn_cell.BasicLSTMCell", "GRUCell": "nn.rnn_cell.GRUCell",
                "LSTMCell": "nn.rnn_cell.LSTMCell", "LSTMStateTuple": "nn.rnn_cell.LSTMStateTuple",
                "DropoutWrapper": "nn.rnn_cell.DropoutWrapper", "MultiRNNCell": "nn.rnn_cell.MultiRNNCell",
                "DeviceWrapper": "nn.rnn_cell.DeviceWrapper", "ResidualWrapper": "nn.rnn_cell.ResidualWrapper",
                "static_rnn": "nn.static_rnn", "static_state_saving_rnn": "nn.static_state_saving_rnn",
                "static_bidirectional_rnn": "nn.static_bidirectional_rnn"}
BATCH, TIME, DEPTH, UNITS = 3, 4, 2, 3


def _missing(module):
    return [name for name in TF_1_15_EXPORTS if not hasattr(module, name)]


def test_every_tf_1_15_name_is_provided():
    assert _missing(tf.contrib.rnn) == []
    assert _missing(types.SimpleNamespace()) == TF_1_15_EXPORTS  # the check sees a missing name


def test_core_names_are_tensorflow_s_own_objects():
    for name, path in CORE_ALIASES.items():
        assert getattr(tf.contrib.rnn, name) is _resolve(tf.compat.v1, path), name
    assert tf.contrib.rnn.BasicLSTMCell is not tf.compat.v1.nn.rnn_cell.LSTMCell  # the check can fail


def _resolve(root, path):
    for part in path.split("."):
        root = getattr(root, part)
    return root


def _inputs(seed=0):
    return tf.constant(np.random.default_rng(seed).normal(size=(BATCH, TIME, DEPTH)))


def _reusing(name):
    """The variable scope `name`, set to reuse, for running a cell again on existing variables."""
    with tf.variable_scope(name, reuse=True) as scope:
        return scope


def _gap(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max())


def test_output_projection_wrapper_is_the_cell_then_a_projection(session):
    x = _inputs()
    wrapper = rnn.OutputProjectionWrapper(rnn.GRUCell(UNITS), 2, activation=tf.tanh)
    wrapped, _ = tf.nn.dynamic_rnn(wrapper, x, dtype=tf.float64)
    names = {v.op.name: v for v in tf.global_variables()}
    kernel, bias = names["rnn/output_projection_wrapper/kernel"], names["rnn/output_projection_wrapper/bias"]
    assert set(names) == {"rnn/output_projection_wrapper/kernel", "rnn/output_projection_wrapper/bias"} | {
        f"rnn/output_projection_wrapper/gru_cell/{n}" for n in
        ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")}
    by_hand, _ = tf.nn.dynamic_rnn(rnn.GRUCell(UNITS), x, dtype=tf.float64,
                                   scope=_reusing("rnn/output_projection_wrapper"))
    projected = tf.tanh(tf.tensordot(by_hand, kernel, 1) + bias)
    session.run(tf.global_variables_initializer())
    bias.load([0.3, -0.2], session)
    got, want, unbiased = session.run([wrapped, projected, tf.tanh(tf.tensordot(by_hand, kernel, 1))])
    assert _gap(got, want) <= 1e-12
    assert _gap(got, unbiased) > 1e-12  # broken twin: the bias left out


def test_input_projection_wrapper_is_a_projection_then_the_cell(session):
    x = _inputs()
    wrapped, _ = tf.nn.dynamic_rnn(rnn.InputProjectionWrapper(rnn.BasicLSTMCell(UNITS), 4), x, dtype=tf.float64)
    names = {v.op.name: v for v in tf.global_variables()}
    kernel, bias = names["rnn/input_projection_wrapper/kernel"], names["rnn/input_projection_wrapper/bias"]
    assert kernel.shape.as_list() == [DEPTH, 4] and bias.shape.as_list() == [4]
    scope = _reusing("rnn/input_projection_wrapper")
    by_hand, _ = tf.nn.dynamic_rnn(rnn.BasicLSTMCell(UNITS), tf.tensordot(x, kernel, 1) + bias,
                                   dtype=tf.float64, scope=scope)
    unprojected, _ = tf.nn.dynamic_rnn(rnn.BasicLSTMCell(UNITS), tf.tensordot(x, kernel, 1),
                                       dtype=tf.float64, scope=scope)
    session.run(tf.global_variables_initializer())
    bias.load([0.3, -0.2, 0.1, 0.5], session)
    got, want, broken = session.run([wrapped, by_hand, unprojected])
    assert _gap(got, want) <= 1e-12
    assert _gap(got, broken) > 1e-12


def test_embedding_wrapper_looks_the_inputs_up_before_the_cell(session):
    ids = tf.constant([[[0], [2], [1]], [[1], [1], [0]]])
    wrapped, _ = tf.nn.dynamic_rnn(rnn.EmbeddingWrapper(rnn.GRUCell(UNITS), 3, 2), ids, dtype=tf.float64)
    (embedding,) = [v for v in tf.global_variables() if v.op.name == "rnn/embedding_wrapper/embedding"]
    assert embedding.shape.as_list() == [3, 2]
    scope = _reusing("rnn/embedding_wrapper")
    by_hand, _ = tf.nn.dynamic_rnn(rnn.GRUCell(UNITS), tf.nn.embedding_lookup(embedding, ids[:, :, 0]),
                                   dtype=tf.float64, scope=scope)
    shifted, _ = tf.nn.dynamic_rnn(rnn.GRUCell(UNITS), tf.nn.embedding_lookup(embedding, 2 - ids[:, :, 0]),
                                   dtype=tf.float64, scope=scope)
    session.run(tf.global_variables_initializer())
    got, want, broken = session.run([wrapped, by_hand, shifted])
    assert _gap(got, want) <= 1e-12
    assert _gap(got, broken) > 1e-12


@pytest.mark.parametrize("make_wrapper, inputs, state, expected", [
    (lambda: rnn.OutputProjectionWrapper(rnn.GRUCell(3), 2), [[1.0, 1.0, 1.0]], [[0.1] * 3], [[0.231907] * 2]),
    (lambda: rnn.InputProjectionWrapper(rnn.GRUCell(3), num_proj=3), [[1.0, 1.0]], [[0.1] * 3], [[0.154605] * 3]),
    (lambda: rnn.EmbeddingWrapper(rnn.GRUCell(2), embedding_classes=3, embedding_size=2), [[1]], [[0.1] * 2],
     [[0.17139] * 2]),
])
def test_wrappers_give_tf_1_15_documented_outputs(session, make_wrapper, inputs, state, expected):
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        output, _ = make_wrapper()(tf.constant(inputs), tf.constant(state, tf.float32))
    session.run(tf.global_variables_initializer())
    got = session.run(output)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert _gap(got, np.asarray(expected) * 1.001) > 1e-6


def test_wrappers_refuse_bad_arguments_as_tf_1_15(graph):
    with pytest.raises(ValueError, match="Parameter output_size must be > 0: 0."):
        rnn.OutputProjectionWrapper(rnn.GRUCell(2), 0)
    with pytest.raises(ValueError, match="Both embedding_classes and embedding_size must be > 0: 0, 2."):
        rnn.EmbeddingWrapper(rnn.GRUCell(2), 0, 2)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        rnn.InputProjectionWrapper(object(), 2)


def _stack(session, lengths):
    """Two bidirectional GRU layers through stack_bidirectional_dynamic_rnn, and chained by hand."""
    x = _inputs()
    cells_fw, cells_bw = ([rnn.GRUCell(UNITS), rnn.GRUCell(UNITS + 1)] for _ in range(2))
    stacked, states_fw, states_bw = rnn.stack_bidirectional_dynamic_rnn(
        cells_fw, cells_bw, x, dtype=tf.float64, sequence_length=lengths)
    outputs = {"stacked": (stacked, states_fw, states_bw)}
    for order in ("fw_bw", "bw_fw"):
        layer_input, fws, bws = x, [], []
        for k in range(2):
            with tf.variable_scope(f"stack_bidirectional_rnn/cell_{k}", reuse=True):
                (fw, bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
                    rnn.GRUCell(UNITS + k), rnn.GRUCell(UNITS + k), layer_input, dtype=tf.float64,
                    sequence_length=lengths)
            layer_input = tf.concat([fw, bw] if order == "fw_bw" else [bw, fw], 2)
            fws.append(state_fw)
            bws.append(state_bw)
        outputs[order] = (layer_input, tuple(fws), tuple(bws))
    session.run(tf.global_variables_initializer())
    return session.run(outputs)


def test_stack_bidirectional_dynamic_rnn_chains_bidirectional_layers(session):
    runs = _stack(session, tf.constant([4, 2, 3]))
    for got, want in zip(tf.nest.flatten(runs["stacked"]), tf.nest.flatten(runs["fw_bw"])):
        np.testing.assert_array_equal(got, want)  # the same ops in the same order
    assert _gap(runs["stacked"][0], runs["bw_fw"][0]) > 1e-12  # broken twin: directions swapped
    names = {v.op.name for v in tf.global_variables()}
    assert "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/gates/kernel" in names
    assert len(names) == 16  # 2 layers x 2 directions x 4 variables, all shared by the hand-built chain


def test_stack_bidirectional_rnn_static_equals_the_dynamic_one_on_the_same_weights(session):
    x, lengths = _inputs(), tf.constant([4, 1, 3])
    cells = lambda: ([rnn.GRUCell(UNITS), rnn.GRUCell(2)], [rnn.GRUCell(UNITS), rnn.GRUCell(2)])  # noqa: E731
    static, static_fw, static_bw = rnn.stack_bidirectional_rnn(
        *cells(), tf.unstack(x, axis=1), dtype=tf.float64, sequence_length=lengths, scope="static")
    dynamic, dynamic_fw, dynamic_bw = rnn.stack_bidirectional_dynamic_rnn(
        *cells(), x, dtype=tf.float64, sequence_length=lengths, scope="dynamic")
    static_vars = sorted(tf.global_variables("static"), key=lambda v: v.op.name)
    dynamic_vars = sorted(tf.global_variables("dynamic"), key=lambda v: v.op.name)
    assert [v.op.name for v in static_vars][0] == "static/cell_0/bw/gru_cell/candidate/bias"
    assert [v.op.name.replace("dynamic/", "static/").replace("bidirectional_rnn/", "") for v in dynamic_vars] == [
        v.op.name for v in static_vars]
    session.run(tf.global_variables_initializer())
    session.run([d.assign(s) for s, d in zip(static_vars, dynamic_vars)])
    got, want = session.run([(tf.stack(static, 1), static_fw, static_bw), (dynamic, dynamic_fw, dynamic_bw)])
    assert max(_gap(a, b) for a, b in zip(tf.nest.flatten(got), tf.nest.flatten(want))) <= 1e-12
    assert _gap(got[0], want[0][:, ::-1]) > 1e-12  # broken twin: time reversed


@pytest.mark.parametrize("run", [rnn.stack_bidirectional_rnn, rnn.stack_bidirectional_dynamic_rnn])
def test_stacked_runs_refuse_bad_layer_lists_as_tf_1_15(graph, run):
    cell = rnn.GRUCell(2)
    for args, message in (
            (([], [cell]), "Must specify at least one fw cell for BidirectionalRNN."),
            (([cell], []), "Must specify at least one bw cell for BidirectionalRNN."),
            (((cell,), [cell]), "cells_fw must be a list of RNNCells"),
            (([cell], [cell, cell]), "Forward and Backward cells must have the same depth."),
            (([cell], [cell], None, [1, 2]), "initial_states_bw must be a list of state tensors")):
        with pytest.raises(ValueError, match=message):
            run(*args[:2], tf.zeros([2, 3, 2]), *args[2:], dtype=tf.float32)


def test_time_reversed_fused_rnn_is_the_backward_half_of_a_bidirectional_run(session):
    x, lengths = _inputs(), tf.constant([4, 2, 3])
    time_major = tf.transpose(x, [1, 0, 2])
    backward = rnn.TimeReversedFusedRNN(rnn.FusedRNNCellAdaptor(rnn.GRUCell(UNITS), use_dynamic_rnn=True))
    reversed_out, reversed_state = backward(time_major, dtype=tf.float64, sequence_length=lengths, scope="bw")
    (_, bw_out), (_, bw_state) = tf.nn.bidirectional_dynamic_rnn(
        rnn.GRUCell(UNITS), rnn.GRUCell(UNITS), x, dtype=tf.float64, sequence_length=lengths, scope="bi")
    bw_vars = sorted(tf.global_variables("bi/bw"), key=lambda v: v.op.name)
    session.run(tf.global_variables_initializer())
    session.run([d.assign(s) for s, d in zip(sorted(tf.global_variables("bw"), key=lambda v: v.op.name), bw_vars)])
    got, want = session.run([(tf.transpose(reversed_out, [1, 0, 2]), reversed_state), (bw_out, bw_state)])
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert _gap(got[0], want[0][:, ::-1]) > 1e-12  # broken twin: not reversed back


def test_fused_rnn_cell_adaptor_static_and_dynamic_agree_and_keep_the_input_form(session):
    steps = tf.unstack(tf.transpose(_inputs(), [1, 0, 2]))
    static, _ = rnn.FusedRNNCellAdaptor(rnn.GRUCell(UNITS))(steps, dtype=tf.float64, scope="cell")
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        dynamic, _ = rnn.FusedRNNCellAdaptor(rnn.GRUCell(UNITS), use_dynamic_rnn=True)(
            tf.stack(steps), dtype=tf.float64, scope="cell")
    assert isinstance(static, list) and not isinstance(dynamic, list)
    session.run(tf.global_variables_initializer())
    got, want = session.run([tf.stack(static), dynamic])
    assert _gap(got, want) <= 1e-12 < _gap(got, want[::-1])


def test_compiled_wrapper_marks_the_step_for_xla_and_computes_the_same(session):
    x = _inputs()
    compiled, _ = tf.nn.dynamic_rnn(rnn.CompiledWrapper(rnn.GRUCell(UNITS)), x, dtype=tf.float64, scope="a")
    plain, _ = tf.nn.dynamic_rnn(rnn.GRUCell(UNITS), x, dtype=tf.float64, scope=_reusing("a"))
    marked = [op for op in session.graph.get_operations() if "_XlaCompile" in op.node_def.attr]
    assert any(op.type == "MatMul" for op in marked) and not any(op.type == "MatMul" for op in marked
                                                                  if "a_1" in op.name)
    session.run(tf.global_variables_initializer())
    got, want = session.run([compiled, plain])
    assert _gap(got, want) <= 1e-12 < _gap(got, -want)


def test_batch_time_utilities_are_tensorflow_s(session):
    x = tf.zeros([2, 5, 3])
    assert rnn.transpose_batch_time(x).shape.as_list() == [5, 2, 3]
    assert rnn.best_effort_input_batch_size([tf.zeros([5, 2, 3])]) == 2  # time-major: batch is axis 1
