"""Document 003's claims: the expected variable listings, the NumPy gate equations, and the checks."""
from dataclasses import dataclass

import numpy as np

from recipes.claims import check_close, check_that, max_abs_diff
from recipes.d003_stacked_lstm.post import GRU_SCOPE, HEAD_SCOPE, STACK_SCOPE, layer_weights, lstm_layer_scope
from recipes.d003_stacked_lstm.probe import TRACE_NAMES
from tf1_graphs import reference

QUESTION = "003, question"
ANSWER = "003, answer 0"
SHARED_WEIGHTS_WARNING = ("At least two cells provided to MultiRNNCell are the same object "
                          "and will share weights.")


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
    into pre-activations i, j, f, o, and an Add adds the constant forget bias to f.
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


def expected_gru_variables(config):
    rows, units = config.input_depth + config.n_hidden, config.n_hidden
    return [(f"{GRU_SCOPE}/gates/kernel:0", (rows, 2 * units)), (f"{GRU_SCOPE}/gates/bias:0", (2 * units,)),
            (f"{GRU_SCOPE}/candidate/kernel:0", (rows, units)), (f"{GRU_SCOPE}/candidate/bias:0", (units,))]


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
        "A GRU combines its reset and update gates into one matrix (one kernel and one bias for both); "
        "its candidate keeps a kernel and bias of its own.",
        "names and shapes of a GRUCell's tf.trainable_variables()",
        _show(expected), _show(run.variables), run.variables == expected)


def check_gru_equations(run, weights):
    """`weights`: (gates kernel, gates bias, candidate kernel, candidate bias), as gru_weights() returns them."""
    expected = reference.gru_sequence(run.sequences, *weights)
    return check_close(
        "a0-gru-equations", ANSWER,
        "The combined gate matrix is split after the matmul into the reset and update gates.",
        run.outputs, expected, GATE_ATOL,
        method="NumPy GRU: [r, u] = sigmoid([x, h] gates/kernel + gates/bias) split in two halves, "
               "c = tanh([x, r h] candidate/kernel + candidate/bias), h = u h + (1 - u) c; "
               "max |diff| against the GRU's outputs at every step")
