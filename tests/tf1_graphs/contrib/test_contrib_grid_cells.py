"""TimeFreqLSTMCell, GridLSTMCell and BidirectionalGridLSTMCell against NumPy references.

float64 graphs, every variable set to seeded values (peepholes included), a random state.
The grid cells run 3 steps of `dynamic_rnn`; TimeFreqLSTMCell one call (its TF 1.15
`output_size` does not count the windows, so `dynamic_rnn` cannot run it, as in TF 1.15).
Tolerance 1e-12 (observed ~1e-16).  Broken twins, which must miss by more than 1e-3: the
frequency LSTM's carried output dropped (TimeFreq), the time LSTM fed the frequency cell
state (grid cells), the backward windows read forwards (bidirectional).
"""
import numpy as np
import pytest

from contrib_cell_step import cell_step, max_diff, shapes, sigmoid, unroll
from tf1_graphs import tf
from tf1_graphs.contrib import grid_rnn_cell as grid

BATCH, TIME, UNITS = 2, 3, 2
F64_ATOL, BROKEN_MIN = 1e-12, 1e-3


def _windows(x, start, count, skip, size):
    return [x[:, start + k * skip:start + k * skip + size] for k in range(count)]


def ref_time_freq(x, state, v, broken, feature_size=2, skip=1, clip=None):
    h = UNITS
    m_prev_freq = np.zeros((x.shape[0], h))
    outputs, states = [], []
    count = (x.shape[1] - feature_size) // skip + 1
    for k, window in enumerate(_windows(x, 0, count, skip, feature_size)):
        c_prev, m_prev = state[:, 2 * k * h:(2 * k + 1) * h], state[:, (2 * k + 1) * h:(2 * k + 2) * h]
        carried = np.zeros_like(m_prev_freq) if broken else m_prev_freq
        i, j, f, o = np.split(np.concatenate([window, m_prev, carried], 1) @ v["W_0"] + v["B"], 4, 1)
        c = (sigmoid(f + 1.0 + v["W_F_diag"] * c_prev) * c_prev
             + sigmoid(i + v["W_I_diag"] * c_prev) * np.tanh(j))
        if clip is not None:
            c = np.clip(c, -clip, clip)
        m = sigmoid(o + v["W_O_diag"] * c) * np.tanh(c)
        m_prev_freq = m
        outputs.append(m)
        states += [c, m]
    return np.concatenate(outputs, 1), np.concatenate(states, 1)


def ref_grid_block(windows, block, c_m_prev_time, v, opts, broken):
    """One block of GridLSTMCell: (outputs [m_time, m_freq per window], states [c_time, m_time ...])."""
    h = UNITS
    share, couple = opts.get("share", False), opts.get("couple", False)
    peepholes, clip = opts.get("peepholes", False), opts.get("clip")
    shards = opts.get("shards", 1)

    def matrix(lstm):
        weights = np.concatenate([v["W_%s_%d_%d" % (lstm, block, s)] for s in range(shards)], 0)
        return weights, v["B_%s_%d" % (lstm, block)]

    def peep(lstm, gate, c_freq, c_time):
        if not peepholes:
            return 0.0
        owner = "freq" if share else lstm
        return (v["W_%s_diag_%sf_%d" % (gate, owner, block)] * c_freq
                + v["W_%s_diag_%st_%d" % (gate, owner, block)] * c_time)

    m_prev_freq = c_prev_freq = np.zeros((windows[0].shape[0], h))
    outputs, states = [], []
    for k, window in enumerate(windows):
        c_prev_time, m_prev_time = c_m_prev_time(k)
        cell_in = np.concatenate([window, m_prev_time, m_prev_freq], 1)
        new_c, gate_o = {}, {}
        for lstm, c_own in (("freq", c_prev_freq), ("time", c_prev_freq if broken else c_prev_time)):
            weights, bias = matrix("f" if share or lstm == "freq" else "t")
            gates = np.split(cell_in @ weights + bias, 3 if couple else 4, 1)
            i, j, o = (gates[0], gates[1], gates[-1])
            i_g = sigmoid(i + peep(lstm, "I", c_prev_freq, c_prev_time))
            f_g = 1.0 - i_g if couple else sigmoid(gates[2] + 1.0 + peep(lstm, "F", c_prev_freq,
                                                                         c_prev_time))
            c = f_g * c_own + i_g * np.tanh(j)
            new_c[lstm] = c if clip is None else np.clip(c, -clip, clip)
            gate_o[lstm] = o
        m = {lstm: sigmoid(gate_o[lstm] + peep(lstm, "O", new_c["freq"], new_c["time"]))
             * np.tanh(new_c[lstm]) for lstm in ("freq", "time")}
        m_prev_freq, c_prev_freq = m["freq"], new_c["freq"]
        outputs += [m["time"], m["freq"]]
        states += [new_c["time"], m["time"]]
    return outputs, states


def _block_windows(x, opts, offset=0):
    """Each block's windows; a backward offset pads the end (> 0) or the front (< 0)."""
    fs, skip = opts["feature_size"], opts["skip"]
    spans = opts.get("spans") or [(0, x.shape[1])]
    if offset > 0:
        x = np.pad(x, [(0, 0), (0, offset)])
    elif offset < 0:
        x, offset = np.pad(x, [(0, 0), (-offset, 0)]), 0
    return [_windows(x, start + offset, (end - start - fs) // skip + 1, skip, fs)
            for start, end in spans]


def ref_grid(x, state, v, broken, opts):
    outputs, states = [], []
    for block, windows in enumerate(_block_windows(x, opts)):
        if opts.get("flat_state"):
            def c_m(k):
                return state[:, 2 * k * UNITS:(2 * k + 1) * UNITS], state[:, (2 * k + 1) * UNITS:(2 * k + 2) * UNITS]
        else:
            def c_m(k, block=block):
                name = "state_f%02d_b%02d" % (k, block)
                return getattr(state, name + "_c"), getattr(state, name + "_m")
        block_out, block_states = ref_grid_block(windows, block, c_m, v, opts, broken)
        outputs += block_out
        states += block_states
    new_state = np.concatenate(states, 1) if opts.get("flat_state") else type(state)(*states)
    return np.concatenate(outputs, 1), new_state


def ref_bidirectional(x, state, v, broken, opts):
    outputs, states = [], []
    offset = opts.get("offset", 0)
    for direction, windows in (("fwd", _block_windows(x, opts)), ("bwd", _block_windows(x, opts, offset))):
        scoped = {name[len(direction) + 1:]: value for name, value in v.items()
                  if name.startswith(direction + "/")}
        for block, block_windows in enumerate(windows):
            if direction == "bwd" and not broken:
                block_windows = block_windows[::-1]

            def c_m(k, block=block, direction=direction):
                name = "%s_state_f%02d_b%02d" % (direction, k, block)
                return getattr(state, name + "_c"), getattr(state, name + "_m")
            block_out, block_states = ref_grid_block(block_windows, block, c_m, scoped, opts, False)
            outputs += block_out
            states += block_states
    return np.concatenate(outputs, 1), type(state)(*states)


def _random_state(rng, cell):
    return cell.state_tuple_type(*rng.normal(size=(len(cell.state_size), BATCH, UNITS)))


def test_time_freq_cell_matches_numpy_reference_and_broken_twin_does_not(session):
    rng = np.random.default_rng(0)
    x, state = rng.normal(size=(BATCH, 5)), rng.normal(size=(BATCH, 4 * 2 * UNITS))
    cell = grid.TimeFreqLSTMCell(UNITS, use_peepholes=True, cell_clip=0.6, feature_size=2,
                                 frequency_skip=1)
    out, new_state, v = cell_step(session, cell, x, state)
    assert shapes(v) == {"W_0": [2 + 2 * UNITS, 4 * UNITS], "B": [4 * UNITS],
                         "W_F_diag": [UNITS], "W_I_diag": [UNITS], "W_O_diag": [UNITS]}
    assert out.shape == (BATCH, 4 * UNITS) and new_state.shape == state.shape
    assert max_diff((out, new_state), ref_time_freq(x, state, v, False, clip=0.6)) <= F64_ATOL
    assert max_diff((out, new_state), ref_time_freq(x, state, v, True, clip=0.6)) > BROKEN_MIN


PEEPHOLES_2_SOURCES = {"W_%s_diag_%s%s_0" % (g, lstm, s): [UNITS]
                       for lstm in ("freq", "time") for g in "FIO" for s in "ft"}
GRID_CASES = {
    # name: (constructor arguments, input depth, reference options, expected variables)
    "peepholes-clip-2-shards": (
        dict(use_peepholes=True, cell_clip=0.5, feature_size=2, frequency_skip=1,
             num_frequency_blocks=[3], num_unit_shards=2),
        4, dict(peepholes=True, clip=0.5, shards=2, feature_size=2, skip=1),
        dict({"W_f_0_0": [3, 8], "W_f_0_1": [3, 8], "B_f_0": [8],
              "W_t_0_0": [3, 8], "W_t_0_1": [3, 8], "B_t_0": [8]}, **PEEPHOLES_2_SOURCES)),
    "shared-coupled-2-blocks": (
        dict(use_peepholes=True, share_time_frequency_weights=True, couple_input_forget_gates=True,
             feature_size=2, frequency_skip=2, num_frequency_blocks=[1, 2],
             start_freqindex_list=[0, 2], end_freqindex_list=[2, 6]),
        6, dict(peepholes=True, share=True, couple=True, feature_size=2, skip=2,
                spans=[(0, 2), (2, 6)]),
        {name % b: shape for b in (0, 1) for name, shape in (
            ("W_f_%d_0", [6, 6]), ("B_f_%d", [6]), ("W_I_diag_freqf_%d", [2]),
            ("W_I_diag_freqt_%d", [2]), ("W_O_diag_freqf_%d", [2]), ("W_O_diag_freqt_%d", [2]))}),
    "flat-state": (
        dict(feature_size=3, frequency_skip=1, num_frequency_blocks=[2], state_is_tuple=False),
        4, dict(feature_size=3, skip=1, flat_state=True),
        {"W_f_0_0": [7, 8], "B_f_0": [8], "W_t_0_0": [7, 8], "B_t_0": [8]}),
}


@pytest.mark.parametrize("name", sorted(GRID_CASES))
def test_grid_cell_matches_numpy_reference_and_broken_twin_does_not(session, name):
    kwargs, depth, opts, expected_variables = GRID_CASES[name]
    cell = grid.GridLSTMCell(UNITS, **kwargs)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(BATCH, TIME, depth))
    state = (rng.normal(size=(BATCH, cell.state_size)) if opts.get("flat_state")
             else _random_state(rng, cell))
    outputs, final, v = cell_step(session, cell, x, state, over_time=True)
    assert shapes(v) == expected_variables
    assert max_diff((outputs, final), unroll(ref_grid, x, state, v, False, opts)) <= F64_ATOL
    assert max_diff((outputs, final), unroll(ref_grid, x, state, v, True, opts)) > BROKEN_MIN


@pytest.mark.parametrize("offset", [1, -1])  # offset 0 is checked against TF 1.15's numbers
def test_bidirectional_grid_cell_matches_numpy_reference_and_broken_twin_does_not(session, offset):
    cell = grid.BidirectionalGridLSTMCell(
        UNITS, use_peepholes=True, feature_size=2, frequency_skip=1, num_frequency_blocks=[3],
        backward_slice_offset=offset)
    rng = np.random.default_rng(2)
    x, state = rng.normal(size=(BATCH, TIME, 4)), _random_state(rng, cell)
    outputs, final, v = cell_step(session, cell, x, state, over_time=True)
    assert sorted(shapes(v)) == sorted(
        [d + "/" + n for d in ("fwd", "bwd")
         for n in ["W_f_0_0", "B_f_0", "W_t_0_0", "B_t_0"] + list(PEEPHOLES_2_SOURCES)])
    opts = dict(peepholes=True, feature_size=2, skip=1, offset=offset)
    assert outputs.shape == (BATCH, TIME, 2 * 2 * UNITS * 3)
    assert max_diff((outputs, final), unroll(ref_bidirectional, x, state, v, False, opts)) <= F64_ATOL
    assert max_diff((outputs, final), unroll(ref_bidirectional, x, state, v, True, opts)) > BROKEN_MIN


def test_state_and_output_sizes(graph):
    cell = grid.GridLSTMCell(UNITS, feature_size=2, frequency_skip=1, num_frequency_blocks=[3])
    assert cell.state_size._fields[:3] == ("state_f00_b00_c", "state_f00_b00_m", "state_f01_b00_c")
    assert type(cell.state_size).__name__ == "GridLSTMStateTuple"
    assert len(cell.state_size) == 6 and cell.output_size == 2 * UNITS * 3
    bidirectional = grid.BidirectionalGridLSTMCell(UNITS, feature_size=2, frequency_skip=1,
                                                   num_frequency_blocks=[3])
    fields = bidirectional.state_size._fields
    assert (fields[0], fields[-1], len(fields)) == ("fwd_state_f00_b00_c", "bwd_state_f02_b00_m", 12)
    assert bidirectional.output_size == 4 * UNITS * 3
    time_freq = grid.TimeFreqLSTMCell(UNITS, feature_size=2)
    assert (time_freq.state_size, time_freq.output_size) == (2 * UNITS, UNITS)  # TF 1.15's sizes


def _grid_call(cell, depth):
    inputs = tf.placeholder(tf.float64, [BATCH, depth])
    return cell(inputs, cell.zero_state(BATCH, tf.float64))


@pytest.mark.parametrize("kwargs, depth, message", [
    (dict(feature_size=2, frequency_skip=1, num_frequency_blocks=[2]), 4,
     "Invalid num_frequency_blocks, requires 2 but gets 3"),
    (dict(feature_size=2, frequency_skip=1, num_frequency_blocks=[1, 1]), 4,
     "Length of num_frequency_blocks is not 1, but instead is 2"),
    (dict(feature_size=2, frequency_skip=1, num_frequency_blocks=[1, 1],
          start_freqindex_list=[0, 2], end_freqindex_list=[2]), 4,
     "Length of start and end freqindex_list does not match 2 1"),
    (dict(feature_size=2, frequency_skip=1, num_frequency_blocks=[3], num_unit_shards=7), 4,
     r"Too many shards: shape=\[6, 8\], num_shards=7"),
    (dict(feature_size=2, frequency_skip=1, num_frequency_blocks=[3]), None,
     "Cannot infer input_size from static shape inference."),
])
def test_bad_arguments_raise_as_in_tf115(graph, kwargs, depth, message):
    with pytest.raises(ValueError, match=message):
        _grid_call(grid.GridLSTMCell(UNITS, **kwargs), depth)


def test_missing_frequency_blocks_raise_as_in_tf115():
    with pytest.raises(ValueError, match="Must specify num_frequency_blocks"):
        grid.GridLSTMCell(UNITS)
