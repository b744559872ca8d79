"""`tf.contrib.layers`' initializers: variance scaling with TF 1.15's own formulas.

Not `tf.compat.v1.variance_scaling_initializer`: contrib's truncated normal has stddev
sqrt(1.3 * factor / n), core's sqrt(factor / n) / 0.8796..., so the draws differ.
"""
import math

import tensorflow as _tf

_MODES = ("FAN_IN", "FAN_OUT", "FAN_AVG")


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None, dtype=_tf.float32):
    """U[-sqrt(3 factor / n), +] or a normal truncated at 2 stddev, stddev sqrt(1.3 factor / n).

    n is fan_in, fan_out or their mean (`mode`); dimensions before the last two (a
    convolution's receptive field) multiply both fans; a scalar has fans of 1.  As in TF 1.15
    the fans are those of the shape asked for: a partitioned variable's part, not the whole.
    """
    if not _tf.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in _MODES:
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

    def _initializer(shape, dtype=dtype, partition_info=None):
        del partition_info  # TF 1.15 sized each part by its own shape
        shape = [int(d) for d in shape]
        if not _tf.as_dtype(dtype).is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        fan_in = (float(shape[-2]) if len(shape) > 1 else float(shape[-1])) if shape else 1.0
        fan_out = float(shape[-1]) if shape else 1.0
        for dim in shape[:-2]:
            fan_in *= dim
            fan_out *= dim
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return _tf.compat.v1.random_uniform(shape, -limit, limit, dtype, seed=seed)
        return _tf.compat.v1.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype, seed=seed)

    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=_tf.float32):
    """Glorot and Bengio (2010): variance 2 / (fan_in + fan_out)."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer
