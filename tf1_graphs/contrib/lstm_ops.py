"""The fused LSTMs of TF 1.15's contrib/rnn/python/ops/lstm_ops.py, on TensorFlow's own kernels.

`LSTMBlockCell` (one `LSTMBlockCell` kernel per step) and `LSTMBlockFusedCell` (one `BlockLSTM`
kernel per sequence) create exactly the variables BasicLSTMCell creates, `kernel` [in + H, 4H]
and `bias` [4H], gate order i, j, f, o, forget bias added at run time; with `use_peephole`
also `w_i_diag`, `w_f_diag`, `w_o_diag` [H], as LSTMCell(use_peepholes=True) names them.  So
weights move between these cells unchanged (only the default scope name differs, as in TF 1.15).
`cell_clip=None` means no clipping (the kernels' own default, 3.0, would clip).
TensorFlow 2.21 registers a gradient for `BlockLSTM` but none for the one-step
`LSTMBlockCell` kernel (contrib used to), so this module registers it, built on the
`LSTMBlockCellGrad` kernel that TensorFlow still ships.
"""
import abc

import tensorflow as _tf

from tf1_graphs.contrib._cell_parts import FixedSizes, LayerRNNCell, LSTMStateTuple, lstm_sizes

_v1 = _tf.compat.v1
_NO_CLIP = -1.0


def _lstm_block_cell_grad(op, *output_grads):
    """Backprop through one LSTMBlockCell step (outputs i, cs, f, o, ci, co, h; only cs and h are used)."""
    x, cs_prev, h_prev, w, wci, wcf, wco, b = op.inputs
    i, cs, f, o, ci, co, _ = op.outputs
    cs_grad, h_grad = output_grads[1], output_grads[6]
    cs_grad = _tf.zeros_like(cs) if cs_grad is None else cs_grad
    h_grad = _tf.zeros_like(cs) if h_grad is None else h_grad
    cs_prev_grad, dicfo, wci_grad, wcf_grad, wco_grad = _tf.raw_ops.LSTMBlockCellGrad(
        x=x, cs_prev=cs_prev, h_prev=h_prev, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
        i=i, cs=cs, f=f, o=o, ci=ci, co=co, cs_grad=cs_grad, h_grad=h_grad,
        use_peephole=op.get_attr("use_peephole"))
    xh_grad = _tf.matmul(dicfo, w, transpose_b=True)
    depth = _tf.shape(x)[1]
    w_grad = _tf.matmul(_tf.concat([x, h_prev], 1), dicfo, transpose_a=True)
    return (xh_grad[:, :depth], cs_prev_grad, xh_grad[:, depth:], w_grad,
            wci_grad, wcf_grad, wco_grad, _tf.reduce_sum(dicfo, 0))


try:
    _tf.RegisterGradient("LSTMBlockCell")(_lstm_block_cell_grad)
except KeyError:  # a TensorFlow that registers its own gradient keeps it
    pass


def _block_lstm(seq_len_max, x, w, b, cs_prev=None, h_prev=None, wci=None, wcf=None, wco=None,
                forget_bias=None, cell_clip=None, use_peephole=None, name=None):
    """TF 1.15's private helper (its tests call it): `BlockLSTM` on a list of [batch, depth] steps.

    Missing states and peepholes are zeros; returns the kernel's seven outputs (i, cs, f, o, ci,
    co, h), each as a list of steps.
    """
    dtype = x[0].dtype
    batch_size = _tf.compat.dimension_value(x[0].shape.with_rank(2)[0])
    cell_size4 = _tf.compat.dimension_value(b.shape.with_rank(1)[0])
    if cell_size4 is None:
        raise ValueError("`b` shape must not be None.")
    cell_size = cell_size4 // 4
    zero_state = _tf.zeros([batch_size, cell_size], dtype) if cs_prev is None or h_prev is None else None
    if wci is None:
        wci = wcf = wco = _tf.zeros([cell_size], dtype)
    outputs = _tf.raw_ops.BlockLSTM(
        seq_len_max=seq_len_max, x=_tf.stack(x), cs_prev=zero_state if cs_prev is None else cs_prev,
        h_prev=zero_state if h_prev is None else h_prev, w=w, wci=wci, wcf=wcf, wco=wco, b=b,
        forget_bias=1.0 if forget_bias is None else forget_bias,
        cell_clip=_NO_CLIP if cell_clip is None else cell_clip, use_peephole=bool(use_peephole), name=name)
    return tuple(_tf.unstack(output) for output in outputs)


class _LSTMBlockVariables:
    """The kernel, bias and (with peepholes) diagonal weights both fused cells create."""

    def _add_lstm_variables(self, input_size):
        self._kernel = self.add_variable("kernel", [input_size + self._num_units, 4 * self._num_units])
        self._bias = self.add_variable("bias", [4 * self._num_units],
                                       initializer=_v1.constant_initializer(0.0))
        if self._use_peephole:
            self._w_i_diag = self.add_variable("w_i_diag", [self._num_units])
            self._w_f_diag = self.add_variable("w_f_diag", [self._num_units])
            self._w_o_diag = self.add_variable("w_o_diag", [self._num_units])

    def _kernel_arguments(self, dtype):
        """The weights, peepholes (zeros without them) and attributes both kernels take."""
        if self._use_peephole:
            peepholes = dict(wci=self._w_i_diag, wcf=self._w_f_diag, wco=self._w_o_diag)
        else:
            zeros = _tf.zeros([self._num_units], dtype=dtype)
            peepholes = dict(wci=zeros, wcf=zeros, wco=zeros)
        return dict(w=self._kernel, b=self._bias, forget_bias=self._forget_bias,
                    cell_clip=self._cell_clip, use_peephole=self._use_peephole, **peepholes)


class LSTMBlockCell(_LSTMBlockVariables, FixedSizes, LayerRNNCell):
    """BasicLSTMCell's variables and maths (plus optional peepholes and clipping), one fused kernel per step."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(_reuse=reuse, dtype=dtype, name=name)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = _NO_CLIP if cell_clip is None else cell_clip
        self.input_spec = _v1.layers.InputSpec(ndim=2)
        self._state_size, self._output_size = lstm_sizes(num_units)

    def build(self, inputs_shape):
        input_size = _tf.compat.dimension_value(inputs_shape[1])
        if not input_size:
            raise ValueError(f"Expecting inputs_shape[1] to be set: {inputs_shape}")
        self._add_lstm_variables(input_size)
        self.built = True

    def call(self, inputs, state):
        if len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        cs_prev, h_prev = state
        _, cs, _, _, _, _, h = _tf.raw_ops.LSTMBlockCell(
            x=inputs, cs_prev=cs_prev, h_prev=h_prev, **self._kernel_arguments(inputs.dtype))
        return h, LSTMStateTuple(cs, h)


class LSTMBlockWrapper(_v1.layers.Layer, abc.ABC):
    """Housekeeping for fused LSTMs: default state, list inputs, and `sequence_length`.

    A subclass provides `num_units` and `_call_cell`, which runs the whole [time, batch, depth]
    input and returns every step's cell state and output.  With `sequence_length`, outputs
    past a sequence's end are zeroed and its final state is the one at its last step (the
    initial state for a length of 0), as `dynamic_rnn` gives.
    """

    @property
    @abc.abstractmethod
    def num_units(self):
        """Number of units in this cell (output dimension)."""

    @abc.abstractmethod
    def _call_cell(self, inputs, initial_cell_state, initial_output, dtype, sequence_length):
        """Returns (cell states, outputs), both [time, batch, num_units]."""

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        is_list = isinstance(inputs, list)
        if is_list:
            inputs = _tf.stack(inputs)
        inputs_shape = inputs.shape.with_rank(3)
        if not inputs_shape[2]:
            raise ValueError(f"Expecting inputs_shape[2] to be set: {inputs_shape}")
        batch_size = _static_or_dynamic(inputs, 1)
        time_len = _static_or_dynamic(inputs, 0)
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            zeros = _tf.zeros(_tf.stack([batch_size, self.num_units]), dtype=dtype)
            initial_state = zeros, zeros
        else:
            if len(initial_state) != 2:
                raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
            dtype = dtype or initial_state[0].dtype
        if sequence_length is not None:
            sequence_length = _tf.convert_to_tensor(sequence_length)
        initial_cell_state, initial_output = initial_state
        cell_states, outputs = self._call_cell(inputs, initial_cell_state, initial_output, dtype,
                                               sequence_length)
        if sequence_length is None:
            final_cell_state, final_output = cell_states[-1], outputs[-1]
        else:
            steps_in_sequence = _tf.transpose(_tf.sequence_mask(sequence_length, time_len, dtype=dtype))
            outputs *= steps_in_sequence[:, :, None]
            final_cell_state = _last_of_each_sequence(initial_cell_state, cell_states, sequence_length)
            final_output = _last_of_each_sequence(initial_output, outputs, sequence_length)
        if is_list:
            outputs = _tf.unstack(outputs)
        return outputs, LSTMStateTuple(final_cell_state, final_output)


def _static_or_dynamic(tensor, axis):
    size = _tf.compat.dimension_value(tensor.shape[axis])
    return _tf.shape(tensor)[axis] if size is None else size


def _last_of_each_sequence(initial, steps, lengths):
    """steps[lengths[b] - 1, b] for every b, with the initial value standing at index -1."""
    with_initial = _tf.concat([initial[None], steps], 0)
    batch_index = _tf.range(_tf.shape(lengths)[0], dtype=lengths.dtype)
    return _tf.gather_nd(with_initial, _tf.stack([lengths, batch_index], axis=1))


class LSTMBlockFusedCell(_LSTMBlockVariables, LSTMBlockWrapper):
    """A whole time-major sequence [time, batch, depth] through one `BlockLSTM` kernel.

    Called as in TF 1.15: `outputs, (c, h) = cell(inputs, initial_state=None, dtype=None,
    sequence_length=None, scope=None)`; `dtype` or `initial_state` is required.
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._cell_clip = _NO_CLIP if cell_clip is None else cell_clip
        self._use_peephole = use_peephole
        self.input_spec = _v1.layers.InputSpec(ndim=3)

    @property
    def num_units(self):
        return self._num_units

    def build(self, input_shape):
        self._add_lstm_variables(_tf.compat.dimension_value(input_shape[2]))
        self.built = True

    def _call_cell(self, inputs, initial_cell_state=None, initial_output=None, dtype=None,
                   sequence_length=None):
        if sequence_length is None:
            steps = _static_or_dynamic(inputs, 0)
        else:
            steps = _tf.reduce_max(sequence_length)
        _, cs, _, _, _, _, h = _tf.raw_ops.BlockLSTM(
            seq_len_max=_tf.cast(steps, _tf.int64), x=inputs, cs_prev=initial_cell_state,
            h_prev=initial_output, **self._kernel_arguments(dtype))
        return cs, h
