"""Document 000: can the initial state of an LSTM fed in chunks be trained, and how?

The question keeps the LSTM state in variables so that a sequence too long for memory can
be fed five steps at a time, and copies a trainable `init_state` into it at the start of
each sequence; the asker finds the initial state stays all zeros.  Answer 0 makes the
state itself trainable and splits two Adam optimizers by `var_list`; answer 1 alternates
freezing; answer 2 assigns the final state back.  We rebuild each graph, train it on a
generated task in which the first steps of every sequence can only be predicted from a
good initial state, and check what the post says about each.  The graphs and loops are in
post.py, the measurements and checks in claims.py.
"""
import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from recipes import UserError, tftools
from recipes.d000_initial_state import claims, modern_parity, post
from recipes.d000_initial_state.cli import DOCUMENT, NAME, TITLE, add_arguments  # noqa: F401 (the recipe's names)
from recipes.modern_parity import todays_tensorflow
from recipes.run import legend_below, matplotlib_figure

SOURCE = ("the Q&A 'trainable initial state for an LSTM in TensorFlow' (2018): the question's "
          "graph and answers 0, 1 and 2, each rebuilt with the post's shapes and checked on a run")

# ---------------------------------------------------------------------------- the configs

@dataclass(frozen=True)
class QuickConfig:
    """The post's shapes; short sequences and a short run so that every variant trains in seconds."""
    batch_size: int = 10          # answer 2's sizes: 10 rows, 20 units, 5 steps, 6 input dims
    num_lstm_cells: int = 20
    num_times: int = 5            # time steps per chunk
    input_dims: int = 6           # one-hot symbol (5) and one channel of noise
    num_classes: int = 5          # answer 0's dense(units=5)
    keep_prob: float = 0.7        # DropoutWrapper(output_keep_prob=0.7)
    delay: int = 2                # the target is the symbol seen this many steps earlier
    chunks_per_sequence: int = 4
    train_sequences: int = 1000   # each is at most one Adam step on the start state
    eval_sequences: int = 20      # held-out sequences for the first-chunk losses
    phase_sequences: int = 25     # answer 1: sequences per phase before the frozen side switches
    min_gain: float = 0.1         # nats: how much lower the learned state's first-chunk loss must be
    log_every: int = 250
    cell: str = "basic"           # the post's BasicLSTMCell; "block": the fused LSTMBlockCell (recipes.cells)


@dataclass(frozen=True)
class FullConfig(QuickConfig):
    """Longer sequences and a longer run; the post gives no training length."""
    chunks_per_sequence: int = 8
    train_sequences: int = 3000
    eval_sequences: int = 50
    phase_sequences: int = 100
    log_every: int = 500


@dataclass(frozen=True)
class TestConfig(QuickConfig):
    """For tests and benchmarks: enough training for a clear first-chunk gain with seed 0 (0.4 nats for
    answer 1), few held-out sequences."""
    train_sequences: int = 500
    eval_sequences: int = 8


VARIANTS = ("question", "answer 0", "answer 1", "answer 2")


def run(run):
    config = _config(run)
    prefixes, train, held_out = post.make_task(config, run.seed)
    run.log(f"task: {config.train_sequences} training sequences of {config.chunks_per_sequence} "
            f"chunks x {config.num_times} steps, batch {config.batch_size}; target = the symbol "
            f"{config.delay} steps back; the hidden prefix of each batch row (one column per row):\n"
            f"{prefixes.T}")

    results = {"question": question(run, config, train, held_out),
               "answer 0": answer0(run, config, train, held_out),
               "answer 1": answer1(run, config, train, held_out),
               "answer 2": answer2(run, config, train, held_out)}

    plot_losses(run, results, config)
    plot_initial_states(run, results)
    plot_first_chunk(run, results, config)
    todays_tensorflow(run, modern_parity, results["answer 0"]["today"])


def _config(run):
    config = dataclasses.replace(FullConfig() if run.full else QuickConfig(), cell=run.cell)
    run.log_quick_mode(QuickConfig, FullConfig)
    sequences = run.options.get("sequences")
    if sequences is not None:
        if sequences < 1:
            raise UserError(f"--sequences must be at least 1, got {sequences}")
        config = dataclasses.replace(config, train_sequences=sequences)
    return config


def _train(run, config, sess, model, streams, per_sequence, label):
    started = time.perf_counter()
    history = post.train(sess, model, streams, per_sequence, config.train_sequences,
                      log=run.log, log_every=config.log_every, label=label)
    run.measure(f"{label}: training time", f"{time.perf_counter() - started:.1f} s")
    return history


def _first_chunk_losses(run, sess, model, held_out, learned, label):
    """Held-out first-chunk loss per step from the learned and from a zero initial state."""
    zeros = tuple(np.zeros_like(v) for v in learned)
    losses = {"learned": claims.first_chunk_step_losses(sess, model, held_out, learned),
              "zero": claims.first_chunk_step_losses(sess, model, held_out, zeros)}
    starts = {"learned": "the learned initial state", "zero": "a zero initial state"}
    if all(np.array_equal(v, z) for v, z in zip(learned, zeros)):
        starts = {"learned": "its initial state, init_c/init_h, which is all zeros"}
    for start, description in starts.items():
        per_step = losses[start]
        run.log(f"{label}: held-out first-chunk loss per step from {description}: "
                f"{np.array2string(per_step, precision=4)} (mean {per_step.mean():.4g})")
    return losses


def question(run, config, train, held_out):
    run.log("\n== The question: trainable init_c/init_h copied into non-trainable state_c/state_h")
    graph, model = post.build(post.QuestionGraph, config, run.seed)
    run.log(f"the LSTM cell of every variant: {type(model.cell).__name__} (--cell {config.cell})")
    run.write_graph(graph, "question")
    run.claim(claims.check_question_init_no_gradient(model.total_loss, model.init_state))
    sess = tftools.start_session(graph)
    history = _train(run, config, sess, model, train, post.question_sequence, "question")
    init = claims.state_values(sess, model.init_state)
    run.claim(claims.check_question_init_stays_zero(init))

    gap = claims.gradient_gap_from_overwritten_state(
        sess, model, held_out.inputs[0][1], held_out.targets[0][1], claims.state_values(sess, model.state))
    run.measure("question: largest gap between the LSTM weight gradients its graph computes and "
                "those at the state the chunk started from", f"{gap:.3g}")
    run.log("The assign under the control dependency overwrites state_c/state_h in place before "
            "backprop reads them, so the question's graph also gets the first step's weight "
            "gradients slightly wrong (a reference variable's read aliases its buffer).")
    losses = _first_chunk_losses(run, sess, model, held_out, init, "question")
    sess.close()
    return dict(history=history, learned=init, first_chunk=losses)


def answer0(run, config, train, held_out):
    run.log("\n== Answer 0: trainable state in scope 'state', model in 'nn', two Adams split by var_list")
    graph, model = post.build(post.Answer0Graph, config, run.seed)
    run.write_graph(graph, "answer0")
    sess = tftools.start_session(graph)
    created = claims.state_values(sess, model.state)
    before = claims.state_values(sess, model.init_state)
    run.log(f"state_c/state_h start uniform in [0, 1) (mean {np.mean(created):.3f}), but the first "
            "restore_state overwrites them with init_c/init_h, which start at zeros: training "
            "starts from a zero initial state.")
    history = _train(run, config, sess, model, train, post.answer0_sequence, "answer 0")
    learned = claims.state_values(sess, model.init_state)
    run.claim(claims.check_a0_initial_state_moves(before, learned))

    losses = _first_chunk_losses(run, sess, model, held_out, learned, "answer 0")
    run.claim(claims.check_a0_learned_beats_zero(losses["learned"].mean(), losses["zero"].mean(), config.min_gain))

    run.claim(claims.check_a0_propagate_matches_unbroken(
        *claims.carry_parity(sess, model, held_out.inputs[0], learned, model.propagate_state)))

    run.claim(claims.check_a0_model_step_keeps_state(
        claims.effect_of_one_step(sess, model, model.train_nn_step, held_out)))
    run.claim(claims.check_a0_combined_step_changes_both(
        claims.effect_of_one_step(sess, model, model.train_nn_state_step, held_out)))
    today = modern_parity.parity_claims(sess, model, held_out)  # recorded at the end, as the recipe's last part
    sess.close()
    return dict(history=history, before=before, learned=learned, first_chunk=losses, today=today)


def answer1(run, config, train, held_out):
    run.log(f"\n== Answer 1: alternate every {config.phase_sequences} sequences between training the "
            "initial state (model frozen) and the model (state frozen)")
    graph, model = post.build(post.Answer1Graph, config, run.seed)
    run.write_graph(graph, "answer1")
    sess = tftools.start_session(graph)
    history = _train(run, config, sess, model, train, post.answer1_schedule(config.phase_sequences),
                     "answer 1")
    learned = claims.state_values(sess, model.init_state)
    losses = _first_chunk_losses(run, sess, model, held_out, learned, "answer 1")
    run.claim(claims.check_a1_learned_beats_zero(losses["learned"].mean(), losses["zero"].mean(), config.min_gain))

    run.claim(claims.check_a1_state_phase_freezes_model(
        claims.effect_of_one_step(sess, model, model.train_state_step, held_out)))
    run.claim(claims.check_a1_model_phase_freezes_state(
        claims.effect_of_one_step(sess, model, model.train_nn_step, held_out)))
    sess.close()
    return dict(history=history, learned=learned, first_chunk=losses)


def answer2(run, config, train, held_out):
    run.log("\n== Answer 2: the question's graph, the final state assigned back into the state variables "
            "(the answer says 'another state variable', but its code assigns into state_c/state_h)")
    graph, model = post.build(post.Answer2Graph, config, run.seed)
    run.write_graph(graph, "answer2")
    run.claim(claims.check_a2_init_no_gradient(model.total_loss, model.init_state))
    sess = tftools.start_session(graph)
    history = _train(run, config, sess, model, train, post.answer2_sequence, "answer 2")
    init = claims.state_values(sess, model.init_state)
    run.claim(claims.check_a2_init_stays_zero(init))

    carried = claims.state_values(sess, model.state)  # where training left it: nothing resets it
    run.claim(claims.check_a2_state_carries_over(
        *claims.carry_parity(sess, model, held_out.inputs[0], carried, model.trained_state)))
    run.log("Answer 2 does not answer the question: it carries the state from chunk to chunk, which "
            "the question's control dependencies already did, and never uses init_c/init_h, so "
            "they get no gradient and stay exactly zero, just as in the question.")
    losses = _first_chunk_losses(run, sess, model, held_out, init, "answer 2")
    sess.close()
    return dict(history=history, learned=init, first_chunk=losses)


# ---------------------------------------------------------------------------- plots

def _block_means(values, block):
    """Means over consecutive blocks of sequences, skipping the chunks a variant did not train on."""
    blocks = [values[i:i + block] for i in range(0, len(values), block)]
    return [np.nanmean(b) if np.isfinite(b).any() else np.nan for b in blocks]


def plot_losses(run, results, config):
    block = 2 * config.phase_sequences  # whole answer-1 cycles, so every block has model-phase chunks
    fig, (first, rest) = matplotlib_figure(1, 2, figsize=(12, 4), sharey=True)
    for variant in VARIANTS:
        history = results[variant]["history"]
        x = np.arange(0, len(history), block) + min(block, len(history)) / 2
        first.plot(x, _block_means(history[:, 0], block), marker=".", label=variant)
        rest.plot(x, _block_means(history[:, 1:].mean(axis=1), block), marker=".", label=variant)
    first.set(title="first chunk of each sequence (where the initial state acts)",
              xlabel="training sequence", ylabel=f"training loss, mean over {block} sequences")
    rest.set(title="the other chunks (answer 1: model phases only)", xlabel="training sequence")
    legend_below(first, columns=4)
    run.save_plot(fig, "loss.png", "Training loss per variant, on each sequence's first chunk (left) "
                  "and on its other chunks (right), averaged over blocks of sequences.")


def plot_initial_states(run, results):
    columns = {"before training (all variants)": results["answer 0"]["before"],
               "after: answer 0": results["answer 0"]["learned"],
               "after: answer 1": results["answer 1"]["learned"],
               "after: question (and answer 2)": results["question"]["learned"]}
    limit = max(float(np.max(np.abs(v))) for state in columns.values() for v in state) or 1.0
    fig, axes = matplotlib_figure(2, len(columns), figsize=(4 * len(columns), 6), squeeze=False,
                                  sharex=True, sharey=True, layout="constrained")
    for col, (title, state) in enumerate(columns.items()):
        axes[0, col].set_title(title)
        axes[1, col].set_xlabel("unit")
        for row, values in enumerate(state):
            image = axes[row, col].imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for row, part in enumerate(("init_c", "init_h")):
        axes[row, 0].set_ylabel(f"{part}: batch row")
    fig.colorbar(image, ax=axes, shrink=0.8, label="state value")
    run.save_plot(fig, "initial_state.png", "The initial state (init_c, init_h: batch rows x units) "
                  "before and after training. Answers 0 and 1 learn a different start for each row; "
                  "the question's and answer 2's stay exactly zero.")


def plot_first_chunk(run, results, config):
    fig, (bars, steps) = matplotlib_figure(1, 2, figsize=(12, 4))
    x = np.arange(len(VARIANTS))
    for offset, start in ((-0.2, "zero"), (0.2, "learned")):
        means = [results[v]["first_chunk"][start].mean() for v in VARIANTS]
        bars.bar(x + offset, means, width=0.4, label=f"{start} initial state")
    bars.set_xticks(x, [f"{v}\n(init stays 0)" if v in ("question", "answer 2") else v for v in VARIANTS])
    bars.set(title="held-out first-chunk loss, dropout off", xlabel="variant", ylabel="softmax cross-entropy")
    legend_below(bars, drop=0.28)  # under the two-line tick labels and the x label
    for start in ("zero", "learned"):
        steps.plot(results["answer 0"]["first_chunk"][start], marker="o", label=f"answer 0, {start} state")
    steps.set(title="answer 0: loss per step of the first chunk", xlabel="time step in the chunk",
              ylabel="softmax cross-entropy")
    steps.axvspan(-0.3, config.delay - 0.7, color="grey", alpha=0.15, label="targets from the hidden prefix")
    legend_below(steps)
    run.save_plot(fig, "first_chunk.png", "Held-out first-chunk loss starting from a zero versus the "
                  "learned initial state, per variant (left) and per step for answer 0 (right): the "
                  "gain is on the steps whose targets only the initial state can know.")


# --- the deviations from the post, and why (last, as in the report) ---------------------------

DEVIATIONS = [
    "The post has no data. We generate it (seeded): each of the 10 batch rows is a stream of "
    "random symbols, input = one-hot symbol plus one noise channel (6 dims), target = the symbol "
    "seen 2 steps earlier (5 classes). The first 2 targets of every sequence are the row's fixed, "
    "hidden prefix, which only a learned per-row initial state can supply.",
    "`lstm_input` and `targets` are placeholders fed one chunk at a time (the post leaves them "
    "undefined; answer 2 used tf.random_normal as a stand-in for data).",
    "The DropoutWrapper's output_keep_prob is placeholder_with_default(0.7) instead of the constant "
    "0.7: training runs at 0.7 as posted, evaluation and the parity checks feed 1.0.",
    "The question and answer 2 show no loss or optimizer. Both get answer 0's head (dense ReLU to 5 "
    "logits, softmax_cross_entropy_with_logits_v2, reduce_mean) and AdamOptimizer().minimize over "
    "all trainable variables, which includes init_c and init_h.",
    "Answer 0's `error` (undefined in the answer) is total_loss. Its nested var_list "
    "[nn_vars, state_vars] is kept as posted: tf.compat.v1's Optimizer.compute_gradients flattens "
    "var_list with nest.flatten (TF 1.x's did too), so no change was needed.",
    "The question's and answers' tf.group([...]) with a list is kept as posted: tf.group flattens "
    "its inputs in 2.21 (and the asker and answer 0 report running it).",
    "Answer 1 is prose. It is built on answer 0's graph with one Adam for the state alone and one "
    "for the model alone, alternating every 25 sequences (100 with --full), state phase first as "
    "the answer says; a state phase trains on each sequence's first chunk only, since an assign "
    "cuts the gradient from later chunks to the initial state.",
    "Answer 2 does not say when to run `trained_state`: we run it after each training step, as "
    "answer 0 runs propagate_state. Nothing in answer 2 resets the state between sequences, so "
    "none is done.",
    "dynamic_rnn gets parallel_iterations=1 (default 32), and sessions one intra-op and one "
    "inter-op thread. With parallel iterations the DropoutWrapper's masks, drawn by one stateful "
    "random op inside the loop, go to time steps in an order that depends on thread timing: on a "
    "loaded machine every run gave different numbers. The maths is unchanged. TF 2.x also derives "
    "op seeds differently from TF 1.x; the post prints no numbers anyway.",
    "Sizes are the post's (batch 10, 20 units, 5 steps per chunk, 6 input dims, 5 classes). The "
    "training length is ours: 1000 sequences of 4 chunks (3000 of 8 with --full).",
    "With --cell block the post's BasicLSTMCell becomes the fused LSTMBlockCell on the same variables "
    "(same names, shapes and gate layout). The parity checks still compare with one unbroken "
    "dynamic_rnn of a BasicLSTMCell, so they also show that the two cells compute the same outputs.",
]
