"""Small models whose checkpoints cross between TF 1.15.5 and tf1_graphs, built by the same code on both sides.

Every builder takes `tf` (TF 1.15's own, or tf1_graphs') and returns a `Model`: its fixed
inputs, the outputs to compare and, for the documents' models, the training step whose
optimizer slots the checkpoint carries.  The cells run in `dynamic_rnn`; the documents'
models are the graphs of recipes/d000..d003's post.py, at tiny sizes, with the same
variable names (those modules import tf1_graphs, so they cannot run under TF 1.15).
`record_checkpoints.py` (TF 1.15.5) and `write_tf1_graphs_checkpoints.py` (tf1_graphs) save
them; tests/tf1_graphs/test_checkpoints_tf115.py restores them here.
"""
from dataclasses import dataclass

import numpy as np


@dataclass
class Model:
    feeds: dict  # placeholder -> the fixed value fed to it
    outputs: dict  # name -> tensor to compare
    train_op: object = None  # one training step, for the models that carry an optimizer
    train_feeds: dict = None  # what the training step is fed, when it differs from `feeds`


def wave(shape, phase=0.0, dtype=np.float32):
    """Fixed, smooth inputs: no random generator, so both sides feed the very same numbers."""
    return (0.8 * np.sin(np.arange(np.prod(shape)) * 0.7 + phase)).reshape(shape).astype(dtype)


def _cell_model(tf, make_cell, depth=4):
    inputs = tf.placeholder(tf.float32, [2, 3, depth], name="inputs")
    outputs, state = tf.nn.dynamic_rnn(make_cell(), inputs, dtype=tf.float32)
    named = {"outputs": outputs}
    named.update({f"state_{i}": part for i, part in enumerate(tf.nest.flatten(state))})
    return Model({inputs: wave([2, 3, depth])}, named)


def basic_rnn(tf):
    return _cell_model(tf, lambda: tf.nn.rnn_cell.BasicRNNCell(3))


def basic_lstm(tf):
    return _cell_model(tf, lambda: tf.nn.rnn_cell.BasicLSTMCell(3))


def lstm_peepholes_projection(tf):
    return _cell_model(tf, lambda: tf.nn.rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=2))


def gru(tf):
    return _cell_model(tf, lambda: tf.nn.rnn_cell.GRUCell(3))


def multi_lstm(tf):
    """Two layers of the input's depth: cell_0's and cell_1's variables have the same shapes."""
    return _cell_model(tf, lambda: tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4) for _ in range(2)]))


def lstm_block(tf):
    return _cell_model(tf, lambda: tf.contrib.rnn.LSTMBlockCell(3))


def gru_block_v2(tf):
    return _cell_model(tf, lambda: tf.contrib.rnn.GRUBlockCellV2(3))


def d000_answer0(tf):
    """Document 000, answer 0: trainable start state in scope `state`, the model in `nn`, two Adams split by var_list."""
    batch, units, times, dims, classes = 2, 3, 4, 6, 5
    lstm_input = tf.placeholder(tf.float32, [batch, times, dims], name="lstm_input")
    targets = tf.placeholder(tf.float32, [batch, times, classes], name="targets")
    keep_prob = tf.placeholder_with_default(0.7, [], name="keep_prob")
    cell = tf.nn.rnn_cell.BasicLSTMCell(units)
    with tf.variable_scope("state"):
        state = tf.nn.rnn_cell.LSTMStateTuple(
            tf.Variable(tf.random_uniform([batch, units], 0, 1), trainable=True),
            tf.Variable(tf.random_uniform([batch, units], 0, 1), trainable=True))
    with tf.variable_scope("nn"):
        layer = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=keep_prob)
        val, new_state = tf.nn.dynamic_rnn(layer, lstm_input, initial_state=state, dtype=tf.float32,
                                           parallel_iterations=1)
        logits = tf.layers.dense(val, units=classes, activation=tf.nn.relu)
        losses = tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=targets)
    tf.Variable(tf.zeros([batch, units]), trainable=False)  # init_state's c and h, kept between sequences
    tf.Variable(tf.zeros([batch, units]), trainable=False)
    total_loss = tf.reduce_mean(losses)
    nn_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "nn")
    state_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "state")
    tf.train.AdamOptimizer().minimize(total_loss, var_list=nn_vars)  # train_nn_step
    train_nn_state_step = tf.train.AdamOptimizer().minimize(total_loss, var_list=[nn_vars, state_vars])
    symbols = np.arange(batch * times).reshape(batch, times) % classes
    feeds = {lstm_input: wave([batch, times, dims]), targets: np.eye(classes, dtype=np.float32)[symbols],
             keep_prob: 1.0}  # dropout off: the same numbers on both sides
    return Model(feeds, {"val": val, "new_state_c": new_state.c, "total_loss": total_loss}, train_nn_state_step)


def d001_lstm_model(tf):
    """Document 001, the cookbook's LSTM_Model at vocabulary 7: the training model, then inference under reuse."""
    vocab, rnn_size, batch, seq_len = 7, 4, 2, 3

    def lstm_model(batch_size, steps, infer_sample):
        cell = tf.nn.rnn_cell.BasicLSTMCell(rnn_size)
        initial_state = cell.zero_state(batch_size, tf.float32)
        x_data = tf.placeholder(tf.int32, [batch_size, steps])
        y_output = tf.placeholder(tf.int32, [batch_size, steps])
        with tf.variable_scope("lstm_vars"):
            W = tf.get_variable("W", [rnn_size, vocab], tf.float32, tf.random_normal_initializer())
            b = tf.get_variable("b", [vocab], tf.float32, tf.constant_initializer(0.0))
            embedding_mat = tf.get_variable("embedding_mat", [vocab, rnn_size], tf.float32,
                                            tf.random_normal_initializer())
            embedded = tf.nn.embedding_lookup(embedding_mat, x_data)
            step_inputs = [tf.squeeze(x, [1]) for x in tf.split(embedded, steps, axis=1)]

        def feed_back_argmax(prev, _):
            return tf.nn.embedding_lookup(embedding_mat, tf.stop_gradient(tf.argmax(tf.matmul(prev, W) + b, 1)))

        outputs, _ = tf.contrib.legacy_seq2seq.rnn_decoder(
            step_inputs, initial_state, cell, loop_function=feed_back_argmax if infer_sample else None)
        logits = tf.matmul(tf.reshape(tf.concat(outputs, axis=1), [-1, rnn_size]), W) + b
        per_token = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
            [logits], [tf.reshape(y_output, [-1])], [tf.ones([batch_size * steps])], vocab)
        cost = tf.reduce_sum(per_token) / (batch_size * steps)
        params = tf.trainable_variables()
        gradients, _ = tf.clip_by_global_norm(tf.gradients(cost, params), 4.5)
        train_op = tf.train.AdamOptimizer(0.001).apply_gradients(zip(gradients, params))
        return x_data, y_output, tf.nn.softmax(logits), cost, train_op

    x, y, _, cost, train_op = lstm_model(batch, seq_len, infer_sample=False)
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        x_infer, _, infer_output, _, _ = lstm_model(1, 1, infer_sample=True)
    words = np.arange(batch * seq_len).reshape(batch, seq_len) % vocab
    feeds = {x: words, y: np.roll(words, -1, axis=1), x_infer: [[3]]}
    return Model(feeds, {"cost": cost, "infer_output": infer_output}, train_op, {x: words, y: np.roll(words, -1, axis=1)})


def d002_asker(tf):
    """Document 002, the asker's float64 sine LSTM in scope `sine`: dynamic_rnn, a tanh readout, Adam."""
    n = 10
    zeros, target = np.zeros([1, n, 1]), np.roll(wave([1, n, 1], dtype=np.float64), 1)
    with tf.variable_scope("sine"):
        cell = tf.nn.rnn_cell.BasicLSTMCell(5, forget_bias=1.0)
        inputs = tf.placeholder_with_default(zeros, [None, n, 1])
        outputs, _ = tf.nn.dynamic_rnn(inputs=inputs, cell=cell, dtype=tf.float64)
        prediction = tf.contrib.layers.fully_connected(outputs, 1, activation_fn=tf.tanh)
        loss = tf.reduce_sum(tf.pow(prediction - target, 2)) / (2 * n)
    train_op = tf.train.AdamOptimizer().minimize(loss)
    return Model({inputs: wave([1, n, 1], dtype=np.float64)}, {"prediction": prediction, "loss": loss}, train_op)


def d003_classifier(tf):
    """Document 003's answer: one LSTM cell per layer in MultiRNNCell, fully_connected on the last output, Adam."""
    inputs = tf.placeholder(tf.float32, [None, 4, 3], name="inputs")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    stack = tf.contrib.rnn.MultiRNNCell([tf.contrib.rnn.BasicLSTMCell(3) for _ in range(2)])
    outputs, _ = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
    logits = tf.contrib.layers.fully_connected(outputs[:, -1], 2, activation_fn=None)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
    return Model({inputs: wave([3, 4, 3]), labels: [0, 1, 1]}, {"logits": logits, "loss": loss}, train_op)


MODELS = {builder.__name__: builder for builder in (
    basic_rnn, basic_lstm, lstm_peepholes_projection, gru, multi_lstm, lstm_block, gru_block_v2,
    d000_answer0, d001_lstm_model, d002_asker, d003_classifier)}


def evaluate(session, model):
    """{output name: value as a nested list}, then, for a model with an optimizer, the outputs after one step."""
    values = {name: value.tolist() for name, value in session.run(model.outputs, model.feeds).items()}
    if model.train_op is not None:
        session.run(model.train_op, model.train_feeds or model.feeds)
        values.update({f"after_step/{name}": value.tolist()
                       for name, value in session.run(model.outputs, model.feeds).items()})
    return values


def build(tf, name, seed):
    """A fresh graph seeded with `seed`, holding MODELS[name]: (graph, model, saver of every global variable)."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        model = MODELS[name](tf)
        saver = tf.train.Saver(tf.global_variables())
    return graph, model, saver


def save(tf, name, seed, path):
    """Initialise MODELS[name] with `seed`, take one training step (so optimizer slots hold values), save to `path`."""
    graph, model, saver = build(tf, name, seed)
    with tf.Session(graph=graph) as session:
        session.run(tf.variables_initializer(graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)))
        if model.train_op is not None:
            session.run(model.train_op, model.train_feeds or model.feeds)
        saver.save(session, path, write_meta_graph=False)
