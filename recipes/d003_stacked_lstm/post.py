"""Document 003, "make LSTM cell trainable": a stack of BasicLSTMCells, its variables, its gates.

The asker stacks one cell object three times, `MultiRNNCell([lstm_cell] * num_layers)`;
the answer builds one cell per layer in a loop, lists `tf.trainable_variables()`, says
every weight and bias is trained, writes out the gate equations, and remarks that a GRU
keeps its gates in one combined matrix.  This module rebuilds those graphs and trains the
answer's stack under a fully connected classification head; probe.py steps the same stack
one call at a time to fetch every layer's state and gates, and claims.py checks each
statement on the run.

`config.cell = "block"` builds every LSTM as the fused LSTMBlockCell on the same variables.
Its maths is BasicLSTMCell's, but one op does all of it: the checks that look inside a cell
call read that op (see `claims.CellAnatomy`).
"""
from dataclasses import dataclass

import numpy as np

from recipes import cells
from recipes.d003_stacked_lstm.probe import (StepProbe, build_step_probe, forget_bias_source, trace_stack,
                                              variable_readers)
from recipes.tftools import by_name, captured_tf_warnings, new_session, train_steps, variable_listing
from tf1_graphs import seeded_graph, tf

STACK_SCOPE = "rnn/multi_rnn_cell"  # where dynamic_rnn puts MultiRNNCell's variables
HEAD_SCOPE = "fully_connected"      # tf.contrib.layers.fully_connected's default scope
GRU_SCOPE = "rnn/gru_cell"


# --- the two stacks -----------------------------------------------------------------------


def shared_cell_stack(config):
    """The asker's stack: one LSTM cell object listed num_layers times."""
    lstm_cell = cells.lstm_cell(config.cell, config.n_hidden)
    return tf.contrib.rnn.MultiRNNCell([lstm_cell] * config.num_layers)


def one_cell_per_layer_stack(config):
    """The answer's stack: a new LSTM cell for every layer, built in a loop."""
    lstm_cells = []
    for _ in range(config.num_layers):
        lstm_cells.append(cells.lstm_cell(config.cell, config.n_hidden))
    return tf.contrib.rnn.MultiRNNCell(lstm_cells)


def sequences_placeholder(config, depth):
    return tf.placeholder(tf.float32, [None, config.num_steps, depth], name="inputs")


def random_sequences(config, rng, batch, depth):
    return rng.normal(size=(batch, config.num_steps, depth)).astype(np.float32)


def lstm_layer_scope(layer):
    return f"{STACK_SCOPE}/cell_{layer}/basic_lstm_cell"


@dataclass
class SharedStackRun:
    """What the asker's `[cell] * n` stack does on one input depth."""
    input_depth: int
    graph: object
    warnings: list        # messages TensorFlow logged while the stack was built
    variables: list       # [(name, shape)] of tf.trainable_variables()
    error: str = None     # the error building the graph raised, if it did
    sequences: np.ndarray = None
    outputs: np.ndarray = None  # the top layer's outputs [batch, time, H]
    weights: dict = None        # variable name -> value
    error_stage: str = None     # "build" or "run": when the error was raised


def _kernel_error(error):
    """'Type from OpType: message' of an error a kernel raised in session.run (the message's last line)."""
    lines = [line.strip() for line in error.message.splitlines() if line.strip() and "[[" not in line]
    return f"{type(error).__name__} from {error.op.type}: {lines[-1]}"


def run_shared_stack(config, input_depth, seed):
    """Build the asker's stack over inputs of depth `input_depth`; run it if it builds.

    A build or a run that fails is a result here, not a crash: the error's message is kept
    (BasicLSTMCell's MatMul fails while the graph is built, the fused kernel when it runs).
    """
    with seeded_graph(seed) as graph:
        inputs = sequences_placeholder(config, input_depth)
        with captured_tf_warnings() as warnings:
            stacked_lstm_cell = shared_cell_stack(config)
            try:
                outputs, _ = tf.nn.dynamic_rnn(stacked_lstm_cell, inputs, dtype=tf.float32)
            except ValueError as error:
                return SharedStackRun(input_depth, graph, warnings,
                                      variable_listing(tf.trainable_variables()),
                                      error=str(error).splitlines()[0], error_stage="build")
        sequences = random_sequences(config, np.random.RandomState(seed), config.probe_batch, input_depth)
        listing = variable_listing(tf.trainable_variables())
        with new_session(graph) as session:
            session.run(tf.global_variables_initializer())
            try:
                top, weights = session.run([outputs, by_name(tf.trainable_variables())],
                                           {inputs: sequences})
            except tf.errors.InvalidArgumentError as error:
                return SharedStackRun(input_depth, graph, warnings, listing,
                                      error=f"at session.run, {_kernel_error(error)}", error_stage="run")
    return SharedStackRun(input_depth, graph, warnings, listing, sequences=sequences, outputs=top, weights=weights)


# --- the answer's stack with a classification head ----------------------------------------


@dataclass
class Classifier:
    """The tensors a training loop and the probe need."""
    graph: object
    inputs: object
    labels: object
    loss: object
    train_op: object
    probe: StepProbe


def build_classifier(config, seed, frozen_scope=None):
    """The answer's stack, a fully connected layer on the last layer's last output, Adam on the mean cross-entropy.

    Variables whose name contains `frozen_scope` are left out of the optimizer's
    var_list: the answer's "unless you tell TF not to train certain things".
    """
    with seeded_graph(seed) as graph:
        inputs = sequences_placeholder(config, config.input_depth)
        labels = tf.placeholder(tf.int32, [None], name="labels")
        outputs, _ = tf.nn.dynamic_rnn(one_cell_per_layer_stack(config), inputs, dtype=tf.float32)
        logits = tf.contrib.layers.fully_connected(outputs[:, -1], config.num_classes, activation_fn=None)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        trained = [v for v in tf.trainable_variables() if not (frozen_scope and frozen_scope in v.name)]
        train_op = tf.train.AdamOptimizer(config.learning_rate).minimize(loss, var_list=trained)
        probe = build_step_probe(config, one_cell_per_layer_stack)
    return Classifier(graph, inputs, labels, loss, train_op, probe)


def toy_batch(config, rng):
    """Random sequences labelled by the feature with the largest sum over time (the whole sequence matters)."""
    sequences = random_sequences(config, rng, config.batch_size, config.input_depth)
    labels = sequences.sum(axis=1)[:, :config.num_classes].argmax(axis=1).astype(np.int32)
    return sequences, labels


def train(session, model, config, rng, log):
    """`config.train_steps` Adam steps on fresh toy batches; returns the loss of every step."""
    def fresh_batch(step):
        sequences, labels = toy_batch(config, rng)
        return {model.inputs: sequences, model.labels: labels}

    def log_step(step, loss):
        if step == 0 or (step + 1) % config.log_every == 0:
            log(f"  step {step + 1:4d}/{config.train_steps}: loss {loss:.4f}")
    return train_steps(session, model, config.train_steps, fresh_batch, log_step)


@dataclass
class ClassifierRun:
    """The answer's stack trained as a classifier, and what the recipe looks at."""
    graph: object
    variables: list      # [(name, shape)] of tf.trainable_variables()
    before: dict         # variable name -> value before training
    after: dict          # ... and after
    losses: list
    sequences: np.ndarray  # the probe batch
    trace: list          # trace_stack() of the trained stack on `sequences`
    readers: list        # per layer: variable_readers() of its cell call in the probe
    forget_bias: list    # per layer: forget_bias_source()


def run_classifier(config, seed, frozen_scope=None, log=print):
    """Build, train and trace the answer's classifier; the data come from `seed` too."""
    model = build_classifier(config, seed, frozen_scope)
    rng = np.random.RandomState(seed)
    graph = model.graph
    with graph.as_default(), new_session(graph) as session:
        session.run(tf.global_variables_initializer())
        variables = by_name(tf.trainable_variables())
        before = session.run(variables)
        losses = train(session, model, config, rng, log)
        after = session.run(variables)
        sequences = random_sequences(config, rng, config.probe_batch, config.input_depth)
        trace = trace_stack(session, model.probe, sequences)
        listing = variable_listing(tf.trainable_variables())
    scopes = model.probe.layer_scopes
    return ClassifierRun(graph, listing, before, after, losses, sequences, trace,
                         readers=[variable_readers(graph, s) for s in scopes],
                         forget_bias=[forget_bias_source(graph, s, config.cell) for s in scopes])


def layer_weights(weights, layer):
    """(kernel, bias) of one layer, from a {variable name: value} dict."""
    return weights[f"{lstm_layer_scope(layer)}/kernel:0"], weights[f"{lstm_layer_scope(layer)}/bias:0"]


def stack_layers(weights, config):
    """[(kernel, bias)] of every layer of the answer's stack."""
    return [layer_weights(weights, k) for k in range(config.num_layers)]


# --- the GRU remark -----------------------------------------------------------------------


@dataclass
class GruRun:
    """An untrained GRUCell: its variables, their values, and its outputs on `sequences`."""
    graph: object
    variables: list
    weights: dict
    sequences: np.ndarray
    outputs: np.ndarray


def run_gru(config, seed):
    """One GRUCell of n_hidden units over the same kind of sequences, untrained: its variables and outputs."""
    with seeded_graph(seed) as graph:
        inputs = sequences_placeholder(config, config.input_depth)
        outputs, _ = tf.nn.dynamic_rnn(tf.contrib.rnn.GRUCell(config.n_hidden), inputs, dtype=tf.float32)
        sequences = random_sequences(config, np.random.RandomState(seed), config.probe_batch, config.input_depth)
        with new_session(graph) as session:
            session.run(tf.global_variables_initializer())
            values, weights = session.run([outputs, by_name(tf.trainable_variables())],
                                          {inputs: sequences})
        listing = variable_listing(tf.trainable_variables())
    return GruRun(graph, listing, weights, sequences, values)


def gru_weights(weights):
    """(gates kernel, gates bias, candidate kernel, candidate bias) from a {name: value} dict."""
    return tuple(weights[f"{GRU_SCOPE}/{part}:0"] for part in
                 ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"))
