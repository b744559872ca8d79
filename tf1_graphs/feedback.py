"""Document 002, "feed RNN output back to input": the asker's sine LSTM and the answers' ways
of feeding an RNN's output back in, as TF 1.x graphs.

- The asker: 100 samples of sin over [0, 10], a 5-unit BasicLSTMCell in float64 under
  `dynamic_rnn`, one tanh unit on top, target `np.roll(x, 1)`, Adam for 1001 steps; then a
  sampling loop that feeds the whole growing sequence to a rebuilt model at every step.
- Answer 1: time dimension None and a feedable `initial_state`, then one `session.run`
  per generated step, feeding the previous prediction and state.
- Answer 2: carry the state between truncated chunks (a) through Python, as the PTB
  tutorial does, or (b) in non-trainable variables written back by assign ops, as tensorpack does.
- Answer 3: `self_feeding_rnn`, a `tf.while_loop` that feeds the output back inside the graph.

The answers share answer 1's trained weights: their graphs are built in the same tf.Graph
under `variable_scope("sine", reuse=True)`, as the PTB tutorial builds its evaluation model.

`config.cell = "block"` builds every LSTM as the fused LSTMBlockCell instead.  Its kernel
exists for float16 and float32 only, so that model runs in float32 (see `data_type`).
"""
import time
from collections import namedtuple

import numpy as np

from tf1_graphs import seeded_graph, tf
from tf1_graphs.cells import lstm_cell
from tf1_graphs.claims import check_bit_exact, check_close, check_that, describe_error
from tf1_graphs.timing import time_side_by_side

QUESTION = "002, question"
ANSWER_1 = "002, answer 1"
ANSWER_2 = "002, answer 2"
ANSWER_3 = "002, answer 3"

# How far two graphs that compute the same values may disagree, by the model's dtype.
# float64: predictions that go through a matmul over a different number of rows (one step
# against the whole sequence) may differ in the last bit; 1e-12 leaves room for that
# round-off to travel through a few hundred fed-back steps and nothing more.
# float32 (the fused cell's model): TensorFlow's oneDNN kernels, used for float32 and not for
# float64, also round answer 3's while_loop and answer 1's loop differently in the last bit
# (bit-identical with TF_ENABLE_ONEDNN_OPTS=0); over 1000 fed-back steps, seeds 0-2, the
# largest difference was 1.4e-6.
ROUND_OFF_ATOL = {tf.float64: 1e-12, tf.float32: 1e-5}


class QuickConfig:
    """The post's model and training; the sampling and generation loops shortened."""
    n_samples = 100
    state_size = 5
    forget_bias = 1.0
    train_steps = 1001
    converged_by = 500        # "converges within about 500 iterations"
    converged_fraction = 0.9  # of the loss's whole fall that must be done by then
    sampling_steps = 200      # the asker's loop re-runs the whole prefix: quadratic cost
    generate_steps = 300      # answers 1 and 3
    chunk_length = 25         # answer 2's truncated chunks
    timing_steps = 200
    timing_repeats = 5
    cell = "basic"            # the post's BasicLSTMCell; "block": the fused LSTMBlockCell (tf1_graphs.cells)


class FullConfig(QuickConfig):
    """The document's own numbers: the asker's 1000-step sampling loop."""
    sampling_steps = 1000
    generate_steps = 1000
    timing_steps = 1000
    timing_repeats = 7


def data_type(config):
    """The post's float64, or float32 for the fused cell, whose kernel has no float64 version."""
    return tf.float64 if config.cell == "basic" else tf.float32


def round_off_atol(config):
    return ROUND_OFF_ATOL[data_type(config)]


def while_loop_atol(config):
    """None (bit-exact) in float64; in float32 oneDNN's round-off, so `round_off_atol`."""
    return None if data_type(config) == tf.float64 else round_off_atol(config)


# --- data -----------------------------------------------------------------------------------

SineData = namedtuple("SineData", "grid sine zeros previous following")


def sine_data(n_samples, dtype=tf.float64):
    """The post's arrays, all [1, n, 1] of `dtype`: sin over [0, 10], the zero input, and two targets.

    `previous` is the post's `np.roll(x, 1)`: at step t the value of step t - 1 (step 0 gets
    the last sample).  `following` is the next value of the wave, the target a generator needs.
    """
    grid = np.linspace(0, 10, n_samples)
    sine = np.sin(grid)[None, :, None].astype(dtype.as_numpy_dtype)
    following = np.sin(grid + (grid[1] - grid[0]))[None, :, None].astype(dtype.as_numpy_dtype)
    return SineData(grid, sine, np.zeros_like(sine), np.roll(sine, 1), following)


def true_continuation(grid, steps):
    """sin at the `steps` grid points after the last sample, spaced like the data."""
    step = grid[1] - grid[0]
    return np.sin(grid[-1] + step * np.arange(1, steps + 1))


def samples_per_period(grid):
    return int(round(2 * np.pi / (grid[1] - grid[0])))


def two_primes(grid, shift=1.5):
    """A batch of 2 primes, [2, n, 1]: the wave, and the wave `shift` later."""
    return np.stack([np.sin(grid), np.sin(grid + shift)])[:, :, None]


# --- graphs ----------------------------------------------------------------------------------

SineModel = namedtuple("SineModel", "cell inputs initial_state outputs final_state prediction loss train_op")
Sampler = namedtuple("Sampler", "values outputs prediction")
Asker = namedtuple("Asker", "model sampler init")
VariableState = namedtuple("VariableState", "inputs state prediction reset")
SelfFeeding = namedtuple("SelfFeeding", "prime steps generated")
Answers = namedtuple("Answers", "model variable_state self_feeding self_feeding_original init")


def build_graph(seed, build, *args):
    """A fresh tf.Graph holding `build(*args)`, seeded once it is the default (the seeding trap)."""
    with seeded_graph(seed) as graph:
        return graph, build(*args)


def _readout(outputs, scope=None):
    """The post's readout: `fully_connected` to one tanh unit, on every step's LSTM output."""
    return tf.contrib.layers.fully_connected(outputs, 1, activation_fn=tf.tanh, scope=scope)


def _sum_of_squares(prediction, target, n_samples):
    """The post's loss: the sum of squared errors over 2n."""
    return tf.reduce_sum(tf.pow(prediction - target, 2)) / (2 * n_samples)


def build_asker_model(config, data):
    """The question's graph: fixed length n, zero input by default, target `np.roll(x, 1)`.

    Built in `variable_scope("sine")`: the post's sampling code reopens that scope with
    reuse=True, which only finds the trained readout if the model was built there.
    """
    with tf.variable_scope("sine"):
        cell = lstm_cell(config.cell, config.state_size, forget_bias=config.forget_bias)
        inputs = tf.placeholder_with_default(data.zeros, [None, config.n_samples, 1])
        outputs, final_state = tf.nn.dynamic_rnn(inputs=inputs, cell=cell, dtype=data_type(config))
        prediction = _readout(outputs)
        loss = _sum_of_squares(prediction, data.previous, config.n_samples)
    train_op = tf.train.AdamOptimizer().minimize(loss)
    return SineModel(cell, inputs, None, outputs, final_state, prediction, loss, train_op)


def build_asker_sampler(config, cell):
    """The question's sampling graph: the model rebuilt under reuse on a shapeless placeholder."""
    with tf.variable_scope("sine", reuse=True):
        values = tf.placeholder(data_type(config), name="X_test")
        outputs, _ = tf.nn.dynamic_rnn(cell, tf.reshape(values, [1, -1, 1]), dtype=data_type(config))
        return Sampler(values, outputs, _readout(outputs))


def build_asker(config, data):
    model = build_asker_model(config, data)
    sampler = build_asker_sampler(config, model.cell)
    return Asker(model, sampler, tf.global_variables_initializer())


def build_answer1_model(config, data, state_dtype=None):
    """Answer 1's graph: time dimension None and `initial_state` handed to `dynamic_rnn`.

    The zero state takes its batch size from the input, so any batch and any length can be
    fed, and feeding `initial_state` continues from a state fetched earlier.  As printed the
    answer makes that state float32 (`state_dtype`), which a float64 model refuses.  Trained
    on the sine input towards the next value (`data.following`), so its output can be its next input.
    """
    with tf.variable_scope("sine"):
        cell = lstm_cell(config.cell, config.state_size, forget_bias=config.forget_bias)
        inputs = tf.placeholder_with_default(data.zeros, [None, None, 1])
        initial_state = cell.zero_state(tf.shape(inputs)[0], dtype=state_dtype or data_type(config))
        outputs, final_state = tf.nn.dynamic_rnn(inputs=inputs, cell=cell, dtype=data_type(config),
                                                 initial_state=initial_state)
        prediction = _readout(outputs)
        loss = _sum_of_squares(prediction, data.following, config.n_samples)
    train_op = tf.train.AdamOptimizer().minimize(loss)
    return SineModel(cell, inputs, initial_state, outputs, final_state, prediction, loss, train_op)


def answer1_as_printed_error(state_dtype=tf.float32):
    """Build answer 1's graph for the post's model (float64 BasicLSTMCell, QuickConfig's sizes,
    whatever cell a run uses) with the zero state's dtype as printed; returns the error, or None."""
    with tf.Graph().as_default():
        try:
            build_answer1_model(QuickConfig, sine_data(QuickConfig.n_samples), state_dtype)
        except (TypeError, ValueError) as error:
            return error
    return None


def build_variable_state_head(cell, config, batch_size=1):
    """Answer 2 (b), tensorpack's way: the state lives in non-trainable variables.

    They are the initial state; assign ops write the final state back, and the prediction
    is taken under control dependencies on those assigns, so fetching it advances the state
    and no state passes through Python.  `reset` zeroes the variables.
    """
    dtype = data_type(config)
    with tf.variable_scope("carried_state"):
        zeros = tf.zeros_initializer()
        c = tf.get_variable("c", [batch_size, config.state_size], dtype, zeros, trainable=False)
        h = tf.get_variable("h", [batch_size, config.state_size], dtype, zeros, trainable=False)
    with tf.variable_scope("sine", reuse=True):
        inputs = tf.placeholder(dtype, [batch_size, None, 1], name="chunk")
        state = tf.nn.rnn_cell.LSTMStateTuple(c, h)
        outputs, final_state = tf.nn.dynamic_rnn(cell, inputs, initial_state=state)
        write_back = [tf.assign(c, final_state.c), tf.assign(h, final_state.h)]
        with tf.control_dependencies(write_back):
            prediction = tf.identity(_readout(outputs))
    reset = tf.group(tf.assign(c, tf.zeros_like(c)), tf.assign(h, tf.zeros_like(h)), name="reset_state")
    return VariableState(inputs, state, prediction, reset)


def self_feeding_rnn(cell, seqlen, Hin, Xin, processing=tf.identity, original_reshape=False):
    """Answer 3: unroll `cell` in a tf.while_loop, feeding `processing(output)` back as input.

    The processed outputs go into a TensorArray, stacked time-major [seqlen, batch, depth].
    The gist then reshapes that to [batch, seqlen, depth] (`original_reshape`), which
    interleaves the batch rows unless the batch is 1; a transpose is the fix.
    Returns (processed outputs [batch, seqlen, depth], final state).
    """
    depth = tf.shape(Xin)[-1]
    written = tf.TensorArray(dtype=Xin.dtype, size=seqlen)

    def step(i, state, x, written):
        output, state = cell(x, state)
        x = processing(output)
        return i + 1, state, x, written.write(i, x)

    _, final_state, _, written = tf.while_loop(lambda i, *_: i < seqlen, step, (0, Hin, Xin, written))
    time_major = written.stack()
    if original_reshape:
        return tf.reshape(time_major, (-1, seqlen, depth)), final_state
    return tf.transpose(time_major, [1, 0, 2]), final_state


def build_self_feeding_head(config, cell, original_reshape=False):
    """Answer 3 in one graph: run the prime, then generate `steps` values in a while_loop.

    The first value is the prediction after the prime, as in answer 1's first run; the
    other `steps - 1` come from `self_feeding_rnn`, with the trained readout as `processing`.
    """
    with tf.variable_scope("sine", reuse=True):
        prime = tf.placeholder(data_type(config), [None, None, 1], name="prime")
        steps = tf.placeholder(tf.int32, [], name="steps")
        zero_state = cell.zero_state(tf.shape(prime)[0], data_type(config))
        outputs, state = tf.nn.dynamic_rnn(cell, prime, initial_state=zero_state)
        processing = lambda output: _readout(output, scope="fully_connected")  # noqa: E731
        first = processing(outputs)[:, -1]
        rest, _ = self_feeding_rnn(cell, steps - 1, state, first, processing, original_reshape)
        generated = tf.concat([first[:, None], rest], axis=1)
    return SelfFeeding(prime, steps, generated)


def build_answers(config, data):
    """Answer 1's model, plus answer 2 (b)'s and answer 3's graphs on the same weights."""
    model = build_answer1_model(config, data)
    variable_state = build_variable_state_head(model.cell, config)
    with tf.name_scope("answer3"):
        self_feeding = build_self_feeding_head(config, model.cell)
    with tf.name_scope("answer3_original_reshape"):
        original = build_self_feeding_head(config, model.cell, original_reshape=True)
    return Answers(model, variable_state, self_feeding, original, tf.global_variables_initializer())


# --- running them ----------------------------------------------------------------------------

def train(session, model, feed, steps, log=None, every=250):
    """The post's loop: `steps` Adam steps on the whole sequence; returns the loss before each."""
    losses = np.empty(steps)
    for i in range(steps):
        losses[i], _ = session.run([model.loss, model.train_op], feed)
        if log and i % every == 0:
            log(f"  step {i:4d}  loss {losses[i]:.5f}")
    return losses


def whole_prediction(prediction):
    """What the post appends after each call: the whole [1, k, 1] prediction, as one value."""
    return prediction


def last_prediction(prediction):
    """The fix: append the prediction for the newest step only."""
    return prediction[0, -1, 0]


SamplingRun = namedtuple("SamplingRun", "values calls seconds")


def sample_growing_prefix(session, sampler, steps, keep=last_prediction):
    """The question's loop: start from [0.] and feed the whole sequence so far at every step.

    Returns the values (the seed and one per step), every call's LSTM outputs and each
    call's duration.  With `keep=whole_prediction` it is the loop as printed.
    """
    values, calls, seconds = [0.], [], []
    for _ in range(steps):
        start = time.perf_counter()
        outputs, prediction = session.run([sampler.outputs, sampler.prediction],
                                          {sampler.values: np.array(values)[None, :, None]})
        seconds.append(time.perf_counter() - start)
        calls.append(outputs[0])
        values.append(keep(prediction))
    return SamplingRun(np.array(values), calls, np.array(seconds))


def printed_loop_error(session, sampler, steps=3):
    """Run the question's loop as printed; returns the error it stops on, or None."""
    try:
        sample_growing_prefix(session, sampler, steps, keep=whole_prediction)
    except ValueError as error:
        return error
    return None


def fetches(model):
    return {"final_state": model.final_state, "prediction": model.prediction}


def generate_by_feeding(session, model, prime, steps):
    """Answer 1's loop: run the prime, then feed each prediction back with the state, one run a step.

    Returns the `steps` generated values [batch, steps, 1]: the prediction after the prime,
    then one per `session.run`.
    """
    out = session.run(fetches(model), {model.inputs: prime})
    outputs = [out["prediction"][:, -1:]]
    next_state = out["final_state"]
    for _ in range(1, steps):
        out = session.run(fetches(model), {model.inputs: outputs[-1], model.initial_state: next_state})
        outputs.append(out["prediction"])
        next_state = out["final_state"]
    return np.concatenate(outputs, axis=1)


def step_through(session, model, sequence, carry=True):
    """Feed `sequence` one step per `session.run`, the state fed back (or, if not `carry`, dropped).

    Returns (LSTM outputs, predictions), each [batch, time, ...], to set against one run.
    """
    return run_in_chunks(session, model, sequence, 1, carry)


def run_in_chunks(session, model, sequence, chunk_length, carry=True):
    """Answer 2 (a), the PTB tutorial's way: fetch the final state, feed it to the next chunk.

    `state = session.run(initial_state)` starts at zeros; each chunk feeds the state's c and h
    and fetches the final state.  Without `carry` every chunk starts from zeros again.
    Returns (LSTM outputs, predictions) of all chunks, joined along time.
    """
    zero_state = session.run(model.initial_state, {model.inputs: sequence[:, :1]})
    state, outputs, predictions = zero_state, [], []
    for start in range(0, sequence.shape[1], chunk_length):
        feed = {model.inputs: sequence[:, start:start + chunk_length],
                model.initial_state.c: state.c, model.initial_state.h: state.h}
        output, prediction, state = session.run(
            [model.outputs, model.prediction, model.final_state], feed)
        outputs.append(output)
        predictions.append(prediction)
        if not carry:
            state = zero_state
    return np.concatenate(outputs, axis=1), np.concatenate(predictions, axis=1)


def one_run(session, model, sequence):
    """The whole sequence in one `session.run` from the zero state: (outputs, final state, predictions)."""
    return session.run([model.outputs, model.final_state, model.prediction], {model.inputs: sequence})


ChunksInGraph = namedtuple("ChunksInGraph", "predictions states")


def run_in_chunks_in_graph(session, head, sequence, chunk_length, reset_between=False):
    """Answer 2 (b): each chunk is one `session.run` feeding only the chunk and fetching only
    the prediction; the state advances in the graph.

    After each chunk the state variables are read, in a separate run, only so that a check
    can set them against one unbroken run.  `reset_between` zeroes them before every chunk.
    """
    predictions, states = [], []
    for start in range(0, sequence.shape[1], chunk_length):
        if reset_between:
            session.run(head.reset)
        predictions.append(session.run(head.prediction, {head.inputs: sequence[:, start:start + chunk_length]}))
        states.append(session.run(head.state))
    return ChunksInGraph(np.concatenate(predictions, axis=1), states)


def generate_in_graph(session, head, prime, steps):
    """Answer 3: the prime and all `steps` generated values in one `session.run`."""
    return session.run(head.generated, {head.prime: prime, head.steps: steps})


# --- timing (reported, never pass/fail) -------------------------------------------------------

def time_generation(session, answers, prime, steps, repeats):
    """Seconds per run of answer 1's feed_dict loop and of answer 3's while_loop, side by side.

    Both generate `steps` values from the same prime: {"feed_dict_loop": summary, "in_graph": summary}.
    """
    return time_side_by_side({
        "feed_dict_loop": lambda: generate_by_feeding(session, answers.model, prime, steps),
        "in_graph": lambda: generate_in_graph(session, answers.self_feeding, prime, steps)}, repeats)


def describe_timing(timing, steps):
    loop, graph = (1e6 * timing[k]["median"] / steps for k in ("feed_dict_loop", "in_graph"))
    return (f"answer 1 feed_dict loop {loop:.0f} us/step, answer 3 while_loop {graph:.1f} us/step: "
            f"in-graph is {loop / graph:.1f}x faster ({steps} steps, median of "
            f"{len(timing['in_graph']['samples'])})")


# --- checks: each returns a Claim; the recipe and the tests use the same ones ----------------

def fraction_fallen_by(losses, step):
    """How much of the loss's fall over the whole run is done by `step` (1 = all of it)."""
    return float((losses[0] - losses[step]) / (losses[0] - losses[-1]))


def check_converges(id, input_name, losses, config):
    fraction = fraction_fallen_by(losses, config.converged_by)
    return check_that(
        id, QUESTION, f"Trained on the {input_name} input, the model converges within about "
                      f"{config.converged_by} iterations.",
        f"fraction of the loss's fall from step 0 to step {len(losses) - 1} already done at step "
        f"{config.converged_by}: (L[0] - L[{config.converged_by}]) / (L[0] - L[end])",
        f">= {config.converged_fraction:g}",
        f"{fraction:.3f} (loss {losses[0]:.4f} -> {losses[config.converged_by]:.4f} -> {losses[-1]:.4f})",
        fraction >= config.converged_fraction)


def check_printed_loop_fails(error):
    observed = "ran without error" if error is None else describe_error(error)
    return check_that(
        "question-loop-appends-whole-array", QUESTION,
        "The printed sampling loop appends each whole prediction array as one value, "
        "so the next np.array(test_vals) cannot be built.",
        "run the loop as printed for 3 calls; the error must be np.array's ragged-sequence one",
        "a ValueError from np.array (inhomogeneous shape)", observed,
        isinstance(error, ValueError) and "inhomogeneous" in str(error))


def check_reruns_prefix(sampling, whole_outputs):
    """Call k must return k LSTM outputs, bit-identical to the first k of one zero-state run of
    the final sequence: it started again from the zero state and re-ran the whole prefix."""
    n = len(sampling.calls)
    lengths_ok = [len(call) for call in sampling.calls] == list(range(1, n + 1))
    same = lengths_ok and all(np.array_equal(call, whole_outputs[:len(call)]) for call in sampling.calls)
    return check_that(
        "question-loop-reruns-prefix", QUESTION,
        "Every call of the sampling loop starts again from a zero state and re-runs the whole "
        f"prefix, so N values cost N(N+1)/2 cell steps ({n * (n + 1) // 2} for N = {n}), not N.",
        "call k returns the LSTM outputs of k steps; each set against the first k of one "
        "zero-state run over the final sequence, element-wise equality",
        f"lengths 1..{n}, bit-identical",
        f"lengths {f'1..{n}' if lengths_ok else 'differ'}, {'bit-identical' if same else 'different'}",
        same)


def sampler_of(model):
    """Answer 1's model seen as the question's sampler: its input takes the growing sequence as is."""
    return Sampler(model.inputs, model.outputs, model.prediction)


def check_prefix_loop_equals_stepping(prefix_values, stepped, atol):
    n = len(stepped)
    return check_close(
        "question-loop-equals-answer1-loop", f"{QUESTION}; {ANSWER_1}",
        "The question's loop keeps the continuity by recomputing it: it generates what answer 1's "
        f"loop generates with the state carried over, at N(N+1)/2 cell steps instead of N.",
        prefix_values, stepped, atol,
        method=f"both loops on answer 1's trained model from the seed 0, {n} generated values; "
               "max |diff| (the readout's matmul over k rows against 1 row may round differently)")


def check_printed_answer1_fails(error):
    observed = "built without error" if error is None else describe_error(error)
    return check_that(
        "answer1-printed-state-dtype-fails", ANSWER_1,
        "As printed, answer 1's float32 zero state does not fit the float64 model.",
        "build the answer's graph with `zero_state(batch_size, dtype=tf.float32)`; the error "
        "must name both float64 and float32",
        "graph construction raises a float64/float32 mismatch", observed,
        error is not None and "float64" in str(error) and "float32" in str(error))


def check_steps_match_sequence(stepped, whole):
    return check_bit_exact(
        "answer1-steps-equal-one-run", ANSWER_1,
        "Feeding one step per run, with the state fed back, gives the outputs of the whole "
        "sequence in one run.",
        stepped, whole, method="LSTM outputs at all 100 steps of the sine input, element-wise equality")


def peak_to_peak(values):
    return float(np.ptp(values))


def mean_period(values):
    """Mean distance between upward zero crossings, in steps (inf if it crosses fewer than twice)."""
    up = np.flatnonzero((values[:-1] < 0) & (values[1:] >= 0))
    return float(np.diff(up).mean()) if len(up) > 1 else np.inf


def check_continues_wave(generated, truth, period, period_tolerance=0.1, min_swing=1.5):
    """The generated values must keep the sine's period and still swing fully at the end."""
    generated_period = mean_period(generated)
    last_swing = peak_to_peak(generated[-period:])
    first_error = float(np.max(np.abs(generated[:period] - truth[:period])))
    return check_that(
        "answer1-generation-continues-wave", ANSWER_1,
        "Feeding its output back, the trained model generates the continuation of the wave.",
        f"primed with the 100 samples, {len(generated)} values generated: their period (mean "
        f"distance of upward zero crossings) against sin's {period} steps, and their peak-to-peak "
        "over the last period",
        f"period within {period_tolerance:.0%}; last peak-to-peak >= {min_swing:g}",
        f"period {generated_period:.1f}; last peak-to-peak {last_swing:.2f} "
        f"(max |generated - sin| over the first period: {first_error:.3f})",
        abs(generated_period / period - 1) <= period_tolerance and last_swing >= min_swing)


def check_python_chunks(chunked, unbroken):
    return check_bit_exact(
        "answer2a-python-state-equals-unbroken", ANSWER_2,
        "Fetching the final state to Python and feeding it to the next truncated chunk (the PTB "
        "tutorial's way) gives the outputs of one unbroken run.",
        chunked, unbroken, method="LSTM outputs over the 100 sine samples in chunks of 25, "
                                  "element-wise equality")


def check_graph_chunks(chunked, unbroken, atol):
    return check_close(
        "answer2b-variable-state-equals-unbroken", ANSWER_2,
        "Keeping the state in variables updated by in-graph assign ops (tensorpack's way) gives "
        "the predictions of one unbroken run.",
        chunked, unbroken, atol,
        method="predictions over the 100 sine samples in chunks of 25; max |diff| (the readout's "
               "matmul over 25 rows against 100 may round differently)")


def check_state_in_graph(chunks, unbroken_outputs, unbroken_final, chunk_length):
    """After chunk k the variables must hold the unbroken run's state at step k * chunk_length."""
    boundaries = np.arange(chunk_length, unbroken_outputs.shape[1] + 1, chunk_length) - 1
    held_h = np.stack([state.h for state in chunks.states])
    expected_h = np.stack([unbroken_outputs[:, t] for t in boundaries])
    held = np.concatenate([held_h.ravel(), chunks.states[-1].c.ravel()])
    expected = np.concatenate([expected_h.ravel(), unbroken_final.c.ravel()])
    return check_bit_exact(
        "answer2b-state-stays-in-graph", ANSWER_2,
        "With assign ops under control dependencies the state advances inside the graph: "
        "each chunk's run feeds only the chunk and fetches only the prediction.",
        held, expected,
        method="state variables read after each chunk (h) and after the last (c) against the "
               "unbroken run's h at the chunk boundaries and its final c, element-wise equality")


def check_reset(state_after_reset, replay, first_chunk):
    zero = not np.any(np.concatenate([state_after_reset.c, state_after_reset.h]))
    same = np.array_equal(replay, first_chunk)
    return check_that(
        "answer2b-reset-zeroes-state", ANSWER_2,
        "The grouped reset op returns the carried state to zeros.",
        "run the reset op after all chunks; read the variables; run the first chunk again",
        "variables all zero; first chunk's predictions bit-identical to its first run",
        f"variables {'all zero' if zero else 'not zero'}; first chunk "
        f"{'identical' if same else 'differs'}",
        zero and same)


def _check_same(id, statement, actual, desired, atol, method):
    """Bit-exact when `atol` is None (float64); else within `atol` (float32, see ROUND_OFF_ATOL)."""
    if atol is None:
        return check_bit_exact(id, ANSWER_3, statement, actual, desired, method=f"{method}, element-wise equality")
    return check_close(id, ANSWER_3, statement, actual, desired, atol,
                       method=f"{method}, max |diff| (float32: oneDNN rounds the two graphs differently)")


def check_in_graph_equals_loop(in_graph, loop, atol=None):
    steps = in_graph.shape[1]
    return _check_same(
        "answer3-equals-answer1-loop",
        f"self_feeding_rnn generates the same sequence as answer 1's Python loop with the same "
        f"weights, in one session.run instead of {steps}.",
        in_graph, loop, atol, method=f"{steps} values generated after the same prime")


def check_original_reshape_mixes_rows(original, per_row, wrong_above=0.1):
    diff = float(np.max(np.abs(original - per_row)))
    return check_that(
        "answer3-original-reshape-mixes-rows", ANSWER_3,
        "The gist's final reshape of the time-major stack is wrong for a batch larger than 1.",
        "batch of 2 primes (two phases of the wave); the gist's reshape against answer 1's loop "
        "on the same batch; max |diff|",
        f"> {wrong_above:g} (rows interleaved)", f"{diff:.3g}", diff > wrong_above)


def check_fixed_reshape(fixed, per_row, atol=None):
    return _check_same(
        "answer3-transpose-fixes-batch",
        "With a transpose in place of the reshape, self_feeding_rnn generates every batch row right.",
        fixed, per_row, atol,
        method="batch of 2 primes (two phases of the wave) against answer 1's loop on the same batch")
