"""TF 1.15's gradient graphs for the ops every training graph differentiates: Add, Sub, Mul, Sum, Mean,
Reshape, sparse softmax cross entropy.

`tf.gradients` and `minimize` build one gradient op group per forward op; where TF 2.21's
gradient functions make other ops than TF 1.15's, every random op made after the optimizer
(dropout in a second model, a sampler) gets another op seed.  TF 1.15 gave a broadcasting
Add, Sub or Mul of fully known shapes a BroadcastGradientArgs op, once per graph and pair
of shapes (its reduction axes then read as constants), and reshaped reductions to a
constant shape; TF 2.21 makes two Shape constants instead, every time.  TF 1.15 tiled a
reduction's gradient back with shapes computed its own way; TF 2.21 broadcasts.  TF 1.15
reshaped a gradient back to tf.shape(input); TF 2.21 to a constant.  TF 1.15 also
guarded the sparse softmax cross entropy's backprop with PreventGradient.  The other
gradient functions build the same ops in both (measured on tests/tf115's training graphs).

The values are the same either way: the same reductions of the same numbers.
"""
import warnings
import weakref

import numpy as np

from tensorflow.python.client import pywrap_tf_session
from tensorflow.python.framework import constant_op, dtypes, ops, tensor_util
from tensorflow.python.framework import tensor as tensor_lib
from tensorflow.python.ops import array_ops, gen_array_ops, gen_data_flow_ops, gen_math_ops, math_ops
from tensorflow.python.ops.math_grad import _ShapesFullySpecifiedAndEqual

_REDUCTION_AXES = weakref.WeakKeyDictionary()  # graph -> {(x shape, y shape): (x axes, y axes)}
_REDUCED_SHAPES = weakref.WeakKeyDictionary()  # graph -> {(shape, axes): (kept shape, tile multiples)}


def _reductions(x, y, grad):
    """((x's shape, axes to sum x's gradient over, whether to), the same for y), as TF 1.15 found them."""
    if not all(isinstance(t, tensor_lib.Tensor) for t in (x, y, grad)) or any(
            shape is None or None in shape for shape in (x._shape_tuple(), y._shape_tuple())):
        x_shape = array_ops.shape_internal(x, optimize=False)
        y_shape = array_ops.shape_internal(y, optimize=False)
        x_axes, y_axes = gen_array_ops.broadcast_gradient_args(x_shape, y_shape)
        return (x_shape, x_axes, True), (y_shape, y_axes, True)
    x_shape, y_shape, grad_shape = x._shape_tuple(), y._shape_tuple(), grad._shape_tuple()
    graph = ops.get_default_graph()
    known = _REDUCTION_AXES.setdefault(graph, {})
    if (x_shape, y_shape) not in known:
        axes = gen_array_ops.broadcast_gradient_args(x_shape, y_shape)
        known[x_shape, y_shape] = tuple(
            tuple(pywrap_tf_session.TF_TryEvaluateConstant_wrapper(graph._c_graph, a._as_tf_output()))
            for a in axes)
    x_axes, y_axes = known[x_shape, y_shape]
    return (x_shape, x_axes, x_shape != grad_shape), (y_shape, y_axes, y_shape != grad_shape)


def _skipped(op):
    return getattr(op, "skip_input_indices", None) or ()


def _reduced(grad, reduction):
    shape, axes, must_reduce = reduction
    if not must_reduce:
        return grad
    if isinstance(shape, tuple):  # int32 at once: TF 2.21 leaks a float32 Const converting an empty tuple
        shape = np.array(shape, dtype=np.int32)
    return array_ops.reshape(math_ops.reduce_sum(grad, axes), shape)


def _add_grad(op, grad):
    x, y = op.inputs
    skipped = _skipped(op)
    if 1 in skipped and y._shape_tuple() == ():
        return grad, None
    if isinstance(grad, tensor_lib.Tensor) and _ShapesFullySpecifiedAndEqual(x, y, grad):
        return grad, grad
    x_reduction, y_reduction = _reductions(x, y, grad)
    x_grad = None if 0 in skipped else _reduced(grad, x_reduction)
    y_grad = None if 1 in skipped else _reduced(grad, y_reduction)
    return x_grad, y_grad


def _sub_grad(op, grad):
    x, y = op.inputs
    skipped = _skipped(op)
    if 1 in skipped and y._shape_tuple() == ():
        return grad, None
    if isinstance(grad, tensor_lib.Tensor) and _ShapesFullySpecifiedAndEqual(x, y, grad):
        return grad, -grad
    x_reduction, y_reduction = _reductions(x, y, grad)
    x_grad = None if 0 in skipped else _reduced(grad, x_reduction)
    y_grad = None if 1 in skipped else _reduced(-grad, y_reduction)
    return x_grad, y_grad


def _mul_grad(op, grad):
    x, y = op.inputs
    skipped = _skipped(op)
    if 1 in skipped and y._shape_tuple() == ():
        return gen_math_ops.mul(grad, math_ops.conj(y)), None
    if (isinstance(grad, tensor_lib.Tensor) and _ShapesFullySpecifiedAndEqual(x, y, grad)
            and grad.dtype in (dtypes.int32, dtypes.float32)):
        return gen_math_ops.mul(grad, y), gen_math_ops.mul(grad, x)
    x_reduction, y_reduction = _reductions(x, y, grad)  # before the products, as in TF 1.15
    x, y = math_ops.conj(x), math_ops.conj(y)
    x_grad = None if 0 in skipped else _reduced(gen_math_ops.mul(grad, y), x_reduction)
    y_grad = None if 1 in skipped else _reduced(gen_math_ops.mul(x, grad), y_reduction)
    return x_grad, y_grad


def _reduced_shape(input_shape, axes):
    """The shape of a reduction kept to its rank (the axes set to 1), built from tensors as TF 1.15 did."""
    input_shape = math_ops.cast(input_shape, dtypes.int32)
    axes = math_ops.cast(axes, dtypes.int32)
    rank = array_ops.size(input_shape)
    axes = (axes + rank) % rank
    axes_shape = array_ops.shape(axes)
    return gen_data_flow_ops.dynamic_stitch([math_ops.range(rank), axes],
                                            [input_shape, array_ops.fill(axes_shape, 1)])


def _safe_shape_div(x, y):
    return x // math_ops.maximum(y, 1)


def _constant_tuple(tensor):
    return tuple(pywrap_tf_session.TF_TryEvaluateConstant_wrapper(tensor.graph._c_graph, tensor._as_tf_output()))


def _sum_grad(op, grad):
    """TF 1.15 tiled the gradient back (Tile); TF 2.21 broadcasts it (BroadcastTo) and shapes it otherwise."""
    input_shape = op.inputs[0]._shape_tuple()
    if input_shape is not None:
        axes = tensor_util.constant_value(op.inputs[1])
        if axes is not None:
            rank = len(input_shape)
            if np.array_equal(axes, np.arange(rank)):  # all axes
                grad = array_ops.reshape(grad, np.ones(rank, dtype=np.int32))
                if None in input_shape:
                    return [array_ops.tile(grad, array_ops.shape(op.inputs[0])), None]
                return [array_ops.tile(grad, constant_op.constant(input_shape, dtype=dtypes.int32)), None]
            if None not in input_shape:  # shapes built once per graph and evaluated, as TF 1.15 cached them
                key = input_shape, tuple(axes.reshape(-1))
                known = _REDUCED_SHAPES.setdefault(ops.get_default_graph(), {})
                if key not in known:
                    kept = _constant_tuple(_reduced_shape(*key))
                    known[key] = kept, _constant_tuple(_safe_shape_div(input_shape, kept))
                kept, scaling = known[key]
                return [array_ops.tile(array_ops.reshape(grad, kept), scaling), None]
    input_shape = array_ops.shape(op.inputs[0])
    with ops.colocate_with(input_shape):
        kept = _reduced_shape(input_shape, op.inputs[1])
        scaling = _safe_shape_div(input_shape, kept)
    return [array_ops.tile(array_ops.reshape(grad, kept), scaling), None]


def _mean_grad(op, grad):
    sum_grad = _sum_grad(op, grad)[0]
    input_shape, output_shape = op.inputs[0]._shape_tuple(), op.outputs[0]._shape_tuple()
    if input_shape is not None and output_shape is not None and None not in input_shape + output_shape:
        factor = np.prod(input_shape) // max(np.prod(output_shape), 1)
        factor = constant_op.constant(factor, dtype=sum_grad.dtype)
    else:
        input_shape = array_ops.shape(op.inputs[0])
        output_shape = array_ops.shape(op.outputs[0])
        factor = _safe_shape_div(math_ops.reduce_prod(input_shape), math_ops.reduce_prod(output_shape))
    return math_ops.truediv(sum_grad, math_ops.cast(factor, sum_grad.dtype)), None


def _reshape_grad(op, grad):
    """TF 1.15 reshaped back to tf.shape(input) (a Shape op when the shape is not static); TF 2.21 to a Const."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Converting sparse IndexedSlices to a dense Tensor.*")
        return [array_ops.reshape(grad, array_ops.shape(op.inputs[0])), None]


def _sparse_softmax_cross_entropy_grad(op, loss_grad, _):
    """No second derivative (TF 1.15 raised one with PreventGradient; TF 2.21 computes it)."""
    backprop = array_ops.prevent_gradient(
        op.outputs[1], message="Currently there is no way to take the second derivative of "
        "sparse_softmax_cross_entropy_with_logits due to the fused implementation's interaction with tf.gradients()")
    return array_ops.expand_dims(loss_grad, -1) * backprop, None


_TF115_GRADIENTS = {"Add": _add_grad, "AddV2": _add_grad, "Sub": _sub_grad, "Mul": _mul_grad,
                    "Sum": _sum_grad, "Mean": _mean_grad, "Reshape": _reshape_grad,
                    "SparseSoftmaxCrossEntropyWithLogits": _sparse_softmax_cross_entropy_grad}
TF221 = {}  # TF 2.21's gradient functions, by op type, kept for the tests' broken twins


def use_tf115_gradients():
    """Register TF 1.15's gradient functions for these op types in place of TF 2.21's (idempotent)."""
    registry = ops._gradient_registry._registry
    for op_type, gradient in _TF115_GRADIENTS.items():
        TF221.setdefault(op_type, registry[op_type]["type"])
        registry[op_type]["type"] = gradient
