"""contrib.layers.fully_connected: TF 1.15's variable names, scopes, defaults and maths."""
import numpy as np
import pytest

from tf1_graphs import tf


def test_variables_and_scope_uniquifying(graph):
    x = tf.zeros([2, 3])
    tf.contrib.layers.fully_connected(x, 4)
    tf.contrib.layers.fully_connected(x, 5)
    tf.contrib.layers.fully_connected(x, 6, scope="head")
    shapes = {v.op.name: v.shape.as_list() for v in tf.trainable_variables()}
    assert shapes == {"fully_connected/weights": [3, 4], "fully_connected/biases": [4],
                      "fully_connected_1/weights": [3, 5], "fully_connected_1/biases": [5],
                      "head/weights": [3, 6], "head/biases": [6]}


def test_relu_by_default_and_any_activation_when_told(session):
    x = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    relu = tf.contrib.layers.fully_connected(x, 8)
    linear = tf.contrib.layers.fully_connected(x, 8, activation_fn=None)
    session.run(tf.global_variables_initializer())
    (w, b), (w1, b1) = session.run([tf.trainable_variables()[:2], tf.trainable_variables()[2:]])
    relu_out, linear_out = session.run([relu, linear])
    np.testing.assert_allclose(relu_out, np.maximum(x @ w + b, 0), atol=1e-6)
    np.testing.assert_allclose(linear_out, x @ w1 + b1, atol=1e-6)
    assert (relu_out >= 0).all() and (linear_out < 0).any()


def test_weights_are_xavier_uniform_and_biases_zero(session):
    fan_in, fan_out = 200, 300
    tf.contrib.layers.fully_connected(tf.zeros([1, fan_in]), fan_out)
    session.run(tf.global_variables_initializer())
    w, b = session.run(tf.trainable_variables())
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    assert abs(w.std() - limit / np.sqrt(3)) < 0.01 * limit  # the variance of U[-limit, limit]
    assert not b.any()


def test_rank_3_float64_inputs_multiply_on_the_last_axis(session):
    """The sine post: [1, 100, 5] float64 LSTM outputs -> [1, 100, 1] with tanh."""
    x = np.random.default_rng(1).normal(size=(1, 100, 5))
    y = tf.contrib.layers.fully_connected(tf.constant(x), 1, activation_fn=tf.tanh)
    session.run(tf.global_variables_initializer())
    w, b = session.run(tf.trainable_variables())
    assert w.dtype == np.float64 and y.shape.as_list() == [1, 100, 1]
    np.testing.assert_allclose(session.run(y), np.tanh(x @ w + b), rtol=0, atol=1e-12)


def test_reuse_under_a_reusing_scope(graph):
    x = tf.zeros([2, 3])
    with tf.variable_scope("model"):
        tf.contrib.layers.fully_connected(x, 4, scope="fc")
    with tf.variable_scope("model", reuse=True):
        tf.contrib.layers.fully_connected(x, 4, scope="fc")
        with pytest.raises(ValueError, match="does not exist"):
            tf.contrib.layers.fully_connected(x, 4, scope="other")
    assert len(tf.trainable_variables()) == 2
