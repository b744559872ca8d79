"""`tf.contrib.layers`' regularizers: functions of a weight tensor that return a scalar penalty.

TF 1.15's contract, errors included: an integer scale is refused (a likely typo for a
float), a negative one too, and a scale of 0 gives a regularizer that returns None.
"""
import numbers

import tensorflow as _tf

_v1 = _tf.compat.v1


def _checked_scale(scale, what="scale"):
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{what} cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real) and scale < 0.0:
        raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}")
    return scale


def _scaled(scale, scope, default_name, penalty):
    """A regularizer returning `scale * penalty(weights)` under name scope `scope`/`default_name`."""
    _checked_scale(scale)
    if isinstance(scale, numbers.Real) and scale == 0.0:
        return lambda _: None

    def regularizer(weights, name=None):
        with _v1.name_scope(scope, default_name, [weights]) as name:
            my_scale = _tf.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return _tf.multiply(my_scale, penalty(weights), name=name)

    return regularizer


def l1_regularizer(scale, scope=None):
    """scale * sum(|w|)."""
    return _scaled(scale, scope, "l1_regularizer", lambda w: _tf.reduce_sum(_tf.abs(w)))


def l2_regularizer(scale, scope=None):
    """scale * sum(w**2) / 2 (`tf.nn.l2_loss`, half the squared norm)."""
    return _scaled(scale, scope, "l2_regularizer", _tf.nn.l2_loss)


def sum_regularizer(regularizer_list, scope=None):
    """The sum of the given regularizers' penalties (None entries and None penalties skipped)."""
    regularizer_list = [r for r in regularizer_list if r is not None]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        with _v1.name_scope(scope, "sum_regularizer", [weights]) as name:
            penalties = [p for p in (r(weights) for r in regularizer_list) if p is not None]
            return _tf.add_n(penalties, name=name) if penalties else None

    return sum_reg


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    _checked_scale(scale_l1, "scale_l1")
    _checked_scale(scale_l2, "scale_l2")
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def apply_regularization(regularizer, weights_list=None):
    """Sum of `regularizer` over `weights_list` (default: the WEIGHTS collection), also put in
    REGULARIZATION_LOSSES."""
    if not weights_list:
        weights_list = _v1.get_collection(_v1.GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with _v1.name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else _tf.constant(0.0) for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError(f"regularizer must return a scalar Tensor instead of a Tensor with rank {p.shape.ndims}.")
        summed = _tf.add_n(penalties, name=scope)
    _v1.add_to_collection(_v1.GraphKeys.REGULARIZATION_LOSSES, summed)
    return summed
