"""The cell wrappers that left TensorFlow's core for contrib and are gone from TensorFlow 2.

`EmbeddingWrapper`, `InputProjectionWrapper` and `OutputProjectionWrapper` as TF 1.15's
`contrib/rnn/python/ops/core_rnn_cell.py` had them, with the same variable names (`kernel`,
`bias`, `embedding`) under the wrapper's scope, so checkpoints map one to one.  TF 1.15's
`_Linear`, which this module also held, is `_cell_parts.Linear`, beside the other shared parts.
"""
import math

import tensorflow as _tf

from tf1_graphs.contrib._cell_parts import ForwardingWrapper, Linear

_v1 = _tf.compat.v1


class EmbeddingWrapper(ForwardingWrapper):
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
            dtype = _tf.nest.flatten(state)[0].dtype
            embedding = _v1.get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                         initializer=initializer, dtype=dtype)
            embedded = _tf.nn.embedding_lookup(embedding, _tf.reshape(inputs, [-1]))
            return self._cell(embedded, state)


class InputProjectionWrapper(ForwardingWrapper):
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
            self._linear = Linear(inputs, self._num_proj, True)
        projected = self._linear(inputs)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class OutputProjectionWrapper(ForwardingWrapper):
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
            self._linear = Linear(output, self._output_size, True)
        projected = self._linear(output)
        if self._activation:
            projected = self._activation(projected)
        return projected, new_state
