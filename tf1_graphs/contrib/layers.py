"""`tf.contrib.layers`: TF 1.15's layer functions, with its variable names, collections and defaults.

Every variable these functions create is a model variable (in MODEL_VARIABLES as well as the
global and, if trainable, the trainable collections); `variables_collections` adds more,
either one list for all or a dict keyed by the variable's short name (`weights`, `beta`...);
`outputs_collections` collects the output, tagged with the layer's scope in `.aliases`.
As in TF 1.15, `fully_connected`, `flatten`, `dropout`, `layer_norm` and `batch_norm` take
their defaults from `arg_scope` (`linear`, `relu`, `relu6` through `fully_connected`).

`fully_connected`: `<scope>/weights`, `<scope>/biases`, default scope `fully_connected`, then
`fully_connected_1`...; its regularizer losses are named as TF 1.15's core Dense named them,
`<scope>/kernel/Regularizer/...` and `<scope>/bias/Regularizer/...`, and are added once, when
the variable is created, not again on reuse.
`layer_norm`: `LayerNorm/beta`, `LayerNorm/gamma`. `batch_norm`: `BatchNorm/beta` (and
`gamma` when `scale=True`), `BatchNorm/moving_mean`, `BatchNorm/moving_variance`, dispatched
as TF 1.15 did (its fused kernel for rank 2, or rank 4 with custom update collections; the
core layer otherwise; moments by hand for `batch_weights`, or for custom update collections
on other ranks or with `fused=False`). The path decides the moving variance's update: a fused
kernel (rank 2 or 4 by default, either path) gives it the unbiased n/(n-1) batch variance,
the others the biased one, as in TF 1.15.
The embedding lookups and `bow_encoder` live in `_embedding_ops`, `adaptive_clipping_fn` in
`_adaptive_clipping`, the small helpers (`dense_to_sparse`, `one_hot_encoding`, `softmax`,
`bias_add`, `images_to_sequence`, `sequence_to_images`, `stack`, `repeat`) in
`_layer_helpers`; this module re-exports them.
"""
import functools

import tensorflow as _tf
from tensorflow.python.framework.smart_cond import smart_cond as _smart_cond
from tensorflow.python.training.moving_averages import assign_moving_average as _assign_moving_average

from tf1_graphs.contrib._adaptive_clipping import adaptive_clipping_fn  # noqa: F401  (re-exported)
from tf1_graphs.contrib._embedding_ops import (  # noqa: F401
    bow_encoder, embedding_lookup_unique, safe_embedding_lookup_sparse)
from tf1_graphs.contrib._layer_helpers import (  # noqa: F401
    bias_add, dense_to_sparse, images_to_sequence, one_hot_encoding, repeat, sequence_to_images, softmax, stack)
from tf1_graphs.contrib._initializers import (  # noqa: F401  (re-exported)
    variance_scaling_initializer, xavier_initializer, xavier_initializer_conv2d)
from tf1_graphs.contrib._optimize_loss import OPTIMIZER_CLS_NAMES, OPTIMIZER_SUMMARIES, optimize_loss  # noqa: F401
from tf1_graphs.contrib._regularizers import (  # noqa: F401
    apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer)
from tf1_graphs.contrib.framework import add_arg_scope, arg_scope, model_variable  # noqa: F401

_v1 = _tf.compat.v1
_UPDATE_OPS = _v1.GraphKeys.UPDATE_OPS
DATA_FORMAT_NHWC, DATA_FORMAT_NCHW = "NHWC", "NCHW"


# ---- collections, shared by every layer ------------------------------------------------------
def _add_to_collections(variable, variables_collections, short_name):
    """Add `variable` to the collections `variables_collections` names for it (list or dict)."""
    if isinstance(variables_collections, dict):
        variables_collections = variables_collections.get(short_name)
    for collection in variables_collections or ():
        if variable not in _v1.get_collection(collection):
            _v1.add_to_collection(collection, variable)


def collect_named_outputs(collections, alias, outputs):
    """Add `outputs` to `collections`, remembering `alias` (the layer's scope) in `outputs.aliases`."""
    if collections:
        alias = alias[:-1] if alias.endswith("/") else alias
        outputs.aliases = getattr(outputs, "aliases", []) + [alias]
        _v1.add_to_collections(collections, outputs)
    return outputs


def _layer_variable(name, shape, dtype, initializer, trainable, variables_collections,
                    regularizer=None, regularizer_scope=None):
    """A model variable; its regularizer's loss, if any, named under `regularizer_scope`, added
    to REGULARIZATION_LOSSES only when this call created the variable (not on reuse)."""
    known = len(_v1.global_variables())
    var = model_variable(name, shape=shape, dtype=dtype, initializer=initializer, trainable=trainable)
    _add_to_collections(var, variables_collections, name)
    if regularizer is not None and len(_v1.global_variables()) > known:
        with _v1.name_scope(regularizer_scope):
            loss = regularizer(var)
        if loss is not None:
            _v1.add_to_collection(_v1.GraphKeys.REGULARIZATION_LOSSES, loss)
    return var


def _cond(pred, true_fn, false_fn):
    """TF 1.15's `utils.smart_cond`: a Python branch for a constant, `tf.cond` otherwise."""
    if not isinstance(pred, bool):
        pred = _tf.convert_to_tensor(pred)
    return _smart_cond(pred, true_fn, false_fn)


def _static_value(pred):
    """True/False when known while building the graph, None for a placeholder or variable."""
    if isinstance(pred, bool):
        return pred
    if isinstance(pred, _v1.Variable):
        return None
    value = _tf.get_static_value(_tf.convert_to_tensor(pred))
    return None if value is None else bool(value)


# ---- fully connected -------------------------------------------------------------------------
@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=_tf.nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=xavier_initializer(),
                    weights_regularizer=None, biases_initializer=_v1.zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """`activation_fn(inputs @ weights + biases)`; a normalizer, if given, replaces the biases."""
    if not isinstance(num_outputs, int):
        raise ValueError(f"num_outputs type should be one of [<class 'int'>], got {type(num_outputs)}.")
    with _v1.variable_scope(scope, default_name="fully_connected", values=[inputs], reuse=reuse) as sc:
        inputs = _tf.convert_to_tensor(inputs)
        dtype = inputs.dtype.base_dtype
        weights = _layer_variable("weights", [int(inputs.shape[-1]), num_outputs], dtype, weights_initializer,
                                  trainable, variables_collections, weights_regularizer, "kernel/Regularizer")
        biases = None  # made before the product, as TF 1.15's Dense layer built both variables first
        if normalizer_fn is None and biases_initializer is not None:
            biases = _layer_variable("biases", [num_outputs], dtype, biases_initializer, trainable,
                                     variables_collections, biases_regularizer, "bias/Regularizer")
        if inputs.shape.rank == 2:
            outputs = _tf.matmul(inputs, weights)
        else:
            outputs = _tf.tensordot(inputs, weights, [[inputs.shape.rank - 1], [0]])
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases is not None:
            outputs = _tf.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


linear = functools.partial(fully_connected, activation_fn=None)
relu = functools.partial(fully_connected, activation_fn=_tf.nn.relu)
relu6 = functools.partial(fully_connected, activation_fn=_tf.nn.relu6)
elu = functools.partial(fully_connected, activation_fn=_tf.nn.elu)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """[batch, d1, d2, ...] -> [batch, d1 * d2 * ...]."""
    with _v1.name_scope(scope, "Flatten", [inputs]) as sc:
        outputs = _v1.layers.flatten(_tf.convert_to_tensor(inputs))
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """Inverted dropout while `is_training` (a bool or a boolean tensor), the identity otherwise."""
    with _v1.variable_scope(scope, "Dropout", [inputs]) as sc:
        layer = _v1.layers.Dropout(rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                   name=sc.name, _scope=sc)
        outputs = layer.apply(_tf.convert_to_tensor(inputs), training=is_training)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):
    """[batch, time] ids -> [batch, time, embed_dim] rows of `EmbedSequence/embeddings`."""
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError("Must specify vocab size and embedding dimension when not reusing. "
                         f"Got vocab_size={vocab_size} and embed_dim={embed_dim}")
    with _v1.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape = None if (reuse and vocab_size is None) or embed_dim is None else [vocab_size, embed_dim]
        embeddings = model_variable("embeddings", shape=shape, initializer=initializer,
                                    regularizer=regularizer, trainable=trainable)
        if unique:
            return embedding_lookup_unique(embeddings, ids)
        return _tf.nn.embedding_lookup(embeddings, ids)


# ---- normalization ---------------------------------------------------------------------------
@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """(x - mean) / sqrt(var + eps) * gamma + beta, moments over axes `begin_norm_axis`.. (eps 1e-12,
    1e-3 for float16); gamma and beta have the shape of `inputs.shape[begin_params_axis:]`."""
    with _v1.variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        inputs = _tf.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank.")
        dtype = inputs.dtype.base_dtype
        if begin_norm_axis < 0:
            begin_norm_axis += rank
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError(f"begin_params_axis ({begin_params_axis}) and begin_norm_axis ({begin_norm_axis}) "
                             f"must be < rank(inputs) ({rank})")
        params_shape = inputs.shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs {inputs.name}: shape(inputs)[{begin_params_axis}:] is not fully defined: "
                             f"{inputs.shape}")
        beta = gamma = None
        if center:
            beta = _layer_variable("beta", params_shape, dtype, _v1.zeros_initializer(), trainable,
                                   variables_collections)
        if scale:
            gamma = _layer_variable("gamma", params_shape, dtype, _v1.ones_initializer(), trainable,
                                    variables_collections)
        mean, variance = _tf.nn.moments(inputs, list(range(begin_norm_axis, rank)), keepdims=True)
        epsilon = 1e-3 if dtype == _tf.float16 else 1e-12
        outputs = _tf.nn.batch_normalization(inputs, mean, variance, beta, gamma, epsilon)
        outputs.set_shape(inputs.shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _moving_statistics(params_shape, dtype, param_initializers, variables_collections):
    """`moving_mean` (zeros) and `moving_variance` (ones): non-trainable model variables."""
    with _v1.variable_scope(_v1.get_variable_scope()) as local_scope:
        local_scope.set_partitioner(None)
        return tuple(
            _layer_variable(name, params_shape, dtype, param_initializers.get(name, default), False,
                            variables_collections)
            for name, default in (("moving_mean", _v1.zeros_initializer()),
                                  ("moving_variance", _v1.ones_initializer())))


def _moving_average_updates(is_training, updates_collections, moving, batch, decay, zero_debias_moving_mean,
                            result):
    """Update the moving statistics from `batch` while training, as TF 1.15 did.

    `result(mean, variance)` -> what the layer returns; with `updates_collections=None` it is
    computed after the updates (forced in place), else the update ops go into the collections.
    Returns what `result` gave, from the batch statistics while training, from the moving ones
    otherwise (a `tf.cond` when `is_training` is a tensor).
    """
    def updates():
        return (_assign_moving_average(moving[0], batch[0], decay, zero_debias=zero_debias_moving_mean),
                _assign_moving_average(moving[1], batch[1], decay, zero_debias=False))

    if updates_collections is None:
        def forced():
            with _tf.control_dependencies(updates()):
                return _tf.nest.map_structure(_tf.identity, result(*batch))
        return _cond(is_training, forced, lambda: result(*moving))
    update_mean, update_variance = _cond(is_training, updates, lambda: moving)
    _v1.add_to_collections(updates_collections, update_mean)
    _v1.add_to_collections(updates_collections, update_variance)
    return _cond(is_training, lambda: result(*batch), lambda: result(*moving))


def _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                      updates_collections, is_training, reuse, variables_collections, outputs_collections,
                      trainable, data_format, zero_debias_moving_mean, scope):
    """TF 1.15's fused path: rank 2 inputs as [N, 1, 1, C]; float32 parameters; no regularizers."""
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with _v1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        original = inputs
        if inputs.shape.ndims == 2:
            channels = inputs.shape[-1]
            if channels is None:
                raise ValueError("`C` dimension must be known but is None")
            inputs = _tf.reshape(inputs, [-1, channels, 1, 1] if data_format == DATA_FORMAT_NCHW
                                 else [-1, 1, 1, channels])
        params_shape = inputs.shape[-1:] if data_format == DATA_FORMAT_NHWC else inputs.shape[1:2]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs {inputs.name} has undefined `C` dimension {params_shape}.")
        param_initializers = param_initializers or {}
        beta = (_layer_variable("beta", params_shape, _tf.float32, param_initializers.get("beta", _v1.zeros_initializer()),
                                trainable, variables_collections)
                if center else _tf.constant(0.0, shape=params_shape))
        gamma = (_layer_variable("gamma", params_shape, _tf.float32, param_initializers.get("gamma", _v1.ones_initializer()),
                                 trainable, variables_collections)
                 if scale else _tf.constant(1.0, shape=params_shape))
        moving = _moving_statistics(params_shape, _tf.float32, param_initializers, variables_collections)

        def normalized(mean, variance, training):
            return _v1.nn.fused_batch_norm(inputs, gamma, beta, mean=None if training else mean,
                                           variance=None if training else variance, epsilon=epsilon,
                                           is_training=training, data_format=data_format)

        outputs, mean, variance = _cond(is_training, lambda: normalized(None, None, True),
                                        lambda: normalized(*moving, False))
        if _static_value(is_training) is not False:
            outputs = _moving_average_updates(is_training, updates_collections, moving, (mean, variance), decay,
                                              zero_debias_moving_mean, lambda *_: outputs)
        outputs.set_shape(inputs.shape)
        if original.shape.ndims == 2:
            outputs = _tf.reshape(outputs, _tf.shape(original))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None, updates_collections=_UPDATE_OPS,
               is_training=True, reuse=None, variables_collections=None, outputs_collections=None,
               trainable=True, batch_weights=None, fused=None, data_format=DATA_FORMAT_NHWC,
               zero_debias_moving_mean=False, scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99, adjustment=None):
    """Ioffe and Szegedy (2015): normalize by the batch's moments while training (their moving
    averages otherwise); the moving-average updates go into UPDATE_OPS unless
    `updates_collections=None` forces them in place."""
    inputs = _tf.convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    fused = True if fused is None else fused
    possible_to_fuse = batch_weights is None and not renorm and rank in (2, 4) and adjustment is None
    if fused and possible_to_fuse and (zero_debias_moving_mean or rank == 2 or updates_collections != _UPDATE_OPS):
        return _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                                 updates_collections, is_training, reuse, variables_collections,
                                 outputs_collections, trainable, data_format, zero_debias_moving_mean, scope)
    if data_format not in (DATA_FORMAT_NCHW, DATA_FORMAT_NHWC):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    param_initializers = param_initializers or {}
    with _v1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        if batch_weights is None and updates_collections == _UPDATE_OPS and not zero_debias_moving_mean:
            outputs = _core_batch_norm(inputs, sc, reuse, decay, center, scale, epsilon, param_initializers,
                                       param_regularizers or {}, is_training, variables_collections, trainable,
                                       data_format, fused, renorm, renorm_clipping, renorm_decay, adjustment)
        else:
            if renorm:
                raise ValueError("renorm is not supported with batch_weights, updates_collections or "
                                 "zero_debias_moving_mean")
            outputs = _moments_batch_norm(inputs, decay, center, scale, epsilon, param_initializers,
                                          updates_collections, is_training, variables_collections, trainable,
                                          batch_weights, data_format, zero_debias_moving_mean)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def _core_batch_norm(inputs, sc, reuse, decay, center, scale, epsilon, param_initializers, param_regularizers,
                     is_training, variables_collections, trainable, data_format, fused, renorm,
                     renorm_clipping, renorm_decay, adjustment):
    """TF 1.15's usual path: the core BatchNormalization layer, built in this scope."""
    layer = _v1.layers.BatchNormalization(
        axis=1 if data_format == DATA_FORMAT_NCHW else -1, momentum=decay, epsilon=epsilon, center=center,
        scale=scale, beta_initializer=param_initializers.get("beta", _v1.zeros_initializer()),
        gamma_initializer=param_initializers.get("gamma", _v1.ones_initializer()),
        moving_mean_initializer=param_initializers.get("moving_mean", _v1.zeros_initializer()),
        moving_variance_initializer=param_initializers.get("moving_variance", _v1.ones_initializer()),
        beta_regularizer=param_regularizers.get("beta"), gamma_regularizer=param_regularizers.get("gamma"),
        trainable=trainable, renorm=renorm, renorm_clipping=renorm_clipping, renorm_momentum=renorm_decay,
        adjustment=adjustment, name=sc.name, _scope=sc, _reuse=reuse, fused=fused)
    outputs = layer.apply(inputs, training=is_training)
    created = [name for name in ("gamma", "beta", "moving_mean", "moving_variance") if getattr(layer, name) is not None]
    for name in created:  # the order the layer created them in, as TF 1.15's model-variable getter saw it
        _add_to_collections(getattr(layer, name), [_v1.GraphKeys.MODEL_VARIABLES], name)
    for name in sorted(created, key=("moving_mean", "moving_variance", "beta", "gamma").index):
        _add_to_collections(getattr(layer, name), variables_collections, name)
    return outputs


def _as_model_variable(getter, *args, collections=None, **kwargs):
    collections = list(collections or [_v1.GraphKeys.GLOBAL_VARIABLES]) + [_v1.GraphKeys.MODEL_VARIABLES]
    return getter(*args, collections=collections, **kwargs)


def _moments_batch_norm(inputs, decay, center, scale, epsilon, param_initializers, updates_collections,
                        is_training, variables_collections, trainable, batch_weights, data_format,
                        zero_debias_moving_mean):
    """TF 1.15's path for `batch_weights` or custom update collections: moments by hand."""
    rank = inputs.shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {inputs.name} has undefined rank.")
    dtype = inputs.dtype.base_dtype
    if batch_weights is not None:
        batch_weights = _tf.convert_to_tensor(batch_weights)
        inputs.shape[0:1].assert_is_compatible_with(batch_weights.shape)
        batch_weights = _tf.reshape(batch_weights, [-1] + [1] * (rank - 1))
    nchw = data_format == DATA_FORMAT_NCHW
    axes = [0] + list(range(2, rank)) if nchw else list(range(rank - 1))
    params_shape = inputs.shape[1:2] if nchw else inputs.shape[-1:]
    if not params_shape.is_fully_defined():
        raise ValueError(f"Inputs {inputs.name} has undefined channels dimension {params_shape}.")
    broadcast = [1, params_shape[0]] + [1] * (rank - 2) if nchw else [-1]
    beta = gamma = None
    if center:
        beta = _layer_variable("beta", params_shape, dtype, param_initializers.get("beta", _v1.zeros_initializer()),
                               trainable, variables_collections)
    if scale:
        gamma = _layer_variable("gamma", params_shape, dtype, param_initializers.get("gamma", _v1.ones_initializer()),
                                trainable, variables_collections)
    moving = _moving_statistics(params_shape, dtype, param_initializers, variables_collections)

    def normalized(mean, variance):
        shaped = [None if p is None else _tf.reshape(p, broadcast) for p in (mean, variance, beta, gamma)]
        return _tf.nn.batch_normalization(inputs, *shaped, epsilon)

    if _static_value(is_training) is False:
        outputs = normalized(*moving)
    else:
        if batch_weights is None:
            mean, variance = _tf.nn.moments(inputs, axes)
        else:
            mean, variance = _tf.nn.weighted_moments(inputs, axes, batch_weights)
        # TF 1.15 gave this path's scope a model-variable getter: zero debiasing's `biased` and
        # `local_step` are model variables too
        with _v1.variable_scope(_v1.get_variable_scope(), custom_getter=_as_model_variable,
                                auxiliary_name_scope=False):
            outputs = _moving_average_updates(is_training, updates_collections, moving, (mean, variance), decay,
                                              zero_debias_moving_mean, normalized)
    outputs.set_shape(inputs.shape)
    return outputs

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
