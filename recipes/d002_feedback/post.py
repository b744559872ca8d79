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

from recipes.cells import lstm_cell
from recipes.tftools import train_steps
from tf1_graphs import seeded_graph, tf


def data_type(config):
    """The post's float64, or float32 for the fused cell, whose kernel has no float64 version."""
    return tf.float64 if config.cell == "basic" else tf.float32


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


def build(builder, config, data, seed):
    """A fresh tf.Graph holding `builder(config, data)`, seeded once it is the default (the seeding trap)."""
    with seeded_graph(seed) as graph:
        return graph, builder(config, data)


def _readout(outputs, scope=None):
    """The post's readout: `fully_connected` to one tanh unit, on every step's LSTM output."""
    return tf.contrib.layers.fully_connected(outputs, 1, activation_fn=tf.tanh, scope=scope)


def _sum_of_squares(prediction, target, n_samples):
    """The post's loss: the sum of squared errors over 2n."""
    return tf.reduce_sum(tf.pow(prediction - target, 2)) / (2 * n_samples)


def build_asker_model(config, data, rnn=tf.nn.dynamic_rnn):
    """The question's graph: fixed length n, zero input by default, target `np.roll(x, 1)`.

    Built in `variable_scope("sine")`: the post's sampling code reopens that scope with
    reuse=True, which only finds the trained readout if the model was built there.
    `rnn` runs the cell, called as the post calls `dynamic_rnn`; the benchmarks pass other ways.
    """
    with tf.variable_scope("sine"):
        cell = lstm_cell(config.cell, config.state_size, forget_bias=config.forget_bias)
        inputs = tf.placeholder_with_default(data.zeros, [None, config.n_samples, 1])
        outputs, final_state = rnn(inputs=inputs, cell=cell, dtype=data_type(config))
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


def answer1_as_printed_error(config, state_dtype=tf.float32):
    """Build answer 1's graph for `config` with the zero state's dtype as printed; returns the error, or None.

    The recipe passes the post's model (float64 BasicLSTMCell), whatever cell a run uses."""
    with tf.Graph().as_default():
        try:
            build_answer1_model(config, sine_data(config.n_samples), state_dtype)
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
    def log_step(step, loss):
        if log and step % every == 0:
            log(f"  step {step:4d}  loss {loss:.5f}")
    return np.array(train_steps(session, model, steps, lambda step: feed, log_step))


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


def sampler_of(model):
    """Answer 1's model seen as the question's sampler: its input takes the growing sequence as is."""
    return Sampler(model.inputs, model.outputs, model.prediction)


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
