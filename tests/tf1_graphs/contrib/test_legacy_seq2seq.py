"""rnn_decoder, sequence_loss_by_example and sequence_loss against independent computations."""
import numpy as np
import pytest

from recipes.claims import max_abs_diff
from tf1_graphs import reference as ref
from tf1_graphs import tf

BATCH, STEPS, DEPTH, UNITS, CLASSES = 3, 5, 4, 4, 6


def _step_inputs(seed=0):
    rng = np.random.default_rng(seed)
    return [tf.constant(rng.normal(size=(BATCH, DEPTH)).astype(np.float32)) for _ in range(STEPS)]


def test_rnn_decoder_equals_static_rnn_bit_exact(session):
    inputs = _step_inputs()
    cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
    zero = cell.zero_state(BATCH, tf.float32)
    decoded, decoded_state = tf.contrib.legacy_seq2seq.rnn_decoder(inputs, zero, cell)
    unrolled, unrolled_state = tf.nn.static_rnn(cell, inputs, initial_state=zero)  # the same cell, same weights
    assert [v.op.name for v in tf.trainable_variables()] == ["rnn_decoder/basic_lstm_cell/kernel",
                                                           "rnn_decoder/basic_lstm_cell/bias"]
    session.run(tf.global_variables_initializer())
    a, b = session.run([(decoded, decoded_state), (unrolled, unrolled_state)])
    np.testing.assert_array_equal(np.stack(a[0]), np.stack(b[0]))
    np.testing.assert_array_equal(a[1].c, b[1].c)
    reversed_order, _ = tf.nn.static_rnn(cell, inputs[::-1], initial_state=zero)  # the broken twin
    assert max_abs_diff(np.stack(a[0]), np.stack(session.run(reversed_order))) > 1e-3


def _feedback(output, step):
    """A loop function: the next input is a fixed function of the previous output."""
    return tf.tanh(2.0 * output) + float(step)


def test_rnn_decoder_loop_function_equals_hand_unrolled_feedback(session):
    inputs = _step_inputs()
    cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
    state = cell.zero_state(BATCH, tf.float32)
    calls = []

    def recording_feedback(output, step):
        calls.append((step, tf.get_variable_scope().name))
        return _feedback(output, step)

    decoded, _ = tf.contrib.legacy_seq2seq.rnn_decoder(inputs, state, cell, loop_function=recording_feedback)
    hand, step_input = [], inputs[0]
    for step in range(STEPS):
        output, state = cell(step_input, state)
        hand.append(output)
        step_input = _feedback(output, step + 1)
    session.run(tf.global_variables_initializer())
    np.testing.assert_array_equal(*session.run([tf.stack(decoded), tf.stack(hand)]))
    assert calls == [(i, "rnn_decoder/loop_function") for i in range(1, STEPS)]


def test_rnn_decoder_with_loop_function_ignores_inputs_after_the_first(session):
    cell = tf.contrib.rnn.BasicLSTMCell(UNITS)
    zero = cell.zero_state(BATCH, tf.float32)
    inputs = _step_inputs()
    garbage = inputs[:1] + [x * 1000.0 for x in inputs[1:]]
    loop = tf.contrib.legacy_seq2seq.rnn_decoder
    with_inputs, _ = loop(inputs, zero, cell, loop_function=_feedback)
    with_garbage, _ = loop(garbage, zero, cell, loop_function=_feedback, scope="again")
    without_loop, _ = loop(garbage, zero, cell, scope="plain")
    session.run(tf.global_variables_initializer())
    a, b, c = session.run([tf.stack(with_inputs), tf.stack(with_garbage), tf.stack(without_loop)])
    np.testing.assert_array_equal(a, b)
    assert max_abs_diff(a, c) > 1e-3  # the guard: without the loop function the inputs do matter


def _logits_and_labels(seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(STEPS, BATCH, CLASSES)).astype(np.float32)
    labels = rng.integers(0, CLASSES, size=(STEPS, BATCH)).astype(np.int32)
    weights = rng.uniform(0.0, 2.0, size=(STEPS, BATCH)).astype(np.float32)
    return logits, labels, weights


def _numpy_loss_by_example(logits, labels, weights, average):
    crossent = np.stack([ref.sparse_softmax_cross_entropy(y, x) for x, y in zip(logits, labels)])
    total = (crossent * weights).sum(axis=0)
    return total / (weights.sum(axis=0) + 1e-12) if average else total


@pytest.mark.parametrize("average", [True, False])
def test_sequence_loss_by_example_equals_numpy(session, average):
    logits, labels, weights = _logits_and_labels()
    loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
        list(logits), list(labels), list(weights), average_across_timesteps=average)
    expected = _numpy_loss_by_example(logits, labels, weights, average)
    np.testing.assert_allclose(session.run(loss), expected, rtol=1e-6, atol=0)
    np.testing.assert_raises(AssertionError, np.testing.assert_allclose, session.run(loss),
                             _numpy_loss_by_example(logits, labels, weights, not average), rtol=1e-6)


@pytest.mark.parametrize("average_batch", [True, False])
def test_sequence_loss_sums_and_averages_over_the_batch(session, average_batch):
    logits, labels, weights = _logits_and_labels(1)
    cost = tf.contrib.legacy_seq2seq.sequence_loss(list(logits), list(labels), list(weights),
                                                   average_across_batch=average_batch)
    expected = _numpy_loss_by_example(logits, labels, weights, True).sum() / (BATCH if average_batch else 1)
    np.testing.assert_allclose(session.run(cost), expected, rtol=1e-6)


def test_sequence_loss_by_example_with_a_custom_loss_function(session):
    logits, labels, weights = _logits_and_labels(2)
    one_hot = np.eye(CLASSES, dtype=np.float32)[labels]
    seen = []

    def dense_crossent(labels, logits):
        seen.append(labels.shape.as_list())
        return tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)

    loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
        list(logits), [tf.constant(y) for y in one_hot], list(weights), softmax_loss_function=dense_crossent)
    np.testing.assert_allclose(session.run(loss), _numpy_loss_by_example(logits, labels, weights, True), rtol=1e-6)
    assert seen == [[BATCH, CLASSES]] * STEPS  # the labels reach the function as given, not reshaped


def test_sequence_loss_by_example_rejects_lists_of_different_lengths(graph):
    logits, labels, weights = _logits_and_labels()
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the same"):
        tf.contrib.legacy_seq2seq.sequence_loss_by_example(list(logits), list(labels)[:-1], list(weights))
