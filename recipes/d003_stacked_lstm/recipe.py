"""Document 003, "make LSTM cell trainable": what a stack of LSTM cells trains, and how its gates compute.

Reads as an answer to the post: first the asker's `[lstm_cell] * num_layers` stack as it
behaves today, then the answer's one-cell-per-layer stack with a classification head,
its `tf.trainable_variables()`, the answer's three claims checked on a training run, and
last the GRU remark.  The graphs are in post.py (probe.py looks inside the cells), the checks in claims.py.
"""
import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from recipes import UserError
from recipes.d003_stacked_lstm import claims, modern_parity, post
from recipes.d003_stacked_lstm.cli import DOCUMENT, NAME, NUM_LAYERS, TITLE, add_arguments  # noqa: F401
from recipes.modern_parity import todays_tensorflow
from recipes.run import legend_below, matplotlib_figure

SOURCE = ("the Q&A 'make LSTM cell trainable': the question's MultiRNNCell([lstm_cell] * num_layers) stack "
          "and answer 0's one-cell-per-layer stack, its trainable-variable listing, its three claims "
          "(variables, trained, gate equations) and its GRU remark")

@dataclass(frozen=True)
class QuickConfig:
    """The post's stack (2 units, 3 layers) on a toy task, trained for a few steps."""
    n_hidden: int = 2         # the asker's
    num_layers: int = NUM_LAYERS  # the asker's
    input_depth: int = 3      # not n_hidden on purpose: `[cell] * n` then cannot be built
    num_classes: int = 3
    batch_size: int = 16
    num_steps: int = 8        # sequence length
    train_steps: int = 30
    learning_rate: float = 0.01
    log_every: int = 10
    probe_batch: int = 4      # sequences stepped through the trained stack to trace its gates
    cell: str = "basic"       # the post's BasicLSTMCell; "block": the fused LSTMBlockCell (recipes.cells)


@dataclass(frozen=True)
class FullConfig(QuickConfig):
    """Same stack (the post gives only n_hidden and num_layers); longer sequences, real training."""
    batch_size: int = 64
    num_steps: int = 20
    train_steps: int = 1000
    log_every: int = 100


@dataclass(frozen=True)
class TestConfig(QuickConfig):
    """For tests: the post's stack, a few short sequences and five training steps."""
    batch_size: int = 8
    num_steps: int = 5
    train_steps: int = 5
    log_every: int = 1000
    probe_batch: int = 3

FROZEN_SCOPE = "cell_0"  # the layer the second training run leaves out of the optimizer's var_list


def checked_gate_layer(layer, config):
    if not 0 <= layer < config.num_layers:
        raise UserError(f"--gate-layer {layer} is out of range: the stack has {config.num_layers} layers, "
                        f"numbered 0 to {config.num_layers - 1}")
    return layer


def short_name(name):
    """'rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0' -> 'cell_0/kernel'."""
    parts = name.replace(":0", "").split("/")
    return "/".join(p for p in parts if p not in ("rnn", "multi_rnn_cell", "basic_lstm_cell"))


ANSWER_SYMBOLS = {  # variable name ending -> the answer's symbols: column blocks of the fused variables
    "basic_lstm_cell/kernel:0": "[W_i | W_c | W_f | W_o] side by side (TF's i, j, f, o); rows: x, then h",
    "basic_lstm_cell/bias:0": "[b_i | b_c | b_f | b_o]",
    "fully_connected/weights:0": "the output layer on top of the last LSTM layer",
    "fully_connected/biases:0": "the output layer's biases",
    "gates/kernel:0": "[W_r | W_u], reset and update gates in one matrix; rows: x, then h",
    "gates/bias:0": "[b_r | b_u]",
    "candidate/kernel:0": "W for the candidate state, multiplying [x, r * h]",
    "candidate/bias:0": "b for the candidate state",
}


def answer_symbols(name):
    return next((text for ending, text in ANSWER_SYMBOLS.items() if name.endswith(ending)), "")


def log_listing(run, observed, expected):
    """Print the variables the way the answer's loop does, then expected and observed side by side."""
    run.log("  for var in tf.trainable_variables(): print('{}\\nShape: {}'.format(var.name, var.get_shape()))")
    for name, shape in observed:
        run.log(f"  {name}\n  Shape: {shape}")
    expected_shapes, observed_shapes = dict(expected), dict(observed)
    run.log(f"  {'variable':52s} {'expected':>9s} {'observed':>9s}  in the answer's terms")
    for name in list(expected_shapes) + [n for n in observed_shapes if n not in expected_shapes]:
        run.log(f"  {name:52s} {str(expected_shapes.get(name, '-')):>9s} "
                f"{str(observed_shapes.get(name, '-')):>9s}  {answer_symbols(name)}")


def asker_stack(run, config):
    """The question's stack: the warning, one variable set, and the dimension error."""
    run.log(f"\n## The asker's stack: MultiRNNCell([lstm_cell] * {config.num_layers}), "
            f"lstm_cell = {claims.ANATOMY[config.cell].class_name}(n_hidden = {config.n_hidden})")
    run.log(f"  history: {claims.SHARED_CELL_HISTORY}")
    matching = post.run_shared_stack(config, config.n_hidden, run.seed)
    run.log(f"  input depth {matching.input_depth} (= n_hidden); TensorFlow logged:")
    for message in matching.warnings:
        if "MultiRNNCell" in message:
            run.log(f"    {message}")
    run.claim(claims.check_shared_stack_warns(matching.warnings))
    log_listing(run, matching.variables, claims.lstm_layer_variables(0, config.n_hidden, config.n_hidden))
    run.claim(claims.check_shared_stack_one_variable_set(matching, config))
    run.claim(claims.check_shared_stack_reuses_weights(matching, config))
    run.write_graph(matching.graph, "asker_shared_cell")

    other = post.run_shared_stack(config, config.input_depth, run.seed)
    stage = {"build": "building the graph", "run": "running the graph (it built)"}[other.error_stage or "build"]
    run.log(f"  input depth {other.input_depth} (not n_hidden): {stage} raised")
    run.log(f"    {other.error}")
    run.claim(claims.check_shared_stack_dimension_error(other, config))
    return matching


def answer_stack(run, config, gate_layer):
    """The answer's stack under a classifier head: the listing and claims (a), (b), (c)."""
    run.log(f"\n## The answer's stack: one {claims.ANATOMY[config.cell].class_name}({config.n_hidden}) per layer, "
            f"{config.num_layers} layers, input depth {config.input_depth}, fully connected head to "
            f"{config.num_classes} classes")
    run.log(f"  training {config.train_steps} Adam steps (batch {config.batch_size}, {config.num_steps} steps):")
    started = time.perf_counter()
    trained = post.run_classifier(config, run.seed, log=run.log)
    run.measure("training time, all variables (s)", f"{time.perf_counter() - started:.2f}")
    run.measure("loss, first and last step", f"{trained.losses[0]:.4f} -> {trained.losses[-1]:.4f}")
    log_listing(run, trained.variables, claims.expected_classifier_variables(config))
    run.claim(claims.check_trainable_listing(trained, config))
    run.claim(claims.check_loop_distinct_kernels(trained, config))
    run.write_graph(trained.graph, "answer_one_cell_per_layer")

    run.log("\n## (a) The weights are variables, and there are none between the layers")
    run.claim(claims.check_no_weights_between_layers(trained.variables, config))

    run.log("\n## (b) Training changes every weight and bias; the gates own no variables")
    for name, delta in claims.parameter_change(trained.before, trained.after).items():
        run.log(f"  {short_name(name):24s} max |change| {delta:.4g}")
    run.claim(claims.check_training_changes_every_variable(trained.before, trained.after))
    run.claim(claims.check_gates_own_no_variables(trained.readers, trained.forget_bias, config))
    run.log(f"  again, with {FROZEN_SCOPE} left out of the optimizer's var_list:")
    frozen = post.run_classifier(config, run.seed, frozen_scope=FROZEN_SCOPE, log=run.log)
    run.claim(claims.check_frozen_scope_unchanged(frozen.before, frozen.after, FROZEN_SCOPE))
    save_change_plot(run, trained, frozen)

    run.log("\n## (c) The gates are the answer's equations")
    expected = claims.reference_stack_trace(trained.sequences, post.stack_layers(trained.after, config))
    run.log(f"  layer {gate_layer}, sequence 0, step 0..{config.num_steps - 1}, unit 0: "
            "f / i / o from the graph (NumPy)")
    for t in range(config.num_steps):
        run.log("   " + "  ".join(f"{g} {trained.trace[gate_layer][g][0, t, 0]:.5f} "
                                  f"({expected[gate_layer][g][0, t, 0]:.5f})" for g in "fio"))
    run.claim(claims.check_gate_equations(trained.trace, expected))
    save_gate_plot(run, trained.trace[gate_layer], expected[gate_layer], gate_layer)
    return trained


def gru_remark(run, config):
    """The answer's GRU remark: one combined gate matrix, split after the matmul."""
    run.log(f"\n## GRU: GRUCell({config.n_hidden}) on input depth {config.input_depth}")
    gru = post.run_gru(config, run.seed)
    log_listing(run, gru.variables, claims.expected_gru_variables(config))
    run.claim(claims.check_gru_combined_gates(gru, config))
    run.claim(claims.check_gru_equations(gru, post.gru_weights(gru.weights)))
    run.write_graph(gru.graph, "gru")


def save_gate_plot(run, observed, expected, layer):
    fig, axes = matplotlib_figure(3, 1, figsize=(7, 6), sharex=True)
    steps = np.arange(observed["f"].shape[1])
    for ax, (gate, label) in zip(axes, [("f", "forget f"), ("i", "input i"), ("o", "output o")]):
        for unit in range(observed[gate].shape[2]):
            line, = ax.plot(steps, observed[gate][0, :, unit], label=f"unit {unit}, graph")
            ax.plot(steps, expected[gate][0, :, unit], "o", color=line.get_color(), fillstyle="none",
                    label=f"unit {unit}, NumPy")
        ax.set_ylabel(label)
        ax.set_ylim(0, 1)
    legend_below(axes[-1], columns=4, drop=0.3)  # every panel has the same lines; under the last one
    axes[-1].set_xlabel("time step")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].set_title(f"Gate activations of layer {layer} over one sequence (trained stack)")
    run.save_plot(fig, "gates.png", f"Forget, input and output gates of layer {layer} on one sequence: "
                  "lines from the TensorFlow graph, circles from the NumPy equations.")


def save_change_plot(run, trained, frozen):
    names = list(trained.before)
    positions = np.arange(len(names))
    fig, ax = matplotlib_figure(figsize=(7, 4))
    for offset, result, label in ((-0.2, trained, "all variables trained"),
                                  (0.2, frozen, f"{FROZEN_SCOPE} left out of var_list")):
        change = claims.parameter_change(result.before, result.after)
        ax.barh(positions + offset, [change[n] for n in names], height=0.4, label=label)
        for position, name in zip(positions, names):
            if change[name] == 0.0:
                ax.text(0, position + offset, " 0: not in var_list", va="center", fontsize=8)
    ax.set_yticks(positions, [short_name(n) for n in names])
    ax.invert_yaxis()
    ax.set(xlabel="max |value after training - value before|", ylabel="variable")
    ax.set_title("Parameter change per variable")
    legend_below(ax)
    run.save_plot(fig, "parameter_change.png", "How far training moved each variable (largest element change): "
                  f"every kernel and bias moves, except {FROZEN_SCOPE}'s when it is left out of var_list.")


def run(run):
    config = dataclasses.replace(FullConfig() if run.full else QuickConfig(), cell=run.cell)
    run.log_quick_mode(QuickConfig, FullConfig)
    gate_layer = checked_gate_layer(run.options.get("gate_layer", 0), config)
    matching = asker_stack(run, config)
    trained = answer_stack(run, config, gate_layer)
    gru_remark(run, config)
    todays_tensorflow(run, modern_parity, modern_parity.parity_claims(trained, matching, config))


# --- the deviations from the post, and why (last, as in the report) ---------------------------

DEVIATIONS = [
    "The asker's MultiRNNCell([lstm_cell] * num_layers) cannot be run as the post's TF ~1.0 ran it. "
    + claims.SHARED_CELL_HISTORY + " The recipe shows the 2.21 behaviour and states this history.",
    "The post gives only n_hidden = 2 and num_layers = 3 (used in both modes). The input depth (3), the toy "
    "task (label = the input feature with the largest sum over time), the sequence length, batch size, "
    "Adam with learning rate 0.01 and the number of steps are ours, so that the answer's claims about "
    "training can be checked on a run; --full only trains longer on longer sequences.",
    "The post does not say how it ran the stack: it is unrolled with tf.nn.dynamic_rnn, and the answer's "
    "'final fully-connected layer' is tf.contrib.layers.fully_connected (tf1_graphs' re-implementation, "
    "no activation) on the last layer's output at the last step.",
    "dynamic_rnn keeps each layer's per-step state inside its while loop, so the trained stack is built a "
    "second time under variable_scope('rnn', reuse=True) and called one step at a time with the state fed "
    "from Python (the PTB tutorial's pattern); it adds no variables, and it is where the gates are read.",
    "The answer writes W * [h_k-1, x_k] and no forget bias. TensorFlow multiplies [x, h] (kernel rows: x "
    "first) and BasicLSTMCell adds forget_bias = 1.0 to f at run time. The NumPy check uses TensorFlow's "
    "layout: the same equations with each W's rows reordered and b_f read as bias + 1.",
    "TensorFlow logs the shared-weights warning only once per process and calling line (log_first_n); "
    "the recipe resets that count while it builds, so every build shows what a fresh TF program prints.",
    "TF 2.x derives op seeds differently from TF 1.x, so no seed reproduces TF 1.x numbers (the post "
    "printed none).",
    "With --cell block every LSTM is the fused LSTMBlockCell on the post's variables (same names, shapes and "
    "gate layout). One op then does a layer's whole step, so the checks that look inside a cell call read "
    "that op: it reads the kernel and the bias itself, its outputs i, f, o and ci (= the candidate j) are "
    "the gates, and the forget bias 1.0 is its attribute. It checks shapes only when it runs, so the "
    "asker's stack over depth 3 builds and fails at its first session.run, with the kernel's own dimension "
    "error instead of MatMul's at graph construction.",
]
