"""`sequence_loss` and `SequenceLoss`, as TF 1.15's contrib/seq2seq/python/ops/loss.py had them.

`sequence_loss` takes [batch, time, classes] logits, [batch, time] int targets and
[batch, time] weights.  The weighted cross-entropy is reduced as TF 1.15 reduced it:
`average_across_*` divides the weighted sum by the summed weights, `sum_over_*` by the
number of non-zero weights, both with 0/0 = 0.  With both axes reduced the same way the
result is a scalar.  With one axis averaged and the other summed, TF 1.15 applies only the
average (averaging over time and summing over the batch gives [batch]); so does this.
"""
import tensorflow as _tf

_v1 = _tf.compat.v1


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Weighted cross-entropy of a [batch, time] sequence, reduced to rank 0, 1 or 2."""
    if logits.shape.rank != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.rank != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.rank != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot "
                         "be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set "
                         "to True at same time.")
    with _v1.name_scope(name, "sequence_loss", [logits, targets, weights]):
        flat_logits = _tf.reshape(logits, [-1, _tf.shape(logits)[2]])
        flat_targets = _tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = _tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=flat_targets, logits=flat_logits)
        else:
            crossent = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        crossent *= _tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent), _tf.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent), _nonzero_count(weights, crossent.dtype))
        crossent = _tf.reshape(crossent, _tf.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent, axis=axis),
                                          _tf.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            return _tf.math.divide_no_nan(_tf.reduce_sum(crossent, axis=axis),
                                          _nonzero_count(weights, crossent.dtype, axis))
        return crossent


class SequenceLoss(_tf.keras.losses.Loss):
    """`sequence_loss` as a Keras loss, `loss(targets, logits, weights)`, summing by default.

    TF 1.15 kept it in `contrib/seq2seq/python/ops/loss.py` without exporting it from
    `tf.contrib.seq2seq`; programs and tests import it from there.
    """

    def __init__(self, average_across_timesteps=False, average_across_batch=False,
                 sum_over_timesteps=True, sum_over_batch=True, softmax_loss_function=None, name=None):
        super().__init__(name=name)
        self.average_across_timesteps = average_across_timesteps
        self.average_across_batch = average_across_batch
        self.sum_over_timesteps = sum_over_timesteps
        self.sum_over_batch = sum_over_batch
        self.softmax_loss_function = softmax_loss_function

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The whole loss, reduced by the flags above rather than by Keras' reduction."""
        return sequence_loss(y_pred, y_true, sample_weight,
                             average_across_timesteps=self.average_across_timesteps,
                             average_across_batch=self.average_across_batch,
                             sum_over_timesteps=self.sum_over_timesteps,
                             sum_over_batch=self.sum_over_batch,
                             softmax_loss_function=self.softmax_loss_function, name=self.name)

    def call(self, y_true, y_pred):
        raise NotImplementedError("SequenceLoss computes its loss in __call__")


def _nonzero_count(weights, dtype, axis=None):
    return _tf.cast(_tf.math.count_nonzero(weights, axis=axis), dtype)
