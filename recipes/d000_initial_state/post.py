"""Document 000: a trainable initial state for an LSTM that reads a long sequence in chunks.

The asker feeds a sequence too long for memory five steps at a time, keeping the LSTM
state in variables between chunks, and wants the state at the start of each sequence to
be learned.  This module rebuilds the question's graph and the three answers' graphs with
the post's shapes (batch 10, 20 units, 5 steps per chunk, 6 input dims, 5 classes,
DropoutWrapper 0.7, Adam) and the loops that train them on a generated task where the
start state matters.  The measurements and checks are in claims.py, the run in recipe.py.

The task (`make_task`): each of the batch's 10 rows is a stream of random symbols and the
target at step t is the symbol seen `delay` steps earlier.  For the first `delay` steps of
a sequence that symbol lies before the sequence began: it is the row's fixed, hidden
prefix, which no input reveals.  A zero start state is the same for every row and cannot
know it; a learned [batch, units] start state can hold each row's prefix.
"""
import itertools
from collections import namedtuple

import numpy as np

from recipes.cells import lstm_cell
from tf1_graphs import seeded_graph, tf

# dynamic_rnn runs up to 32 time steps at once by default; the dropout masks inside its loop
# come from one stateful random op, so which step gets which mask then depends on thread
# timing, and a loaded machine gives different numbers on every run.  One step at a time
# keeps the maths and makes the order (and so the run) repeatable.
PARALLEL_ITERATIONS = 1


# ---------------------------------------------------------------------------- the data

Streams = namedtuple("Streams", "inputs targets")  # [sequences, chunks, batch, time, depth]


def _one_hot(symbols, depth):
    return np.eye(depth, dtype=np.float32)[symbols]


def make_streams(config, num_sequences, prefixes, seed):
    """`num_sequences` sequences of the delayed-recall task, cut into chunks of `num_times`."""
    rng = np.random.default_rng(seed)
    batch, length = config.batch_size, config.chunks_per_sequence * config.num_times
    symbols = rng.integers(0, config.num_classes, (num_sequences, batch, length))
    hidden_past = np.broadcast_to(prefixes, (num_sequences,) + prefixes.shape)
    target_symbols = np.concatenate([hidden_past, symbols], axis=-1)[..., :length]
    noise = rng.normal(size=symbols.shape + (config.input_dims - config.num_classes,))
    inputs = np.concatenate([_one_hot(symbols, config.num_classes), noise.astype(np.float32)], -1)
    targets = _one_hot(target_symbols, config.num_classes)

    def chunked(a):  # [seq, batch, chunks * time, d] -> [seq, chunks, batch, time, d]
        a = a.reshape(num_sequences, batch, config.chunks_per_sequence, config.num_times, -1)
        return a.transpose(0, 2, 1, 3, 4)

    return Streams(chunked(inputs), chunked(targets))


def make_task(config, seed):
    """Each row's hidden prefix, and training and held-out streams that share them."""
    prefixes = np.random.default_rng([seed, 0]).integers(
        0, config.num_classes, (config.batch_size, config.delay))
    train = make_streams(config, config.train_sequences, prefixes, [seed, 1])
    held_out = make_streams(config, config.eval_sequences, prefixes, [seed, 2])
    return prefixes, train, held_out


# ---------------------------------------------------------------------------- the graphs

def _chunk_feeds(config):
    """One chunk's inputs and one-hot targets, and the keep probability (fed 1.0 to evaluate)."""
    lstm_input = tf.placeholder(
        tf.float32, [config.batch_size, config.num_times, config.input_dims], name="lstm_input")
    targets = tf.placeholder(
        tf.float32, [config.batch_size, config.num_times, config.num_classes], name="targets")
    keep_prob = tf.placeholder_with_default(config.keep_prob, [], name="keep_prob")
    return lstm_input, targets, keep_prob


def _softmax_losses(val, targets, num_classes):
    """Answer 0's head: a dense ReLU layer to 5 logits, softmax cross-entropy per step."""
    logits = tf.layers.dense(val, units=num_classes, activation=tf.nn.relu)
    return tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=targets)


class QuestionGraph:
    """The question: trainable `init_*` copied into non-trainable `state_*` by an assign op.

    The RNN starts from `state`; the final state is assigned back under a control
    dependency of the output, so every run carries the state to the next chunk.  The loss
    never reads `init_state`: `initialise_state` only copies it, and an assign has no
    gradient, so the initial state cannot train.
    """

    def __init__(self, config):
        self.lstm_input, self.targets, self.keep_prob = _chunk_feeds(config)
        self.cell = lstm_cell(config.cell, config.num_lstm_cells)

        init_vars = self.cell.zero_state(config.batch_size, tf.float32)
        init_c = tf.Variable(init_vars.c, trainable=True)
        init_h = tf.Variable(init_vars.h, trainable=True)
        self.init_state = tf.contrib.rnn.LSTMStateTuple(init_c, init_h)

        state_vars = self.cell.zero_state(config.batch_size, tf.float32)
        state_c = tf.Variable(state_vars.c, trainable=False)
        state_h = tf.Variable(state_vars.h, trainable=False)
        self.state = tf.contrib.rnn.LSTMStateTuple(state_c, state_h)

        layer = tf.nn.rnn_cell.DropoutWrapper(self.cell, output_keep_prob=self.keep_prob)
        self.val, self.new_state = tf.nn.dynamic_rnn(
            layer, self.lstm_input, initial_state=self.state, dtype=tf.float32,
            parallel_iterations=PARALLEL_ITERATIONS)
        self._carry_and_train(config)

    def _carry_and_train(self, config):
        state, init_state = self.state, self.init_state
        with tf.control_dependencies([state[0].assign(self.new_state[0]),
                                      state[1].assign(self.new_state[1])]):
            output = tf.identity(self.val)

        initialise_c = tf.assign(state[0], init_state[0])
        initialise_h = tf.assign(state[1], init_state[1])
        self.initialise_state = tf.group([initialise_c, initialise_h])

        self.losses = _softmax_losses(output, self.targets, config.num_classes)
        self.total_loss = tf.reduce_mean(self.losses)
        self.train_op = tf.train.AdamOptimizer().minimize(self.total_loss)


class Answer2Graph(QuestionGraph):
    """Answer 2: the question's variables and RNN, the final state assigned into `state`.

    `trained_state` is a pair of assign ops, run after each chunk to carry the state on.
    Nothing ever reads `init_state` (no op copies it in), so it cannot train either.
    """

    def _carry_and_train(self, config):
        trained_state_c = tf.assign(self.state[0], self.new_state[0])
        trained_state_h = tf.assign(self.state[1], self.new_state[1])
        self.trained_state = tf.contrib.rnn.LSTMStateTuple(trained_state_c, trained_state_h)

        self.losses = _softmax_losses(self.val, self.targets, config.num_classes)
        self.total_loss = tf.reduce_mean(self.losses)
        self.train_op = tf.train.AdamOptimizer().minimize(self.total_loss)


class StateScopeGraph:
    """Answer 0's graph: a trainable state in scope `state`, the model in scope `nn`.

    The RNN starts from the trainable `state`; `init_state` (not trainable) keeps the
    learned start between sequences: `restore_state` copies it into `state`, `save_state`
    copies `state` back after a training step, `propagate_state` moves the final state
    into `state` for the next chunk.  Answers 0 and 1 differ only in their optimizers.
    """

    def __init__(self, config):
        batch_size, num_lstm_cells = config.batch_size, config.num_lstm_cells
        self.lstm_input, self.targets, self.keep_prob = _chunk_feeds(config)
        self.cell = lstm_cell(config.cell, num_lstm_cells)

        with tf.variable_scope("state"):
            state_c = tf.Variable(tf.random_uniform([batch_size, num_lstm_cells], 0, 1), trainable=True)
            state_h = tf.Variable(tf.random_uniform([batch_size, num_lstm_cells], 0, 1), trainable=True)
            self.state = tf.contrib.rnn.LSTMStateTuple(state_c, state_h)

        with tf.variable_scope("nn"):
            layer = tf.nn.rnn_cell.DropoutWrapper(self.cell, output_keep_prob=self.keep_prob)
            self.val, self.new_state = tf.nn.dynamic_rnn(
                layer, self.lstm_input, initial_state=self.state, dtype=tf.float32,
                parallel_iterations=PARALLEL_ITERATIONS)
            self.losses = _softmax_losses(self.val, self.targets, config.num_classes)

        init_c = tf.Variable(tf.zeros([batch_size, num_lstm_cells]), trainable=False)
        init_h = tf.Variable(tf.zeros([batch_size, num_lstm_cells]), trainable=False)
        self.init_state = tf.contrib.rnn.LSTMStateTuple(init_c, init_h)

        self.restore_state = self._copy(self.init_state, into=self.state)
        self.save_state = self._copy(self.state, into=self.init_state)
        self.propagate_state = self._copy(self.new_state, into=self.state)

        self.nn_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "nn")
        self.state_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "state")
        self.total_loss = tf.reduce_mean(self.losses)

    @staticmethod
    def _copy(source, into):
        """The answer's pairs of assigns (c, then h) grouped into one op."""
        return tf.group([tf.assign(into[0], source[0]), tf.assign(into[1], source[1])])

    def minimize(self, var_list):
        """A fresh Adam (the answer's defaults) on the mean loss, updating only `var_list`."""
        return tf.train.AdamOptimizer().minimize(self.total_loss, var_list=var_list)


class Answer0Graph(StateScopeGraph):
    """Answer 0: one Adam for the model alone, one for model and state (nested var_list as posted)."""

    def __init__(self, config):
        super().__init__(config)
        self.train_nn_step = self.minimize(self.nn_vars)
        self.train_nn_state_step = self.minimize([self.nn_vars, self.state_vars])


class Answer1Graph(StateScopeGraph):
    """Answer 1: one Adam for the state with the model frozen, one for the model with the state frozen."""

    def __init__(self, config):
        super().__init__(config)
        self.train_state_step = self.minimize(self.state_vars)
        self.train_nn_step = self.minimize(self.nn_vars)


def build(graph_class, config, seed):
    """A fresh graph holding `graph_class(config)`, seeded before its first variable."""
    with seeded_graph(seed) as graph:
        model = graph_class(config)
    return graph, model


# ---------------------------------------------------------------------------- training

def chunk_feed(model, inputs, targets=None, keep_prob=None):
    feed = {model.lstm_input: inputs}
    if targets is not None:
        feed[model.targets] = targets
    if keep_prob is not None:
        feed[model.keep_prob] = keep_prob
    return feed


def train_chunks(sess, model, step, carry, inputs, targets):
    """Run `step` on each chunk in turn, then `carry` (if any) to pass the state on; the losses."""
    losses = []
    for chunk_inputs, chunk_targets in zip(inputs, targets):
        _, loss = sess.run([step, model.total_loss], chunk_feed(model, chunk_inputs, chunk_targets))
        if carry is not None:
            sess.run(carry, chunk_feed(model, chunk_inputs))
        losses.append(loss)
    return losses


def question_sequence(sess, model, inputs, targets):
    """The asker's plan: initialise the state from `init_state`, then train every chunk (the
    control dependencies carry the state)."""
    sess.run(model.initialise_state)
    return train_chunks(sess, model, model.train_op, None, inputs, targets)


def answer0_sequence(sess, model, inputs, targets):
    """Answer 0's protocol: restore, train model and state on chunk 0, save, propagate, then
    train the model alone on the rest, propagating after each chunk."""
    sess.run(model.restore_state)                                            # 1.
    _, first = sess.run([model.train_nn_state_step, model.total_loss],
                        chunk_feed(model, inputs[0], targets[0]))                 # 2.
    sess.run(model.save_state)                                               # 3.
    sess.run(model.propagate_state, chunk_feed(model, inputs[0]))                 # 4.
    return [first] + train_chunks(sess, model, model.train_nn_step, model.propagate_state,
                                  inputs[1:], targets[1:])                   # 5.


def answer1_sequence(sess, model, inputs, targets, state_phase):
    """Answer 1: in a state phase, train the start state alone on chunk 0 and save it (later
    chunks cannot reach it); in a model phase, train the model alone on every chunk."""
    sess.run(model.restore_state)
    if state_phase:
        losses = train_chunks(sess, model, model.train_state_step, None, inputs[:1], targets[:1])
        sess.run(model.save_state)
        return losses
    return train_chunks(sess, model, model.train_nn_step, model.propagate_state, inputs, targets)


def answer1_schedule(phase_sequences):
    """Answer 1's alternation as a per-sequence step for `train`: `phase_sequences` sequences
    in a state phase (the answer freezes the model first), as many in a model phase, and so on."""
    sequences_seen = itertools.count()

    def per_sequence(sess, model, inputs, targets):
        state_phase = (next(sequences_seen) // phase_sequences) % 2 == 0
        return answer1_sequence(sess, model, inputs, targets, state_phase)

    return per_sequence


def answer2_sequence(sess, model, inputs, targets):
    """Answer 2: train each chunk, then run `trained_state`; nothing resets the state."""
    return train_chunks(sess, model, model.train_op, model.trained_state, inputs, targets)


def train(sess, model, streams, per_sequence, num_sequences, log=None, log_every=100, label=""):
    """Run `per_sequence` on the first `num_sequences` sequences.

    Returns the training loss per sequence and chunk, [sequences, chunks]; NaN where a
    chunk was not trained on (answer 1's state phases train on the first chunk only).
    """
    history = np.full((num_sequences, streams.inputs.shape[1]), np.nan)
    for index in range(num_sequences):
        losses = per_sequence(sess, model, streams.inputs[index], streams.targets[index])
        history[index, :len(losses)] = losses
        if log and ((index + 1) % log_every == 0 or index + 1 == num_sequences):
            recent = history[max(0, index + 1 - log_every):index + 1]
            rest = np.nanmean(recent[:, 1:]) if np.isfinite(recent[:, 1:]).any() else float("nan")
            log(f"{label} sequence {index + 1}/{num_sequences}: loss on the first chunk "
                f"{np.mean(recent[:, 0]):.3f}, on the rest {rest:.3f}")
    return history
