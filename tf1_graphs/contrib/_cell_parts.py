"""The parts TF 1.15's contrib cells were assembled from, in one place for every contrib cell module.

TF 1.15 built its contrib cells on `rnn_cell_impl.RNNCell` / `LayerRNNCell`, made their
matrices with the private `_Linear` helper, stored big matrices as row shards named `W_0`,
`W_1`, ... and normalised gates with `contrib.layers.layer_norm` on `gamma`/`beta` made under
the gate's scope.  TensorFlow 2.21 exports `tf.compat.v1.nn.rnn_cell.RNNCell` (tf-keras'
legacy cell) but not `LayerRNNCell`, the base of its own core cells; these helpers re-create
the rest so that every variable keeps its TF 1.15 name and shape.

Several cells mark their `call` methods `do_not_convert`: tf-keras would otherwise run them
through AutoGraph on every build, which costs seconds and, as they hold no Python control
flow on tensors, changes nothing in the graph.
"""
import math

import tensorflow as tf
from tf_keras.src.layers.rnn import legacy_cells
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell  # the check TF 1.15 made

from tf1_graphs.contrib.layers import layer_norm as contrib_layer_norm

v1 = tf.compat.v1
RNNCell = v1.nn.rnn_cell.RNNCell
LayerRNNCell = legacy_cells.LayerRNNCell
LSTMStateTuple = v1.nn.rnn_cell.LSTMStateTuple


class FixedSizes:
    """`state_size` and `output_size` read from `self._state_size` / `self._output_size`,
    which the cell's constructor sets (mixed into RNNCell and LayerRNNCell alike)."""

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size


class SizedRNNCell(FixedSizes, RNNCell):
    """An RNNCell whose constructor fixes `self._state_size` and `self._output_size`."""


class ForwardingWrapper(RNNCell):
    """A wrapper whose state is its cell's state (each of TF 1.15's wrappers wrote these out)."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        assert_like_rnncell("cell", cell)
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with tf.name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


def lstm_sizes(num_units, num_proj=None, state_is_tuple=True):
    """(state_size, output_size) of an LSTM whose output m may be projected to `num_proj`."""
    output_size = num_proj or num_units
    state_size = LSTMStateTuple(num_units, output_size) if state_is_tuple else num_units + output_size
    return state_size, output_size


def static_depth(tensor, unknown="Could not infer input size from inputs.get_shape()[-1]"):
    """The last dimension of a rank-2 tensor, which the variables' shapes need at graph time;
    `unknown` is the error when it is not known (TF 1.15's cells worded it differently)."""
    depth = tf.compat.dimension_value(tensor.get_shape().with_rank(2)[1])
    if depth is None:
        raise ValueError(unknown)
    return depth


def batch_size(tensor):
    """The batch dimension: static when known, else a tensor."""
    return tf.compat.dimension_value(tensor.shape[0]) or tf.shape(tensor)[0]


class Linear:
    """TF 1.15's `_Linear`: `concat(args) @ kernel (+ bias)`.  `kernel` [sum of the args'
    widths, output_size] and `bias` [output_size] (zeros unless told, never partitioned) are
    created once, in the variable scope current at construction, and reused by every call."""

    def __init__(self, args, output_size, build_bias, bias_initializer=None,
                 kernel_initializer=None):
        args = _as_list(args)
        dtype = args[0].dtype
        self._weights = v1.get_variable("kernel", [_total_width(args), output_size], dtype=dtype,
                                        initializer=kernel_initializer)
        self._biases = None
        if build_bias:
            with v1.variable_scope(v1.get_variable_scope()) as unpartitioned:
                unpartitioned.set_partitioner(None)
                self._biases = v1.get_variable(
                    "bias", [output_size], dtype=dtype,
                    initializer=bias_initializer or v1.constant_initializer(0.0, dtype=dtype))

    def __call__(self, args, add_bias=True):
        """`add_bias=False` leaves a built bias out (LayerNormLSTMCell's layer norm takes its place)."""
        args = _as_list(args)
        joined = args[0] if len(args) == 1 else tf.concat(args, 1)
        result = tf.matmul(joined, self._weights)
        if self._biases is None or not add_bias:
            return result
        return tf.nn.bias_add(result, self._biases)


def _as_list(args):
    if args is None or (isinstance(args, (list, tuple)) and not args):
        raise ValueError("`args` must be specified")
    return list(args) if isinstance(args, (list, tuple)) else [args]


def _total_width(args):
    shapes = [a.get_shape() for a in args]
    for shape in shapes:
        if shape.ndims != 2:
            raise ValueError("linear is expecting 2D arguments: %s" % shapes)
        if tf.compat.dimension_value(shape[1]) is None:
            raise ValueError("linear expects shape[1] to be provided for shape %s, "
                             "but saw %s" % (shape, shape[1]))
    return sum(tf.compat.dimension_value(shape[1]) for shape in shapes)


def sharded_variable(name, shape, dtype, num_shards):
    """`<name>_0` ... `<name>_{n-1}` (even one shard is `<name>_0`), splitting the rows of
    `shape`; the first ones take the remainder (TF 1.15's `_get_sharded_variable`)."""
    if num_shards > shape[0]:
        raise ValueError("Too many shards: shape=%s, num_shards=%d" % (shape, num_shards))
    unit_rows = int(math.floor(shape[0] / num_shards))
    extra_rows = shape[0] - unit_rows * num_shards
    return [v1.get_variable("%s_%d" % (name, i),
                            [unit_rows + (1 if i < extra_rows else 0)] + list(shape[1:]),
                            dtype=dtype)
            for i in range(num_shards)]


def concat_variable(name, shape, dtype, num_shards):
    """A sharded variable joined along the rows (TF 1.15's `_get_concat_variable`).  The joined
    tensor is kept in the CONCATENATED_VARIABLES collection and reused within the scope."""
    shards = sharded_variable(name, shape, dtype, num_shards)
    if len(shards) == 1:
        return shards[0]
    concat_name = name + "/concat"
    full_name = v1.get_variable_scope().name + "/" + concat_name + ":0"
    for joined in v1.get_collection(v1.GraphKeys.CONCATENATED_VARIABLES):
        if joined.name == full_name:
            return joined
    joined = tf.concat(shards, 0, name=concat_name)
    v1.add_to_collection(v1.GraphKeys.CONCATENATED_VARIABLES, joined)
    return joined


def cell_layer_norm(gain, shift, inputs, scope, dtype=tf.float32):
    """TF 1.15's cell `_norm`: `scope/gamma` (= gain) and `scope/beta` (= shift) made here,
    then `contrib.layers.layer_norm` of `inputs` reusing them."""
    shape = inputs.shape[-1:]
    with v1.variable_scope(scope):
        v1.get_variable("gamma", shape=shape, initializer=v1.constant_initializer(gain), dtype=dtype)
        v1.get_variable("beta", shape=shape, initializer=v1.constant_initializer(shift), dtype=dtype)
    return contrib_layer_norm(inputs, reuse=True, scope=scope)
