"""The contrib cells (tf1_graphs.contrib.rnn_cell) against NumPy references of their equations.

Each case runs a cell for three steps with `static_rnn` from a random state, every variable
overwritten with seeded random values (so biases, gains and shifts are tested too), and
compares outputs and final state with a NumPy reference (float64) written from the papers'
and TF 1.15's equations.  float64 cells must agree to 1e-12 (seen: under 1e-15).  Cells whose
variables TF 1.15 always created float32 (layer-norm gains of CIFG and LayerNormLSTMCell, the
attention and highway weights) run in float32, to 2e-6 (seen: under 3e-7).  Every case has a
broken reference (one term of the equations changed) that must miss by more than the
tolerance (seen: 0.06 to 1.4).  Variable names and shapes are checked against TF 1.15's, and
some of TF 1.15's documented output values are checked to its own float32 tolerance.
"""
import numpy as np
import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import rnn_cell

sigmoid = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731
relu = lambda x: np.maximum(x, 0.0)  # noqa: E731
BATCH, TIME, DEPTH, H, PROJ = 2, 3, 3, 4, 2
TOLERANCE = {tf.float64: 1e-12, tf.float32: 2e-6}


def _layer_norm(x, gamma, beta):
    mean = x.mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(-1, keepdims=True) + 1e-12) * gamma + beta


def _split(x, n):
    return np.split(x, n, axis=1)


def _run(session, cell, state_sizes, dtype, depth=DEPTH):
    """Three static_rnn steps from a random state, all variables random; returns (outputs, state, weights)."""
    rng = np.random.default_rng(7)
    np_dtype = dtype.as_numpy_dtype
    inputs = rng.normal(size=(TIME, BATCH, depth)).astype(np_dtype)
    state0 = tf.nest.map_structure(lambda size: rng.normal(size=(BATCH, size)).astype(np_dtype), state_sizes)
    outputs, final = tf.nn.static_rnn(cell, [tf.constant(x) for x in inputs],
                                      initial_state=tf.nest.map_structure(tf.constant, state0))
    session.run(tf.global_variables_initializer())
    weights = {}
    for v in tf.global_variables():
        value = rng.uniform(-0.8, 0.8, size=v.shape.as_list()).astype(v.dtype.base_dtype.as_numpy_dtype)
        v.load(value, session)
        weights[v.op.name.split("rnn/", 1)[1]] = value.astype(np.float64)
    got_outputs, got_final = session.run([outputs, final])
    return inputs.astype(np.float64), tf.nest.map_structure(lambda s: s.astype(np.float64), state0), \
        np.stack(got_outputs), got_final, weights


def _unroll(step, inputs, state, w):
    outputs = []
    for x in inputs:
        out, state = step(x, state, w)
        outputs.append(out)
    return np.stack(outputs), state


# ---- references: step(x, state, weights) -> (output, new state) --------------------------------------

def layer_norm_basic_lstm(broken=False, layer_norm=True, scope="layer_norm_basic_lstm_cell/"):
    def step(x, state, w):
        c, h = state
        z = np.concatenate([x, h], 1) @ w[scope + "kernel"]
        if not layer_norm:
            z = z + w[scope + "bias"]
        gates = dict(zip("ijfo", _split(z, 4)))
        norm = lambda v, name: _layer_norm(v, w[f"{scope}{name}/gamma"], w[f"{scope}{name}/beta"])  # noqa: E731
        if layer_norm:
            gates = {g: norm(gates[g], name) for g, name in zip("ijfo", ("input", "transform", "forget", "output"))}
        new_c = c * sigmoid(gates["f"] + (0.0 if broken else 1.0)) + sigmoid(gates["i"]) * np.tanh(gates["j"])
        if layer_norm:
            new_c = norm(new_c, "state")
        new_h = np.tanh(new_c) * sigmoid(gates["o"])
        return new_h, (new_c, new_h)
    return step


def nas(broken=False, s="nas_cell/"):
    def step(x, state, w):
        c, m = state
        a = _split(x @ w[s + "kernel"], 8)
        b = _split(m @ w[s + "recurrent_kernel"] + w[s + "bias"], 8)
        l1 = [sigmoid(a[0] + b[0]), relu(a[1] + b[1]), sigmoid(a[2] + b[2]),
              relu(a[3] + b[3] if broken else a[3] * b[3]), np.tanh(a[4] + b[4]), sigmoid(a[5] + b[5]),
              np.tanh(a[6] + b[6]), sigmoid(a[7] + b[7])]
        new_c = np.tanh(np.tanh(l1[0] * l1[1]) + c) * np.tanh(l1[2] + l1[3])
        new_m = np.tanh(new_c * np.tanh(np.tanh(l1[4] * l1[5]) + sigmoid(l1[6] + l1[7])))
        new_m = new_m @ w[s + "projection_weights"]
        return new_m, (new_c, new_m)
    return step


def coupled_input_forget_gate(broken=False, layer_norm=False, s="coupled_input_forget_gate_lstm_cell/"):
    def step(x, state, w):
        c, m = state
        z = np.concatenate([x, m], 1) @ w[s + "W_0"]
        if not layer_norm:
            z = z + w[s + "B"]
        j, f, o = _split(z, 3)
        norm = lambda v, name: _layer_norm(v, w[f"{s}{name}/gamma"], w[f"{s}{name}/beta"])  # noqa: E731
        if layer_norm:
            j, f, o = norm(j, "transform"), norm(f, "forget"), norm(o, "output")
        forget = sigmoid(f + 1.0 + w[s + "W_F_diag"] * c)
        new_c = forget * c + (sigmoid(j) if broken else 1 - forget) * np.tanh(j)
        if layer_norm:
            new_c = norm(new_c, "state")
        new_m = sigmoid(o + w[s + "W_O_diag"] * new_c) * np.tanh(new_c)
        new_m = np.clip(new_m @ w[s + "W_P_0"], -0.3, 0.3)
        return new_m, (new_c, new_m)
    return step


def layer_norm_lstm(broken=False, s="layer_norm_lstm_cell/"):
    def step(x, state, w):
        c, m = state
        z = np.concatenate([x, m], 1) @ w[s + "kernel"]  # the bias is made but layer norm replaces it
        norm = lambda v, name: _layer_norm(v, w[f"{s}{name}/gamma"], w[f"{s}{name}/beta"])  # noqa: E731
        i, j, f, o = (norm(v, name) for v, name in zip(_split(z, 4), ("input", "transform", "forget", "output")))
        new_c = (sigmoid(f + 1.0 + w[s + "w_f_diag"] * c) * c
                 + sigmoid(i + w[s + "w_i_diag"] * c) * np.tanh(j))
        new_c = norm(new_c, "state")
        if not broken:
            new_c = np.clip(new_c, -0.5, 0.5)
        new_m = sigmoid(o + w[s + "w_o_diag"] * new_c) * np.tanh(new_c)
        return new_m @ w[s + "projection/kernel"], (new_c, new_m @ w[s + "projection/kernel"])
    return step


def ugrnn(broken=False, s="ugrnn_cell/"):
    def step(x, h, w):
        g, c = _split(np.concatenate([x, h], 1) @ w[s + "kernel"] + w[s + "bias"], 2)
        gate = sigmoid(g + (0.0 if broken else 1.0))
        new_h = gate * h + (1 - gate) * np.tanh(c)
        return new_h, new_h
    return step


def intersection(broken=False, s="intersection_rnn_cell/"):
    def step(x, h, w):
        x = x @ w[s + "in_projection/kernel"] + w[s + "in_projection/bias"]
        gh, hh, gy, y = _split(np.concatenate([x, h], 1) @ w[s + "kernel"] + w[s + "bias"], 4)
        gh, gy = sigmoid(gh + 1.0), sigmoid(gy + 1.0)
        new_h = gh * h + (1 - gh) * np.tanh(hh)
        new_y = gy * x + (1 - gy) * (np.tanh(y) if broken else relu(y))
        return new_y, new_h
    return step


def attention(broken=False, s="attention_cell_wrapper/", length=3):
    def step(x, state, w):
        (c, h), attns, window = state
        x = np.concatenate([x, attns], 1) @ w[s + "kernel"] + w[s + "bias"]
        lstm = layer_norm_basic_lstm(layer_norm=False, scope=s + "basic_lstm_cell/")
        cell_out, (c, h) = lstm(x, (c, h), w)
        hidden = window.reshape(BATCH, length, -1)
        features = hidden @ w[s + "attention/attn_w"][0, 0]
        query = np.concatenate([c, h], 1) @ w[s + "attention/kernel"] + w[s + "attention/bias"]
        scores = (w[s + "attention/attn_v"] * np.tanh(features + query[:, None])).sum(-1)
        weights = scores if broken else np.exp(scores) / np.exp(scores).sum(1, keepdims=True)
        read = (weights[:, :, None] * hidden).sum(1)
        out = np.concatenate([cell_out, read], 1) @ w[s + "attn_output_projection/kernel"] \
            + w[s + "attn_output_projection/bias"]
        window = np.concatenate([hidden[:, 1:], out[:, None]], 1).reshape(BATCH, -1)
        return out, ((c, h), read, window)
    return step


def highway(broken=False, coupled=True):
    def step(x, h, w):
        new_h = np.tanh(np.concatenate([x, h], 1) @ w["basic_rnn_cell/kernel"] + w["basic_rnn_cell/bias"])
        carry = sigmoid(x @ w["carry_w"] + w["carry_b"])
        transform = 1 - carry if coupled else sigmoid(x @ w["transform_w"] + w["transform_b"])
        if broken:
            carry, transform = transform, carry
        return x * carry + new_h * transform, new_h
    return step


CASES = {
    # name: (cell factory, state sizes, dtype, reference, {variable: shape} as TF 1.15 names them)
    "LayerNormBasicLSTMCell": (
        lambda: rnn_cell.LayerNormBasicLSTMCell(H, norm_gain=1.5, norm_shift=0.25), (H, H), tf.float64,
        layer_norm_basic_lstm,
        {"kernel": [DEPTH + H, 4 * H], **{f"{g}/{p}": [H] for g in ("input", "transform", "forget", "output",
                                                                     "state") for p in ("gamma", "beta")}}),
    "LayerNormBasicLSTMCell-no-norm": (
        lambda: rnn_cell.LayerNormBasicLSTMCell(H, layer_norm=False), (H, H), tf.float64,
        lambda broken=False: layer_norm_basic_lstm(broken, layer_norm=False),
        {"kernel": [DEPTH + H, 4 * H], "bias": [4 * H]}),
    "NASCell": (
        lambda: rnn_cell.NASCell(H, num_proj=PROJ, use_bias=True), (H, PROJ), tf.float64, nas,
        {"recurrent_kernel": [PROJ, 8 * H], "kernel": [DEPTH, 8 * H], "bias": [8 * H],
         "projection_weights": [H, PROJ]}),
    "CoupledInputForgetGateLSTMCell": (
        lambda: rnn_cell.CoupledInputForgetGateLSTMCell(H, use_peepholes=True, num_proj=PROJ, proj_clip=0.3),
        (H, PROJ), tf.float64, coupled_input_forget_gate,
        {"W_0": [DEPTH + PROJ, 3 * H], "B": [3 * H], "W_F_diag": [H], "W_O_diag": [H], "W_P_0": [H, PROJ]}),
    "CoupledInputForgetGateLSTMCell-layer-norm": (
        lambda: rnn_cell.CoupledInputForgetGateLSTMCell(H, use_peepholes=True, num_proj=PROJ, proj_clip=0.3,
                                                        layer_norm=True),
        (H, PROJ), tf.float32, lambda broken=False: coupled_input_forget_gate(broken, layer_norm=True),
        {"W_0": [DEPTH + PROJ, 3 * H], "B": [3 * H], "W_F_diag": [H], "W_O_diag": [H], "W_P_0": [H, PROJ],
         **{f"{g}/{p}": [H] for g in ("transform", "forget", "output", "state") for p in ("gamma", "beta")}}),
    "LayerNormLSTMCell": (
        lambda: rnn_cell.LayerNormLSTMCell(H, use_peepholes=True, cell_clip=0.5, num_proj=PROJ, layer_norm=True),
        (H, PROJ), tf.float32, layer_norm_lstm,
        {"kernel": [DEPTH + PROJ, 4 * H], "bias": [4 * H], "w_f_diag": [H], "w_i_diag": [H], "w_o_diag": [H],
         "projection/kernel": [H, PROJ],
         **{f"{g}/{p}": [H] for g in ("input", "transform", "forget", "output", "state")
            for p in ("gamma", "beta")}}),
    "UGRNNCell": (lambda: rnn_cell.UGRNNCell(H), H, tf.float64, ugrnn, {"kernel": [DEPTH + H, 2 * H],
                                                                      "bias": [2 * H]}),
    "IntersectionRNNCell": (
        lambda: rnn_cell.IntersectionRNNCell(H, num_in_proj=H), H, tf.float64, intersection,
        {"in_projection/kernel": [DEPTH, H], "in_projection/bias": [H], "kernel": [2 * H, 4 * H],
         "bias": [4 * H]}),
    "AttentionCellWrapper": (
        lambda: rnn_cell.AttentionCellWrapper(tf.nn.rnn_cell.BasicLSTMCell(H), attn_length=3),
        ((H, H), H, 3 * H), tf.float32, attention,
        {"kernel": [DEPTH + H, DEPTH], "bias": [DEPTH], "basic_lstm_cell/kernel": [DEPTH + H, 4 * H],
         "basic_lstm_cell/bias": [4 * H], "attention/attn_w": [1, 1, H, H], "attention/attn_v": [H],
         "attention/kernel": [2 * H, H], "attention/bias": [H], "attn_output_projection/kernel": [2 * H, H],
         "attn_output_projection/bias": [H]}),
}
SCOPES = {  # each cell's default scope, its class name in snake case as TF 1.15 made it
    "LayerNormBasicLSTMCell": "layer_norm_basic_lstm_cell",
    "LayerNormBasicLSTMCell-no-norm": "layer_norm_basic_lstm_cell",
    "NASCell": "nas_cell", "CoupledInputForgetGateLSTMCell": "coupled_input_forget_gate_lstm_cell",
    "CoupledInputForgetGateLSTMCell-layer-norm": "coupled_input_forget_gate_lstm_cell",
    "LayerNormLSTMCell": "layer_norm_lstm_cell", "UGRNNCell": "ugrnn_cell",
    "IntersectionRNNCell": "intersection_rnn_cell", "AttentionCellWrapper": "attention_cell_wrapper"}


def _case_result(session, case):
    factory, sizes, dtype, reference, _ = CASES[case]
    inputs, state0, outputs, final, weights = _run(session, factory(), sizes, dtype)
    return dtype, inputs, state0, outputs, final, weights, reference


def _gap(expected, outputs, final):
    want_outputs, want_final = expected
    gaps = [np.abs(outputs - want_outputs).max()]
    gaps += [np.abs(np.asarray(a) - b).max() for a, b in zip(tf.nest.flatten(final), tf.nest.flatten(want_final))]
    return max(gaps)


@pytest.mark.parametrize("case", sorted(CASES))
def test_cell_matches_its_numpy_reference_and_a_broken_one_does_not(session, case):
    dtype, inputs, state0, outputs, final, weights, reference = _case_result(session, case)
    gap = _gap(_unroll(reference(), inputs, state0, weights), outputs, final)
    assert gap <= TOLERANCE[dtype], gap
    broken_gap = _gap(_unroll(reference(broken=True), inputs, state0, weights), outputs, final)
    assert broken_gap > TOLERANCE[dtype], broken_gap


@pytest.mark.parametrize("case", sorted(CASES))
def test_cell_variables_are_named_and_shaped_as_tf_1_15(graph, case):
    factory, sizes, dtype, _, expected = CASES[case]
    x = tf.zeros([BATCH, DEPTH], dtype)
    tf.nn.static_rnn(factory(), [x], dtype=dtype)
    prefix = f"rnn/{SCOPES[case]}/"
    assert {v.op.name: v.shape.as_list() for v in tf.global_variables()} == {
        prefix + name: shape for name, shape in expected.items()}


@pytest.mark.parametrize("coupled", [True, False])
def test_highway_wrapper_matches_its_reference_coupled_or_not(session, coupled):
    cell = rnn_cell.HighwayWrapper(tf.nn.rnn_cell.BasicRNNCell(DEPTH), couple_carry_transform_gates=coupled)
    inputs, state0, outputs, final, weights = _run(session, cell, DEPTH, tf.float32)
    expected_names = {"basic_rnn_cell/kernel", "basic_rnn_cell/bias", "carry_w", "carry_b"}
    assert set(weights) == expected_names | (set() if coupled else {"transform_w", "transform_b"})
    tolerance = TOLERANCE[tf.float32]
    assert _gap(_unroll(highway(coupled=coupled), inputs, state0, weights), outputs, final) <= tolerance
    assert _gap(_unroll(highway(True, coupled), inputs, state0, weights), outputs, final) > tolerance


def test_layer_norm_cells_initialise_gain_and_shift_as_asked(session):
    cell = rnn_cell.LayerNormBasicLSTMCell(H, norm_gain=1.5, norm_shift=0.25)
    cell(tf.zeros([1, DEPTH]), cell.zero_state(1, tf.float32))
    session.run(tf.global_variables_initializer())
    values = {v.op.name.split("/", 1)[1]: session.run(v) for v in tf.global_variables()}
    assert all((values[f"{g}/gamma"] == 1.5).all() and (values[f"{g}/beta"] == 0.25).all()
               for g in ("input", "transform", "forget", "output", "state"))


# TF 1.15's documented values: variables all 0.5, inputs [[1]*4, [2]*4, [3]*4], state all 0.1.
DOCUMENTED = {
    "UGRNNCell": (lambda: rnn_cell.UGRNNCell(2), [[0.13752282] * 2, [0.10545051] * 2, [0.10074195] * 2]),
    "IntersectionRNNCell": (lambda: rnn_cell.IntersectionRNNCell(2, num_in_proj=2),
                            [[2.00431061] * 2, [4.00060606] * 2, [6.00008249] * 2]),
    "NASCell": (lambda: rnn_cell.NASCell(6), [[0.576751] * 6, [0.618936] * 6, [0.627393] * 6]),
}


@pytest.mark.parametrize("case", sorted(DOCUMENTED))
def test_cell_gives_tf_1_15_documented_output(session, case):
    factory, expected = DOCUMENTED[case]
    cell = factory()
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        inputs = tf.constant(np.repeat([[1.0], [2.0], [3.0]], 4, axis=1), tf.float32)
        state = tf.nest.map_structure(lambda size: tf.fill([3, size], 0.1), cell.state_size)
        output, _ = cell(inputs, state)
    session.run(tf.global_variables_initializer())
    got = session.run(output)
    np.testing.assert_allclose(got, expected, atol=1e-6)  # TF's assertAllClose tolerance for float32
    assert np.abs(got - np.asarray(expected) * 1.001).max() > 1e-6  # a 0.1% slip would be seen


def test_coupled_input_forget_gate_documented_concatenated_state(session):
    """TF 1.15's documented values with state_is_tuple=False: the state is [c, m] side by side."""
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        inputs = tf.constant(np.repeat([[1.0], [2.0], [3.0]], 4, axis=1), tf.float32)
        cell = rnn_cell.CoupledInputForgetGateLSTMCell(2, state_is_tuple=False)
        output, state = cell(inputs, tf.fill([3, 4], 0.1))
    session.run(tf.global_variables_initializer())
    got_output, got_state = session.run([output, state])
    m = [0.121753, 0.103349, 0.100178]
    c = [0.137523, 0.105450, 0.100742]
    np.testing.assert_allclose(got_output, np.repeat(np.array(m)[:, None], 2, 1), atol=1e-6)
    np.testing.assert_allclose(got_state, np.stack([c, c, m, m], 1), atol=1e-6)
    assert np.abs(got_state - np.stack([m, m, c, c], 1)).max() > 1e-6  # [m, c] would be caught


def test_layer_norm_basic_lstm_documented_values(session):
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        cell = rnn_cell.LayerNormBasicLSTMCell(2)
        output, (c, h) = cell(tf.ones([1, 3]), tf.nn.rnn_cell.LSTMStateTuple(
            tf.constant([[0.0, 0.1]]), tf.constant([[0.2, 0.3]])))
    session.run(tf.global_variables_initializer())
    got_h, got_c = session.run([output, c])
    np.testing.assert_allclose(got_h, [[-0.38079708, 0.38079708]], atol=1e-5)
    np.testing.assert_allclose(got_c, [[-1.0, 1.0]], atol=1e-5)
    assert np.abs(got_h - [[0.38079708, -0.38079708]]).max() > 1e-5


def test_bad_arguments_raise_tf_1_15_errors(graph):
    with pytest.raises(ValueError, match="Must have input size == output size for Intersection RNN"):
        rnn_cell.IntersectionRNNCell(2)(tf.zeros([3, 4]), tf.zeros([3, 2]))
    with pytest.raises(ValueError, match="attn_length should be greater than zero, got 0"):
        rnn_cell.AttentionCellWrapper(tf.nn.rnn_cell.BasicLSTMCell(2), 0)
    with pytest.raises(ValueError, match="Cell returns tuple of states, but the flag state_is_tuple is not set"):
        rnn_cell.AttentionCellWrapper(tf.nn.rnn_cell.BasicLSTMCell(2), 2, state_is_tuple=False)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        rnn_cell.AttentionCellWrapper("not a cell", 2)


def test_rnn_cell_holds_every_contrib_cell_as_tf115s_module_did():
    """TF 1.15's rnn_cell module held the grid, conv and other cells written apart here;
    its own tests reach them through it (`contrib_rnn_cell.GridLSTMCell`)."""
    from tf1_graphs.contrib import conv_lstm, grid_rnn_cell, more_rnn_cells
    for module in (conv_lstm, grid_rnn_cell, more_rnn_cells):
        for name in module.__all__:
            assert getattr(rnn_cell, name) is getattr(module, name)
    assert not hasattr(rnn_cell, "NotACell")  # the twin: a name none of them has is not there


def test_linear_bias_is_never_partitioned_as_in_tf115(graph):
    """TF 1.15's `_Linear` made its bias outside the scope's partitioner; the kernel follows it."""
    from tf1_graphs.contrib._cell_parts import Linear
    with tf.variable_scope("s", partitioner=tf.fixed_size_partitioner(2)):
        Linear(tf.zeros([3, 4]), 6, True)
        tf.get_variable("twin", [6])  # the twin: a plain variable there is partitioned
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["s/bias:0", "s/kernel/part_0:0", "s/kernel/part_1:0", "s/twin/part_0:0", "s/twin/part_1:0"]
