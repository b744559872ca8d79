"""contrib.seq2seq.sequence_loss against NumPy for every argument combination.

The reductions follow TF 1.15's documentation: `average_across_*` divides the weighted sum
by the summed weights, `sum_over_*` by the count of non-zero weights, 0/0 = 0; with one
axis averaged and the other summed only the average applies (TF 1.15's code does that).
float32 graph against float64 NumPy: the largest gap seen was 3.1e-7; the tolerance, 1e-5,
stays far below the broken twin's gap (0.76).
"""
import itertools

import numpy as np
import pytest

from tf1_graphs import reference as ref
from tf1_graphs import tf

BATCH, STEPS, CLASSES = 3, 4, 5
FLAGS = ("average_across_timesteps", "average_across_batch", "sum_over_timesteps", "sum_over_batch")
VALID = [combo for combo in itertools.product([False, True], repeat=4)
         if not (combo[0] and combo[2]) and not (combo[1] and combo[3])]
TOL = dict(rtol=0, atol=1e-5)


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(BATCH, STEPS, CLASSES)).astype(np.float32)
    targets = rng.integers(0, CLASSES, size=(BATCH, STEPS)).astype(np.int32)
    weights = rng.uniform(0.5, 2.0, size=(BATCH, STEPS)).astype(np.float32)
    weights[0, 2:] = 0.0  # a padded tail, so counts of non-zero weights differ from the sizes
    weights[2, :] = 0.0   # an all-padding example: 0 / 0 must give 0
    return logits, targets, weights


def _numpy_loss(logits, targets, weights, average_across_timesteps, average_across_batch,
                sum_over_timesteps, sum_over_batch):
    crossent = ref.sparse_softmax_cross_entropy(targets, logits) * weights  # [batch, time]
    nonzero = (weights != 0).astype(np.float64)

    def divide(total, size):
        return np.divide(total, size, out=np.zeros_like(np.asarray(total, np.float64)), where=size != 0)

    if average_across_timesteps and average_across_batch:
        return divide(crossent.sum(), weights.sum())
    if sum_over_timesteps and sum_over_batch:
        return divide(crossent.sum(), nonzero.sum())
    if average_across_timesteps or average_across_batch:
        axis = 0 if average_across_batch else 1
        return divide(crossent.sum(axis), weights.sum(axis))
    if sum_over_timesteps or sum_over_batch:
        axis = 0 if sum_over_batch else 1
        return divide(crossent.sum(axis), nonzero.sum(axis))
    return crossent


def test_every_valid_combination_equals_numpy(session):
    logits, targets, weights = _inputs()
    losses = [tf.contrib.seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights),
                                               **dict(zip(FLAGS, combo))) for combo in VALID]
    got = session.run(losses)
    shapes = set()
    for combo, value in zip(VALID, got):
        expected = _numpy_loss(logits, targets, weights, *combo)
        np.testing.assert_allclose(value, expected, **TOL, err_msg=str(dict(zip(FLAGS, combo))))
        shapes.add((combo, np.shape(value)))
    assert ((True, False, False, True), (BATCH,)) in shapes  # averaged over time, "summed" over batch: [batch]
    assert ((False, False, False, False), (BATCH, STEPS)) in shapes
    defaults = session.run(tf.contrib.seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets),
                                                            tf.constant(weights)))
    np.testing.assert_allclose(defaults, _numpy_loss(logits, targets, weights, True, True, False, False), **TOL)


def test_the_numpy_comparison_can_fail(session):
    """Broken twin: sum_over_* divided by the summed weights instead of the non-zero count."""
    logits, targets, weights = _inputs()
    loss = session.run(tf.contrib.seq2seq.sequence_loss(
        tf.constant(logits), tf.constant(targets), tf.constant(weights), average_across_timesteps=False,
        average_across_batch=False, sum_over_timesteps=True, sum_over_batch=True))
    np.testing.assert_raises(AssertionError, np.testing.assert_allclose, loss,
                             _numpy_loss(logits, targets, weights, True, True, False, False), **TOL)


def test_a_custom_loss_function_gets_flat_labels_and_logits(session):
    logits, targets, weights = _inputs(1)
    seen = []

    def dense_crossent(labels, logits):
        seen.append((labels.shape.as_list(), logits.shape.rank))
        return tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.one_hot(labels, CLASSES), logits=logits)

    loss = tf.contrib.seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights),
                                            average_across_batch=False, softmax_loss_function=dense_crossent)
    np.testing.assert_allclose(session.run(loss), _numpy_loss(logits, targets, weights, True, False, False, False),
                               **TOL)
    assert seen == [([BATCH * STEPS], 2)]


def test_sequence_loss_class_sums_by_default_and_takes_targets_first(session):
    logits, targets, weights = _inputs(2)
    summed = tf.contrib.seq2seq.SequenceLoss()(tf.constant(targets), tf.constant(logits), tf.constant(weights))
    per_step = tf.contrib.seq2seq.SequenceLoss(average_across_batch=True, sum_over_batch=False)(
        tf.constant(targets), tf.constant(logits), tf.constant(weights))
    got_summed, got_per_step = session.run([summed, per_step])
    np.testing.assert_allclose(got_summed, _numpy_loss(logits, targets, weights, False, False, True, True), **TOL)
    np.testing.assert_allclose(got_per_step, _numpy_loss(logits, targets, weights, False, True, True, False), **TOL)
    np.testing.assert_raises(AssertionError, np.testing.assert_allclose, got_summed,  # twin: sequence_loss's defaults
                             _numpy_loss(logits, targets, weights, True, True, False, False), **TOL)


@pytest.mark.parametrize("bad, message", [
    (dict(logits=np.zeros((BATCH, CLASSES))), "Logits must be a"),
    (dict(targets=np.zeros((BATCH,), np.int32)), "Targets must be a"),
    (dict(weights=np.zeros((BATCH, STEPS, 1))), "Weights must be a"),
    (dict(sum_over_timesteps=True), "average_across_timesteps and sum_over_timesteps cannot"),
    (dict(sum_over_batch=True), "average_across_batch and sum_over_batch cannot"),
])
def test_conflicting_or_ill_shaped_arguments_are_refused(graph, bad, message):
    arguments = {**dict(zip(("logits", "targets", "weights"), _inputs())), **bad}
    tensors = {k: tf.constant(arguments.pop(k)) for k in ("logits", "targets", "weights")}
    with pytest.raises(ValueError, match=message):
        tf.contrib.seq2seq.sequence_loss(**tensors, **arguments)
    good = {k: tf.constant(v) for k, v in zip(("logits", "targets", "weights"), _inputs())}
    tf.contrib.seq2seq.sequence_loss(**good)  # twin: well-formed arguments build
