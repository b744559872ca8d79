"""Document 002: how to feed an RNN's output back as its input, on the asker's sine-wave LSTM.

The question trains a 5-unit LSTM on 100 samples of sin and then tries to let it generate
by feeding the whole growing sequence to a rebuilt model at every step.  We rebuild that,
show what the loop really computes, then each answer's way of feeding the output back:
answer 1 steps with the state fed back, answer 2 carries the state between truncated chunks
(through Python, or in variables), answer 3 loops inside the graph with `tf.while_loop`.
"""
import dataclasses
from dataclasses import dataclass

import numpy as np

from recipes import UserError
from recipes.claims import max_abs_diff
from recipes.d002_feedback import claims, modern_parity, post
from recipes.d002_feedback.cli import DOCUMENT, NAME, TITLE, add_arguments  # noqa: F401 (the recipe's names)
from recipes.modern_parity import todays_tensorflow
from recipes.run import legend_below, matplotlib_figure
from recipes.tftools import new_session
from tf1_graphs import tf

SOURCE = ("The question's sine-wave LSTM and its sampling loop, and answers 1 (step by step with "
          "initial_state), 2 (state carried through Python as in the PTB tutorial, or in variables "
          "as in tensorpack) and 3 (self_feeding_rnn, a tf.while_loop)")


# --- the configs ------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuickConfig:
    """The post's model and training; the sampling and generation loops shortened."""
    n_samples: int = 100
    state_size: int = 5
    forget_bias: float = 1.0
    train_steps: int = 1001
    converged_by: int = 500          # "converges within about 500 iterations"
    converged_fraction: float = 0.9  # of the loss's whole fall that must be done by then
    sampling_steps: int = 200        # the asker's loop re-runs the whole prefix: quadratic cost
    generate_steps: int = 300        # answers 1 and 3
    chunk_length: int = 25           # answer 2's truncated chunks
    timing_steps: int = 200
    timing_repeats: int = 5
    cell: str = "basic"              # the post's BasicLSTMCell; "block": the fused LSTMBlockCell (recipes.cells)


@dataclass(frozen=True)
class FullConfig(QuickConfig):
    """The document's own numbers: the asker's 1000-step sampling loop."""
    sampling_steps: int = 1000
    generate_steps: int = 1000
    timing_steps: int = 1000
    timing_repeats: int = 7


@dataclass(frozen=True)
class TestConfig(QuickConfig):
    """For tests and benchmarks: the post's model and training (the claims need them), a short timing."""
    timing_steps: int = 20
    timing_repeats: int = 1


def settings(run):
    """The config for the mode, and how many values to generate (at least one period, to judge a wave)."""
    config = dataclasses.replace(FullConfig() if run.full else QuickConfig(), cell=run.cell)
    run.log_quick_mode(QuickConfig, FullConfig)
    steps = run.options.get("generate_steps") or config.generate_steps
    period = post.samples_per_period(post.sine_data(config.n_samples).grid)
    if steps < period:
        raise UserError(f"--generate-steps {steps} is too short to judge a wave: give at least one "
                        f"period of the sine ({period} steps)")
    return config, steps


def run(run):
    config, generate_steps = settings(run)
    data = post.sine_data(config.n_samples, post.data_type(config))
    the_question(run, config, data)
    graph, answers = post.build(post.build_answers, config, data, run.seed)
    run.write_graph(graph, "answers")
    with new_session(graph) as session:
        session.run(answers.init)
        run.log(f"-- Answer 1's model (time dimension None, feedable initial_state), trained "
                f"{config.train_steps} steps on the sine input towards the next sample")
        post.train(session, answers.model, {answers.model.inputs: data.sine}, config.train_steps, run.log)
        answer_1(run, session, answers, data, config, generate_steps)
        answer_2(run, session, answers, data, config)
        answer_3(run, session, answers, data, config, generate_steps)
        timing(run, session, answers, data, config)
        todays_tensorflow(run, modern_parity, modern_parity.parity_claims(
            session, answers.model, data, generate_steps, forget_bias=config.forget_bias))


# --- the question -------------------------------------------------------------------------

def the_question(run, config, data):
    graph, asker = post.build(post.build_asker, config, data, run.seed)
    run.log(f"-- The question: {config.state_size}-unit LSTM ({type(asker.model.cell).__name__}), "
            f"{post.data_type(config).name}, {config.n_samples} samples of sin over [0, 10], "
            f"target np.roll(x, 1), Adam for {config.train_steps} steps")
    if post.data_type(config) != tf.float64:
        run.log(f"   (not the post's float64: the fused LSTMBlockCell kernel has no float64 version; round-off "
                f"tolerances {claims.round_off_atol(config):g} instead of {claims.ROUND_OFF_ATOL[tf.float64]:g})")
    run.write_graph(graph, "question")
    model = asker.model
    with new_session(graph) as session:
        session.run(asker.init)
        untrained = session.run([model.outputs, model.prediction])
    run.log(f"untrained, on the default zero input: max |LSTM output| = {np.abs(untrained[0]).max():g}, "
            f"max |prediction| = {np.abs(untrained[1]).max():g} (zero input, zero state and zero "
            "biases give exactly 0)")
    trained, sampled = {}, {}
    for input_name, feed in (("zero", {}), ("sine", {model.inputs: data.sine})):
        with new_session(graph) as session:  # a fresh session: the same initial weights
            session.run(asker.init)
            run.log(f"training on the {input_name} input")
            losses = post.train(session, model, feed, config.train_steps, run.log)
            run.claim(claims.check_converges(input_name, losses, config))
            trained[input_name] = (losses, session.run(model.prediction, feed))
            sampled[input_name] = post.sample_growing_prefix(session, asker.sampler, config.sampling_steps)
            if input_name == "zero":  # the post's default
                the_sampling_loop(run, session, asker, sampled[input_name])
    for input_name, sampling in sampled.items():
        tail = sampling.values[len(sampling.values) // 2:]
        run.log(f"the loop on the {input_name}-input model: the second half of its {len(sampling.values)} "
                f"values swings by {claims.peak_to_peak(tail):.3g} (a sine's swing is 2), ending at {tail[-1]:.3f}")
    run.log("whether fed-back values make a wave depends on the model, not on the loop: the question's "
            "model was trained towards the previous sample (np.roll(x, 1)), and on the default input it "
            "never saw anything but zeros")
    plot_question(run, data, untrained, trained)
    plot_sampling(run, sampled)


def the_sampling_loop(run, session, asker, sampling):
    """What the question's loop computes, with numbers: every call starts over from zero."""
    run.claim(claims.check_printed_loop_fails(post.printed_loop_error(session, asker.sampler)))
    whole = session.run(asker.sampler.outputs, {asker.sampler.values: sampling.values[:-1]})[0]
    run.claim(claims.check_reruns_prefix(sampling, whole))
    n = len(sampling.calls)
    run.measure("question's loop, cell steps for N values", f"{n * (n + 1) // 2} for N = {n} (a carried state needs {n})")
    run.measure("question's loop, time per call",
                f"{np.median(sampling.seconds[:10]) * 1e3:.2f} ms for the first 10 calls, "
                f"{np.median(sampling.seconds[-10:]) * 1e3:.2f} ms for the last 10 (prefix length {n})")


# --- the answers ----------------------------------------------------------------------------

def answer_1(run, session, answers, data, config, generate_steps):
    run.log("-- Answer 1: feed one step at a time, with the previous state and output")
    run.claim(claims.check_printed_answer1_fails(post.answer1_as_printed_error(QuickConfig())))
    outputs, _, predictions = post.one_run(session, answers.model, data.sine)
    stepped_outputs, stepped_predictions = post.step_through(session, answers.model, data.sine)
    run.claim(claims.check_steps_match_sequence(stepped_outputs, outputs))
    run.log(f"  (their predictions differ by at most {max_abs_diff(stepped_predictions, predictions):.2g}: "
            "the readout's matmul over 1 row against 100)")
    run.log(f"  generating {generate_steps} values, one run per step with the output fed back")
    generated = post.generate_by_feeding(session, answers.model, data.sine, generate_steps)[0, :, 0]
    truth = post.true_continuation(data.grid, generate_steps)
    run.claim(claims.check_continues_wave(generated, truth, post.samples_per_period(data.grid)))
    plot_generation(run, data, generated, truth)
    prefix = post.sample_growing_prefix(session, post.sampler_of(answers.model), config.sampling_steps)
    stepped = post.generate_by_feeding(session, answers.model, np.zeros((1, 1, 1)), config.sampling_steps)
    run.claim(claims.check_prefix_loop_equals_stepping(prefix.values[1:], stepped[0, :, 0], claims.round_off_atol(config)))


def answer_2(run, session, answers, data, config):
    run.log(f"-- Answer 2: carry the state across truncated chunks of {config.chunk_length} steps")
    outputs, final_state, predictions = post.one_run(session, answers.model, data.sine)
    chunked_outputs, chunked = post.run_in_chunks(session, answers.model, data.sine, config.chunk_length)
    run.claim(claims.check_python_chunks(chunked_outputs, outputs))
    _, dropped = post.run_in_chunks(session, answers.model, data.sine, config.chunk_length, carry=False)
    run.log(f"  (starting every chunk from zeros instead moves predictions by up to "
            f"{max_abs_diff(dropped, predictions):.3f})")
    head = answers.variable_state
    in_graph = post.run_in_chunks_in_graph(session, head, data.sine, config.chunk_length)
    run.claim(claims.check_graph_chunks(in_graph.predictions, predictions, claims.round_off_atol(config)))
    run.claim(claims.check_state_in_graph(in_graph, outputs, final_state, config.chunk_length))
    session.run(head.reset)
    state_after_reset = session.run(head.state)
    replay = post.run_in_chunks_in_graph(session, head, data.sine[:, :config.chunk_length], config.chunk_length)
    run.claim(claims.check_reset(state_after_reset, replay.predictions,
                             in_graph.predictions[:, :config.chunk_length]))
    plot_chunks(run, data, config.chunk_length, predictions, chunked, in_graph.predictions, dropped)


def answer_3(run, session, answers, data, config, generate_steps):
    run.log("-- Answer 3: self_feeding_rnn, the feedback inside one tf.while_loop")
    if claims.while_loop_atol(config) is not None:
        run.log(f"   (float32: oneDNN's kernels round the while_loop's graph and the loop's differently in "
                f"the last bit, so they are compared within {claims.while_loop_atol(config):g}, not bit for bit)")
    run.log(f"  generating {generate_steps} values three times by answer 1's loop and three times in the while_loop")
    loop = post.generate_by_feeding(session, answers.model, data.sine, generate_steps)
    in_graph = post.generate_in_graph(session, answers.self_feeding, data.sine, generate_steps)
    run.claim(claims.check_in_graph_equals_loop(in_graph, loop, claims.while_loop_atol(config)))
    primes = post.two_primes(data.grid)
    per_row = post.generate_by_feeding(session, answers.model, primes, generate_steps)
    original = post.generate_in_graph(session, answers.self_feeding_original, primes, generate_steps)
    fixed = post.generate_in_graph(session, answers.self_feeding, primes, generate_steps)
    run.claim(claims.check_original_reshape_mixes_rows(original, per_row))
    run.claim(claims.check_fixed_reshape(fixed, per_row, claims.while_loop_atol(config)))
    plot_batch(run, per_row, original)


def timing(run, session, answers, data, config):
    run.log(f"-- Timing generation, {config.timing_steps} steps x {config.timing_repeats} repeats "
            "(`make bench` runs the full benchmark)")
    timing = claims.time_generation(session, answers, data.sine[:, :1], config.timing_steps, config.timing_repeats)
    run.measure("generation time per step, answer 1 vs answer 3", claims.describe_timing(timing, config.timing_steps))


# --- plots ----------------------------------------------------------------------------------

def plot_question(run, data, untrained, trained):
    fig, (ax_out, ax_data, ax_fit) = matplotlib_figure(1, 3, figsize=(15, 3.8), gridspec_kw={"wspace": 0.3})
    ax_out.plot(untrained[0][0])
    ax_out.set(title="untrained LSTM output (zero input): all 0", xlabel="step", ylabel="LSTM output (each unit)")
    ax_data.plot(data.sine.squeeze(), label="data: sin over [0, 10]")
    ax_data.plot(untrained[1].squeeze(), label="untrained prediction")
    ax_data.set(title="the data, and the untrained prediction", ylabel="value")
    ax_fit.plot(data.previous.squeeze(), "k", lw=3, alpha=0.3, label="target np.roll(x, 1)")
    for input_name, (_, prediction) in trained.items():
        ax_fit.plot(prediction.squeeze(), label=f"trained on the {input_name} input")
    ax_fit.set(title="trained predictions", ylabel="prediction")
    for ax in (ax_data, ax_fit):
        legend_below(ax, columns=1)
        ax.set_xlabel("step")
    run.save_plot(fig, "question_model.png",
                  "The post's plots: the untrained LSTM output (exactly 0 on the zero input), the data "
                  "with the untrained prediction, and the predictions after 1001 Adam steps.")
    fig, ax = matplotlib_figure(figsize=(7, 4))
    for input_name, (losses, _) in trained.items():
        ax.semilogy(losses, label=f"{input_name} input")
    ax.axvline(500, color="gray", ls=":", label="step 500")
    ax.set_xlabel("Adam step")
    ax.set_ylabel("loss")
    legend_below(ax, columns=3)
    run.save_plot(fig, "question_loss.png", "The question's loss on the zero and the sine input (log scale).")


def plot_sampling(run, sampled):
    fig, (ax_values, ax_time) = matplotlib_figure(1, 2, figsize=(13, 4))
    for input_name, sampling in sampled.items():
        ax_values.plot(sampling.values, label=f"model trained on the {input_name} input")
        ax_time.plot(np.arange(2, len(sampling.seconds) + 1), sampling.seconds[1:] * 1e3, ".", ms=3,
                     label=f"{input_name}-input model")
    ax_values.set_title("the question's loop (append fixed), from [0.]")
    ax_values.set(xlabel="step", ylabel="value fed back")
    legend_below(ax_values)
    ax_time.set_title("each call re-runs the whole prefix (call 1, the set-up, left out)")
    ax_time.set_xlabel("prefix length fed")
    ax_time.set_ylabel("ms per call")
    legend_below(ax_time)
    run.save_plot(fig, "question_sampling.png",
                  "The question's sampling loop: the values it generates from each trained model, and the "
                  "time per call, growing with the prefix (so the whole loop is quadratic).")


def plot_generation(run, data, generated, truth):
    fig, ax = matplotlib_figure(figsize=(12, 4))
    n = len(data.grid)
    ax.plot(np.arange(n), data.sine.squeeze(), "k", label="prime: the 100 samples")
    steps = np.arange(n, n + len(generated))
    ax.plot(steps, truth, "k", lw=3, alpha=0.25, label="true sine")
    ax.plot(steps, generated, label="generated (answer 1, output fed back)")
    ax.set(xlabel="step", ylabel="value")
    legend_below(ax, columns=3)
    run.save_plot(fig, "answer1_generation.png",
                  "Answer 1: the trained model primed with the data, then fed its own output, against the true sine.")


def plot_chunks(run, data, chunk_length, unbroken, chunked, in_graph, dropped):
    fig, ax = matplotlib_figure(figsize=(12, 4))
    ax.plot(unbroken.squeeze(), "k", lw=4, alpha=0.25, label="one unbroken run")
    ax.plot(chunked.squeeze(), label="(a) state through Python")
    ax.plot(in_graph.squeeze(), "--", label="(b) state in variables")
    ax.plot(dropped.squeeze(), ":", label="state dropped at every chunk")
    for boundary in range(chunk_length, len(data.grid), chunk_length):
        ax.axvline(boundary, color="gray", lw=0.5)
    ax.set(xlabel="step", ylabel="prediction")
    legend_below(ax, columns=4)
    run.save_plot(fig, "answer2_chunks.png",
                  f"Answer 2: predictions over chunks of {chunk_length}; carrying the state either way "
                  "matches one unbroken run, dropping it does not.")


def plot_batch(run, per_row, original, shown=60):
    fig, axes = matplotlib_figure(1, 2, figsize=(13, 3.8), sharey=True)
    for row, ax in enumerate(axes):
        ax.plot(per_row[row, :shown, 0], lw=3, alpha=0.4, label="answer 1's loop = answer 3 with transpose")
        ax.plot(original[row, :shown, 0], ".-", ms=3, lw=0.8, label="answer 3 with the gist's reshape")
        ax.set_title(f"batch row {row}")
        ax.set_xlabel("generated step")
        legend_below(ax, columns=1)
    axes[0].set_ylabel("generated value")
    run.save_plot(fig, "answer3_batch.png",
                  f"Answer 3 on a batch of 2 (first {shown} steps): the gist's reshape interleaves the two "
                  "rows; a transpose fixes it.")


# --- the deviations from the post, and why (last, as in the report) ---------------------------

DEVIATIONS = [
    "The question's model is built inside variable_scope('sine') (its Adam outside): the post's "
    "training code shows no scope, but its sampling code reopens 'sine' with reuse=True, which "
    "fails with 'Variable sine/fully_connected/weights does not exist' unless the model was built there.",
    "tf.InteractiveSession and .eval() become a tf.Session per graph, since the recipe builds several graphs.",
    "Training on the sine input (the asker 'also tried' it) feeds X = the sine through the "
    "placeholder_with_default; the two trainings are two sessions on one graph, so they start "
    "from the same weights.",
    "The question's sampling loop appends the newest prediction, not the whole prediction array "
    "(as printed it stops on a ValueError at its second call, shown as a claim); quick mode runs "
    "it for 200 steps, --full for the post's 1000, since its cost grows with the square of the length.",
    "Answer 1 as printed does not run: its zero state is float32 against float64 data (shown as a "
    "claim; we use float64), the batch size reads an undefined `self.input_` (we use tf.shape(X)[0]) "
    "and the fetches name `last_state` where the model defines `last_states`.",
    "Answer 1's model is trained (the answer leaves that to the asker) with the post's loss, Adam "
    "and 1001 steps, on the sine input, but towards the next sample (sin at the next grid point) "
    "rather than the post's np.roll(x, 1), which is the previous sample: a generator must predict "
    "what comes next.",
    "Answer 1's first run is primed with the 100 samples ('put suitable data here') and keeps the "
    "prediction of the prime's last step; it generates 300 values in quick mode, 1000 with --full "
    "(the answer's seq_length is 20).",
    "Answer 2 gives no code: (a) follows the PTB tutorial (state = session.run(initial_state), feed "
    "c and h, fetch final_state) on answer 1's graph; (b) follows tensorpack's PTB-LSTM "
    "(non-trainable state variables, assign ops under control_dependencies, a grouped reset op), "
    "for a batch of 1; both run the 100 samples in chunks of 25 on answer 1's trained weights.",
    "Answer 3's TensorArray takes the input's dtype (the gist's is float32; the model is float64); "
    "`processing` is the trained fully_connected readout; the first value is the prediction after "
    "the prime, computed in the same graph, so it matches answer 1's first run.",
    "Answer 3's final reshape of the time-major stack interleaves the rows of a batch larger than "
    "1; it is replaced by a transpose (the original is kept, and shown wrong, in "
    "answer3_original_reshape).",
    "No seed reproduces the post's TF 1.x numbers (TF 2.x derives op seeds differently).",
    "With --cell block every LSTM is the fused LSTMBlockCell on the post's variables, and the whole model "
    "runs in float32: TensorFlow's LSTMBlockCell kernel exists for float16 and float32 only. The two "
    "round-off tolerances become 1e-5 instead of 1e-12 (float32's last bit, carried through the fed-back "
    "steps). Answer 3's two claims, bit-exact in float64, are checked within 1e-5 too: in float32 "
    "TensorFlow's oneDNN kernels round the while_loop's graph and answer 1's loop differently in the last "
    "bit (about 1e-6 after 1000 steps; BasicLSTMCell in float32 does the same, and both are bit-identical "
    "with TF_ENABLE_ONEDNN_OPTS=0). The other bit-exact claims stay bit-exact. Answer 1's printed float32 "
    "state would fit a float32 model, so that claim is checked on the post's own float64 BasicLSTMCell "
    "model in both runs.",
]
