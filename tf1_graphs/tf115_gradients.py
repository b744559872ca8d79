"""TF 1.15's gradient graphs for the ops every training graph differentiates: Add, Sub, Mul, sparse softmax.

`tf.gradients` and `minimize` build one gradient op group per forward op; where TF 2.21's
gradient functions make other ops than TF 1.15's, every random op made after the optimizer
(dropout in a second model, a sampler) gets another op seed.  TF 1.15 gave a broadcasting
Add, Sub or Mul of fully known shapes a BroadcastGradientArgs op, once per graph and pair
of shapes (its reduction axes then read as constants), and reshaped reductions to a
constant shape; TF 2.21 makes two Shape constants instead, every time.  TF 1.15 also
guarded the sparse softmax cross entropy's backprop with PreventGradient.  The other
gradient functions build the same ops in both (measured on tests/tf115's training graphs).

The values are the same either way: the same reductions of the same numbers.
"""
import weakref

import numpy as np

from tensorflow.python.client import pywrap_tf_session
from tensorflow.python.framework import ops
from tensorflow.python.framework import tensor as tensor_lib
from tensorflow.python.ops import array_ops, gen_array_ops, gen_math_ops, math_ops
from tensorflow.python.ops.math_grad import _ShapesFullySpecifiedAndEqual

_REDUCTION_AXES = weakref.WeakKeyDictionary()  # graph -> {(x shape, y shape): (x axes, y axes)}


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
            and grad.dtype in (ops.dtypes.int32, ops.dtypes.float32)):
        return gen_math_ops.mul(grad, y), gen_math_ops.mul(grad, x)
    x_reduction, y_reduction = _reductions(x, y, grad)  # before the products, as in TF 1.15
    x, y = math_ops.conj(x), math_ops.conj(y)
    x_grad = None if 0 in skipped else _reduced(gen_math_ops.mul(grad, y), x_reduction)
    y_grad = None if 1 in skipped else _reduced(gen_math_ops.mul(x, grad), y_reduction)
    return x_grad, y_grad


def _sparse_softmax_cross_entropy_grad(op, loss_grad, _):
    """No second derivative (TF 1.15 raised one with PreventGradient; TF 2.21 computes it)."""
    backprop = array_ops.prevent_gradient(
        op.outputs[1], message="Currently there is no way to take the second derivative of "
        "sparse_softmax_cross_entropy_with_logits due to the fused implementation's interaction with tf.gradients()")
    return array_ops.expand_dims(loss_grad, -1) * backprop, None


_TF115_GRADIENTS = {"Add": _add_grad, "AddV2": _add_grad, "Sub": _sub_grad, "Mul": _mul_grad,
                    "SparseSoftmaxCrossEntropyWithLogits": _sparse_softmax_cross_entropy_grad}
TF221 = {}  # TF 2.21's gradient functions, by op type, kept for the tests' broken twins


def use_tf115_gradients():
    """Register TF 1.15's gradient functions for these op types in place of TF 2.21's (idempotent)."""
    registry = ops._gradient_registry._registry
    for op_type, gradient in _TF115_GRADIENTS.items():
        TF221.setdefault(op_type, registry[op_type]["type"])
        registry[op_type]["type"] = gradient
