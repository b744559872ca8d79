"""`tf.contrib.rnn`: the TF 1.x cells (aliases of `tf.compat.v1.nn.rnn_cell`) and the fused LSTMs.

`LSTMBlockCell` and `LSTMBlockFusedCell` run TensorFlow's fused kernels (`LSTMBlockCell`,
`BlockLSTM`) on exactly the variables BasicLSTMCell creates: `kernel` [in + H, 4H] and
`bias` [4H], gate order i, j, f, o, forget bias added at run time.  So weights move between
the three cells unchanged (only the default scope name differs, as in TF 1.15).
Peepholes are not re-implemented; the kernels get zero peephole vectors and no clipping.
TensorFlow 2.21 registers a gradient for `BlockLSTM` but none for the one-step
`LSTMBlockCell` kernel (contrib used to), so this module registers it, built on the
`LSTMBlockCellGrad` kernel that TensorFlow still ships.
"""
import tensorflow as _tf

_v1 = _tf.compat.v1
_cells = _v1.nn.rnn_cell

RNNCell = _cells.RNNCell
BasicRNNCell = _cells.BasicRNNCell
BasicLSTMCell = _cells.BasicLSTMCell
LSTMCell = _cells.LSTMCell
GRUCell = _cells.GRUCell
MultiRNNCell = _cells.MultiRNNCell
DropoutWrapper = _cells.DropoutWrapper
LSTMStateTuple = _cells.LSTMStateTuple
static_rnn = _v1.nn.static_rnn

_NO_CLIP = -1.0  # the kernels' own default, 3.0, would clip the cell state


def _check_fused_options(cell_clip, use_peephole):
    if use_peephole:
        raise NotImplementedError("tf1_graphs' fused LSTM cells do not implement peepholes")
    return _NO_CLIP if cell_clip is None else float(cell_clip)


def _zero_peepholes(num_units, dtype):
    zeros = _tf.zeros([num_units], dtype=dtype)
    return dict(wci=zeros, wcf=zeros, wco=zeros)


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


class LSTMBlockCell(BasicLSTMCell):
    """BasicLSTMCell's variables and maths, one fused `LSTMBlockCell` kernel per step."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(num_units, forget_bias=forget_bias, state_is_tuple=True,
                         reuse=reuse, name=name, dtype=dtype)
        self._cell_clip = _check_fused_options(cell_clip, use_peephole)

    def call(self, inputs, state):
        c, h = state
        _, new_c, _, _, _, _, new_h = _tf.raw_ops.LSTMBlockCell(
            x=inputs, cs_prev=c, h_prev=h, w=self._kernel, b=self._bias,
            forget_bias=self._forget_bias, cell_clip=self._cell_clip, use_peephole=False,
            **_zero_peepholes(self._num_units, inputs.dtype))
        return new_h, LSTMStateTuple(new_c, new_h)


class LSTMBlockFusedCell:
    """A whole time-major sequence [time, batch, depth] through one `BlockLSTM` kernel.

    Called as in TF 1.15: `outputs, (c, h) = cell(inputs, initial_state=None, dtype=None)`.
    The variables are created on the first call, under `scope` or the cell's name, and
    every later call uses the same ones.
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        self.num_units = num_units
        self._forget_bias = forget_bias
        self._cell_clip = _check_fused_options(cell_clip, use_peephole)
        self._reuse = reuse
        self._dtype = dtype
        self._name = name
        self.kernel = self.bias = None

    @property
    def state_size(self):
        return LSTMStateTuple(self.num_units, self.num_units)

    @property
    def output_size(self):
        return self.num_units

    @property
    def variables(self):
        return [v for v in (self.kernel, self.bias) if v is not None]

    def _build(self, input_depth, dtype, scope):
        with _v1.variable_scope(scope or self._name, reuse=self._reuse):
            self.kernel = _v1.get_variable(
                "kernel", [input_depth + self.num_units, 4 * self.num_units], dtype=dtype)
            self.bias = _v1.get_variable(
                "bias", [4 * self.num_units], dtype=dtype, initializer=_v1.zeros_initializer())

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
        if sequence_length is not None:
            raise NotImplementedError(
                "tf1_graphs' LSTMBlockFusedCell runs every sequence to full length; "
                "sequence_length is not supported")
        inputs = _tf.convert_to_tensor(inputs)
        if inputs.shape.rank != 3:
            raise ValueError(f"LSTMBlockFusedCell expects time-major [time, batch, depth] inputs, "
                             f"got shape {inputs.shape}")
        dtype = dtype or self._dtype or inputs.dtype
        if self.kernel is None:
            self._build(int(inputs.shape[-1]), dtype, scope)
        if initial_state is None:
            batch = _tf.shape(inputs)[1]
            initial_state = LSTMStateTuple(_tf.zeros([batch, self.num_units], dtype),
                                           _tf.zeros([batch, self.num_units], dtype))
        c0, h0 = initial_state
        _, cs, _, _, _, _, h = _tf.raw_ops.BlockLSTM(
            seq_len_max=_tf.cast(_tf.shape(inputs)[0], _tf.int64), x=inputs,
            cs_prev=c0, h_prev=h0, w=self.kernel, b=self.bias,
            forget_bias=self._forget_bias, cell_clip=self._cell_clip, use_peephole=False,
            **_zero_peepholes(self.num_units, dtype))
        return h, LSTMStateTuple(cs[-1], h[-1])


from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
