"""TF 1.15's time-frequency LSTM cells: `TimeFreqLSTMCell`, `GridLSTMCell` and
`BidirectionalGridLSTMCell` (Sainath & Li 2016; Kalchbrenner et al. 2016).

The input vector is cut into overlapping frequency windows of `feature_size`, `frequency_skip`
apart.  Within one time step an LSTM runs across the windows (the frequency LSTM, its state
starting from zero at each step), while each window also keeps an LSTM state through time.
Matrices are stored as row shards `W_0`, ... (see `_cell_parts.concat_variable`); gate order
i, j, f, o; the forget bias is added at run time.
"""
import collections

import tensorflow as tf

from tf1_graphs.contrib._cell_parts import (
    SizedRNNCell, batch_size, concat_variable, static_depth, v1)

__all__ = ["TimeFreqLSTMCell", "GridLSTMCell", "BidirectionalGridLSTMCell"]

_UNKNOWN_INPUT_SIZE = "Cannot infer input_size from static shape inference."


def _windows(inputs, start, count, skip, size):
    """`count` slices [batch, size] of `inputs`, starting at `start`, `skip` apart."""
    return [tf.slice(inputs, [0, start + k * skip], [-1, size]) for k in range(count)]


class TimeFreqLSTMCell(SizedRNNCell):
    """An LSTM across frequency windows whose per-window (c, m) also carry through time.

    The state is one tensor [batch, 2 * num_units * windows] laid out (c_0, m_0, c_1, m_1, ...);
    the output [batch, num_units * windows] holds m_0, m_1, ....  As in TF 1.15,
    `state_size` reports `2 * num_units` whatever the number of windows, so pass the
    initial state explicitly."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_unit_shards=1, forget_bias=1.0, feature_size=None, frequency_skip=1,
                 reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_unit_shards = num_unit_shards
        self._forget_bias = forget_bias
        self._feature_size = feature_size
        self._frequency_skip = frequency_skip
        self._state_size = 2 * num_units
        self._output_size = num_units

    def _make_tf_features(self, inputs):
        input_size = static_depth(inputs, _UNKNOWN_INPUT_SIZE)
        count = int((input_size - self._feature_size) / self._frequency_skip) + 1
        return _windows(inputs, 0, count, self._frequency_skip, self._feature_size)

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        sigmoid, tanh, units = tf.sigmoid, tf.tanh, self._num_units
        freq_inputs = self._make_tf_features(inputs)
        dtype = inputs.dtype
        window = static_depth(freq_inputs[0])
        weights = concat_variable("W", [window + 2 * units, 4 * units], dtype,
                                  self._num_unit_shards)
        bias = v1.get_variable("B", shape=[4 * units], initializer=v1.zeros_initializer(),
                               dtype=dtype)
        if self._use_peepholes:
            w_f_diag, w_i_diag, w_o_diag = (
                v1.get_variable("W_%s_diag" % gate, shape=[units], dtype=dtype)
                for gate in "FIO")
        m_prev_freq = tf.zeros([batch_size(inputs), units], dtype)
        states, outputs = [], []
        for k, freq_input in enumerate(freq_inputs):
            c_prev = tf.slice(state, [0, 2 * k * units], [-1, units])
            m_prev = tf.slice(state, [0, (2 * k + 1) * units], [-1, units])
            gates = tf.nn.bias_add(
                tf.matmul(tf.concat([freq_input, m_prev, m_prev_freq], 1), weights), bias)
            i, j, f, o = tf.split(gates, 4, axis=1)
            if self._use_peepholes:
                c = (sigmoid(f + self._forget_bias + w_f_diag * c_prev) * c_prev
                     + sigmoid(i + w_i_diag * c_prev) * tanh(j))
            else:
                c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * tanh(j)
            if self._cell_clip is not None:
                c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
            m = sigmoid(o + w_o_diag * c if self._use_peepholes else o) * tanh(c)
            m_prev_freq = m
            states += [c, m]
            outputs.append(m)
        return tf.concat(outputs, 1), tf.concat(states, 1)


class GridLSTMCell(SizedRNNCell):
    """Grid LSTM over frequency blocks: at each window a frequency LSTM (weights `W_f_<b>`,
    `B_f_<b>`) and a time LSTM (`W_t_<b>`, `B_t_<b>`, unless `share_time_frequency_weights`)
    read the same [window, m_time, m_freq] and their peepholes see both cell states.

    The state is a namedtuple `GridLSTMStateTuple` with fields `state_fFF_bBB_c` / `_m`
    per window FF of block BB (or one concatenated tensor if not `state_is_tuple`); the
    output concatenates (m_time, m_freq) per window."""

    def __init__(self, num_units, use_peepholes=False, share_time_frequency_weights=False,
                 cell_clip=None, initializer=None, num_unit_shards=1, forget_bias=1.0,
                 feature_size=None, frequency_skip=None, num_frequency_blocks=None,
                 start_freqindex_list=None, end_freqindex_list=None,
                 couple_input_forget_gates=False, state_is_tuple=True, reuse=None):
        super().__init__(_reuse=reuse)
        if not state_is_tuple:
            v1.logging.warn("%s: Using a concatenated state is slower and will soon be "
                            "deprecated.  Use state_is_tuple=True.", self)
        if num_frequency_blocks is None:
            raise ValueError("Must specify num_frequency_blocks")
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._share_time_frequency_weights = share_time_frequency_weights
        self._couple_input_forget_gates = couple_input_forget_gates
        self._state_is_tuple = state_is_tuple
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_unit_shards = num_unit_shards
        self._forget_bias = forget_bias
        self._feature_size = feature_size
        self._frequency_skip = frequency_skip
        self._start_freqindex_list = start_freqindex_list
        self._end_freqindex_list = end_freqindex_list
        self._num_frequency_blocks = num_frequency_blocks
        self._total_blocks = sum(int(n) for n in num_frequency_blocks)
        if state_is_tuple:
            self._state_tuple_type = self._state_tuple(["state"], "GridLSTMStateTuple")
            self._state_size = self._state_tuple_type(
                *([num_units, num_units] * self._total_blocks))
        else:
            self._state_tuple_type = None
            self._state_size = num_units * self._total_blocks * 2
        self._output_size = num_units * self._total_blocks * 2

    def _state_tuple(self, prefixes, type_name):
        """A namedtuple with fields `<prefix>_fFF_bBB_c`, `_m` for every window of every block."""
        fields = []
        for prefix in prefixes:
            for block, windows in enumerate(self._num_frequency_blocks):
                for freq in range(windows):
                    name = "%s_f%02d_b%02d" % (prefix, freq, block)
                    fields += [name + "_c", name + "_m"]
        return collections.namedtuple(type_name, fields)

    @property
    def state_tuple_type(self):
        return self._state_tuple_type

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        rows = batch_size(inputs)
        outputs, states = [], []
        for block, block_inputs in enumerate(self._make_tf_features(inputs)):
            block_outputs, block_states = self._compute(
                block_inputs, block, state, rows, state_is_tuple=self._state_is_tuple)
            outputs += block_outputs
            states += block_states
        new_state = (self._state_tuple_type(*states) if self._state_is_tuple
                     else tf.concat(states, 1))
        return tf.concat(outputs, 1), new_state

    def _peepholes(self, block, dtype):
        """{(lstm, gate): (weight on the frequency c, weight on the time c)}, lstm 'freq' or
        'time', gate 'F', 'I', 'O' (no 'F' when the gates are coupled)."""
        gates = "IO" if self._couple_input_forget_gates else "FIO"
        lstms = ("freq",) if self._share_time_frequency_weights else ("freq", "time")
        diag = {(lstm, gate): tuple(
                    v1.get_variable("W_%s_diag_%s%s_%d" % (gate, lstm, source, block),
                                    shape=[self._num_units], dtype=dtype)
                    for source in "ft")
                for lstm in lstms for gate in gates}
        for gate in gates:
            diag.setdefault(("time", gate), diag[("freq", gate)])
        return diag

    def _compute(self, freq_inputs, block, state, batch_size, state_prefix="state",
                 state_is_tuple=True):
        """One step of both LSTMs across the windows of `block`; returns (outputs, states),
        lists of [batch, num_units] tensors."""
        units = self._num_units
        num_gates = 3 if self._couple_input_forget_gates else 4
        dtype = freq_inputs[0].dtype
        shape = [static_depth(freq_inputs[0]) + 2 * units, num_gates * units]

        def matrix(lstm):
            weights = concat_variable("W_%s_%d" % (lstm, block), shape, dtype,
                                      self._num_unit_shards)
            bias = v1.get_variable("B_%s_%d" % (lstm, block), shape=[num_gates * units],
                                   initializer=v1.zeros_initializer(), dtype=dtype)
            return weights, bias

        matrices = {"freq": matrix("f")}
        matrices["time"] = (matrices["freq"] if self._share_time_frequency_weights
                            else matrix("t"))
        diag = self._peepholes(block, dtype) if self._use_peepholes else None

        def peep(lstm, gate, c_freq, c_time):
            if diag is None:
                return 0.0
            w_freq, w_time = diag[(lstm, gate)]
            return w_freq * c_freq + w_time * c_time

        m_prev_freq = tf.zeros([batch_size, units], dtype)
        c_prev_freq = tf.zeros([batch_size, units], dtype)
        outputs, states = [], []
        for freq, freq_input in enumerate(freq_inputs):
            if state_is_tuple:
                name = "%s_f%02d_b%02d" % (state_prefix, freq, block)
                c_prev_time, m_prev_time = getattr(state, name + "_c"), getattr(state, name + "_m")
            else:
                c_prev_time = tf.slice(state, [0, 2 * freq * units], [-1, units])
                m_prev_time = tf.slice(state, [0, (2 * freq + 1) * units], [-1, units])
            cell_inputs = tf.concat([freq_input, m_prev_time, m_prev_freq], 1)
            new_c, gate_o = {}, {}
            for lstm, c_own in (("freq", c_prev_freq), ("time", c_prev_time)):
                weights, bias = matrices[lstm]
                gates = tf.split(tf.nn.bias_add(tf.matmul(cell_inputs, weights), bias),
                                 num_gates, axis=1)
                if self._couple_input_forget_gates:
                    i, j, o = gates
                else:
                    i, j, f, o = gates
                i_g = tf.sigmoid(i + peep(lstm, "I", c_prev_freq, c_prev_time))
                if self._couple_input_forget_gates:
                    f_g = 1.0 - i_g
                else:
                    f_g = tf.sigmoid(f + self._forget_bias
                                     + peep(lstm, "F", c_prev_freq, c_prev_time))
                c = f_g * c_own + i_g * tf.tanh(j)
                if self._cell_clip is not None:
                    c = tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
                new_c[lstm], gate_o[lstm] = c, o
            m = {lstm: tf.sigmoid(gate_o[lstm] + peep(lstm, "O", new_c["freq"], new_c["time"]))
                 * tf.tanh(new_c[lstm]) for lstm in ("freq", "time")}
            m_prev_freq, c_prev_freq = m["freq"], new_c["freq"]
            states += [new_c["time"], m["time"]]
            outputs += [m["time"], m["freq"]]
        return outputs, states

    def _make_tf_features(self, input_feat, slice_offset=0):
        """The windows of every block: a list (per block) of lists of [batch, feature_size].
        A positive `slice_offset` pads the end and shifts every window right; a negative
        one pads the front (BidirectionalGridLSTMCell's backward pass)."""
        input_size = static_depth(input_feat, _UNKNOWN_INPUT_SIZE)
        if slice_offset > 0:
            inputs = tf.pad(input_feat, [[0, 0], [0, slice_offset]])
        elif slice_offset < 0:
            inputs = tf.pad(input_feat, [[0, 0], [-slice_offset, 0]])
            slice_offset = 0
        else:
            inputs = input_feat
        if not self._start_freqindex_list:
            if len(self._num_frequency_blocks) != 1:
                raise ValueError("Length of num_frequency_blocks is not 1, but instead is %d"
                                 % len(self._num_frequency_blocks))
            spans = [(0, input_size)]
        else:
            if len(self._start_freqindex_list) != len(self._end_freqindex_list):
                raise ValueError("Length of start and end freqindex_list does not match %d %d"
                                 % (len(self._start_freqindex_list),
                                    len(self._end_freqindex_list)))
            if len(self._num_frequency_blocks) != len(self._start_freqindex_list):
                raise ValueError("Length of num_frequency_blocks is not equal to "
                                 "start_freqindex_list %d %d"
                                 % (len(self._num_frequency_blocks),
                                    len(self._start_freqindex_list)))
            spans = list(zip(self._start_freqindex_list, self._end_freqindex_list))
        blocks = []
        for block, (start, end) in enumerate(spans):
            count = int((end - start - self._feature_size) / self._frequency_skip) + 1
            if count != self._num_frequency_blocks[block]:
                raise ValueError(
                    "Invalid num_frequency_blocks, requires %d but gets %d, please check the "
                    "input size and filter config are correct."
                    % (self._num_frequency_blocks[block], count))
            blocks.append(_windows(inputs, start + slice_offset, count, self._frequency_skip,
                                   self._feature_size))
        return blocks


class BidirectionalGridLSTMCell(GridLSTMCell):
    """GridLSTMCell run across the frequency windows both ways, with separate weights under
    scopes `fwd` and `bwd`; the backward pass reads each block's windows in reverse, shifted
    by `backward_slice_offset`.  The state tuple `BidirectionalGridLSTMStateTuple` has the
    forward fields (`fwd_state_...`) then the backward ones; the output is twice as wide."""

    def __init__(self, num_units, use_peepholes=False, share_time_frequency_weights=False,
                 cell_clip=None, initializer=None, num_unit_shards=1, forget_bias=1.0,
                 feature_size=None, frequency_skip=None, num_frequency_blocks=None,
                 start_freqindex_list=None, end_freqindex_list=None,
                 couple_input_forget_gates=False, backward_slice_offset=0, reuse=None):
        super().__init__(num_units, use_peepholes, share_time_frequency_weights, cell_clip,
                         initializer, num_unit_shards, forget_bias, feature_size,
                         frequency_skip, num_frequency_blocks, start_freqindex_list,
                         end_freqindex_list, couple_input_forget_gates, True, reuse)
        self._backward_slice_offset = int(backward_slice_offset)
        self._state_tuple_type = self._state_tuple(["fwd_state", "bwd_state"],
                                                   "BidirectionalGridLSTMStateTuple")
        self._state_size = self._state_tuple_type(
            *([num_units, num_units] * self._total_blocks * 2))
        self._output_size = 2 * num_units * self._total_blocks * 2

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        rows = batch_size(inputs)
        fwd_inputs = self._make_tf_features(inputs)
        bwd_inputs = (self._make_tf_features(inputs, self._backward_slice_offset)
                      if self._backward_slice_offset else fwd_inputs)
        outputs, states = [], []
        for direction, blocks, order in (("fwd", fwd_inputs, 1), ("bwd", bwd_inputs, -1)):
            with v1.variable_scope(direction):
                for block, block_inputs in enumerate(blocks):
                    block_outputs, block_states = self._compute(
                        block_inputs[::order], block, state, rows,
                        state_prefix=direction + "_state", state_is_tuple=True)
                    outputs += block_outputs
                    states += block_states
        return tf.concat(outputs, 1), self._state_tuple_type(*states)
