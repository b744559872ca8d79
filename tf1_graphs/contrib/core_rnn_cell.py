"""The cell wrappers that left TensorFlow's core for contrib and are gone from TensorFlow 2.

`EmbeddingWrapper`, `InputProjectionWrapper` and `OutputProjectionWrapper` as TF 1.15's
`contrib/rnn/python/ops/core_rnn_cell.py` had them, with the same variable names (`kernel`,
`bias`, `embedding`) under the wrapper's scope, so checkpoints map one to one.  `_Linear` is
the affine map several contrib cells share: it creates `kernel` (and `bias`) in the current
variable scope, once, and applies them on every later call.
"""
import math

import tensorflow as _tf
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell  # the check TF 1.15 made

_v1 = _tf.compat.v1
RNNCell = _v1.nn.rnn_cell.RNNCell


class _Linear:
    """sum_i args[i] @ W_i (+ bias), W stored as one `kernel` [sum of widths, output_size]."""

    def __init__(self, args, output_size, build_bias, bias_initializer=None, kernel_initializer=None):
        args = _as_list(args)
        self._build_bias = build_bias
        dtype = args[0].dtype
        with _v1.variable_scope(_v1.get_variable_scope()) as outer_scope:
            self._weights = _v1.get_variable("kernel", [_total_width(args), output_size], dtype=dtype,
                                             initializer=kernel_initializer)
            if build_bias:
                with _v1.variable_scope(outer_scope) as inner_scope:
                    inner_scope.set_partitioner(None)
                    self._biases = _v1.get_variable(
                        "bias", [output_size], dtype=dtype,
                        initializer=bias_initializer or _v1.constant_initializer(0.0, dtype=dtype))

    def __call__(self, args, add_bias=True):
        """`add_bias=False` leaves a built bias out (LayerNormLSTMCell's layer norm takes its place)."""
        args = _as_list(args)
        joined = args[0] if len(args) == 1 else _tf.concat(args, 1)
        result = _tf.matmul(joined, self._weights)
        return _tf.nn.bias_add(result, self._biases) if self._build_bias and add_bias else result


def _as_list(args):
    if args is None or (isinstance(args, (list, tuple)) and not args):
        raise ValueError("`args` must be specified")
    return list(args) if isinstance(args, (list, tuple)) else [args]


def _total_width(args):
    shapes = [a.shape for a in args]
    total = 0
    for shape in shapes:
        if shape.rank != 2:
            raise ValueError(f"linear is expecting 2D arguments: {shapes}")
        width = _tf.compat.dimension_value(shape[1])
        if width is None:
            raise ValueError(f"linear expects shape[1] to be provided for shape {shape}, but saw {shape[1]}")
        total += width
    return total


class _ForwardingWrapper(RNNCell):
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
        with _tf.name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


class EmbeddingWrapper(_ForwardingWrapper):
    """Looks integer inputs up in an `embedding` [embedding_classes, embedding_size] before the cell."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse=reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError("Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    def call(self, inputs, state):
        with _tf.device("/cpu:0"):
            sqrt3 = math.sqrt(3)  # U(-sqrt 3, sqrt 3) has variance 1
            initializer = (self._initializer or _v1.get_variable_scope().initializer
                           or _v1.random_uniform_initializer(-sqrt3, sqrt3))
            dtype = state[0].dtype if isinstance(state, tuple) else state.dtype
            embedding = _v1.get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                         initializer=initializer, dtype=dtype)
            embedded = _tf.nn.embedding_lookup(embedding, _tf.reshape(inputs, [-1]))
            return self._cell(embedded, state)


class InputProjectionWrapper(_ForwardingWrapper):
    """Projects the inputs to `num_proj` (kernel and bias, optional activation) before the cell."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse=reuse)
        if input_size is not None:
            _v1.logging.warn("%s: The input_size parameter is deprecated.", self)
        self._num_proj = num_proj
        self._activation = activation
        self._linear = None

    def call(self, inputs, state):
        if self._linear is None:
            self._linear = _Linear(inputs, self._num_proj, True)
        projected = self._linear(inputs)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class OutputProjectionWrapper(_ForwardingWrapper):
    """Projects the cell's output to `output_size` (kernel and bias, optional activation)."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, reuse=reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = output_size
        self._activation = activation
        self._linear = None

    @property
    def output_size(self):
        return self._output_size

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        if self._linear is None:
            self._linear = _Linear(output, self._output_size, True)
        projected = self._linear(output)
        if self._activation:
            projected = self._activation(projected)
        return projected, new_state
