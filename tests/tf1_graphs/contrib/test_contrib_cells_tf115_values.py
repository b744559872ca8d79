"""The contrib cells reproduce the numbers TF 1.15's own unit tests document for them.

TF 1.15's `contrib/rnn/python/kernel_tests/rnn_cell_test.py` builds these cells under a
constant initializer and states literal outputs; those numbers are facts about TF 1.15 and
are checked here (float32 graphs, as there).  Tolerance 2e-6: the numbers are printed to 6
to 10 digits and float32 arithmetic adds ~1e-7 (observed at most 6e-7).  Where TF 1.15's
numbers depend on its random draws (PhasedLSTMCell's periods, the Ind* recurrent weights)
they need TF 1.15's op-seed rule: test_contrib_tf115_fixes.py checks those.  Each case has a broken twin, the same cell
with one semantic choice changed, which must miss the numbers by more than 1e-3.
Also from those tests: GLSTMCell with one group is LSTMCell, and each of two groups is an
LSTMCell of half the size.
"""
import numpy as np
import pytest

from contrib_cell_step import max_diff
from tf1_graphs import tf
from tf1_graphs.contrib import conv_lstm, grid_rnn_cell as grid, more_rnn_cells as cells

ATOL, BROKEN_MIN = 2e-6, 1e-3


def _run(session, cell, inputs, state, init=0.5):
    """`cell(inputs, state)` in float32 under a scope whose initializer is constant `init`."""
    to_tensor = lambda a: tf.constant(np.asarray(a, np.float32))  # noqa: E731
    with tf.variable_scope("root", initializer=tf.constant_initializer(init)):
        output, new_state = cell(tf.nest.map_structure(to_tensor, inputs),
                                 tf.nest.map_structure(to_tensor, state))
    session.run(tf.global_variables_initializer())
    return session.run([output, new_state])


def _check(session, make, inputs, state, expected, init=0.5):
    """The documented `expected` (a function of (output, new_state)) holds for `make(False)`
    and fails for its broken twin `make(True)`, each in a fresh graph."""
    with tf.Graph().as_default(), tf.Session() as fresh:
        broken = _run(fresh, make(True), inputs, state, init)
    actual = _run(session, make(False), inputs, state, init)
    assert max_diff(*expected(*actual)) <= ATOL
    assert max_diff(*expected(*broken)) > BROKEN_MIN


ONES_1x2, ONES_1x3, STATE_1x2 = np.ones((1, 2)), np.ones((1, 3)), np.full((1, 2), 0.1)


def _sru(broken):
    return cells.SRUCell(2, activation=tf.nn.relu if broken else None)


def _cfn(broken):
    return cells.CFNCell(2, activation="sigmoid" if broken else "tanh",
                         kernel_initializer=tf.constant_initializer(0.5))


def _minimal(broken):
    return cells.MinimalRNNCell(2, bias_initializer="zeros" if broken else "ones",
                                kernel_initializer=tf.constant_initializer(0.5))


@pytest.mark.parametrize("make, inputs, documented", [
    (_sru, ONES_1x2, 0.509682), (_sru, ONES_1x3, 0.55255556),
    (_cfn, ONES_1x2, 0.17188203), (_cfn, ONES_1x3, 0.15535763),
    (_minimal, ONES_1x2, 0.18899589), (_minimal, ONES_1x3, 0.19554167),
])
def test_vector_cells_give_tf115_numbers(session, make, inputs, documented):
    _check(session, make, inputs, STATE_1x2,
           lambda output, _: (output, np.full((1, 2), documented)))


@pytest.mark.parametrize("ndims", [1, 2, 3])
def test_conv_lstm_cells_give_tf115_numbers(session, ndims):
    """Batch rows of ones and twos, c0 = the input, h0 = 0, initializer 1 / 2**ndims: every
    position of row b has TF 1.15's documented c and h."""
    make_cell = {1: conv_lstm.Conv1DLSTMCell, 2: conv_lstm.Conv2DLSTMCell,
                 3: conv_lstm.Conv3DLSTMCell}[ndims]
    space = [2] * ndims
    x = np.ones((2, *space, 1)) * np.reshape([1.0, 2.0], [2] + [1] * (ndims + 1))
    state = tf.nn.rnn_cell.LSTMStateTuple(x, np.zeros_like(x))
    per_row = np.reshape([1.0, 0.0], [2] + [1] * (ndims + 1))

    def expected(output, new_state):
        documented_c = np.where(per_row, 1.4375670191, 2.7542609292) * np.ones_like(x)
        documented_h = np.where(per_row, 0.6529865603, 0.8736877431) * np.ones_like(x)
        return (output, new_state.c, new_state.h), (documented_h, documented_c, documented_h)

    _check(session, lambda broken: make_cell(input_shape=space + [1], output_channels=1,
                                             kernel_shape=[3] * ndims,
                                             forget_bias=0.0 if broken else 1.0),
           x, state, expected, init=1.0 / 2 ** ndims)


WEIGHT_NORM_DOCUMENTED = {  # (norm, use_peepholes): (c, h)
    (False, False): ([0.65937078, 0.74983585], [0.44923624, 0.49362513]),
    (False, True): ([0.65937084, 0.7574988], [0.4792085, 0.53470564]),
    (True, False): ([0.50125383, 0.58805949], [0.32770363, 0.37397948]),
    (True, True): ([0.50125383, 0.59587258], [0.35041603, 0.40873795]),
}


@pytest.mark.parametrize("norm, peepholes", sorted(WEIGHT_NORM_DOCUMENTED))
def test_weight_norm_cell_gives_tf115_numbers(session, norm, peepholes):
    c, h = WEIGHT_NORM_DOCUMENTED[(norm, peepholes)]
    state = tf.nn.rnn_cell.LSTMStateTuple(np.array([[0.0, 0.1]]), np.array([[0.2, 0.3]]))
    _check(session, lambda broken: cells.WeightNormLSTMCell(2, norm=norm != broken,
                                                            use_peepholes=peepholes),
           ONES_1x2, state, lambda _, new: ((new.c, new.h), (np.array([c]), np.array([h]))))


def _pairs(rows):
    """TF 1.15's grid numbers come in equal pairs (two units, constant weights)."""
    return np.repeat(np.array(rows), 2, axis=1)


GRID_INPUTS = np.repeat([[1.0], [2.0], [3.0]], 4, axis=1)
GRID_OUTPUT = _pairs([[0.416383, 0.403238, 0.524020, 0.565425, 0.557865, 0.609699],
                      [0.627331, 0.622393, 0.688342, 0.708078, 0.694245, 0.715171],
                      [0.711050, 0.709197, 0.736533, 0.744264, 0.737390, 0.745250]])
GRID_STATE = _pairs([[0.625556, 0.416383, 0.759134, 0.524020, 0.798795, 0.557865],
                     [0.875488, 0.627331, 0.936432, 0.688342, 0.941961, 0.694245],
                     [0.957327, 0.711050, 0.979522, 0.736533, 0.980245, 0.737390]])


@pytest.mark.parametrize("state_is_tuple", [False, True])
def test_grid_cell_with_coupled_gates_gives_tf115_numbers(session, state_is_tuple):
    def make(broken):
        return grid.GridLSTMCell(2, feature_size=2, frequency_skip=1, num_frequency_blocks=[3],
                                 couple_input_forget_gates=not broken,
                                 state_is_tuple=state_is_tuple)
    cell = make(False)
    state = (cell.state_tuple_type(*[np.full((3, 2), 0.1)] * 6) if state_is_tuple
             else np.full((3, 12), 0.1))
    _check(session, make, GRID_INPUTS, state,
           lambda output, new_state: ((output, np.hstack(tf.nest.flatten(new_state))),
                                      (GRID_OUTPUT, GRID_STATE)))


BIDIRECTIONAL_INPUTS = np.array([[1.0], [2.0], [3.0]]) + [0.0, 0.1, 0.2, 0.3]
FORWARD_OUTPUT = [[0.464130, 0.419165, 0.593283, 0.738350, 0.661638, 0.866774],
                  [0.669636, 0.628966, 0.736057, 0.895927, 0.755559, 0.954359],
                  [0.751109, 0.711716, 0.778357, 0.940779, 0.784530, 0.980604]]
FORWARD_STATE = [[0.710660, 0.464130, 0.877293, 0.593283, 0.958505, 0.661638],
                 [0.967579, 0.669636, 1.038811, 0.736057, 1.058201, 0.755559],
                 [1.053842, 0.751109, 1.079919, 0.778357, 1.085620, 0.784530]]
BACKWARD_BY_OFFSET = {  # backward_slice_offset: (backward output, backward state)
    0: ([[0.520789, 0.476968, 0.604341, 0.760207, 0.635773, 0.850218],
         [0.692621, 0.652363, 0.737517, 0.899558, 0.745984, 0.946840],
         [0.759940, 0.720652, 0.778552, 0.941606, 0.781035, 0.977731]],
        [[0.785405, 0.520789, 0.890836, 0.604341, 0.928512, 0.635773],
         [0.993088, 0.692621, 1.040288, 0.737517, 1.048773, 0.745984],
         [1.062455, 0.759940, 1.080101, 0.778552, 1.082402, 0.781035]]),
    1: ([[0.322645, 0.276068, 0.584654, 0.690292, 0.640446, 0.840071],
         [0.493625, 0.449236, 0.730828, 0.865996, 0.749429, 0.944958],
         [0.608587, 0.566683, 0.777345, 0.925820, 0.782597, 0.976858]],
        [[0.516575, 0.322645, 0.866628, 0.584654, 0.934002, 0.640446],
         [0.749836, 0.493625, 1.033488, 0.730828, 1.052186, 0.749429],
         [0.895999, 0.608587, 1.078978, 0.777345, 1.083843, 0.782597]]),
}


@pytest.mark.parametrize("offset", sorted(BACKWARD_BY_OFFSET))
def test_bidirectional_grid_cell_gives_tf115_numbers(session, offset):
    """Shared time-frequency weights; the broken twin reads the other backward offset."""
    def make(broken):
        return grid.BidirectionalGridLSTMCell(
            2, feature_size=2, share_time_frequency_weights=True, frequency_skip=1,
            num_frequency_blocks=[3], backward_slice_offset=(1 - offset) if broken else offset)
    backward_output, backward_state = BACKWARD_BY_OFFSET[offset]
    documented = (_pairs(np.hstack([FORWARD_OUTPUT, backward_output])),
                  _pairs(np.hstack([FORWARD_STATE, backward_state])))
    state = make(False).state_tuple_type(*[np.full((3, 2), 0.1)] * 12)
    _check(session, make, BIDIRECTIONAL_INPUTS, state,
           lambda output, new_state: ((output, np.hstack(new_state)), documented))


@pytest.mark.parametrize("groups, depth", [(1, 4), (1, 5), (2, 4), (2, 6)])
def test_glstm_groups_are_lstm_cells(session, groups, depth):
    """Under a constant initializer every group of a GLSTMCell(4) computes what an
    LSTMCell(4 / groups) computes on its share of the (all-ones) input."""
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        glstm = cells.GLSTMCell(4, number_of_groups=groups)
        g_out, _ = glstm(tf.ones([2, depth]), glstm.zero_state(2, tf.float32))
        lstm = tf.nn.rnn_cell.LSTMCell(4 // groups)
        out, _ = lstm(tf.ones([2, depth // groups]), lstm.zero_state(2, tf.float32))
    session.run(tf.global_variables_initializer())
    g_out, out = session.run([g_out, out])
    assert max_diff(g_out, np.tile(out, groups)) <= ATOL
    assert max_diff(g_out[:, ::-1] * [1, 1, 1, 0.5], np.tile(out, groups)) > BROKEN_MIN
