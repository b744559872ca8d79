"""The core RNN cells as TF 1.15's rnn_cell_impl built them, under every name a TF 1.x program uses.

`tf.compat.v1.nn.rnn_cell` is tf_keras's copy of TF 1.15's rnn_cell_impl.  Measured op for op
against TF 1.15.5 (tests/tf115/record_cells115.py), its BasicRNNCell, GRUCell, LSTMCell (every
option), MultiRNNCell, ResidualWrapper and DeviceWrapper build TF 1.15's graphs, and so do TF
2.21's dynamic_rnn, static_rnn, bidirectional runs, raw_rnn and static_state_saving_rnn, but
for what the shared ops build differently (split, dropout, random_uniform: other modules'
work; TensorArray.size: tensor_arrays.py).  Two classes differ themselves:
- BasicLSTMCell adds with `math_ops.add`, which made `Add` ops in TF 1.15 and makes `AddV2`
  in TF 2.21 (same count and names, so same seeds; the op list is TF 1.15's again);
- DropoutWrapper's variational dropout divided with `math_ops.div` (ops `div/y`, `div`),
  where tf_keras uses `tf.divide` (`truediv`).
Both are subclassed here, keeping their class names (hence scope and variable names) and
tf_keras's RNNCell as their base, so isinstance checks and checkpoints are unchanged.

`tensorflow.python.ops.rnn_cell_impl` (and `rnn_cell`) hold TF 2.21's other, internal copy of
these cells, a class hierarchy apart: a cell from there is no `tf.nn.rnn_cell.RNNCell`.  Their
names are bound to the classes `tf.nn.rnn_cell` gives, so both imports give one set of cells.
"""
import tensorflow as tf
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as _tf_internal_cells
from tensorflow.python.ops import gen_math_ops
from tf_keras.src.layers.rnn import legacy_cell_wrappers, legacy_cells

from tf1_graphs._rebind import rebind

_v1 = tf.compat.v1


class BasicLSTMCell(legacy_cells.BasicLSTMCell):
    """TF 1.15's BasicLSTMCell: tf_keras's, but its additions are `Add` ops, as in TF 1.15."""

    @tf.autograph.experimental.do_not_convert  # as tf_keras's own: errors unwrapped, no conversion cost
    def call(self, inputs, state):
        legacy_cells._check_rnn_cell_input_dtypes([inputs, state])
        one = tf.constant(1, dtype=tf.int32)
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = tf.split(value=state, num_or_size_splits=2, axis=one)
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = tf.split(value=gates, num_or_size_splits=4, axis=one)  # input, new input, forget, output
        forget_bias = tf.constant(self._forget_bias, dtype=f.dtype)
        kept = tf.multiply(c, tf.sigmoid(gen_math_ops.add(f, forget_bias)))
        new_c = gen_math_ops.add(kept, tf.multiply(tf.sigmoid(i), self._activation(j)))
        new_h = tf.multiply(self._activation(new_c), tf.sigmoid(o))
        if self._state_is_tuple:
            return new_h, legacy_cells.LSTMStateTuple(new_c, new_h)
        return new_h, tf.concat([new_c, new_h], 1)


class DropoutWrapper(legacy_cell_wrappers.DropoutWrapper):
    """TF 1.15's DropoutWrapper: tf_keras's, but variational dropout divides as TF 1.15 did."""

    def _variational_recurrent_dropout_value(self, unused_index, value, noise, keep_prob):
        # keep_prob + uniform[0, 1) floors to 1 with probability keep_prob, else to 0
        kept = tf.floor(keep_prob + noise)
        dropped = _v1.div(value, keep_prob) * kept
        dropped.set_shape(value.get_shape())
        return dropped


_REPLACED = {legacy_cells.BasicLSTMCell: BasicLSTMCell, legacy_cell_wrappers.DropoutWrapper: DropoutWrapper}
_CELL_NAMES = ("RNNCell", "LayerRNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
               "LSTMStateTuple", "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper")


def use_tf115_cells():
    """`tf.nn.rnn_cell`, tf_keras's legacy names and `tensorflow.python.ops.rnn_cell_impl` give
    the cells above (idempotent); run it before any module takes a cell class by name."""
    _v1.nn.rnn_cell.BasicLSTMCell  # noqa: B018  (loads the lazy API module, so that it is rebound too)
    rebind(_REPLACED)
    rebind({getattr(_tf_internal_cells, name): _tf_keras_class(name) for name in _CELL_NAMES
            if getattr(_tf_internal_cells, name) is not _tf_keras_class(name)})


def _tf_keras_class(name):
    return getattr(legacy_cell_wrappers if name.endswith("Wrapper") else legacy_cells, name)
