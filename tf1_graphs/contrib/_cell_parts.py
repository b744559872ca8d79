"""The parts TF 1.15's contrib cells were assembled from, rebuilt for TensorFlow 2.21 with tf-keras.

TF 1.15 built its contrib cells on `rnn_cell_impl.RNNCell` / `LayerRNNCell`, made their
matrices with the private `_Linear` helper and stored big matrices as row shards named
`W_0`, `W_1`, ...  TensorFlow 2.21 exports `tf.compat.v1.nn.rnn_cell.RNNCell` (tf-keras'
legacy cell) but not `LayerRNNCell`, which is the base of its own core cells; the two
helpers are re-created here so that every variable keeps its TF 1.15 name and shape.

The cells' `call` methods are marked `do_not_convert`: tf-keras would otherwise run them
through AutoGraph on every build, which costs seconds and, as they hold no Python control
flow on tensors, changes nothing in the graph.
"""
import math

import tensorflow as tf
from tf_keras.src.layers.rnn import legacy_cells

v1 = tf.compat.v1
RNNCell = v1.nn.rnn_cell.RNNCell
LayerRNNCell = legacy_cells.LayerRNNCell
LSTMStateTuple = v1.nn.rnn_cell.LSTMStateTuple


class SizedRNNCell(RNNCell):
    """An RNNCell whose constructor fixes `self._state_size` and `self._output_size`."""

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size


def static_depth(tensor):
    """The last dimension of a rank-2 tensor, which the variables' shapes need at graph time."""
    depth = tensor.get_shape().with_rank(2)[1]
    if tf.compat.dimension_value(depth) is None:
        raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
    return tf.compat.dimension_value(depth)


def batch_size(tensor):
    """The batch dimension: static when known, else a tensor."""
    return tf.compat.dimension_value(tensor.shape[0]) or tf.shape(tensor)[0]


class Linear:
    """TF 1.15's `_Linear`: `concat(args) @ kernel (+ bias)`, variables `kernel` and `bias`
    created once, in the variable scope current at construction."""

    def __init__(self, args, output_size, build_bias, bias_initializer=None,
                 kernel_initializer=None):
        self._is_sequence = isinstance(args, (list, tuple))
        args = list(args) if self._is_sequence else [args]
        if not args:
            raise ValueError("`args` must be specified")
        shapes = [a.get_shape() for a in args]
        for shape in shapes:
            if shape.ndims != 2:
                raise ValueError("linear is expecting 2D arguments: %s" % shapes)
            if tf.compat.dimension_value(shape[1]) is None:
                raise ValueError("linear expects shape[1] to be provided for shape %s, "
                                 "but saw %s" % (shape, shape[1]))
        total_depth = sum(tf.compat.dimension_value(shape[1]) for shape in shapes)
        dtype = args[0].dtype
        self._weights = v1.get_variable("kernel", [total_depth, output_size], dtype=dtype,
                                        initializer=kernel_initializer)
        self._biases = None
        if build_bias:
            self._biases = v1.get_variable(
                "bias", [output_size], dtype=dtype,
                initializer=bias_initializer or v1.constant_initializer(0.0, dtype=dtype))

    def __call__(self, args):
        args = list(args) if self._is_sequence else [args]
        joined = args[0] if len(args) == 1 else tf.concat(args, 1)
        result = tf.matmul(joined, self._weights)
        return result if self._biases is None else tf.nn.bias_add(result, self._biases)


def concat_variable(name, shape, dtype, num_shards):
    """A matrix stored as `num_shards` row shards `<name>_0`, `<name>_1`, ... (TF 1.15's
    `_get_concat_variable`: even one shard is named `<name>_0`), joined along the rows.
    The joined tensor is kept in the CONCATENATED_VARIABLES collection and reused."""
    if num_shards > shape[0]:
        raise ValueError("Too many shards: shape=%s, num_shards=%d" % (shape, num_shards))
    unit_rows = int(math.floor(shape[0] / num_shards))
    extra_rows = shape[0] - unit_rows * num_shards
    shards = [v1.get_variable("%s_%d" % (name, i),
                              [unit_rows + (1 if i < extra_rows else 0)] + list(shape[1:]),
                              dtype=dtype)
              for i in range(num_shards)]
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
