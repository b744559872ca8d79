"""The less-used contrib.rnn cells against NumPy references of their TF 1.15 equations.

Each cell runs 3 steps of `dynamic_rnn` from a random initial state, its variables set to
seeded random values (so zero-initialised biases and peepholes count too), and is compared
with the reference unrolled in NumPy from the same values.  Tolerances: float64 graphs
agree with the float64 reference to 1e-12 (observed at most a few 1e-16: the same
operations, different summation order); PhasedLSTMCell runs in float32 (TF 1.15 casts its
cycle ratio to float32) and agrees to 2e-6 (observed ~1e-7, float32 rounding).  Each cell's
broken twin (a gate swapped, a term dropped) must miss by more than 1e-3.
Variable names and shapes are TF 1.15's, read from its source.
"""
import dataclasses
from typing import Callable

import numpy as np
import pytest

from contrib_cell_step import cell_step, max_diff, shapes, sigmoid, unroll
from tf1_graphs import tf
from tf1_graphs.contrib import more_rnn_cells as cells

BATCH, TIME, DEPTH, UNITS = 3, 3, 4, 3
F64_ATOL, F32_ATOL, BROKEN_MIN = 1e-12, 2e-6, 1e-3


def _concat_matmul(args, kernel, bias=0.0):
    return np.concatenate(args, 1) @ kernel + bias


def ref_phased(x, state, v, broken, leak=0.001, peepholes=False):
    time, feats = x
    c, h = state
    mask = sigmoid(_concat_matmul([feats, h] + [c] * peepholes,
                                  v["mask_gates/kernel"], v["mask_gates/bias"]))
    i, f = np.split(mask, 2, 1)
    if broken:
        i, f = f, i
    new_c = c * f + i * np.tanh(_concat_matmul([feats, h], v["new_input/kernel"],
                                               v["new_input/bias"]))
    o = sigmoid(_concat_matmul([feats, h] + [new_c] * peepholes, v["output_gate/kernel"],
                               v["output_gate/bias"]))
    new_h = np.tanh(new_c) * o
    ratio = np.mod(time - v["phase"], v["period"]) / v["period"]
    on = v["ratio_on"]
    k = np.where(ratio < 0.5 * on, 2 * ratio / on,
                 np.where(ratio < on, 2 - 2 * ratio / on, leak * ratio))
    new_c = k * new_c + (1 - k) * c
    new_h = k * new_h + (1 - k) * h
    return new_h, (new_c, new_h)


def ref_glstm(x, state, v, broken, groups=2):
    c, m = state
    in_size, m_size = x.shape[1] // groups, m.shape[1] // groups
    m_groups = np.split(m, groups, 1)[::-1] if broken else np.split(m, groups, 1)
    parts = [np.split(np.concatenate([x[:, k * in_size:(k + 1) * in_size], m_groups[k]], 1)
                      @ v["group%d/kernel" % k], 4, 1) for k in range(groups)]
    i, j, f, o = (np.concatenate([p[g] for p in parts], 1) + v["bias_" + "ijfo"[g]]
                  for g in range(4))
    c = sigmoid(f + 1.0) * c + sigmoid(i) * np.tanh(j)
    m = (sigmoid(o) * np.tanh(c)) @ v["projection/kernel"]
    return m, (c, m)


def ref_sru(x, s, v, broken):
    x_bar, f, r, x_highway = np.split(x @ v["kernel"], 4, 1)
    f, r = np.split(sigmoid(np.concatenate([f, r], 1) + v["bias"]), 2, 1)
    if broken:
        f, r = r, f
    c = f * s + (1 - f) * x_bar
    return r * np.tanh(c) + (1 - r) * x_highway, c


def ref_ind_rnn(x, s, v, broken):
    h = np.tanh(x @ v["kernel_w"] + (0 if broken else s * v["kernel_u"]) + v["bias"])
    return h, h


def ref_indy_gru(x, s, v, broken):
    r, u = np.split(sigmoid(x @ v["gates/kernel_w"] + np.tile(s, 2) * v["gates/kernel_u"]
                            + v["gates/bias"]), 2, 1)
    if broken:
        r, u = u, r
    candidate = np.tanh(x @ v["candidate/kernel"] + r * s * v["candidate/kernel_u"]
                        + v["candidate/bias"])
    h = u * s + (1 - u) * candidate
    return h, h


def ref_indy_lstm(x, state, v, broken):
    c, h = state
    i, j, f, o = np.split(x @ v["kernel_w"] + np.tile(h, 4) * v["kernel_u"] + v["bias"], 4, 1)
    c = c * sigmoid(f + (0.0 if broken else 1.0)) + sigmoid(i) * np.tanh(j)
    h = np.tanh(c) * sigmoid(o)
    return h, (c, h)


def ref_minimal(x, s, v, broken):
    depth = x.shape[1]
    z = np.tanh(x @ v["kernel"][:depth])
    u = sigmoid(np.concatenate([z, s], 1) @ v["kernel"][depth:] + v["bias"])
    h = (1 - u) * s + u * z if broken else u * s + (1 - u) * z
    return h, h


def ref_cfn(x, s, v, broken):
    units = s.shape[1]
    gates = sigmoid(s @ v["recurrent_kernel"] + x @ v["kernel"][:, :2 * units] + v["bias"])
    theta, eta = np.split(gates, 2, 1)
    if broken:
        theta, eta = eta, theta
    h = theta * np.tanh(s) + (1 - eta) * np.tanh(x @ v["kernel"][:, 2 * units:])
    return h, h


def _weight_norm(kernel, depths, gains):
    """Each row block of `kernel` scaled to unit column norms, times its gain."""
    blocks = np.split(kernel, np.cumsum(depths)[:-1], 0)
    return np.concatenate([b / np.sqrt(np.maximum((b * b).sum(0), 1e-12)) * g
                           for b, g in zip(blocks, gains)], 0)


def ref_weight_norm(x, state, v, broken):
    c, h = state
    w = "wn_lstm_cell/"

    def kernel(prefix, depths):
        if broken:
            return v[prefix + "kernel"]
        return _weight_norm(v[prefix + "kernel"], depths,
                            [v[prefix + "norm_%d" % k] for k in range(len(depths))])

    gates = np.concatenate([x, h], 1) @ kernel(w, [x.shape[1], h.shape[1]]) + v[w + "bias"]
    i, j, f, o = np.split(gates, 4, 1)
    c = (c * sigmoid(f + 1 + v[w + "w_f_diag"] * c)
         + sigmoid(i + v[w + "w_i_diag"] * c) * np.tanh(j))
    h = sigmoid(o + v[w + "w_o_diag"] * c) * np.tanh(c)
    h = h @ kernel(w + "projection/", [h.shape[1]])
    return h, (c, h)


@dataclasses.dataclass
class Case:
    make: Callable
    reference: Callable
    variables: dict
    lstm_state: bool = False
    state_units: int = UNITS
    state_width: int = UNITS
    dtype: type = np.float64
    values: dict = None
    atol: float = F64_ATOL

    def inputs(self, rng):
        return rng.normal(size=(BATCH, TIME, DEPTH)).astype(self.dtype)

    def state(self, rng):
        if self.lstm_state:
            return tf.nn.rnn_cell.LSTMStateTuple(*(rng.normal(size=(BATCH, n)).astype(self.dtype)
                                                   for n in (self.state_units, self.state_width)))
        return rng.normal(size=(BATCH, self.state_units)).astype(self.dtype)


class PhasedCase(Case):
    def inputs(self, rng):
        times = np.array([0.5, 1.4, 3.7])[:, None, None] + np.arange(TIME)[None, :, None] * 2.1
        return times.astype(np.float32), super().inputs(rng)


# Periods, phases and times chosen so that the steps see the gate rising, falling and closed.
PHASED_VALUES = {"period": [4.0, 5.0, 10.0], "phase": [0.0, 1.0, 2.0], "ratio_on": [0.5] * 3}
PHASED_VARIABLES = {"mask_gates/kernel": [DEPTH + UNITS, 2 * UNITS], "mask_gates/bias": [2 * UNITS],
                    "new_input/kernel": [DEPTH + UNITS, UNITS], "new_input/bias": [UNITS],
                    "output_gate/kernel": [DEPTH + UNITS, UNITS], "output_gate/bias": [UNITS],
                    "period": [UNITS], "phase": [UNITS], "ratio_on": [UNITS]}
WN = "wn_lstm_cell/"
CASES = {
    "PhasedLSTMCell": PhasedCase(
        lambda: cells.PhasedLSTMCell(UNITS), ref_phased, PHASED_VARIABLES, lstm_state=True,
        dtype=np.float32, values=PHASED_VALUES, atol=F32_ATOL),
    "PhasedLSTMCell-peepholes": PhasedCase(
        lambda: cells.PhasedLSTMCell(UNITS, use_peepholes=True, leak=0.01),
        lambda *a: ref_phased(*a, leak=0.01, peepholes=True),
        dict(PHASED_VARIABLES, **{"mask_gates/kernel": [DEPTH + 2 * UNITS, 2 * UNITS],
                                  "output_gate/kernel": [DEPTH + 2 * UNITS, UNITS]}),
        lstm_state=True, dtype=np.float32, values=PHASED_VALUES, atol=F32_ATOL),
    "GLSTMCell": Case(
        lambda: cells.GLSTMCell(4, num_proj=2, number_of_groups=2), ref_glstm,
        {"group0/kernel": [3, 8], "group1/kernel": [3, 8], "bias_i": [4], "bias_j": [4],
         "bias_f": [4], "bias_o": [4], "projection/kernel": [4, 2]},
        lstm_state=True, state_units=4, state_width=2),
    "SRUCell": Case(lambda: cells.SRUCell(UNITS), ref_sru,
                    {"kernel": [DEPTH, 4 * UNITS], "bias": [2 * UNITS]}),
    "IndRNNCell": Case(lambda: cells.IndRNNCell(UNITS), ref_ind_rnn,
                       {"kernel_w": [DEPTH, UNITS], "kernel_u": [1, UNITS], "bias": [UNITS]}),
    "IndyGRUCell": Case(
        lambda: cells.IndyGRUCell(UNITS), ref_indy_gru,
        {"gates/kernel_w": [DEPTH, 2 * UNITS], "gates/kernel_u": [1, 2 * UNITS],
         "gates/bias": [2 * UNITS], "candidate/kernel": [DEPTH, UNITS],
         "candidate/kernel_u": [1, UNITS], "candidate/bias": [UNITS]}),
    "IndyLSTMCell": Case(
        lambda: cells.IndyLSTMCell(UNITS), ref_indy_lstm,
        {"kernel_w": [DEPTH, 4 * UNITS], "kernel_u": [1, 4 * UNITS], "bias": [4 * UNITS]},
        lstm_state=True),
    "MinimalRNNCell": Case(lambda: cells.MinimalRNNCell(UNITS), ref_minimal,
                           {"kernel": [DEPTH + 2 * UNITS, UNITS], "bias": [UNITS]}),
    "CFNCell": Case(lambda: cells.CFNCell(UNITS), ref_cfn,
                    {"kernel": [DEPTH, 3 * UNITS], "recurrent_kernel": [UNITS, 2 * UNITS],
                     "bias": [2 * UNITS]}),
    "WeightNormLSTMCell": Case(
        lambda: cells.WeightNormLSTMCell(UNITS, use_peepholes=True, num_proj=2),
        ref_weight_norm,
        {WN + "kernel": [DEPTH + 2, 4 * UNITS], WN + "norm_0": [4 * UNITS],
         WN + "norm_1": [4 * UNITS], WN + "bias": [4 * UNITS], WN + "w_f_diag": [UNITS],
         WN + "w_i_diag": [UNITS], WN + "w_o_diag": [UNITS],
         WN + "projection/kernel": [UNITS, 2], WN + "projection/norm_0": [2]},
        lstm_state=True, state_width=2),
}


def _run(session, name):
    case = CASES[name]
    rng = np.random.default_rng(1)
    inputs, state = case.inputs(rng), case.state(rng)
    outputs, final, variables = cell_step(session, case.make(), inputs, state,
                                          values=case.values, over_time=True)
    expected = {broken: unroll(case.reference, inputs, state, variables, broken)
                for broken in (False, True)}
    return case, (outputs, final), variables, expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_cell_matches_numpy_reference_and_its_broken_twin_does_not(session, name):
    case, actual, variables, expected = _run(session, name)
    assert shapes(variables) == case.variables
    assert max_diff(actual, expected[False]) <= case.atol
    assert max_diff(actual, expected[True]) > BROKEN_MIN


def test_phased_steps_see_the_gate_rising_falling_and_closed():
    """The chosen periods, phases and times reach all three branches of k."""
    times = PhasedCase(None, None, None).inputs(np.random.default_rng(0))[0]
    v = {k: np.array(x) for k, x in PHASED_VALUES.items()}
    ratio = np.mod(times - v["phase"], v["period"]) / v["period"]
    branches = np.where(ratio < 0.25, "up", np.where(ratio < 0.5, "down", "closed"))
    assert set(branches.ravel()) == {"up", "down", "closed"}


@pytest.mark.parametrize("make, state_size, output_size", [
    (lambda: cells.PhasedLSTMCell(5), (5, 5), 5),
    (lambda: cells.GLSTMCell(6, num_proj=4, number_of_groups=2), (6, 4), 4),
    (lambda: cells.GLSTMCell(6), (6, 6), 6),
    (lambda: cells.SRUCell(5), 5, 5),
    (lambda: cells.IndRNNCell(5), 5, 5),
    (lambda: cells.IndyGRUCell(5), 5, 5),
    (lambda: cells.IndyLSTMCell(5), (5, 5), 5),
    (lambda: cells.MinimalRNNCell(5), 5, 5),
    (lambda: cells.CFNCell(5), 5, 5),
    (lambda: cells.WeightNormLSTMCell(5, num_proj=2), (5, 2), 2),
])
def test_state_and_output_sizes(graph, make, state_size, output_size):
    cell = make()
    assert cell.state_size == state_size and cell.output_size == output_size


def test_weight_norm_cell_without_norm_is_lstm_cell(session):
    """TF 1.15: with norm=False the result is LSTMCell's on the same kernel and bias."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(BATCH, DEPTH))
    state = tf.nn.rnn_cell.LSTMStateTuple(*rng.normal(size=(2, BATCH, UNITS)))
    out, _, v = cell_step(session, cells.WeightNormLSTMCell(UNITS, norm=False), x, state)
    lstm = tf.nn.rnn_cell.LSTMCell(UNITS, name="lstm")
    lstm_out, _ = lstm(tf.constant(x), tf.nest.map_structure(tf.constant, state))
    session.run([w.assign(v[WN + part]) for w, part in zip(lstm.weights, ("kernel", "bias"))])
    assert max_diff(out, session.run(lstm_out)) <= F64_ATOL
    assert sorted(v) == [WN + "bias", WN + "kernel"]


@pytest.mark.parametrize("make, message", [
    (lambda: cells.GLSTMCell(5, number_of_groups=2), "num_units must be divisible by number_of_groups"),
    (lambda: cells.GLSTMCell(4, num_proj=3, number_of_groups=2), "num_proj must be divisible by number_of_groups"),
])
def test_bad_constructor_arguments_raise_as_in_tf115(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def _call(cell, shape, dtype=tf.float64):
    inputs = tf.placeholder(dtype, shape)
    return cell(inputs, cell.zero_state(2, dtype))


@pytest.mark.parametrize("make, shape, message", [
    (lambda: cells.GLSTMCell(4, number_of_groups=2), [2, 3],
     r"input size \(3\) must be divisible by number_of_groups \(2\)"),
    (lambda: cells.GLSTMCell(4, number_of_groups=2), [2, None], "input size must be statically known"),
    (lambda: cells.SRUCell(3), [2, None], "Expected inputs.shape\\[-1\\] to be known"),
    (lambda: cells.IndyLSTMCell(3), [2, None], "Expected inputs.shape\\[-1\\] to be known"),
    (lambda: cells.CFNCell(3), [2, None], "Expected inputs.shape\\[-1\\] to be known"),
    (lambda: cells.IndRNNCell(3), [2, 4, 4], "expected ndim=2, found ndim=3"),
    (lambda: cells.WeightNormLSTMCell(3), [2, None], "Could not infer input size"),
])
def test_bad_inputs_raise_as_in_tf115(graph, make, shape, message):
    with pytest.raises(ValueError, match=message):
        _call(make(), shape)


@pytest.mark.parametrize("dtype", [tf.float16, tf.float32])
def test_layer_cells_take_their_dtype_and_names_from_the_first_call(graph, dtype):
    """As TF 1.15's tests have it: stacked IndyLSTMCells under MultiRNNCell, dtype inferred."""
    cell = tf.nn.rnn_cell.MultiRNNCell([cells.IndyLSTMCell(2) for _ in range(2)])
    state = (tf.zeros([1, 2], dtype),) * 2
    with tf.variable_scope("root"):
        cell(tf.zeros([1, 2], dtype), (state, state))
    assert cell.dtype == dtype.name
    assert [v.name for v in cell.trainable_variables] == [
        "root/multi_rnn_cell/cell_%d/indy_lstm_cell/%s:0" % (layer, name)
        for layer in (0, 1) for name in ("kernel_w", "kernel_u", "bias")]
    assert not cell.non_trainable_variables


def test_phased_cell_takes_float64_time_with_float32_features(graph):
    cell = cells.PhasedLSTMCell(2)
    state = cell.zero_state(3, tf.float32)
    output, _ = cell((tf.zeros([3, 1], tf.float64), tf.zeros([3, 4])), state)
    assert output.dtype == tf.float32 and output.shape.as_list() == [3, 2]


def test_sru_cell_runs_inside_a_keras_rnn_layer(session):
    import tf_keras
    outputs = tf_keras.layers.RNN(cell=cells.SRUCell(10))(tf.ones([2, 3, 5]))
    session.run(tf.global_variables_initializer())
    assert session.run(outputs).shape == (2, 10)


@pytest.mark.parametrize("name", ["PhasedLSTMCell", "GLSTMCell", "WeightNormLSTMCell", "CFNCell"])
def test_every_trainable_variable_gets_a_gradient_through_dynamic_rnn(graph, name):
    """Trainable end to end, as TF 1.15's end-to-end tests had it (PhasedLSTMCell's period
    and phase through its gradient-passing modulo; WeightNormLSTMCell's gains)."""
    case = CASES[name]
    rng = np.random.default_rng(0)
    inputs = tf.nest.map_structure(tf.constant, case.inputs(rng))
    cell = case.make()
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, initial_state=tf.nest.map_structure(
        tf.constant, case.state(rng)))
    grads = tf.gradients(tf.reduce_sum(outputs), cell.trainable_variables)
    assert cell.trainable_variables and all(g is not None for g in grads)
    cut = tf.gradients(tf.reduce_sum(tf.stop_gradient(outputs)), cell.trainable_variables)
    assert all(g is None for g in cut)  # the broken twin: the same check on a cut path fails
