"""Document 003, "make LSTM cell trainable": a stack of BasicLSTMCells, its variables, its gates.

The asker stacks one cell object three times, `MultiRNNCell([lstm_cell] * num_layers)`;
the answer builds one cell per layer in a loop, lists `tf.trainable_variables()`, says
every weight and bias is trained, writes out the gate equations, and remarks that a GRU
keeps its gates in one combined matrix.  This module rebuilds those graphs, trains the
answer's stack under a fully connected classification head, steps the same stack one call
at a time to fetch every layer's state and gates, and checks each statement on the run.

`config.cell = "block"` builds every LSTM as the fused LSTMBlockCell on the same variables.
Its maths is BasicLSTMCell's, but one op does all of it: the checks that look inside a cell
call read that op (see `CellAnatomy`).
"""
import contextlib
import logging
from dataclasses import dataclass

import numpy as np
from tensorflow.python.platform import tf_logging

from tf1_graphs import cells, reference, seeded_graph, tf
from tf1_graphs.claims import check_close, check_that, max_abs_diff

QUESTION = "003, question"
ANSWER = "003, answer 0"
SHARED_WEIGHTS_WARNING = ("At least two cells provided to MultiRNNCell are the same object "
                          "and will share weights.")
STACK_SCOPE = "rnn/multi_rnn_cell"  # where dynamic_rnn puts MultiRNNCell's variables
HEAD_SCOPE = "fully_connected"      # tf.contrib.layers.fully_connected's default scope
TRACE_NAMES = ("f", "i", "j", "o", "c", "h")  # per layer and step: the gates, the cell state, the output
# float32 graph vs float64 NumPy.  Trained cell states reach |c| ~ 2, where float32's spacing
# is 2.4e-7, and round-off compounds over 3 layers and up to 20 steps: seeds 0-7 (quick) and
# 0-2 (full) gave at most 7e-7.  A swapped gate block or a missing forget bias gives ~1e-1.
GATE_ATOL = 2e-6
SHARED_CELL_HISTORY = (
    "TF <= 1.0.1 gave every layer of MultiRNNCell([cell] * n) its own weights; "
    "TF 1.1 refused it with a ValueError asking for one cell per layer; "
    "TF >= 1.2 (and 2.21 with tf-keras) builds one shared set under cell_0, "
    "which fails with a matmul dimension error when the input depth is not num_units.")


@dataclass(frozen=True)
class CellAnatomy:
    """How one call of an LSTM cell kind shows in the graph, for the checks that look inside it.

    BasicLSTMCell: a MatMul reads the kernel and a BiasAdd the bias, `split` cuts the result
    into pre-activations i, j, f, o, and an AddV2 adds the constant forget bias to f.
    LSTMBlockCell: one fused op reads kernel and bias and returns i, cs, f, o, ci, co, h:
    the gates already activated (ci is tanh(j)); the forget bias is an attribute of the op,
    and the op checks its input shapes only when it runs.
    """
    class_name: str
    readers: dict            # variable ("kernel", "bias") -> type of the op that reads it
    forget_bias_source: str  # what adds the forget bias to f
    error_stage: str         # when a kernel too deep for its input fails: "build" or "run"
    error_words: tuple       # words that error must contain
    error_shown: str         # the expected error, as the claim shows it


ANATOMY = {
    "basic": CellAnatomy("BasicLSTMCell", {"kernel": "MatMul", "bias": "BiasAdd"}, "Const", "build",
                         ("Dimensions must be equal", "MatMul"),
                         "ValueError: Dimensions must be equal ... MatMul ..."),
    "block": CellAnatomy("LSTMBlockCell", {"kernel": "LSTMBlockCell", "bias": "LSTMBlockCell"},
                         "LSTMBlockCell attr", "run",
                         ("InvalidArgumentError", "LSTMBlockCell", "w.dim_size(0) != input_size + cell_size"),
                         "at session.run, InvalidArgumentError from LSTMBlockCell: "
                         "w.dim_size(0) != input_size + cell_size ..."),
}


class QuickConfig:
    """The post's stack (2 units, 3 layers) on a toy task, trained for a few steps."""
    n_hidden = 2         # the asker's
    num_layers = 3       # the asker's
    input_depth = 3      # not n_hidden on purpose: `[cell] * n` then cannot be built
    num_classes = 3
    batch_size = 16
    num_steps = 8        # sequence length
    train_steps = 30
    learning_rate = 0.01
    log_every = 10
    probe_batch = 4      # sequences stepped through the trained stack to trace its gates
    cell = "basic"       # the post's BasicLSTMCell; "block": the fused LSTMBlockCell (tf1_graphs.cells)


class FullConfig(QuickConfig):
    """Same stack (the post gives only n_hidden and num_layers); longer sequences, real training."""
    batch_size = 64
    num_steps = 20
    train_steps = 1000
    log_every = 100


# --- capturing what TensorFlow logs -------------------------------------------------------


class _RecordList(logging.Handler):
    def __init__(self, messages):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def captured_tf_warnings():
    """Collect the warnings TensorFlow logs meanwhile, as a list of messages, instead of printing them.

    tf-keras' legacy cells log through TensorFlow's `tf_logging`, i.e. the Python logger
    "tensorflow", which the foundation sets to ERROR.  MultiRNNCell's shared-weights
    warning is a `log_first_n(..., 1)`: TensorFlow counts it per calling line and
    process, so a second build would stay silent.  The counts are cleared for the
    duration (and put back after), so every build logs what a fresh program would.
    """
    logger = tf_logging.get_logger()
    counts = tf_logging._log_counter_per_token  # private; log_first_n's per-call-site counter
    saved = logger.level, logger.handlers[:], dict(counts)
    messages = []
    logger.setLevel(logging.WARNING)
    logger.handlers = [_RecordList(messages)]
    counts.clear()
    try:
        yield messages
    finally:
        logger.setLevel(saved[0])
        logger.handlers = saved[1]
        counts.clear()
        counts.update(saved[2])


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


def variable_listing(variables):
    """[(name, shape)] of `variables`, in creation order: what the answer's print loop shows."""
    return [(v.name, tuple(v.shape.as_list())) for v in variables]


def lstm_layer_scope(layer):
    return f"{STACK_SCOPE}/cell_{layer}/basic_lstm_cell"


def lstm_layer_variables(layer, input_depth, n_hidden):
    """The two variables BasicLSTMCell creates for layer `layer` of a MultiRNNCell."""
    scope = lstm_layer_scope(layer)
    return [(f"{scope}/kernel:0", (input_depth + n_hidden, 4 * n_hidden)),
            (f"{scope}/bias:0", (4 * n_hidden,))]


def expected_stack_variables(config):
    """A kernel and a bias per layer: layer 0 reads x, every other layer the H-wide output of the one below."""
    listing = []
    for layer in range(config.num_layers):
        depth = config.input_depth if layer == 0 else config.n_hidden
        listing += lstm_layer_variables(layer, depth, config.n_hidden)
    return listing


def expected_classifier_variables(config):
    """The answer's list: the stack's variables, then the output layer's."""
    return expected_stack_variables(config) + [
        (f"{HEAD_SCOPE}/weights:0", (config.n_hidden, config.num_classes)),
        (f"{HEAD_SCOPE}/biases:0", (config.num_classes,))]


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
        with tf.Session(graph=graph) as session:
            session.run(tf.global_variables_initializer())
            try:
                top, weights = session.run([outputs, {v.name: v for v in tf.trainable_variables()}],
                                           {inputs: sequences})
            except tf.errors.InvalidArgumentError as error:
                return SharedStackRun(input_depth, graph, warnings, listing,
                                      error=f"at session.run, {_kernel_error(error)}", error_stage="run")
    return SharedStackRun(input_depth, graph, warnings, listing, sequences=sequences, outputs=top, weights=weights)


# --- the answer's stack with a classification head ----------------------------------------


@dataclass
class StepProbe:
    """One call of the stack on one time step, its state fed from Python (the PTB tutorial's way)."""
    step_input: object
    state: object         # tuple of LSTMStateTuple(c, h), one per layer: feed it
    new_state: object
    gates: list           # per layer {f, i, j, o}: the gate activations inside the graph
    layer_scopes: list    # per layer, the name scope of its ops in this call


def _consumer(tensor, op_type):
    """The one op of type `op_type` that reads `tensor`."""
    (op,) = [op for op in tensor.consumers() if op.type == op_type]
    return op


def basic_lstm_gate_ops(graph, layer_scope):
    """{f, i, j, o} activation ops and the `f + forget_bias` op of one BasicLSTMCell call.

    The cell splits its one matmul's result into pre-activations i, j, f, o; the gates
    are the ops that read those four pieces.
    """
    split = graph.get_operation_by_name(f"{layer_scope}/split")
    pre = dict(zip(reference.LSTM_GATE_ORDER, split.outputs))
    forget_sum = _consumer(pre["f"], "AddV2")
    gates = {"i": _consumer(pre["i"], "Sigmoid"), "j": _consumer(pre["j"], "Tanh"),
             "f": _consumer(forget_sum.outputs[0], "Sigmoid"), "o": _consumer(pre["o"], "Sigmoid")}
    return gates, forget_sum


def fused_lstm_op(graph, layer_scope):
    """The one LSTMBlockCell op of a fused cell call."""
    return graph.get_operation_by_name(f"{layer_scope}/LSTMBlockCell")


def lstm_gates(graph, layer_scope, kind):
    """{f, i, j, o}: the gate activations of one cell call of `kind` (j: the candidate, tanh)."""
    if kind == "block":
        i, _, f, o, j, _, _ = fused_lstm_op(graph, layer_scope).outputs
        return {"f": f, "i": i, "j": j, "o": o}
    return {g: op.outputs[0] for g, op in basic_lstm_gate_ops(graph, layer_scope)[0].items()}


def build_step_probe(config):
    """The answer's stack again, sharing the trained variables through `variable_scope(reuse=True)`.

    dynamic_rnn hides each layer's per-step state inside its while loop; one cell call
    per step exposes every layer's c, h and gates to `session.run`.
    """
    with tf.name_scope("probe"), tf.variable_scope("rnn", reuse=True, auxiliary_name_scope=False):
        stacked_lstm_cell = one_cell_per_layer_stack(config)
        step_input = tf.placeholder(tf.float32, [None, config.input_depth], name="step_input")
        state = stacked_lstm_cell.zero_state(tf.shape(step_input)[0], tf.float32)
        _, new_state = stacked_lstm_cell(step_input, state)
    graph = step_input.graph
    scopes = [layer.c.op.name.rsplit("/", 1)[0] for layer in new_state]
    gates = [lstm_gates(graph, scope, config.cell) for scope in scopes]
    return StepProbe(step_input, state, new_state, gates, scopes)


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
        probe = build_step_probe(config)
    return Classifier(graph, inputs, labels, loss, train_op, probe)


def toy_batch(config, rng):
    """Random sequences labelled by the feature with the largest sum over time (the whole sequence matters)."""
    sequences = random_sequences(config, rng, config.batch_size, config.input_depth)
    labels = sequences.sum(axis=1)[:, :config.num_classes].argmax(axis=1).astype(np.int32)
    return sequences, labels


def train(session, model, config, rng, log):
    """`config.train_steps` Adam steps on fresh toy batches; returns the loss of every step."""
    losses = []
    for step in range(1, config.train_steps + 1):
        sequences, labels = toy_batch(config, rng)
        loss, _ = session.run([model.loss, model.train_op],
                              {model.inputs: sequences, model.labels: labels})
        losses.append(float(loss))
        if step == 1 or step % config.log_every == 0:
            log(f"  step {step:4d}/{config.train_steps}: loss {loss:.4f}")
    return losses


def trace_stack(session, probe, sequences):
    """Step the stack through `sequences` [batch, time, depth], carrying every layer's state.

    Returns per layer {f, i, j, o, c, h}, each [batch, time, H], as TensorFlow computed them.
    """
    state = session.run(probe.state, {probe.step_input: sequences[:, 0]})
    steps = []
    for t in range(sequences.shape[1]):
        state, gates = session.run([probe.new_state, probe.gates],
                                   {probe.step_input: sequences[:, t], probe.state: state})
        steps.append([dict(layer_gates, c=layer.c, h=layer.h) for layer_gates, layer in zip(gates, state)])
    return [{name: np.stack([step[k][name] for step in steps], axis=1) for name in TRACE_NAMES}
            for k in range(len(steps[0]))]


def variable_readers(graph, layer_scope):
    """[(variable, op type)] for every op of one cell call that reads a variable directly."""
    by_value = {v.value().name: v.name for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)}
    return sorted((by_value[t.name], op.type) for op in graph.get_operations()
                  if op.name.startswith(layer_scope + "/") for t in op.inputs if t.name in by_value)


def forget_bias_source(graph, layer_scope, kind):
    """(source, value) of what the cell adds to the forget gate's pre-activation: for
    BasicLSTMCell the type of the op that feeds the add, for LSTMBlockCell the op's attribute."""
    if kind == "block":
        return "LSTMBlockCell attr", fused_lstm_op(graph, layer_scope).get_attr("forget_bias")
    added = basic_lstm_gate_ops(graph, layer_scope)[1].inputs[1]
    return added.op.type, float(tf.get_static_value(added)) if added.op.type == "Const" else None


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
    with graph.as_default(), tf.Session(graph=graph) as session:
        session.run(tf.global_variables_initializer())
        variables = {v.name: v for v in tf.trainable_variables()}
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


# --- the gate equations in NumPy ----------------------------------------------------------


def reference_stack_trace(sequences, layers, forget_bias=1.0, gate_order=reference.LSTM_GATE_ORDER):
    """The answer's equations, step by step: per layer {f, i, j, o, c, h} as [batch, time, H].

    Layer k's h is layer k+1's input, with nothing between.  `gate_order` names the
    kernel's column blocks (TensorFlow's is i, j, f, o); `forget_bias` is what
    BasicLSTMCell adds to f at run time.
    """
    trace, inputs = [], sequences
    for kernel, bias in layers:
        inputs, _, layer = reference.lstm_sequence(inputs, kernel, bias, forget_bias=forget_bias,
                                                   gate_order=gate_order)
        trace.append(layer)
    return trace


def flat_trace(trace):
    return np.concatenate([layer[name].ravel() for layer in trace for name in TRACE_NAMES])


def reference_gru_outputs(sequences, gate_kernel, gate_bias, candidate_kernel, candidate_bias):
    """GRU outputs [batch, time, H] from the NumPy GRU equations, state carried step to step."""
    h = np.zeros((sequences.shape[0], np.shape(candidate_bias)[0]))
    outputs = []
    for t in range(sequences.shape[1]):
        h = reference.gru_step(sequences[:, t], h, gate_kernel, gate_bias, candidate_kernel, candidate_bias)
        outputs.append(h)
    return np.stack(outputs, axis=1)


# --- the GRU remark -----------------------------------------------------------------------

GRU_SCOPE = "rnn/gru_cell"


def expected_gru_variables(config):
    rows, units = config.input_depth + config.n_hidden, config.n_hidden
    return [(f"{GRU_SCOPE}/gates/kernel:0", (rows, 2 * units)), (f"{GRU_SCOPE}/gates/bias:0", (2 * units,)),
            (f"{GRU_SCOPE}/candidate/kernel:0", (rows, units)), (f"{GRU_SCOPE}/candidate/bias:0", (units,))]


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
        with tf.Session(graph=graph) as session:
            session.run(tf.global_variables_initializer())
            values, weights = session.run([outputs, {v.name: v for v in tf.trainable_variables()}],
                                          {inputs: sequences})
        listing = variable_listing(tf.trainable_variables())
    return GruRun(graph, listing, weights, sequences, values)


def gru_weights(weights):
    """(gates kernel, gates bias, candidate kernel, candidate bias) from a {name: value} dict."""
    return tuple(weights[f"{GRU_SCOPE}/{part}:0"] for part in
                 ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"))


# --- the claims ---------------------------------------------------------------------------


def _show(listing):
    return "; ".join(f"{name} {list(shape)}" for name, shape in listing) or "none"


def check_shared_stack_warns(warnings):
    return check_that(
        "q-shared-cell-warns", QUESTION,
        "MultiRNNCell([lstm_cell] * num_layers) hands one cell object to every layer, and TensorFlow says so.",
        "capture the 'tensorflow' logger while the stack is built and look for MultiRNNCell's warning",
        SHARED_WEIGHTS_WARNING,
        next((m for m in warnings if "same object" in m), "no such warning logged"),
        SHARED_WEIGHTS_WARNING in warnings)


def check_shared_stack_one_variable_set(run, config):
    expected = lstm_layer_variables(0, config.n_hidden, config.n_hidden)
    return check_that(
        "q-shared-cell-one-variable-set", QUESTION,
        "On TF >= 1.2 the asker's stack has one kernel and one bias, under cell_0, for all its layers "
        "(TF <= 1.0.1 gave each layer its own).",
        f"tf.trainable_variables() after dynamic_rnn over inputs of depth n_hidden = {config.n_hidden}",
        _show(expected), _show(run.variables), run.variables == expected)


def check_shared_stack_reuses_weights(run, config):
    """Every layer applies cell_0's weights: a NumPy stack of num_layers copies of them reproduces the outputs."""
    shared = layer_weights(run.weights, 0)
    expected, _ = reference.stacked_lstm_sequence(run.sequences, [shared] * config.num_layers)
    return check_close(
        "q-shared-cell-same-weights-every-layer", QUESTION,
        "Each of the asker's layers applies the same cell_0 kernel and bias.",
        run.outputs, expected, GATE_ATOL,
        method=f"NumPy stack of {config.num_layers} layers all using cell_0's kernel and bias, "
               "max |diff| against the top layer's outputs at every step")


def check_shared_stack_dimension_error(run, config):
    """BasicLSTMCell's MatMul refuses the shapes while the graph is built; the fused kernel
    checks them only when it runs, so there the graph builds and its first run fails."""
    anatomy = ANATOMY[config.cell]
    observed = run.error or "the graph built and ran without error"
    consequence, method = {
        "build": ("the graph cannot be built", "build dynamic_rnn over the asker's stack and catch the error"),
        "run": ("the stack cannot run (LSTMBlockCell checks shapes when it runs, not when the graph is built)",
                "build dynamic_rnn over the asker's stack, run it, and catch the error")}[anatomy.error_stage]
    return check_that(
        "q-shared-cell-dimension-error", QUESTION,
        f"With an input depth ({run.input_depth}) other than n_hidden ({config.n_hidden}), the shared cell's "
        f"kernel, sized for layer 0's input, cannot take layer 1's, and {consequence}.",
        method, anatomy.error_shown, observed,
        run.error_stage == anatomy.error_stage and all(word in run.error for word in anatomy.error_words))


def check_loop_distinct_kernels(run, config):
    kernels = [name for name, _ in run.variables if name.startswith(STACK_SCOPE) and name.endswith("kernel:0")]
    expected = [f"{lstm_layer_scope(k)}/kernel:0" for k in range(config.num_layers)]
    values = [run.before[name] for name in kernels]
    distinct = all(not np.array_equal(a, b) for i, a in enumerate(values) for b in values[i + 1:]
                   if a.shape == b.shape)
    return check_that(
        "a0-loop-distinct-kernels", ANSWER,
        "Building one cell per layer in a loop gives every layer its own weights.",
        "names of the stack's kernels in tf.trainable_variables(); their initial values compared pairwise",
        f"{config.num_layers} kernels, cell_0..cell_{config.num_layers - 1}, with different values",
        f"{len(kernels)} kernels: {', '.join(n.split('/')[2] for n in kernels)}; "
        f"values {'all different' if distinct else 'some identical'}",
        kernels == expected and distinct)


def check_trainable_listing(run, config):
    expected = expected_classifier_variables(config)
    return check_that(
        "a0-trainable-variables-listing", ANSWER,
        "tf.trainable_variables() lists the weights and biases of every layer (gates combined, 'odd shapes') "
        "and the output layer's weights and biases.",
        "names and shapes from tf.trainable_variables() against those derived from the config",
        _show(expected), _show(run.variables), run.variables == expected)


def check_no_weights_between_layers(listing, config):
    """Each layer's variables are its own kernel and bias, and layer k > 0's kernel reads H-wide inputs only."""
    stack = [(name, shape) for name, shape in listing if name.startswith("rnn/")]
    expected = expected_stack_variables(config)
    outside = [name for name, _ in stack if name not in dict(expected)]
    return check_that(
        "a0-a-weights-are-variables-none-between", ANSWER,
        "The weights inside the stack are (trainable) variables, and there are no weights between the layers: "
        "each layer's output is the next layer's input.",
        "every trainable variable under rnn/ must be a cell_k kernel or bias, and layer k > 0's kernel must have "
        "n_hidden + n_hidden rows (its input is the H-wide output of layer k-1, not a projection of it)",
        f"{2 * config.num_layers} variables, 2 per layer; kernel rows "
        f"{[shape[0] for _, shape in expected[::2]]}; nothing else",
        f"{len(stack)} variables; kernel rows {[shape[0] for name, shape in stack if name.endswith('kernel:0')]}; "
        f"other: {outside or 'none'}",
        stack == expected)


def parameter_change(before, after):
    """{variable name: largest element change}, in the variables' order."""
    return {name: max_abs_diff(after[name], before[name]) for name in before}


def check_training_changes_every_variable(before, after):
    change = parameter_change(before, after)
    unchanged = [name for name, delta in change.items() if delta == 0.0]
    smallest = min(change, key=change.get)
    return check_that(
        "a0-b-training-changes-every-variable", ANSWER,
        "All weights and biases in the network are trained through backpropagation.",
        "every trainable variable's value before and after the training steps; max |change| per variable",
        f"all {len(change)} variables changed",
        f"{len(change) - len(unchanged)} of {len(change)} changed; smallest max |change| "
        f"{change[smallest]:.3g} ({smallest})" + (f"; unchanged: {', '.join(unchanged)}" if unchanged else ""),
        not unchanged)


def check_frozen_scope_unchanged(before, after, frozen_scope):
    change = parameter_change(before, after)
    frozen = {n: d for n, d in change.items() if frozen_scope in n}
    moved = [n for n, d in frozen.items() if d != 0.0]
    others_fixed = [n for n, d in change.items() if n not in frozen and d == 0.0]
    return check_that(
        "a0-b-unless-told-not-to-train", ANSWER,
        "Variables are trained 'unless you tell TF not to train certain things'.",
        f"train with the optimizer's var_list leaving out the {frozen_scope} variables; compare values bit for bit",
        f"{frozen_scope}'s {len(frozen)} variables bit-identical, all others changed",
        f"{len(frozen) - len(moved)} of {len(frozen)} {frozen_scope} variables identical; "
        f"{len(change) - len(frozen) - len(others_fixed)} of {len(change) - len(frozen)} others changed",
        bool(frozen) and not moved and not others_fixed)


def check_gates_own_no_variables(readers, forget_bias, config):
    """In each layer's cell call, only the kernel's matmul and the bias' add read a variable (the fused
    cell: its one op); f's +1 is a constant (the fused cell: an attribute of that op)."""
    anatomy = ANATOMY[config.cell]
    expected = [sorted((f"{lstm_layer_scope(k)}/{variable}:0", op_type)
                       for variable, op_type in anatomy.readers.items())
                for k in range(config.num_layers)]
    constant = [(anatomy.forget_bias_source, 1.0)] * config.num_layers
    readers = [sorted(layer) for layer in readers]

    def show(layers, biases):
        return "; ".join(f"cell_{k}: " + ", ".join(f"{n.split('/')[-1]}<-{t}" for n, t in layer) +
                         f", forget_bias {b[0]} {b[1]}" for k, (layer, b) in enumerate(zip(layers, biases)))
    return check_that(
        "a0-b-gates-own-no-variables", ANSWER,
        "The gate operations (forget, input, output) are not variables: they apply fixed functions to a "
        "linear combination whose weights and biases are the trained variables.",
        "in the probe's cell call of every layer, list each op that reads a variable; and what is added to f",
        show(expected, constant), show(readers, forget_bias),
        readers == expected and list(forget_bias) == constant)


def check_gate_equations(observed_trace, expected_trace):
    return check_close(
        "a0-c-gate-equations", ANSWER,
        "An LSTM layer computes f = sigmoid(W_f [h, x] + b_f), i = sigmoid(W_i [h, x] + b_i), "
        "c' = tanh(W_c [h, x] + b_c), c = f * c_prev + i * c', o = sigmoid(W_o [h, x] + b_o), h = o * tanh(c), "
        "in TensorFlow's layout: the kernel's rows take x before h, and b_f is the stored bias plus "
        "BasicLSTMCell's forget_bias 1.0 (the answer's literal [h, x] and b_f do not match the graph).",
        flat_trace(observed_trace), flat_trace(expected_trace), GATE_ATOL,
        method="split each trained kernel [in + H, 4H] into column blocks i, j (= c'), f, o (rows: x, then h), "
               "add BasicLSTMCell's forget_bias 1.0 to f, run the equations in float64 NumPy with each layer's h "
               "as the next layer's input; compare f, i, c', o, c, h of every layer at every step with the graph's")


def check_gru_combined_gates(run, config):
    expected = expected_gru_variables(config)
    return check_that(
        "a0-gru-combined-gate-matrix", ANSWER,
        "A GRU combines its gates into one big matrix (one weight matrix and one bias for all gates).",
        "names and shapes of a GRUCell's tf.trainable_variables()",
        _show(expected), _show(run.variables), run.variables == expected)


def check_gru_equations(run, weights):
    """`weights`: (gates kernel, gates bias, candidate kernel, candidate bias), as gru_weights() returns them."""
    expected = reference_gru_outputs(run.sequences, *weights)
    return check_close(
        "a0-gru-equations", ANSWER,
        "The combined gate matrix is split after the matmul into the reset and update gates.",
        run.outputs, expected, GATE_ATOL,
        method="NumPy GRU: [r, u] = sigmoid([x, h] gates/kernel + gates/bias) split in two halves, "
               "c = tanh([x, r h] candidate/kernel + candidate/bias), h = u h + (1 - u) c; "
               "max |diff| against the GRU's outputs at every step")
