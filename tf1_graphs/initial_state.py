"""Document 000: a trainable initial state for an LSTM that reads a long sequence in chunks.

The asker feeds a sequence too long for memory five steps at a time, keeping the LSTM
state in variables between chunks, and wants the state at the start of each sequence to
be learned.  This module rebuilds the question's graph and the three answers' graphs with
the post's shapes (batch 10, 20 units, 5 steps per chunk, 6 input dims, 5 classes,
DropoutWrapper 0.7, Adam), trains them on a generated task where the start state matters,
and holds the checks behind each claim.

The task (`make_task`): each of the batch's 10 rows is a stream of random symbols and the
target at step t is the symbol seen `delay` steps earlier.  For the first `delay` steps of
a sequence that symbol lies before the sequence began: it is the row's fixed, hidden
prefix, which no input reveals.  A zero start state is the same for every row and cannot
know it; a learned [batch, units] start state can hold each row's prefix.
"""
import itertools
from collections import namedtuple

import numpy as np

from tf1_graphs import seeded_graph, tf
from tf1_graphs.cells import lstm_cell
from tf1_graphs.claims import check_bit_exact, check_that, max_abs_diff

QUESTION, ANSWER0, ANSWER1, ANSWER2 = (
    "000, question", "000, answer 0", "000, answer 1", "000, answer 2")

# dynamic_rnn runs up to 32 time steps at once by default; the dropout masks inside its loop
# come from one stateful random op, so which step gets which mask then depends on thread
# timing, and a loaded machine gives different numbers on every run.  One step at a time
# keeps the maths and makes the order (and so the run) repeatable.
PARALLEL_ITERATIONS = 1


class QuickConfig:
    """The post's shapes; short sequences and a short run so that every variant trains in seconds."""
    batch_size = 10          # answer 2's sizes: 10 rows, 20 units, 5 steps, 6 input dims
    num_lstm_cells = 20
    num_times = 5            # time steps per chunk
    input_dims = 6           # one-hot symbol (5) and one channel of noise
    num_classes = 5          # answer 0's dense(units=5)
    keep_prob = 0.7          # DropoutWrapper(output_keep_prob=0.7)
    delay = 2                # the target is the symbol seen this many steps earlier
    chunks_per_sequence = 4
    train_sequences = 1000   # each is at most one Adam step on the start state
    eval_sequences = 20      # held-out sequences for the first-chunk losses
    phase_sequences = 25     # answer 1: sequences per phase before the frozen side switches
    min_gain = 0.1           # nats: how much lower the learned state's first-chunk loss must be
    log_every = 250
    cell = "basic"           # the post's BasicLSTMCell; "block": the fused LSTMBlockCell (tf1_graphs.cells)


class FullConfig(QuickConfig):
    """Longer sequences and a longer run; the post gives no training length."""
    chunks_per_sequence = 8
    train_sequences = 3000
    eval_sequences = 50
    phase_sequences = 100
    log_every = 500


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


def start_session(graph):
    """A session with its variables initialised; one thread each, since graphs this small gain
    nothing from more and the machine is shared."""
    threads = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    sess = tf.Session(graph=graph, config=threads)
    with graph.as_default():
        sess.run(tf.global_variables_initializer())
    return sess


# ---------------------------------------------------------------------------- training

def _feed(model, inputs, targets=None, keep_prob=None):
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
        _, loss = sess.run([step, model.total_loss], _feed(model, chunk_inputs, chunk_targets))
        if carry is not None:
            sess.run(carry, _feed(model, chunk_inputs))
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
                        _feed(model, inputs[0], targets[0]))                 # 2.
    sess.run(model.save_state)                                               # 3.
    sess.run(model.propagate_state, _feed(model, inputs[0]))                 # 4.
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


# ---------------------------------------------------------------------------- measurements

def state_values(sess, state):
    """An LSTMStateTuple of variables as a pair of arrays (c, h)."""
    return tuple(sess.run(list(state)))


def load_state(sess, model, values):
    """Write (c, h) arrays into the model's state variables."""
    for variable, value in zip(model.state, values):
        variable.load(value, sess)


def first_chunk_step_losses(sess, model, streams, start_state):
    """Loss per time step on every held-out first chunk, dropout off, starting from `start_state`
    (loaded again before each chunk: the question's loss carries the state as a side effect)."""
    losses = []
    for inputs, targets in zip(streams.inputs, streams.targets):
        load_state(sess, model, start_state)
        losses.append(sess.run(model.losses, _feed(model, inputs[0], targets[0], keep_prob=1.0)))
    return np.mean(losses, axis=(0, 1))


def chunked_outputs(sess, model, inputs, start_state, carry):
    """The RNN's outputs over a whole sequence fed chunk by chunk, dropout off: load
    `start_state`, then after each chunk run `carry` to pass the final state on."""
    load_state(sess, model, start_state)
    outputs = []
    for chunk_inputs in inputs:
        outputs.append(sess.run(model.val, _feed(model, chunk_inputs, keep_prob=1.0)))
        sess.run(carry, _feed(model, chunk_inputs))
    return np.concatenate(outputs, axis=1)


def unbroken_outputs(cell_weights, inputs, start_state):
    """One plain dynamic_rnn over the whole sequence, in a graph of its own with the given
    kernel and bias: what chunking with a carried state must reproduce.  Always a
    BasicLSTMCell, whichever cell the model runs, so a fused model is checked against it."""
    _, batch, _, depth = inputs.shape
    whole = inputs.transpose(1, 0, 2, 3).reshape(batch, -1, depth)
    graph = tf.Graph()
    with graph.as_default():
        cell = tf.nn.rnn_cell.BasicLSTMCell(start_state[0].shape[1])
        initial = tf.nn.rnn_cell.LSTMStateTuple(*(tf.constant(s) for s in start_state))
        val, _ = tf.nn.dynamic_rnn(cell, tf.constant(whole), initial_state=initial)
        sess = start_session(graph)
        for variable, value in zip(cell.trainable_weights, cell_weights):
            variable.load(value, sess)
        outputs = sess.run(val)
    sess.close()
    return outputs


def carry_parity(sess, model, inputs, start_state, carry):
    """(chunked, unbroken): one sequence's outputs fed chunk by chunk with `carry` passing the
    state on, and the same sequence through one plain dynamic_rnn with the model's weights."""
    chunked = chunked_outputs(sess, model, inputs, start_state, carry)
    unbroken = unbroken_outputs(sess.run(model.cell.trainable_weights), inputs, start_state)
    return chunked, unbroken


def step_effect(sess, step, feed, groups):
    """Run `step` once; per named group of variables, (largest change, bit-identical?)."""
    before = {name: sess.run(variables) for name, variables in groups.items()}
    sess.run(step, feed)
    effect = {}
    for name, variables in groups.items():
        after = sess.run(variables)
        change = max(max_abs_diff(a, b) for a, b in zip(after, before[name]))
        identical = all(np.array_equal(a, b) for a, b in zip(after, before[name]))
        effect[name] = (change, identical)
    return effect


def effect_of_one_step(sess, model, step, streams):
    """Restore the initial state and run `step` once on the first chunk of `streams`; its
    effect on the model (`nn`) and on the state (`state`) variables, as `step_effect` gives it."""
    sess.run(model.restore_state)
    feed = _feed(model, streams.inputs[0][0], streams.targets[0][0])
    return step_effect(sess, step, feed, {"nn": model.nn_vars, "state": model.state_vars})


def gradient_gap_from_overwritten_state(sess, model, inputs, targets, start_state):
    """How far the question's weight gradients are from the gradients at the state the chunk
    really started from.  Its control-dependency assign overwrites the state variable before
    backprop reads the first step's state, so the two differ; returns the largest gap."""
    with model.val.graph.as_default():
        gradients = tf.gradients(model.total_loss, model.cell.trainable_weights)
    feed = _feed(model, inputs, targets, keep_prob=1.0)
    load_state(sess, model, start_state)
    as_built = sess.run(gradients, feed)
    load_state(sess, model, start_state)
    feed.update({variable.value(): value for variable, value in zip(model.state, start_state)})
    from_fed_state = sess.run(gradients, feed)  # a fed state is a separate buffer the assign cannot touch
    return max(max_abs_diff(a, b) for a, b in zip(as_built, from_fed_state))


# ---------------------------------------------------------------------------- the checks

def check_no_gradient_path(id, source, loss, init_state):
    """PASS when tf.gradients finds no path from `loss` to any variable of `init_state`."""
    with loss.graph.as_default():
        gradients = tf.gradients(loss, list(init_state))
    observed = ["None" if g is None else "a gradient tensor" for g in gradients]
    return check_that(
        id, source, "the loss has no gradient path to the trainable initial state (init_c, init_h)",
        "tf.gradients(total_loss, [init_c, init_h])", "[None, None]", f"[{', '.join(observed)}]",
        all(g is None for g in gradients))


def check_still_zero(id, source, init_values):
    """PASS when the initial state after training is exactly all zeros, as the asker saw."""
    return check_bit_exact(
        id, source, "after training, the initial-state variables are still exactly all zeros",
        np.stack(init_values), np.zeros_like(np.stack(init_values)))


def check_step_changes_only(id, source, statement, effect, changed, frozen):
    """PASS when one step changed every group in `changed` and left `frozen` bit-identical."""
    observed = "; ".join(
        f"{name}: " + ("bit-identical" if identical else f"max |change| {change:.3g}")
        for name, (change, identical) in effect.items())
    expected = "; ".join([f"{name}: changed" for name in changed] +
                         [f"{name}: bit-identical" for name in frozen])
    passed = (all(not effect[name][1] for name in changed) and
              all(effect[name][1] for name in frozen))
    return check_that(id, source, statement,
                      "one run of the step; each group's variables compared before and after "
                      "(np.array_equal for bit-identical)", expected, observed, passed)


def check_start_state_moved(id, source, before, after):
    """PASS when the saved initial state differs from its value before training."""
    moved = np.stack(after) - np.stack(before)
    largest, rms = float(np.max(np.abs(moved))), float(np.sqrt(np.mean(moved ** 2)))
    return check_that(
        id, source, "save_state keeps what the combined step learned: the saved initial state "
        "moves away from where it started (zeros)", "init_c, init_h after training minus before",
        "max |change| > 0", f"max |change| {largest:.3g}, RMS {rms:.3g}", largest > 0)


def check_learned_beats_zero(id, source, learned_loss, zero_loss, min_gain):
    """PASS when the learned start state lowers the held-out first-chunk loss by `min_gain` or more."""
    return check_that(
        id, source, "with the learned initial state the loss on the first chunk is lower than "
        "with a zero state", "mean softmax cross-entropy on held-out first chunks, dropout off, "
        "same trained model, state loaded as learned or as zeros",
        f"learned <= zero - {min_gain:g}",
        f"learned {learned_loss:.4g}, zero {zero_loss:.4g} (gain {zero_loss - learned_loss:.4g})",
        learned_loss <= zero_loss - min_gain)


def check_carry_matches_unbroken(id, source, statement, chunked, unbroken):
    """PASS when the chunked run's outputs equal one unbroken dynamic_rnn's, bit for bit."""
    return check_bit_exact(
        id, source, statement, chunked, unbroken,
        method="outputs over a whole held-out sequence, dropout off: fed chunk by chunk with the "
               "state carried, versus one dynamic_rnn over all of it in a separate graph")
