"""`tf.contrib.cudnn_rnn`: the CPU cells that read cuDNN's weights; the cuDNN layers are refused.

TF 1.15's `CudnnLSTM`, `CudnnGRU`, ... run only on a GPU with cuDNN, and TF 1.15 paired each
with a cell any device can run on the same weights, under the same names:
`CudnnCompatibleLSTMCell` is `LSTMBlockCell` with `forget_bias=0`, no clipping, no peepholes
and default name `cudnn_compatible_lstm_cell` (variables `kernel` [in + H, 4H], `bias` [4H],
gates i, j, f, o).  `CudnnCompatibleGRUCell` is cuDNN's GRU, whose candidate applies the
reset gate after the hidden projection, `tanh(x Wx + bx + r * (h Wh + bh))`, so it has
variables `gates/kernel` [in + H, 2H], `gates/bias` [2H] (ones),
`candidate/input_projection/kernel` [in, H], `candidate/hidden_projection/kernel` [H, H]
and their `bias`es [H] (zeros), created in that order.
"""
import tensorflow as _tf

from tf1_graphs.contrib._missing import refuse_missing
from tf1_graphs.refusals import not_provided
from tf1_graphs.contrib.lstm_ops import LSTMBlockCell

_v1 = _tf.compat.v1


class CudnnCompatibleLSTMCell(LSTMBlockCell):
    """The LSTM cell whose weights `CudnnLSTM`'s canonical weights are."""

    def __init__(self, num_units, reuse=None):
        super().__init__(num_units, forget_bias=0, cell_clip=None, use_peephole=False, reuse=reuse,
                         name="cudnn_compatible_lstm_cell")


class CudnnCompatibleGRUCell(_v1.nn.rnn_cell.GRUCell):
    """The GRU cell whose weights `CudnnGRU`'s canonical weights are (see the module docstring)."""

    def __init__(self, num_units, reuse=None, kernel_initializer=None):
        super().__init__(num_units, activation=None, reuse=reuse, kernel_initializer=kernel_initializer)

    def build(self, inputs_shape):
        input_depth = _tf.compat.dimension_value(inputs_shape[1])
        if input_depth is None:
            raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
        units = self._num_units

        def bias(name, shape, default):
            initializer = self._bias_initializer or default(dtype=self.dtype)
            return self.add_weight(name, shape=shape, initializer=initializer)

        self._gate_kernel = self.add_weight("gates/kernel", shape=[input_depth + units, 2 * units],
                                            initializer=self._kernel_initializer)
        self._gate_bias = bias("gates/bias", [2 * units], lambda dtype: _v1.constant_initializer(1.0, dtype=dtype))
        self._candidate_input_kernel = self.add_weight(
            "candidate/input_projection/kernel", shape=[input_depth, units], initializer=self._kernel_initializer)
        self._candidate_hidden_kernel = self.add_weight(
            "candidate/hidden_projection/kernel", shape=[units, units], initializer=self._kernel_initializer)
        self._candidate_input_bias = bias("candidate/input_projection/bias", [units], _v1.zeros_initializer)
        self._candidate_hidden_bias = bias("candidate/hidden_projection/bias", [units], _v1.zeros_initializer)
        self.built = True

    def call(self, inputs, state):
        gates = _tf.sigmoid(_tf.nn.bias_add(_tf.matmul(_tf.concat([inputs, state], 1), self._gate_kernel),
                                            self._gate_bias))
        reset, update = _tf.split(gates, 2, axis=1)
        from_input = _tf.nn.bias_add(_tf.matmul(inputs, self._candidate_input_kernel), self._candidate_input_bias)
        from_state = _tf.nn.bias_add(_tf.matmul(state, self._candidate_hidden_kernel), self._candidate_hidden_bias)
        candidate = self._activation(from_input + reset * from_state)
        new_h = (1 - update) * candidate + update * state
        return new_h, new_h


# The rest of what TF 1.15 exported here: cuDNN's fused layers, their checkpoint savers and
# weight-format converters, all of which run cuDNN's kernels or convert for them.
_CPU_CELL_FOR = {"CudnnLSTM": "CudnnCompatibleLSTMCell", "CudnnGRU": "CudnnCompatibleGRUCell",
                 "CudnnRNNRelu": None, "CudnnRNNTanh": None}
_TF115_NAMES = frozenset({
    "CudnnLSTMSaveable", "CudnnGRUSaveable", "CudnnRNNReluSaveable", "CudnnRNNTanhSaveable",
    "CudnnParamsFormatConverterLSTM", "CudnnParamsFormatConverterGRU", "CudnnParamsFormatConverterTanh",
    "CudnnParamsFormatConverterRelu", *_CPU_CELL_FOR})
_refuse = refuse_missing(__name__, known=_TF115_NAMES)


def __getattr__(name):
    if name in _CPU_CELL_FOR:
        cell = _CPU_CELL_FOR[name]
        instead = (f"; tf.contrib.cudnn_rnn.{cell} runs on the CPU with its weights" if cell
                   else " (TF 1.15 had no CPU cell for it either)")
        raise not_provided("tf.contrib.cudnn_rnn", name, f": it needs a GPU with cuDNN{instead}")
    return _refuse(name)
