"""`tf.contrib.layers.fully_connected`, with TF 1.15's variables, scopes and defaults.

Variables `<scope>/weights` and `<scope>/biases`; without `scope`, the first call builds
`fully_connected`, the next `fully_connected_1`, and so on; ReLU unless told otherwise;
weights from Xavier (Glorot) uniform; inputs of any rank are multiplied on their last axis.
"""
import tensorflow as _tf

_v1 = _tf.compat.v1

xavier_initializer = _v1.glorot_uniform_initializer


def fully_connected(inputs, num_outputs, activation_fn=_tf.nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                    biases_initializer=_v1.zeros_initializer(), biases_regularizer=None,
                    reuse=None, trainable=True, scope=None):
    """`activation_fn(inputs @ weights + biases)`; a normalizer, if given, replaces the biases."""
    inputs = _tf.convert_to_tensor(inputs)
    dtype = inputs.dtype.base_dtype
    with _v1.variable_scope(scope, default_name="fully_connected", values=[inputs], reuse=reuse):
        weights = _v1.get_variable(
            "weights", [int(inputs.shape[-1]), num_outputs], dtype=dtype,
            initializer=weights_initializer or xavier_initializer(),
            regularizer=weights_regularizer, trainable=trainable)
        if inputs.shape.rank == 2:
            outputs = _tf.matmul(inputs, weights)
        else:
            outputs = _tf.tensordot(inputs, weights, [[inputs.shape.rank - 1], [0]])
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = _v1.get_variable(
                "biases", [num_outputs], dtype=dtype, initializer=biases_initializer,
                regularizer=biases_regularizer, trainable=trainable)
            outputs = _tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return outputs


from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
