"""The acceptance bar: programs written the TF 1.x way run after `from tf1_graphs import tf`.

Each test is a short program in the style of one document (the same API calls, written
for this suite), shrunk to run in seconds; the recipes rebuild the documents in full.
"""
import numpy as np

from tf1_graphs import tf


def test_002_sine_wave_model_trains(graph):
    n_samples = 100
    cell = tf.nn.rnn_cell.BasicLSTMCell(5, forget_bias=1.)
    wave = np.sin(np.linspace(0, 10, n_samples))[None, :, None]
    x = tf.placeholder_with_default(wave, [None, n_samples, 1])
    output, _ = tf.nn.dynamic_rnn(inputs=x, cell=cell, dtype=tf.float64)
    pred = tf.contrib.layers.fully_connected(output, 1, activation_fn=tf.tanh)
    loss = tf.reduce_sum(tf.pow(pred - np.roll(wave, 1), 2)) / (2 * n_samples)
    opt = tf.train.AdamOptimizer().minimize(loss)
    sess = tf.InteractiveSession()
    tf.global_variables_initializer().run()
    losses = [sess.run([loss, opt])[0] for _ in range(60)]
    sess.close()
    assert losses[-1] < 0.7 * losses[0]


def test_003_one_cell_per_layer_builds_three_distinct_layers(graph):
    cells = []
    for _ in range(3):
        cells.append(tf.contrib.rnn.BasicLSTMCell(2))
    stacked = tf.contrib.rnn.MultiRNNCell(cells)
    tf.nn.dynamic_rnn(stacked, tf.zeros([1, 4, 6]), dtype=tf.float32)
    kernels = {v.name: v.get_shape().as_list() for v in tf.trainable_variables() if "kernel" in v.name}
    assert kernels == {f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/kernel:0": [(6 if k == 0 else 2) + 2, 8]
                       for k in range(3)}


def test_000_asker_graph_and_answer_0_split_optimizers_train(graph):
    batch, units, steps, depth = 10, 20, 5, 6
    lstm_input = tf.random_normal([batch, steps, depth], 0., 1.0)
    targets = tf.one_hot(tf.random_uniform([batch, steps], 0, 5, dtype=tf.int32), 5)
    cell = tf.contrib.rnn.BasicLSTMCell(units, state_is_tuple=True)
    with tf.variable_scope("state"):
        state_c = tf.Variable(tf.random_uniform([batch, units], 0, 1), trainable=True)
        state_h = tf.Variable(tf.random_uniform([batch, units], 0, 1), trainable=True)
        state = tf.contrib.rnn.LSTMStateTuple(state_c, state_h)
    with tf.variable_scope("nn"):
        layer = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.7)
        val, new_state = tf.nn.dynamic_rnn(layer, lstm_input, initial_state=state, dtype=tf.float32)
        logits = tf.layers.dense(val, units=5, activation=tf.nn.relu)
        losses = tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=targets)
    propagate = tf.group([tf.assign(state[0], new_state[0]), tf.assign(state[1], new_state[1])])
    nn_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "nn")
    state_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "state")
    total_loss = tf.reduce_mean(losses)
    train_nn = tf.train.AdamOptimizer().minimize(total_loss, var_list=nn_vars)
    train_both = tf.train.AdamOptimizer().minimize(total_loss, var_list=nn_vars + state_vars)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(state_vars)
        sess.run(train_nn)
        np.testing.assert_array_equal(sess.run(state_vars), before)
        sess.run(train_both)
        assert not np.array_equal(sess.run(state_vars)[0], before[0])
        sess.run(propagate)


def test_001_train_and_inference_models_share_variables(graph):
    vocab, size = 30, 8

    def model(batch, length, infer):
        x = tf.placeholder(tf.int32, [batch, length])
        cell = tf.contrib.rnn.BasicLSTMCell(size)
        with tf.variable_scope("lstm_vars"):
            w = tf.get_variable("W", [size, vocab], tf.float32, tf.random_normal_initializer())
            b = tf.get_variable("b", [vocab], tf.float32, tf.constant_initializer(0.0))
            embedding = tf.get_variable("embedding_mat", [vocab, size], tf.float32, tf.random_normal_initializer())
            inputs = [tf.squeeze(t, [1]) for t in tf.split(tf.nn.embedding_lookup(embedding, x), length, axis=1)]

        def loop(prev, _):
            return tf.nn.embedding_lookup(embedding, tf.stop_gradient(tf.argmax(tf.matmul(prev, w) + b, 1)))

        outputs, _ = tf.contrib.legacy_seq2seq.rnn_decoder(
            inputs, cell.zero_state(batch, tf.float32), cell, loop_function=loop if infer else None)
        logits = tf.matmul(tf.reshape(tf.concat(outputs, 1), [-1, size]), w) + b
        loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
            [logits], [tf.reshape(x, [-1])], [tf.ones([batch * length])], vocab)
        cost = tf.reduce_sum(loss) / (batch * length)
        grads, _ = tf.clip_by_global_norm(tf.gradients(cost, tf.trainable_variables()), 4.5)
        tf.train.AdamOptimizer(0.001).apply_gradients(zip(grads, tf.trainable_variables()))

    model(4, 5, infer=False)
    assert len(tf.global_variables()) == 17
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        model(1, 1, infer=True)
    assert len(tf.trainable_variables()) == 5 and len(tf.global_variables()) == 19
