"""`tf.contrib.layers.optimize_loss`: loss -> train op, with TF 1.15's options and checks.

Builds on the v1 optimizers; adds what the contrib wrapper added around them: a
`learning_rate` variable from a float, optimizers by name, gradient noise, per-variable
gradient multipliers, clipping by global norm (or by a function such as `adaptive_clipping_fn`,
which TF 1.15 kept in this module without exporting it from `tf.contrib.layers`), UPDATE_OPS
run before the loss, summaries.
As in TF 1.15 the gradient noise is truncated normal, drawn in the gradient's static shape,
the learning rate gets a summary only when a decay function makes it, and the loss is
passed on through `with_dependencies` (ops named `control_dependency`, as programs saw).
"""
import tensorflow as _tf
from tensorflow.python.ops.control_flow_ops import with_dependencies as _with_dependencies

from tf1_graphs.contrib._adaptive_clipping import adaptive_clipping_fn  # noqa: F401  (TF 1.15 kept it here)

_v1 = _tf.compat.v1

OPTIMIZER_CLS_NAMES = {
    "Adagrad": _v1.train.AdagradOptimizer,
    "Adam": _v1.train.AdamOptimizer,
    "Ftrl": _v1.train.FtrlOptimizer,
    "Momentum": lambda learning_rate: _v1.train.MomentumOptimizer(learning_rate, momentum=0.9),
    "RMSProp": _v1.train.RMSPropOptimizer,
    "SGD": _v1.train.GradientDescentOptimizer,
}

OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm", "global_gradient_norm"]


def _optimizer(optimizer, lr, learning_rate):
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError(f"Learning rate is None, but should be specified if optimizer is string ({optimizer}).")
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError(f"Optimizer name should be one of [{', '.join(OPTIMIZER_CLS_NAMES)}], you provided {optimizer}.")
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, _v1.train.Optimizer):
        if lr is None:
            raise ValueError(f"Learning rate is None, but should be specified if optimizer is class ({optimizer}).")
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, _v1.train.Optimizer):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, _v1.train.Optimizer):
            raise ValueError(f"Unrecognized optimizer: function should return subclass of Optimizer. Got {opt}.")
        return opt
    raise ValueError("Unrecognized optimizer: should be string, subclass of Optimizer, instance of subclass of "
                     f"Optimizer or function with one argument. Got {optimizer}.")


def _multiplied(gradients, multipliers):
    result = []
    for grad, var in gradients:
        key = var if var in multipliers else var.name
        if grad is not None and key in multipliers:
            if isinstance(grad, _tf.IndexedSlices):
                grad = _tf.IndexedSlices(grad.values * multipliers[key], grad.indices, grad.dense_shape)
            else:
                grad = grad * _tf.cast(multipliers[key], grad.dtype)
        result.append((grad, var))
    return result


def _noisy(gradients, scale):
    """Each gradient plus truncated-normal noise times `scale` (an IndexedSlices becomes dense)."""
    def noise_shape(gradient):
        return gradient.dense_shape if isinstance(gradient, _tf.IndexedSlices) else gradient.get_shape()
    return [(None if g is None else g + _v1.truncated_normal(noise_shape(g)) * scale, v) for g, v in gradients]


def _global_norm(gradients):
    return _tf.linalg.global_norm([g for g, _ in gradients])


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """The loss, run after one optimizer step (and after `update_ops`, UPDATE_OPS by default)."""
    loss = _tf.convert_to_tensor(loss)
    if loss.shape.ndims != 0:  # an unknown rank is refused too, as TF 1.15's assert_scalar did
        raise ValueError(f"Expected scalar shape for {loss.name}, saw shape: {loss.shape}.")
    if global_step is None:
        global_step = _v1.train.get_global_step()
    else:
        _v1.train.assert_global_step(global_step)
    with _v1.variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = set(_v1.get_collection(_v1.GraphKeys.UPDATE_OPS))
        if update_ops:
            loss = _with_dependencies(list(update_ops), loss)

        lr = None
        if learning_rate is not None:
            if isinstance(learning_rate, _tf.Tensor) and learning_rate.shape.ndims == 0:
                lr = learning_rate
            elif isinstance(learning_rate, float):
                if learning_rate < 0.0:
                    raise ValueError(f"Invalid learning_rate {learning_rate}.")
                lr = _v1.get_variable("learning_rate", [], trainable=False,
                                      initializer=_v1.constant_initializer(learning_rate))
            else:
                raise ValueError(f"Learning rate should be 0d Tensor or float. Got {learning_rate} of type "
                                 f"{type(learning_rate)}")
        if summaries is None:
            summaries = ["loss", "learning_rate", "global_gradient_norm"]
        for summ in summaries:
            if summ not in OPTIMIZER_SUMMARIES:
                raise ValueError(f"Summaries should be one of [{', '.join(OPTIMIZER_SUMMARIES)}], you provided {summ}.")
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:
                _v1.summary.scalar("learning_rate", lr)

        opt = _optimizer(optimizer, lr, learning_rate)
        if variables is None:
            variables = _v1.trainable_variables()
        gradients = opt.compute_gradients(loss, variables, colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_noise_scale is not None:
            gradients = _noisy(gradients, gradient_noise_scale)
        if gradient_multipliers is not None:
            gradients = _multiplied(gradients, gradient_multipliers)
            if not gradients:
                raise ValueError("Empty list of (gradient, var) pairs encountered. This is most likely to be "
                                 "caused by an improper value of gradient_multipliers.")
        norm_summaries = "global_gradient_norm" in summaries or "gradient_norm" in summaries
        if norm_summaries:
            _v1.summary.scalar("global_norm/gradient_norm", _global_norm(gradients))

        if isinstance(clip_gradients, float):
            clipped, _ = _tf.clip_by_global_norm([g for g, _ in gradients], clip_gradients)
            gradients = list(zip(clipped, [v for _, v in gradients]))
        elif callable(clip_gradients):
            gradients = clip_gradients(gradients)
        elif clip_gradients is not None:
            raise ValueError(f"Unknown type {type(clip_gradients)} for clip_gradients")

        if "loss" in summaries:
            _v1.summary.scalar("loss", loss)
        for gradient, variable in gradients:
            values = gradient.values if isinstance(gradient, _tf.IndexedSlices) else gradient
            if values is not None:
                var_name = variable.name.replace(":", "_")
                if "gradients" in summaries:
                    _v1.summary.histogram(f"gradients/{var_name}", values)
                if "gradient_norm" in summaries:
                    _v1.summary.scalar(f"gradient_norm/{var_name}", _tf.linalg.global_norm([values]))
        if clip_gradients is not None and norm_summaries:
            _v1.summary.scalar("global_norm/clipped_gradient_norm", _global_norm(gradients))

        grad_updates = opt.apply_gradients(
            gradients, global_step=global_step if increment_global_step else None, name="train")
        return _with_dependencies([grad_updates], loss)
