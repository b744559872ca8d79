"""contrib.layers' small helpers that recurrent programs use around their cells (TF 1.15's layers.py).

`dense_to_sparse` (labels for `ctc_loss`: every entry but `eos_token`), `one_hot_encoding`,
`softmax` over the last axis of any rank, `bias_add` (a `biases` model variable),
`images_to_sequence` / `sequence_to_images` (a CRNN's feature map as a time-major sequence
of image columns, height folded into the batch, and back), and `stack` / `repeat`, which
call a layer several times under scopes `<layer name>_1`, `_2`, ... inside `Stack` / `Repeat`.
"""
import tensorflow as _tf

from tf1_graphs.contrib.framework import add_arg_scope, model_variable

_v1 = _tf.compat.v1
DATA_FORMAT_NHWC, DATA_FORMAT_NCHW = "NHWC", "NCHW"


def _collect(collections, alias, outputs):
    """TF 1.15's `collect_named_outputs`, imported late: layers.py imports this module."""
    from tf1_graphs.contrib.layers import collect_named_outputs
    return collect_named_outputs(collections, alias, outputs)


@add_arg_scope
def dense_to_sparse(tensor, eos_token=0, outputs_collections=None, scope=None):
    """A SparseTensor of `tensor`'s entries other than `eos_token`, with `tensor`'s shape."""
    with _v1.variable_scope(scope, "dense_to_sparse", [tensor]) as sc:
        tensor = _tf.convert_to_tensor(tensor)
        indices = _tf.where(_tf.not_equal(tensor, _tf.constant(eos_token, tensor.dtype)))
        outputs = _tf.SparseTensor(indices, _tf.gather_nd(tensor, indices), _tf.shape(tensor, out_type=_tf.int64))
        return _collect(outputs_collections, sc.name, outputs)


@add_arg_scope
def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None, scope=None):
    """[..., num_classes] one-hot rows of the integer `labels`."""
    with _v1.name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
        labels = _tf.convert_to_tensor(labels)
        if labels.dtype == _tf.int32:
            labels = _tf.cast(labels, _tf.int64)
        outputs = _tf.one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return _collect(outputs_collections, sc, outputs)


def softmax(logits, scope=None):
    """Softmax over the last axis of logits of rank 2 or more, the shape kept."""
    with _v1.variable_scope(scope, "softmax", [logits]):
        logits = _tf.convert_to_tensor(logits)
        if logits.shape.ndims is not None and logits.shape.ndims < 2:
            raise ValueError(f"Shape {logits.shape} must have rank at least 2")
        num_logits = _tf.compat.dimension_value(logits.shape[-1])
        if num_logits is None:
            raise ValueError("Inner dimension should be defined.")
        predictions = _tf.reshape(_tf.nn.softmax(_tf.reshape(logits, [-1, num_logits])), _tf.shape(logits))
        predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=_v1.zeros_initializer(), regularizer=None, reuse=None,
             variables_collections=None, outputs_collections=None, trainable=True, data_format=DATA_FORMAT_NHWC,
             scope=None):
    """`inputs` plus a `BiasAdd/biases` model variable over the channel axis (last, or 1 for NCHW)."""
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with _v1.variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        inputs = _tf.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank != 4 and data_format == DATA_FORMAT_NCHW:
            raise ValueError("Data format NCHW only supports 4D Tensor")
        num_features = _tf.compat.dimension_value(inputs.shape[1 if data_format == DATA_FORMAT_NCHW else -1])
        if num_features is None:
            raise ValueError("`C` dimension must be known but is None")
        collections = (variables_collections.get("biases") if isinstance(variables_collections, dict)
                       else variables_collections)
        biases = model_variable("biases", shape=[num_features], dtype=inputs.dtype.base_dtype,
                                initializer=initializer, regularizer=regularizer, collections=collections,
                                trainable=trainable)
        outputs = _tf.nn.bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect(outputs_collections, sc.name, outputs)


@add_arg_scope
def images_to_sequence(inputs, data_format=DATA_FORMAT_NHWC, outputs_collections=None, scope=None):
    """[batch, height, width, depth] images -> [width, batch * height, depth], time-major."""
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with _v1.name_scope(scope, "ImagesToSequence", [inputs]) as sc:
        inputs = _tf.convert_to_tensor(inputs)
        if data_format == DATA_FORMAT_NCHW:
            inputs = _tf.transpose(inputs, [0, 2, 3, 1])
        _, _, width, depth = inputs.shape.as_list()
        dynamic = _tf.shape(inputs)
        outputs = _tf.reshape(_tf.transpose(inputs, [2, 0, 1, 3]), [width, dynamic[0] * dynamic[1], depth])
        return _collect(outputs_collections, sc, outputs)


@add_arg_scope
def sequence_to_images(inputs, height, output_data_format="channels_last", outputs_collections=None, scope=None):
    """[width, batch * height, depth] -> [batch, height, width, depth] (or channels first)."""
    with _v1.name_scope(scope, "SequenceToImages", [inputs]) as sc:
        inputs = _tf.convert_to_tensor(inputs)
        width, rows, depth = inputs.shape.as_list()
        reshaped = _tf.reshape(inputs, [width, -1 if rows is None else rows // height, height, depth])
        outputs = _tf.transpose(reshaped, [1, 3, 2, 0] if output_data_format == "channels_first" else [1, 2, 0, 3])
        return _collect(outputs_collections, sc, outputs)


def _layer_scope(layer, fallback):
    """The name a layer (or a functools.partial of one) gives the scopes of its repeats."""
    return getattr(layer, "__name__", None) or getattr(getattr(layer, "func", None), "__name__", None) or fallback


@add_arg_scope
def stack(inputs, layer, stack_args, **kwargs):
    """`layer` applied once per entry of `stack_args` (its extra positional arguments), in turn."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with _v1.variable_scope(scope, "Stack", [inputs]):
        outputs = _tf.convert_to_tensor(inputs)
        scope = scope or _layer_scope(layer, "stack")
        for i, layer_args in enumerate(stack_args):
            layer_args = layer_args if isinstance(layer_args, (list, tuple)) else [layer_args]
            outputs = layer(outputs, *layer_args, **dict(kwargs, scope=f"{scope}_{i + 1}"))
        return outputs


@add_arg_scope
def repeat(inputs, repetitions, layer, *args, **kwargs):
    """`layer(outputs, *args, **kwargs)` applied `repetitions` times."""
    scope = kwargs.pop("scope", None)
    with _v1.variable_scope(scope, "Repeat", [inputs]):
        outputs = _tf.convert_to_tensor(inputs)
        scope = scope or _layer_scope(layer, "repeat")
        for i in range(repetitions):
            outputs = layer(outputs, *args, **dict(kwargs, scope=f"{scope}_{i + 1}"))
        return outputs
