"""TF 1.15's op builders where TensorFlow 2.21 builds other ops, so seeds and names come out as in TF 1.15.

TF 1.15 seeds a random op without a seed of its own by the number of ops the graph already
holds (tf1_graphs.seeding), so one op more or less anywhere before it changes every number
drawn after.  TensorFlow 2.21 builds a few common functions with fewer or other ops than TF
1.15 did; each builder here makes TF 1.15's ops, in TF 1.15's order and under its names
(measured op for op against TF 1.15.5 by tests/tf115/oplist.py), and `use_tf115_ops` puts
them in place of TF 2.21's under every name TensorFlow binds them to (`tf1_graphs._rebind`),
so TensorFlow's own callers (get_variable's initializers, tf_keras's Dropout) build them too.

What stays TF 2.21's (same op count and order, so no seed moves): `AddV2` where TF 1.15 made
`Add`, and a few inner names (`ones_like/Shape/shape_as_tensor` for `ones_like/Shape`,
`gradients/grad_ys_0/Const` for `gradients/grad_ys_0`).  Gradients: tf1_graphs.tf115_gradients.
README's "The same numbers as TensorFlow 1.15" lists what else still differs.
"""
import collections.abc
import numbers

import numpy as np
from tensorflow.python.framework import (constant_op, dtypes, indexed_slices, ops, sparse_tensor, tensor_shape,
                                         tensor_util)
from tensorflow.python.framework import tensor as tensor_lib
from tensorflow.python.ops import array_ops, array_ops_stack, clip_ops, gen_math_ops, math_ops, nn_ops, random_ops
from tf_keras.src import backend as keras_backend
from tf_keras.src.layers.convolutional import base_conv as keras_conv
from tf_keras.src.layers.convolutional import conv2d_transpose as keras_conv2d_transpose
from tf_keras.src.layers.reshaping import flatten as keras_flatten
from tf_keras.src.utils import conv_utils as keras_conv_utils

from tf1_graphs._rebind import rebind

TF221 = {}  # TF 2.21's own functions, by name, kept for the tests' broken twins


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """TF 1.15 always makes `min` and `max` and scales (Sub, Mul, Add), even for [0, 1) floats.

    TF 2.21 skips those five ops when the bounds are the Python ints 0 and 1; given floats, it
    builds exactly TF 1.15's ops, so the bounds are handed over as floats."""
    if dtypes.as_dtype(dtype).is_floating:
        maxval = 1 if maxval is None else maxval
        minval, maxval = (float(bound) if isinstance(bound, int) else bound for bound in (minval, maxval))
    return TF221["random_uniform"](shape, minval, maxval, dtype, seed, name)


def dropout_v2(x, rate, noise_shape=None, seed=None, name=None):
    """TF 1.15's dropout: x * (1 / (1 - rate)) * cast(uniform >= rate), a uniform draw scaled from [0, 1).

    TF 2.21 compares an unscaled draw and selects with SelectV2: fewer ops, other seeds after."""
    with ops.name_scope(name, "dropout", [x]) as name:
        x = ops.convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be scaled. "
                             "Got a %s tensor instead." % x.dtype)
        if isinstance(rate, numbers.Real):
            if not 0 <= rate < 1:
                raise ValueError("rate must be a scalar tensor or a float in the range [0, 1), got %g" % rate)
            if rate == 0:
                return x
        rate = ops.convert_to_tensor(rate, dtype=x.dtype, name="rate")
        rate.shape.assert_has_rank(0)
        if tensor_util.constant_value(rate) == 0:
            return x
        uniform = random_uniform(nn_ops._get_noise_shape(x, noise_shape), seed=seed, dtype=x.dtype)
        scale = 1 / (1 - rate)
        kept = uniform >= rate
        dropped = x * scale * math_ops.cast(kept, x.dtype)  # in this order: Mul, Cast, Mul
        dropped.set_shape(x.shape)
        return dropped


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """TF 1.15's `tf.nn.dropout`: `keep_prob` (deprecated) or `rate`, then `dropout_v2`."""
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'rate' and 'keep_prob'.")
    if keep_prob is not None:
        try:
            rate = 1. - keep_prob  # a tensor keep_prob makes a Sub op here, outside the dropout scope
        except TypeError:
            raise ValueError("keep_prob must be a floating point number or Tensor (got %r)" % keep_prob)
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    return dropout_v2(x, rate, noise_shape=noise_shape, seed=seed, name=name)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """TF 1.15 converts `num_or_size_splits` to a tensor first, so a count leaves a lone Const before Split."""
    if isinstance(num_or_size_splits, (numbers.Integral, tensor_shape.Dimension)):
        ops.convert_to_tensor(num_or_size_splits)
    return TF221["split"](value, num_or_size_splits, axis=axis, num=num, name=name)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """TF 1.15 turns a non-finite norm into NaN with IsFinite and Select; TF 2.21 adds (norm - norm)."""
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    if use_norm is None:
        use_norm = clip_ops.global_norm(t_list, name)
    with ops.name_scope(name, "clip_by_global_norm", t_list + [clip_norm]) as name:
        scale_for_finite = clip_norm * math_ops.minimum(
            1.0 / use_norm, constant_op.constant(1.0, dtype=use_norm.dtype) / clip_norm)
        scale = gen_math_ops.select(math_ops.is_finite(use_norm), scale_for_finite,
                                    constant_op.constant(float("nan"), dtype=use_norm.dtype))
        values = [None if t is None else ops.convert_to_tensor(
            t.values if isinstance(t, indexed_slices.IndexedSlices) else t, name="t_%d" % i) for i, t in enumerate(t_list)]
        clipped = []
        for i, value in enumerate(values):
            if value is None:
                clipped.append(None)
                continue
            with ops.colocate_with(value):
                clipped.append(array_ops.identity(value * scale, name="%s_%d" % (name, i)))
        clipped = [indexed_slices.IndexedSlices(c, t.indices, t.dense_shape) if isinstance(t, indexed_slices.IndexedSlices) else c
                   for c, t in zip(clipped, t_list)]
    return clipped, use_norm


def tensordot(a, b, axes, name=None):
    """TF 1.15's tensordot: both operands always transposed and reshaped to matrices, the product reshaped.

    TF 2.21 skips a transpose by the identity, a reshape to the same shape and the final
    reshape, so `tf.layers.dense` on a [batch, time, units] input makes six ops fewer."""
    with ops.name_scope(name, "Tensordot", [a, b, axes]) as name:
        a = ops.convert_to_tensor(a, name="a")
        b = ops.convert_to_tensor(b, name="b")
        a_axes, b_axes = _contraction_axes(a, axes)
        a_matrix, a_free, a_free_static = _as_matrix(a, a_axes, contracted_first=False)
        b_matrix, b_free, b_free_static = _as_matrix(b, b_axes, contracted_first=True)
        product = math_ops.matmul(a_matrix, b_matrix)
        if isinstance(a_free, list) and isinstance(b_free, list):
            return array_ops.reshape(product, a_free + b_free, name=name)
        free = array_ops.concat([ops.convert_to_tensor(a_free, dtype=dtypes.int32),
                                 ops.convert_to_tensor(b_free, dtype=dtypes.int32)], 0)
        product = array_ops.reshape(product, free, name=name)
        if a_free_static is not None and b_free_static is not None:
            product.set_shape(a_free_static + b_free_static)
        return product


def _contraction_axes(a, axes):
    """(a's contracted axes, b's), from an int (the last `axes` of a, the first of b), a pair, or a tensor."""
    if isinstance(axes, numbers.Integral):
        if axes < 0:
            raise ValueError("'axes' must be at least 0.")
        rank = a.shape.rank
        if rank is None:
            rank = array_ops.rank(a)
            return math_ops.range(rank - axes, rank, dtype=dtypes.int32), math_ops.range(axes, dtype=dtypes.int32)
        if axes > rank:
            raise ValueError("'axes' must not be larger than the number of dimensions of tensor %s." % a)
        return list(range(rank - axes, rank)), list(range(axes))
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError("'axes' must be an integer or have length 2.")
        a_axes, b_axes = axes
        if isinstance(a_axes, numbers.Integral) and isinstance(b_axes, numbers.Integral):
            a_axes, b_axes = [a_axes], [b_axes]
        if len(a_axes) != len(b_axes):
            raise ValueError("Different number of contraction axes 'a' and 'b', %s != %s."
                             % (len(a_axes), len(b_axes)))
        return a_axes, b_axes
    axes = ops.convert_to_tensor(axes, name="axes", dtype=dtypes.int32)
    return axes[0], axes[1]


def _as_matrix(x, axes, contracted_first):
    """(x transposed and reshaped to [free, contracted] or [contracted, free], free dims, their static shape)."""
    if x.shape.is_fully_defined() and isinstance(axes, (list, tuple)):
        shape = x.shape.as_list()
        axes = [axis % len(shape) if axis < 0 else axis for axis in axes]
        free = [axis for axis in range(len(shape)) if axis not in axes]
        free_dims = [shape[axis] for axis in free]
        free_size, contracted_size = int(np.prod(free_dims)), int(np.prod([shape[axis] for axis in axes]))
        if contracted_first:
            perm, matrix_shape = list(axes) + free, [contracted_size, free_size]
        else:
            perm, matrix_shape = free + list(axes), [free_size, contracted_size]
        return array_ops.reshape(array_ops.transpose(x, perm), matrix_shape), free_dims, free_dims
    if x.shape.rank is not None and isinstance(axes, (list, tuple)):
        shape = x.shape.as_list()
        axes = [axis % len(shape) if axis < 0 else axis for axis in axes]
        free = [axis for axis in range(len(shape)) if axis not in axes]
        free_dims_static = [shape[axis] for axis in free]
        axes = ops.convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
        free = ops.convert_to_tensor(free, dtype=dtypes.int32, name="free")
        shape = array_ops.shape(x)
    else:
        free_dims_static = None
        shape = array_ops.shape(x)
        rank = array_ops.rank(x)
        axes = ops.convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
        axes = array_ops.where(axes >= 0, axes, axes + rank)
        free, _ = array_ops.setdiff1d(math_ops.range(rank), axes)
    free_dims = array_ops.gather(shape, free)
    contracted_dims = array_ops.gather(shape, axes)
    free_size, contracted_size = math_ops.reduce_prod(free_dims), math_ops.reduce_prod(contracted_dims)
    if contracted_first:
        perm, matrix_shape = array_ops.concat([axes, free], 0), array_ops_stack.stack([contracted_size, free_size])
    else:
        perm, matrix_shape = array_ops.concat([free, axes], 0), array_ops_stack.stack([free_size, contracted_size])
    return array_ops.reshape(array_ops.transpose(x, perm), matrix_shape), free_dims, free_dims_static


def reduction_dims(x, axis):
    """All of x's axes when `axis` is None: one Const when x is a tensor of known rank, a scalar too;
    Rank and Range ops otherwise, a variable too.

    TF 2.21 tests the rank for truth, so reducing a scalar (the mean of a loss) builds Rank and
    Range where TF 1.15 made one Const; and it reads a variable's rank, where TF 1.15 did not."""
    if axis is not None:
        return axis
    rank = None
    if isinstance(x, tensor_lib.Tensor):
        rank = x.shape.rank
    elif isinstance(x, sparse_tensor.SparseTensor) and x.dense_shape.shape.is_fully_defined():
        rank = x.dense_shape.shape.dims[0].value
    if rank is None:
        return math_ops.range(0, array_ops.rank(x))
    return constant_op.constant(np.arange(rank), dtype=dtypes.int32)


def conv_build(layer, input_shape):
    """TF 1.15's Keras convolutions made their convolution op object in `build`: a `dilation_rate` Const."""
    TF221["Conv.build"](layer, input_shape)
    ops.convert_to_tensor(list(layer.dilation_rate), dtypes.int32, name="dilation_rate")


def conv_op(layer, inputs, kernel):
    """tf_keras names a 1-D convolution after its class, `Conv1D`; TF 1.15's was `conv1d` (the op count is the same)."""
    if layer.rank != 1:
        return TF221["Conv.convolution_op"](layer, inputs, kernel)
    padding = "VALID" if layer.padding == "causal" else layer.padding.upper()
    return nn_ops.convolution_v2(inputs, kernel, strides=list(layer.strides), padding=padding,
                                 dilations=list(layer.dilation_rate), data_format=layer._tf_data_format,
                                 name="conv1d")


def conv2d_transpose_call(layer, inputs):
    """TF 1.15 read the output's height and width from tf.shape(inputs) (StridedSlice, Mul, Add ops);
    tf_keras takes the static sizes when it knows them and makes 18 ops fewer."""
    shape = array_ops.shape(inputs)
    batch = shape[0]
    h_axis, w_axis = (2, 3) if layer.data_format == "channels_first" else (1, 2)
    sizes = shape[h_axis], shape[w_axis]
    paddings = (None, None) if layer.output_padding is None else layer.output_padding
    out_height, out_width = [
        keras_conv_utils.deconv_output_length(size, kernel, padding=layer.padding, output_padding=padding,
                                              stride=stride, dilation=dilation)
        for size, kernel, padding, stride, dilation in zip(sizes, layer.kernel_size, paddings, layer.strides,
                                                           layer.dilation_rate)]
    if layer.data_format == "channels_first":
        output_shape = (batch, layer.filters, out_height, out_width)
    else:
        output_shape = (batch, out_height, out_width, layer.filters)
    outputs = keras_backend.conv2d_transpose(
        inputs, layer.kernel, array_ops_stack.stack(output_shape), strides=layer.strides, padding=layer.padding,
        data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    outputs.set_shape(layer.compute_output_shape(inputs.shape))
    if layer.use_bias:
        outputs = nn_ops.bias_add(outputs, layer.bias,
                                  data_format=keras_conv_utils.convert_data_format(layer.data_format, ndim=4))
    return outputs if layer.activation is None else layer.activation(outputs)


def flatten_call(layer, inputs):
    """TF 1.15's Flatten reshaped to (batch, -1), reading the batch from tf.shape when it is not static;
    tf_keras reshapes to a constant (-1, size), a Const where TF 1.15 made up to six ops."""
    rank = inputs.shape.rank
    if layer.data_format == "channels_first" and rank is not None and rank > 1:
        inputs = array_ops.transpose(inputs, perm=[0] + list(range(2, rank)) + [1])
    batch = tensor_shape.dimension_value(inputs.shape[0]) or array_ops.shape(inputs)[0]
    outputs = array_ops.reshape(inputs, (batch, -1))
    outputs.set_shape(layer.compute_output_shape(inputs.shape))
    return outputs


_TF115 = {
    (random_ops, "random_uniform"): random_uniform,
    (nn_ops, "dropout_v2"): dropout_v2,
    (nn_ops, "dropout"): dropout,
    (array_ops, "split"): split,
    (clip_ops, "clip_by_global_norm"): clip_by_global_norm,
    (math_ops, "_ReductionDims"): reduction_dims,
    (math_ops, "tensordot"): tensordot,
}


_TF115_METHODS = {
    (keras_conv.Conv, "build"): conv_build,
    (keras_conv.Conv, "convolution_op"): conv_op,
    (keras_conv2d_transpose.Conv2DTranspose, "call"): conv2d_transpose_call,
    (keras_flatten.Flatten, "call"): flatten_call,
}


def use_tf115_ops():
    """TF 1.15's builders in place of TF 2.21's, under every name they are bound to (idempotent)."""
    for (cls, name), tf115 in _TF115_METHODS.items():
        TF221.setdefault("%s.%s" % (cls.__name__, name), getattr(cls, name))
        setattr(cls, name, tf115)
    for (module, name), tf115 in _TF115.items():
        if name not in TF221:
            TF221[name] = getattr(module, name)
    rebind({TF221[name]: tf115 for (_, name), tf115 in _TF115.items()})
