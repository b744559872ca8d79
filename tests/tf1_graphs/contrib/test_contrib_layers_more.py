"""contrib.layers beyond fully_connected's basics: collections, regularizer names, initializers,
regularizers, layer_norm, batch_norm, dropout, flatten, embed_sequence, optimize_loss.

References are NumPy formulas or TF 1.15's documented names; float32 maths, so 1e-5 unless
said otherwise. Every comparison has a broken twin (a wrong reference) that must not pass.
"""
import numpy as np
import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided

layers = tf.contrib.layers
RNG = np.random.default_rng(0)


def close(actual, expected, atol=1e-5):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=atol)


def not_close(actual, wrong, atol=1e-5):
    with pytest.raises(AssertionError):
        close(actual, wrong, atol)


# ---- fully_connected: collections and regularizers -------------------------------------------
def test_fully_connected_model_variables_and_collections(graph):
    x = tf.zeros([2, 3])
    y = layers.fully_connected(x, 4, variables_collections={"weights": ["w_only"]}, outputs_collections=["outs"])
    layers.fully_connected(x, 4, variables_collections=["both"], scope="head")
    assert [v.op.name for v in tf.model_variables()] == [
        "fully_connected/weights", "fully_connected/biases", "head/weights", "head/biases"]
    assert [v.op.name for v in tf.get_collection("w_only")] == ["fully_connected/weights"]
    assert [v.op.name for v in tf.get_collection("both")] == ["head/weights", "head/biases"]
    assert tf.get_collection("outs") == [y] and y.aliases == ["fully_connected"]


def test_fully_connected_regularizer_losses_named_as_tf115_and_added_once(session):
    x = RNG.normal(size=(2, 3)).astype(np.float32)
    with tf.variable_scope("m"):
        layers.fully_connected(x, 4, weights_regularizer=layers.l2_regularizer(0.5),
                               biases_regularizer=layers.l1_regularizer(0.25), scope="fc")
    with tf.variable_scope("m", reuse=True):
        layers.fully_connected(x, 4, weights_regularizer=layers.l2_regularizer(0.5), scope="fc")
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    names = [t.op.name for t in losses]
    assert names == ["m/fc/kernel/Regularizer/l2_regularizer", "m/fc/bias/Regularizer/l1_regularizer"]
    assert "m/fc/weights/Regularizer/l2_regularizer" not in names  # the get_variable naming, not TF 1.15's
    session.run(tf.global_variables_initializer())
    session.run(tf.assign(tf.model_variables()[1], [1.0, -2.0, 0.0, 3.0]))
    w, (l2, l1) = session.run(tf.model_variables()[0]), session.run(losses)
    close(l2, 0.5 * (w ** 2).sum() / 2)
    close(l1, 0.25 * 6.0)
    not_close(l2, 0.5 * (w ** 2).sum())  # without tf.nn.l2_loss's 1/2


def test_fully_connected_refuses_a_float_num_outputs(graph):
    with pytest.raises(ValueError, match="num_outputs type should be one of"):
        layers.fully_connected(tf.zeros([1, 2]), 3.0)


def test_linear_is_fully_connected_without_activation(session):
    x = RNG.normal(size=(20, 3)).astype(np.float32)
    y = layers.linear(x, 2)
    session.run(tf.global_variables_initializer())
    w, b = session.run(tf.trainable_variables())
    close(session.run(y), x @ w + b)
    not_close(session.run(y), np.maximum(x @ w + b, 0))


# ---- initializers ----------------------------------------------------------------------------
def _draw(initializer, shape):
    with tf.Session() as s:
        return s.run(initializer(shape))


@pytest.mark.parametrize("mode,n", [("FAN_IN", 36.0), ("FAN_OUT", 72.0), ("FAN_AVG", 54.0)])
def test_variance_scaling_uniform_limit_on_a_conv_kernel(graph, mode, n):
    """A [3, 3, 4, 8] kernel: fan_in 3*3*4, fan_out 3*3*8; U[-sqrt(3 factor / n), +]."""
    w = _draw(layers.variance_scaling_initializer(factor=2.0, mode=mode, uniform=True), [3, 3, 4, 8])
    limit = np.sqrt(3 * 2.0 / n)
    assert 0.97 * limit < np.abs(w).max() <= limit
    wrong = np.sqrt(3 * 2.0 / 36.0) if mode != "FAN_IN" else np.sqrt(3 * 2.0 / 72.0)
    assert not 0.97 * wrong < np.abs(w).max() <= wrong


def test_variance_scaling_truncated_normal_has_contribs_stddev(graph):
    """Normal truncated at 2 sigma, sigma = sqrt(1.3 factor / fan_in); such a draw has std 0.8796 sigma."""
    w = _draw(layers.variance_scaling_initializer(), [400, 300])
    sigma = np.sqrt(1.3 * 2.0 / 400)
    assert np.abs(w).max() <= 2 * sigma and np.abs(w).max() > 0.99 * 2 * sigma
    assert abs(w.std() - 0.87962566 * sigma) < 0.01 * sigma  # 120k draws: sampling error ~0.2%
    assert abs(w.std() - 0.87962566 * np.sqrt(2.0 / 400)) > 0.05 * sigma  # without the 1.3


def test_xavier_draws_the_same_numbers_as_glorot_uniform(graph):
    """fully_connected's default changed implementation; its draws must not (recipes' numbers)."""
    ours = _draw(layers.xavier_initializer(seed=3), [50, 20])
    glorot = _draw(tf.glorot_uniform_initializer(seed=3), [50, 20])
    np.testing.assert_array_equal(ours, glorot)
    assert not np.array_equal(_draw(layers.xavier_initializer(seed=4), [50, 20]), glorot)
    assert layers.xavier_initializer_conv2d is layers.xavier_initializer


def test_initializer_argument_errors():
    with pytest.raises(TypeError, match="non-floating point type"):
        layers.variance_scaling_initializer(dtype=tf.int32)
    with pytest.raises(TypeError, match=r"Unknown mode FAN_X \[FAN_IN, FAN_OUT, FAN_AVG\]"):
        layers.variance_scaling_initializer(mode="FAN_X")


# ---- regularizers ----------------------------------------------------------------------------
def test_regularizer_values(session):
    w = RNG.normal(size=(3, 4)).astype(np.float32)
    l1, l2 = np.abs(w).sum(), (w ** 2).sum() / 2
    got = session.run([layers.l1_regularizer(0.3)(tf.constant(w)), layers.l2_regularizer(0.3)(tf.constant(w)),
                       layers.l1_l2_regularizer(0.3, 0.7)(tf.constant(w)),
                       layers.sum_regularizer([layers.l1_regularizer(0.1), None])(tf.constant(w))])
    close(got, [0.3 * l1, 0.3 * l2, 0.3 * l1 + 0.7 * l2, 0.1 * l1])
    not_close(got, [0.3 * l1, 0.3 * l2, 0.3 * l1 + 0.7 * 2 * l2, 0.1 * l1])


def test_regularizer_scale_errors_and_zero_scale():
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="Setting a scale less than 0 on a regularizer: -0.1"):
        layers.l1_regularizer(-0.1)
    with pytest.raises(ValueError, match="scale_l2 cannot be an integer"):
        layers.l1_l2_regularizer(0.1, 2)
    assert layers.l1_regularizer(0.0)("anything") is None
    assert layers.sum_regularizer([None]) is None


def test_apply_regularization_over_the_weights_collection(session):
    a, b = tf.constant([1.0, -2.0]), tf.constant([3.0])
    tf.add_to_collection(tf.GraphKeys.WEIGHTS, a)
    tf.add_to_collection(tf.GraphKeys.WEIGHTS, b)
    total = layers.apply_regularization(layers.l1_regularizer(0.5))
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [total]
    assert session.run(total) == 0.5 * 6.0 and session.run(total) != 0.5 * 3.0


def test_apply_regularization_without_weights_is_refused(graph):
    with pytest.raises(ValueError, match="No weights to regularize."):
        layers.apply_regularization(layers.l1_regularizer(0.5))


# ---- layer_norm ------------------------------------------------------------------------------
def test_layer_norm_matches_numpy_with_its_variables(session):
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    y = layers.layer_norm(x, begin_norm_axis=-1)
    assert [(v.op.name, v.shape.as_list()) for v in tf.model_variables()] == [
        ("LayerNorm/beta", [4]), ("LayerNorm/gamma", [4])]
    session.run(tf.global_variables_initializer())
    beta, gamma = np.array([0.1, 0.2, 0.3, 0.4], np.float32), np.array([1.0, 2.0, -1.0, 0.5], np.float32)
    session.run([tf.assign(tf.model_variables()[0], beta), tf.assign(tf.model_variables()[1], gamma)])
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    close(session.run(y), (x - mean) / np.sqrt(var + 1e-12) * gamma + beta)
    whole = (x - x.mean((1, 2), keepdims=True)) / np.sqrt(x.var((1, 2), keepdims=True)) * gamma + beta
    not_close(session.run(y), whole)  # the default begin_norm_axis=1 would normalize this way


def test_layer_norm_axis_error(graph):
    with pytest.raises(ValueError, match=r"must be < rank\(inputs\) \(2\)"):
        layers.layer_norm(tf.zeros([2, 3]), begin_norm_axis=2)


# ---- batch_norm ------------------------------------------------------------------------------
def _batch_norm_step(session, x, **kwargs):
    """Build batch_norm(decay=0.5), run the output and the update ops once; return both and the
    moving statistics after."""
    y = layers.batch_norm(tf.constant(x), decay=0.5, **kwargs)
    session.run(tf.global_variables_initializer())
    out, _ = session.run([y, tf.get_collection(tf.GraphKeys.UPDATE_OPS)])
    moving = {v.op.name.split("/")[-1]: v for v in tf.model_variables()}
    return out, session.run(moving["moving_mean"]), session.run(moving["moving_variance"])


def _normalized(x, axes, eps=0.001):
    return (x - x.mean(axes)) / np.sqrt(x.var(axes) + eps)


def test_batch_norm_rank_2_fused_path_updates_with_the_unbiased_variance(session):
    """TF 1.15 sent rank-2 inputs through its fused kernel, whose batch variance is n/(n-1) times the biased one."""
    x = RNG.normal(size=(6, 3)).astype(np.float32)
    out, mm, mv = _batch_norm_step(session, x)
    close(out, _normalized(x, 0), atol=1e-4)  # fused kernel's own reduction order
    close(mm, 0.5 * x.mean(0))
    close(mv, 0.5 + 0.5 * x.var(0, ddof=1))
    not_close(mv, 0.5 + 0.5 * x.var(0))


def test_batch_norm_rank_3_core_path_updates_with_the_batch_variance(session):
    x = RNG.normal(size=(4, 2, 3)).astype(np.float32)
    out, mm, mv = _batch_norm_step(session, x)
    close(out, _normalized(x, (0, 1)), atol=1e-4)
    close(mv, 0.5 + 0.5 * x.var((0, 1)))
    not_close(mv, 0.5 + 0.5 * x.var((0, 1), ddof=1))


def test_batch_norm_rank_4_core_layer_runs_fused_and_updates_with_the_unbiased_variance(session):
    x = RNG.normal(size=(3, 2, 2, 2)).astype(np.float32)
    out, _, mv = _batch_norm_step(session, x)
    close(out, _normalized(x, (0, 1, 2)), atol=1e-4)
    close(mv, 0.5 + 0.5 * x.var((0, 1, 2), ddof=1))
    not_close(mv, 0.5 + 0.5 * x.var((0, 1, 2)))


def test_batch_norm_forced_updates_use_the_moments_path(session):
    x = RNG.normal(size=(4, 2, 3)).astype(np.float32)
    out, mm, mv = _batch_norm_step(session, x, updates_collections=None, scale=True)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []  # the update ran with the output
    close(out, _normalized(x, (0, 1)), atol=1e-4)
    close(mm, 0.5 * x.mean((0, 1)))
    not_close(mm, x.mean((0, 1)))


def test_batch_norm_batch_weights_give_weighted_moments(session):
    """Weights [1, 1, 0, 0]: the moments of the first two rows only."""
    x = RNG.normal(size=(4, 3)).astype(np.float32)
    out, mm, _ = _batch_norm_step(session, x, batch_weights=[1.0, 1.0, 0.0, 0.0])
    close(out, (x - x[:2].mean(0)) / np.sqrt(x[:2].var(0) + 0.001), atol=1e-4)
    close(mm, 0.5 * x[:2].mean(0))
    not_close(mm, 0.5 * x.mean(0))


def test_batch_norm_inference_uses_the_moving_statistics(session):
    x = RNG.normal(size=(5, 3)).astype(np.float32)
    y = layers.batch_norm(x, is_training=False, center=False)
    session.run(tf.global_variables_initializer())
    mm, mv = tf.model_variables()
    session.run([tf.assign(mm, [1.0, 2.0, 3.0]), tf.assign(mv, [4.0, 0.25, 1.0])])
    expected = (x - [1.0, 2.0, 3.0]) / np.sqrt(np.array([4.0, 0.25, 1.0]) + 0.001)
    close(session.run(y), expected, atol=1e-4)
    not_close(session.run(y), _normalized(x, 0), atol=1e-4)


def test_batch_norm_variable_names_as_tf115(graph):
    layers.batch_norm(tf.zeros([2, 3]))
    layers.batch_norm(tf.zeros([2, 2, 2, 3]), scale=True, variables_collections={"gamma": ["g"]})
    assert [v.op.name for v in tf.model_variables()] == [
        "BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance",
        "BatchNorm_1/gamma", "BatchNorm_1/beta", "BatchNorm_1/moving_mean", "BatchNorm_1/moving_variance"]
    assert [v.op.name for v in tf.trainable_variables()] == ["BatchNorm/beta", "BatchNorm_1/gamma", "BatchNorm_1/beta"]
    assert [v.op.name for v in tf.get_collection("g")] == ["BatchNorm_1/gamma"]


def test_batch_norm_data_format_error(graph):
    with pytest.raises(ValueError, match="data_format has to be either NCHW or NHWC."):
        layers.batch_norm(tf.zeros([2, 3]), data_format="NWC")


# ---- dropout, flatten, embed_sequence --------------------------------------------------------
def test_dropout_keeps_or_scales_while_training_and_passes_through_otherwise(session):
    x = np.ones((50, 40), np.float32)
    training = tf.placeholder_with_default(True, [])
    y = layers.dropout(x, keep_prob=0.5, is_training=training)
    train_out, test_out = session.run(y), session.run(y, {training: False})
    assert set(np.unique(train_out)) == {0.0, 2.0} and 0.4 < (train_out == 0).mean() < 0.6
    np.testing.assert_array_equal(test_out, x)
    assert not np.array_equal(train_out, x)


def test_flatten(session):
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    y = layers.flatten(x)
    assert y.shape.as_list() == [2, 12]
    np.testing.assert_array_equal(session.run(y), x.reshape(2, 12))
    assert not np.array_equal(session.run(y), x.transpose(0, 2, 1).reshape(2, 12))


def test_embed_sequence_rows_and_variable(session):
    ids = np.array([[1, 4, 1], [0, 2, 4]])
    y = layers.embed_sequence(ids, vocab_size=5, embed_dim=3)
    y_unique = layers.embed_sequence(ids, vocab_size=5, embed_dim=3, unique=True, scope="EmbedSequence", reuse=True)
    assert [(v.op.name, v.shape.as_list()) for v in tf.model_variables()] == [("EmbedSequence/embeddings", [5, 3])]
    session.run(tf.global_variables_initializer())
    table = session.run(tf.model_variables()[0])
    np.testing.assert_array_equal(session.run(y), table[ids])
    np.testing.assert_array_equal(session.run(y_unique), table[ids])
    assert not np.array_equal(session.run(y), table[ids[:, ::-1]])  # the ids read backwards


def test_embed_sequence_needs_its_sizes(graph):
    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension when not reusing"):
        layers.embed_sequence([[1]], vocab_size=5)


# ---- optimize_loss ---------------------------------------------------------------------------
def test_optimize_loss_one_clipped_sgd_step(session):
    """loss = sum(w * c): gradient c, clipped to norm 1, step 0.1; the global step moves to 1."""
    c = np.array([3.0, 4.0], np.float32)
    w = tf.get_variable("w", initializer=tf.constant([1.0, 1.0]))
    step = tf.train.get_or_create_global_step()
    train = layers.optimize_loss(tf.reduce_sum(w * c), step, 0.1, "SGD", clip_gradients=1.0)
    session.run(tf.global_variables_initializer())
    session.run(train)
    close(session.run(w), 1.0 - 0.1 * c / 5.0)
    not_close(session.run(w), 1.0 - 0.1 * c)
    assert session.run(step) == 1
    assert "OptimizeLoss/learning_rate" in [v.op.name for v in tf.global_variables()]


def test_optimize_loss_argument_errors(graph):
    loss = tf.reduce_sum(tf.get_variable("w", [2]))
    step = tf.train.get_or_create_global_step()
    with pytest.raises(ValueError, match=r"Optimizer name should be one of \[Adagrad, Adam, Ftrl, Momentum, RMSProp, SGD\]"):
        layers.optimize_loss(loss, step, 0.1, "Adadelta")
    with pytest.raises(ValueError, match="Invalid learning_rate -0.1"):
        layers.optimize_loss(loss, step, -0.1, "SGD")
    with pytest.raises(ValueError, match="Summaries should be one of"):
        layers.optimize_loss(loss, step, 0.1, "SGD", summaries=["weights"])


def test_layers_it_leaves_out_are_refused_by_name():
    with pytest.raises(ContribNotProvided, match=r"tf\.contrib\.layers\.conv2d is not provided by tf1_graphs"):
        layers.conv2d
