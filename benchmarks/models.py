"""The two documents' models with the recurrent part swappable, for timing only.

`rnn_outputs` runs the same LSTM five ways: the posts' `dynamic_rnn(BasicLSTMCell)`,
the cookbook's static `rnn_decoder` unroll, `dynamic_rnn(LSTMBlockCell)`, and one
`LSTMBlockFusedCell` kernel for the whole sequence.  Around it, the sine model of
document 002 and the Shakespeare model of document 001 (the cookbook's sizes), so each
variant trains the same maths on the same variables.
"""
import numpy as np

from benchmarks.sizes import ShakespeareSizes, SineSizes
from recipes.cells import lstm_cell
from recipes.tftools import new_session
from tf1_graphs import seeded_graph, tf

RNN_KINDS = ("dynamic_rnn", "rnn_decoder", "block", "fused")


def rnn_outputs(kind, inputs, num_units):
    """Batch-major outputs [batch, time, units] of one LSTM layer run the `kind` way."""
    if kind == "dynamic_rnn":
        return tf.nn.dynamic_rnn(lstm_cell("basic", num_units), inputs, dtype=inputs.dtype)[0]
    if kind == "block":
        return tf.nn.dynamic_rnn(lstm_cell("block", num_units), inputs, dtype=inputs.dtype)[0]
    if kind == "rnn_decoder":
        cell = lstm_cell("basic", num_units)
        steps = tf.unstack(inputs, axis=1)
        outputs, _ = tf.contrib.legacy_seq2seq.rnn_decoder(
            steps, cell.zero_state(int(inputs.shape[0]), inputs.dtype), cell)
        return tf.stack(outputs, axis=1)
    if kind == "fused":
        outputs, _ = tf.contrib.rnn.LSTMBlockFusedCell(num_units)(tf.transpose(inputs, [1, 0, 2]),
                                                                 dtype=inputs.dtype)
        return tf.transpose(outputs, [1, 0, 2])
    raise ValueError(f"unknown kind {kind!r}")


def sine_training_step(kind, seed=0, sizes=SineSizes):
    """A session and its train op: the asker's sine model (tanh readout, sum of squares, Adam)."""
    with seeded_graph(seed) as graph:
        wave = np.sin(np.linspace(0, 10, sizes.n_samples))[None, :, None].astype(np.float32)
        outputs = rnn_outputs(kind, tf.constant(wave), sizes.units)
        pred = tf.contrib.layers.fully_connected(outputs, 1, activation_fn=tf.tanh)
        loss = tf.reduce_sum(tf.square(pred - np.roll(wave, 1))) / (2 * sizes.n_samples)
        train = tf.train.AdamOptimizer().minimize(loss)
        session = new_session(graph)
        session.run(tf.global_variables_initializer())
    return session, train


def shakespeare_training_step(kind, seed=0, sizes=ShakespeareSizes):
    """A session, its train op and a feed: the cookbook's model, with the RNN run the `kind` way."""
    with seeded_graph(seed) as graph:
        x = tf.placeholder(tf.int32, [sizes.batch, sizes.seq_len])
        y = tf.placeholder(tf.int32, [sizes.batch, sizes.seq_len])
        with tf.variable_scope("lstm_vars"):
            w = tf.get_variable("W", [sizes.units, sizes.vocab], tf.float32, tf.random_normal_initializer())
            b = tf.get_variable("b", [sizes.vocab], tf.float32, tf.constant_initializer(0.0))
            embedding = tf.get_variable("embedding_mat", [sizes.vocab, sizes.units], tf.float32,
                                        tf.random_normal_initializer())
        outputs = rnn_outputs(kind, tf.nn.embedding_lookup(embedding, x), sizes.units)
        logits = tf.matmul(tf.reshape(outputs, [-1, sizes.units]), w) + b
        cost = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(y, [-1]), logits=logits))
        variables = tf.trainable_variables()
        gradients, _ = tf.clip_by_global_norm(tf.gradients(cost, variables), sizes.clip)
        train = tf.train.AdamOptimizer(0.001).apply_gradients(zip(gradients, variables))
        session = new_session(graph)
        session.run(tf.global_variables_initializer())
    rng = np.random.default_rng(seed)
    words = rng.integers(0, sizes.vocab, size=(sizes.batch, sizes.seq_len))
    return session, train, {x: words, y: np.roll(words, -1, axis=1)}


def shakespeare_step_flops(sizes=ShakespeareSizes):
    """Floating-point operations of one training step's matrix multiplies (forward and backward).

    Per token: the LSTM's [x, h] @ kernel (2 (in + H) 4H) and the projection h @ W (2 H V);
    the backward pass costs two such products for each forward one.  Element-wise work,
    the embedding gather and Adam are left out: this is the part a matmul ceiling bounds.
    """
    tokens = sizes.batch * sizes.seq_len
    forward = tokens * (2 * (2 * sizes.units) * 4 * sizes.units + 2 * sizes.units * sizes.vocab)
    return 3 * forward
