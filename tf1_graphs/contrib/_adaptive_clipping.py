"""`adaptive_clipping_fn`, the gradient clipping of TF 1.15's contrib.layers optimizers module.

Section 3.2.1 of https://arxiv.org/abs/1412.1602: keep moving averages of log(global norm)
and of its square (non-trainable variables `mean` and `sq_mean` under `name`, default
`AdaptiveMaxNorm`, zero-initialised, no zero-debiasing); when the global norm reaches
exp(mean + std_factor * std), rescale every gradient so the global norm becomes exp(mean).
With `global_step`, the decay is min(decay, n / (n + 1)), so the averages adapt quickly at first.
TF 1.15 exported it only from `tensorflow.contrib.layers.python.layers.optimizers`;
here it is `tf.contrib.layers.adaptive_clipping_fn`, for `optimize_loss(clip_gradients=...)`.
"""
import tensorflow as _tf
from tensorflow.python.training.moving_averages import assign_moving_average as _assign_moving_average

_v1 = _tf.compat.v1


def _adaptive_max_norm(norm, std_factor, decay, global_step, epsilon, name):
    """(the norm above which to clip, the moving mean of log norm), updating both averages."""
    with _v1.variable_scope(name, "AdaptiveMaxNorm", [norm]):
        log_norm = _tf.math.log(norm + epsilon)

        def moving_average(var_name, value, decay):
            average = _v1.get_variable(var_name, shape=value.shape, dtype=value.dtype,
                                       initializer=_v1.zeros_initializer(), trainable=False)
            return _assign_moving_average(average, value, decay, zero_debias=False)

        if global_step is not None:
            n = _tf.cast(global_step, _tf.float32)
            decay = _tf.minimum(decay, n / (n + 1.0))
        mean = moving_average("mean", log_norm, decay)
        sq_mean = moving_average("sq_mean", _tf.square(log_norm), decay)
        std = _tf.sqrt(_tf.maximum(epsilon, sq_mean - _tf.square(mean)))
        return _tf.exp(mean + std_factor * std), mean


def adaptive_clipping_fn(std_factor=2.0, decay=0.95, static_max_norm=None, global_step=None,
                         report_summary=False, epsilon=1e-8, name=None):
    """A function from [(gradient, variable)] to the same list, clipped (see the module docstring);
    `static_max_norm`, if given, also caps the global norm."""

    def gradient_clipping(grads_and_vars):
        grads, variables = zip(*grads_and_vars)
        norm = _tf.linalg.global_norm(grads)
        max_norm, log_mean = _adaptive_max_norm(norm, std_factor, decay, global_step, epsilon, name)
        if report_summary:
            _v1.summary.scalar("global_norm/adaptive_max_gradient_norm", max_norm)
        factor = _tf.where(norm < max_norm, _tf.ones_like(norm), _tf.exp(log_mean) / norm)
        if static_max_norm is not None:
            factor = _tf.minimum(static_max_norm / norm, factor)
        clipped = []
        for grad in grads:
            if isinstance(grad, _tf.IndexedSlices):
                grad = _tf.IndexedSlices(grad.values * factor, grad.indices, grad.dense_shape)
            elif grad is not None:
                grad = grad * factor
            clipped.append(grad)
        return list(zip(clipped, variables))

    return gradient_clipping
