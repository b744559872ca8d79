"""TF 1.15's block GRU cells (contrib/rnn/python/ops/gru_ops.py) on TensorFlow's `GRUBlockCell` kernel.

The kernel computes, with r and u from one matrix and the candidate from another:
  [r, u] = sigmoid([x, h] @ w_ru + b_ru);  c = tanh([x, r * h] @ w_c + b_c);  h' = u * h + (1 - u) * c
which is GRUCell's arithmetic.  `GRUBlockCellV2` names its variables as GRUCell does
(`gates/kernel`, `gates/bias`, `candidate/kernel`, `candidate/bias`), so the two load each
other's checkpoints; `GRUBlockCell` keeps the older names `w_ru`, `b_ru`, `w_c`, `b_c`.
TensorFlow 2.21 ships the kernel and its `GRUBlockCellGrad` but registers no gradient (contrib
did), so this module registers one.
"""
import tensorflow as _tf

from tf1_graphs.contrib._cell_parts import FixedSizes, LayerRNNCell

_v1 = _tf.compat.v1


def _gru_block_cell_grad(op, *output_grads):
    """Backprop through one GRUBlockCell step (outputs r, u, c, h; only h is used by the cells)."""
    x, h_prev, w_ru, w_c, b_ru, b_c = op.inputs
    r, u, c, _ = op.outputs
    d_x, d_h_prev, d_c_bar, d_r_bar_u_bar = _tf.raw_ops.GRUBlockCellGrad(
        x=x, h_prev=h_prev, w_ru=w_ru, w_c=w_c, b_ru=b_ru, b_c=b_c, r=r, u=u, c=c, d_h=output_grads[3])
    d_w_ru = _tf.matmul(_tf.concat([x, h_prev], 1), d_r_bar_u_bar, transpose_a=True)
    d_w_c = _tf.matmul(_tf.concat([x, h_prev * r], 1), d_c_bar, transpose_a=True)
    return (d_x, d_h_prev, d_w_ru, d_w_c,
            _tf.reduce_sum(d_r_bar_u_bar, 0), _tf.reduce_sum(d_c_bar, 0))


try:
    _tf.RegisterGradient("GRUBlockCell")(_gru_block_cell_grad)
except KeyError:  # a TensorFlow that registers its own gradient keeps it
    pass


class GRUBlockCell(FixedSizes, LayerRNNCell):
    """GRU, one fused kernel per step; variables `w_ru` [in + H, 2H], `b_ru` (ones), `w_c` [in + H, H], `b_c`."""

    _VARIABLE_NAMES = ("w_ru", "b_ru", "w_c", "b_c")

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        super().__init__(_reuse=reuse, name=name)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        if cell_size is not None:
            _v1.logging.warn("cell_size is deprecated, use num_units instead")
        self._cell_size = cell_size if num_units is None else num_units
        self.input_spec = _v1.layers.InputSpec(ndim=2)
        self._state_size = self._output_size = self._cell_size

    def build(self, input_shape):
        input_size = _tf.compat.dimension_value(input_shape[1])
        if input_size is None:
            raise ValueError("Expecting input_size to be set.")
        gate_kernel, gate_bias, candidate_kernel, candidate_bias = self._VARIABLE_NAMES
        rows = input_size + self._cell_size
        self._gate_kernel = self.add_variable(gate_kernel, [rows, 2 * self._cell_size])
        self._gate_bias = self.add_variable(gate_bias, [2 * self._cell_size],
                                            initializer=_v1.constant_initializer(1.0))
        self._candidate_kernel = self.add_variable(candidate_kernel, [rows, self._cell_size])
        self._candidate_bias = self.add_variable(candidate_bias, [self._cell_size],
                                                 initializer=_v1.constant_initializer(0.0))
        self.built = True

    def call(self, inputs, h_prev):
        cell_size = _tf.compat.dimension_value(h_prev.shape.with_rank(2)[1])
        if cell_size != self._cell_size:
            raise ValueError(f"Shape of h_prev[1] incorrect: cell_size {self._cell_size} vs {cell_size}")
        _, _, _, new_h = _tf.raw_ops.GRUBlockCell(
            x=inputs, h_prev=h_prev, w_ru=self._gate_kernel, w_c=self._candidate_kernel,
            b_ru=self._gate_bias, b_c=self._candidate_bias)
        return new_h, new_h


class GRUBlockCellV2(GRUBlockCell):
    """GRUBlockCell with GRUCell's variable names: `gates/kernel`, `gates/bias`, `candidate/...`."""

    _VARIABLE_NAMES = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")
