"""Document 002 (feed an RNN's output back): the graphs, every claim's check, and that each check can fail.

Each claim test runs the check the recipe runs, then breaks the thing the claim is about
(the state carry, the reset, the reshape, the training) and shows that the same check fails.
Tests of a graph's structure build it inline, untrained; the graphs the claims measure are
trained once per module, the answers' once per cell kind (the shared `cell` fixture: the
post's float64 BasicLSTMCell and the fused LSTMBlockCell, in float32), so every answer
test runs for both.
"""
import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest

from recipes import UserError
from recipes.claims import max_abs_diff
from recipes.d002_feedback import claims, post, recipe
from recipes.run import Run
from recipes.tftools import variable_listing
from tf1_graphs import reference, tf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = recipe.TestConfig()
DATA = post.sine_data(CONFIG.n_samples)
SEED = 0


@pytest.fixture(scope="module")
def question():
    """The question's graph trained on each input; the zero-input session kept for the sampling loop."""
    graph, asker = post.build(post.build_asker, CONFIG, DATA, SEED)
    losses = {}
    for input_name, feed in (("sine", {asker.model.inputs: DATA.sine}), ("zero", {})):
        session = tf.Session(graph=graph)
        session.run(asker.init)
        losses[input_name] = post.train(session, asker.model, feed, CONFIG.train_steps)
        if input_name == "sine":
            session.close()
    yield graph, asker, session, losses
    session.close()


@pytest.fixture(scope="module")
def config(cell):
    return dataclasses.replace(CONFIG, cell=cell)


@pytest.fixture(scope="module")
def data(config):
    """The post's arrays in the model's dtype (float32 for the fused cell)."""
    return post.sine_data(config.n_samples, post.data_type(config))


@pytest.fixture(scope="module")
def answers(config, data):
    """Answer 1's model trained as the recipe trains it, with answer 2 (b)'s and answer 3's heads."""
    graph, answers = post.build(post.build_answers, config, data, SEED)
    session = tf.Session(graph=graph)
    session.run(answers.init)
    post.train(session, answers.model, {answers.model.inputs: data.sine}, config.train_steps)
    yield graph, answers, session
    session.close()


def generate_without_state(session, model, prime, steps):
    """Answer 1's loop, broken: every step starts again from the zero state."""
    value = session.run(model.prediction, {model.inputs: prime})[:, -1:]
    values = [value]
    for _ in range(1, steps):
        values.append(session.run(model.prediction, {model.inputs: values[-1]}))
    return np.concatenate(values, axis=1)


# --- data and graphs ---------------------------------------------------------------------------

def test_data_are_the_posts_arrays():
    assert DATA.sine.shape == DATA.zeros.shape == (1, 100, 1) and DATA.sine.dtype == np.float64
    np.testing.assert_array_equal(DATA.previous[0, 1:], DATA.sine[0, :-1])  # np.roll(x, 1)
    assert DATA.previous[0, 0, 0] == DATA.sine[0, -1, 0]
    np.testing.assert_allclose(DATA.following[0, :-1], DATA.sine[0, 1:], atol=1e-15)
    assert post.samples_per_period(DATA.grid) == 62


def test_question_graph_variables(config, data):
    """The question's graph, built inline: the post's four variables, named, shaped and ordered as
    printed, in the model's dtype (the post's float64; float32 for the fused kernel)."""
    graph, asker = post.build(post.build_asker, config, data, SEED)
    assert type(asker.model.cell).__name__ == {"basic": "BasicLSTMCell", "block": "LSTMBlockCell"}[config.cell]
    trainable = graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)
    assert variable_listing(trainable) == [
        ("sine/rnn/basic_lstm_cell/kernel:0", (6, 20)), ("sine/rnn/basic_lstm_cell/bias:0", (20,)),
        ("sine/fully_connected/weights:0", (5, 1)), ("sine/fully_connected/biases:0", (1,))]
    assert {v.dtype.base_dtype for v in trainable} == {{"basic": tf.float64, "block": tf.float32}[config.cell]}


def test_fresh_sessions_start_from_the_same_weights():
    """The zero- and the sine-input trainings run in two sessions of one graph: same start."""
    graph, asker = post.build(post.build_asker, CONFIG, DATA, SEED)
    starts = []
    for _ in range(2):
        with tf.Session(graph=graph) as session:
            session.run(asker.init)
            starts.append(session.run(graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)))
    for first, second in zip(*starts):
        np.testing.assert_array_equal(first, second)


def test_answers_share_one_set_of_weights(config, data):
    graph, _ = post.build(post.build_answers, config, data, SEED)
    trainable = sorted(v.op.name for v in graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES))
    assert trainable == ["sine/fully_connected/biases", "sine/fully_connected/weights",
                         "sine/rnn/basic_lstm_cell/bias", "sine/rnn/basic_lstm_cell/kernel"]
    state = [v.op.name for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) if "carried_state" in v.op.name]
    assert state == ["carried_state/c", "carried_state/h"]


def test_sampling_code_needs_the_model_in_scope_sine():
    """Why the model is built in variable_scope('sine') (a deviation): without it, the post's
    sampling code cannot find the readout it reuses."""
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicLSTMCell(CONFIG.state_size, forget_bias=1.0)
        outputs, _ = tf.nn.dynamic_rnn(cell, tf.constant(DATA.zeros), dtype=tf.float64)
        tf.contrib.layers.fully_connected(outputs, 1, activation_fn=tf.tanh)
        with pytest.raises(ValueError, match="sine/fully_connected/weights does not exist"):
            post.build_asker_sampler(CONFIG, cell)


def test_generation_matches_the_numpy_lstm(answers, config, data):
    """Answers 1 and 3 against the LSTM equations in NumPy, within the model dtype's round-off
    (float32: 1e-5, seen 1.6e-7); with the gate blocks swapped it fails."""
    _, ans, session = answers
    names = ["sine/rnn/basic_lstm_cell/kernel", "sine/rnn/basic_lstm_cell/bias",
             "sine/fully_connected/weights", "sine/fully_connected/biases"]
    kernel, bias, weights, biases = session.run([f"{name}:0" for name in names])

    def numpy_generation(kernel, steps=40):
        _, step, _ = reference.lstm_sequence(data.sine, kernel, bias)
        values = [np.tanh(step.h @ weights + biases)]
        for _ in range(1, steps):
            step = reference.lstm_step(values[-1], step.c, step.h, kernel, bias)
            values.append(np.tanh(step.h @ weights + biases))
        return np.stack(values, axis=1)

    in_graph = post.generate_in_graph(session, ans.self_feeding, data.sine, 40)
    atol = claims.round_off_atol(config)
    np.testing.assert_allclose(in_graph, numpy_generation(kernel), rtol=0, atol=atol)
    np.testing.assert_allclose(post.generate_by_feeding(session, ans.model, data.sine, 40),
                               numpy_generation(kernel), rtol=0, atol=atol)
    i, j, f, o = np.split(kernel, 4, axis=1)
    assert max_abs_diff(in_graph, numpy_generation(np.concatenate([f, j, i, o], axis=1))) > 1e-3


# --- the question ------------------------------------------------------------------------------

@pytest.mark.parametrize("input_name", ["zero", "sine"])
def test_converges_within_500_steps(question, input_name):
    losses = question[3][input_name]
    assert len(losses) == 1001
    assert claims.check_converges(input_name, losses, CONFIG).passed


def test_convergence_check_fails_on_a_late_fall():
    late = np.concatenate([np.full(600, 0.2), np.linspace(0.2, 0.01, 401)])
    assert not claims.check_converges("zero", late, CONFIG).passed


def test_printed_loop_stops_on_its_append(question):
    _, asker, session, _ = question
    error = post.printed_loop_error(session, asker.sampler)
    assert isinstance(error, ValueError) and "(2,)" in str(error)  # at the second call
    assert claims.check_printed_loop_fails(error).passed
    fixed = post.sample_growing_prefix(session, asker.sampler, 3)  # appending the last value runs
    assert len(fixed.values) == 4
    assert not claims.check_printed_loop_fails(None).passed


def test_sampling_loop_reruns_the_prefix(question):
    _, asker, session, _ = question
    sampling = post.sample_growing_prefix(session, asker.sampler, 30)
    whole = session.run(asker.sampler.outputs, {asker.sampler.values: sampling.values[:-1]})[0]
    assert claims.check_reruns_prefix(sampling, whole).passed
    # a loop that forgets the prefix (feeds only the newest value) is caught
    forgetful = [session.run(asker.sampler.outputs, {asker.sampler.values: [v]})[0] for v in sampling.values[:-1]]
    assert not claims.check_reruns_prefix(sampling._replace(calls=forgetful), whole).passed


def test_sampling_loop_reruns_the_prefix_on_each_cell(answers):
    """The question's loop, on answer 1's trained model of each cell kind; a loop that
    forgets the prefix is caught."""
    _, ans, session = answers
    sampler = post.sampler_of(ans.model)
    sampling = post.sample_growing_prefix(session, sampler, 20)
    whole = session.run(sampler.outputs, {sampler.values: sampling.values[:-1][None, :, None]})[0]
    forgetful = [session.run(sampler.outputs, {sampler.values: [[[v]]]})[0] for v in sampling.values[:-1]]
    assert claims.check_reruns_prefix(sampling, whole).passed
    assert not claims.check_reruns_prefix(sampling._replace(calls=forgetful), whole).passed


def test_question_loop_equals_answer1_loop(answers, config):
    _, ans, session = answers
    atol = claims.round_off_atol(config)
    prefix = post.sample_growing_prefix(session, post.sampler_of(ans.model), 40)
    stepped = post.generate_by_feeding(session, ans.model, np.zeros((1, 1, 1)), 40)[0, :, 0]
    assert claims.check_prefix_loop_equals_stepping(prefix.values[1:], stepped, atol).passed
    stateless = generate_without_state(session, ans.model, np.zeros((1, 1, 1)), 40)[0, :, 0]
    assert not claims.check_prefix_loop_equals_stepping(prefix.values[1:], stateless, atol).passed


# --- answer 1 ----------------------------------------------------------------------------------

def test_answer1_as_printed_fails_on_its_float32_state():
    error = post.answer1_as_printed_error(CONFIG)
    assert isinstance(error, TypeError) and "float32" in str(error)
    assert claims.check_printed_answer1_fails(error).passed
    assert post.answer1_as_printed_error(CONFIG, tf.float64) is None
    assert not claims.check_printed_answer1_fails(None).passed


def test_stepping_with_the_state_equals_one_run(answers, data):
    _, ans, session = answers
    outputs, _, _ = post.one_run(session, ans.model, data.sine)
    stepped, _ = post.step_through(session, ans.model, data.sine)
    assert claims.check_steps_match_sequence(stepped, outputs).passed
    dropped, _ = post.step_through(session, ans.model, data.sine, carry=False)
    assert not claims.check_steps_match_sequence(dropped, outputs).passed


def test_generation_continues_the_wave(answers, data):
    graph, ans, session = answers
    steps = 150
    truth = post.true_continuation(data.grid, steps)
    generated = post.generate_by_feeding(session, ans.model, data.sine, steps)[0, :, 0]
    assert claims.check_continues_wave(generated, truth, 62).passed
    with tf.Session(graph=graph) as untrained:
        untrained.run(ans.init)
        flat = post.generate_by_feeding(untrained, ans.model, data.sine, steps)[0, :, 0]
    assert not claims.check_continues_wave(flat, truth, 62).passed


def test_wave_check_fails_on_a_wrong_period():
    truth = post.true_continuation(DATA.grid, 300)
    too_fast = np.sin(DATA.grid[-1] + 1.2 * (DATA.grid[1] - DATA.grid[0]) * np.arange(1, 301))
    assert claims.check_continues_wave(truth, truth, 62).passed
    assert not claims.check_continues_wave(too_fast, truth, 62).passed


# --- answer 2 ----------------------------------------------------------------------------------

def test_state_through_python_equals_unbroken_run(answers, config, data):
    _, ans, session = answers
    outputs, _, _ = post.one_run(session, ans.model, data.sine)
    chunked, _ = post.run_in_chunks(session, ans.model, data.sine, config.chunk_length)
    assert claims.check_python_chunks(chunked, outputs).passed
    dropped, _ = post.run_in_chunks(session, ans.model, data.sine, config.chunk_length, carry=False)
    assert not claims.check_python_chunks(dropped, outputs).passed


def test_state_in_variables_equals_unbroken_run(answers, config, data):
    _, ans, session = answers
    head = ans.variable_state
    outputs, final_state, predictions = post.one_run(session, ans.model, data.sine)
    session.run(head.reset)
    chunks = post.run_in_chunks_in_graph(session, head, data.sine, config.chunk_length)
    assert claims.check_graph_chunks(chunks.predictions, predictions, claims.round_off_atol(config)).passed
    assert claims.check_state_in_graph(chunks, outputs, final_state, config.chunk_length).passed
    broken = post.run_in_chunks_in_graph(session, head, data.sine, config.chunk_length, reset_between=True)
    assert not claims.check_graph_chunks(broken.predictions, predictions, claims.round_off_atol(config)).passed
    assert not claims.check_state_in_graph(broken, outputs, final_state, config.chunk_length).passed


def test_fetching_the_prediction_alone_advances_the_state(answers, config, data):
    """(b)'s control dependencies: a run that feeds only the chunk and fetches only the
    prediction still writes the final state back."""
    _, ans, session = answers
    head = ans.variable_state
    session.run(head.reset)
    session.run(head.prediction, {head.inputs: data.sine[:, :config.chunk_length]})
    _, final_state, _ = post.one_run(session, ans.model, data.sine[:, :config.chunk_length])
    np.testing.assert_array_equal(session.run(head.state).h, final_state.h)


def test_reset_returns_the_state_to_zeros(answers, config, data):
    _, ans, session = answers
    head, first = ans.variable_state, data.sine[:, :config.chunk_length]
    session.run(head.reset)
    first_run = post.run_in_chunks_in_graph(session, head, first, config.chunk_length).predictions
    session.run(head.reset)
    state = session.run(head.state)
    replay = post.run_in_chunks_in_graph(session, head, first, config.chunk_length).predictions
    assert claims.check_reset(state, replay, first_run).passed
    not_reset_state = session.run(head.state)  # no reset: the state carries on from the replay
    carried_on = post.run_in_chunks_in_graph(session, head, first, config.chunk_length).predictions
    assert not claims.check_reset(not_reset_state, carried_on, first_run).passed


# --- answer 3 ----------------------------------------------------------------------------------

def test_self_feeding_rnn_equals_answer1_loop(answers, config, data):
    _, ans, session = answers
    atol = claims.while_loop_atol(config)
    loop = post.generate_by_feeding(session, ans.model, data.sine, 80)
    in_graph = post.generate_in_graph(session, ans.self_feeding, data.sine, 80)
    assert claims.check_in_graph_equals_loop(in_graph, loop, atol).passed
    assert not claims.check_in_graph_equals_loop(in_graph, generate_without_state(
        session, ans.model, data.sine, 80), atol).passed


def test_answer3_checks_are_bit_exact_for_the_posts_float64_model():
    """Only the fused cell's float32 model gets a tolerance; float64 must match bit for bit."""
    values = np.sin(np.linspace(0, 3, 50))[None, :, None]
    nudged = values + 1e-9
    assert not claims.check_in_graph_equals_loop(nudged, values, claims.while_loop_atol(CONFIG)).passed
    assert not claims.check_fixed_reshape(nudged, values, claims.while_loop_atol(CONFIG)).passed
    block = dataclasses.replace(CONFIG, cell="block")
    assert claims.check_in_graph_equals_loop(nudged, values, claims.while_loop_atol(block)).passed


def test_original_reshape_is_wrong_only_for_a_batch(answers, config, data):
    _, ans, session = answers
    atol = claims.while_loop_atol(config)
    primes = post.two_primes(data.grid)
    per_row = post.generate_by_feeding(session, ans.model, primes, 80)
    original = post.generate_in_graph(session, ans.self_feeding_original, primes, 80)
    fixed = post.generate_in_graph(session, ans.self_feeding, primes, 80)
    assert claims.check_original_reshape_mixes_rows(original, per_row).passed
    assert claims.check_fixed_reshape(fixed, per_row, atol).passed
    assert not claims.check_fixed_reshape(original, per_row, atol).passed
    one_row = post.generate_in_graph(session, ans.self_feeding_original, primes[:1], 80)
    assert not claims.check_original_reshape_mixes_rows(one_row, per_row[:1]).passed  # batch 1 is right


def test_timing_summary(answers, data):
    _, ans, session = answers
    timing = claims.time_generation(session, ans, data.sine[:, :1], steps=5, repeats=2)
    for name in ("feed_dict_loop", "in_graph"):
        assert 0 < timing[name]["min"] <= timing[name]["median"] <= timing[name]["max"]
    assert "faster" in claims.describe_timing(timing, 5)


# --- determinism and bad input ------------------------------------------------------------------

INITIAL_NUMBERS = """
import numpy as np
from recipes.d002_feedback import post, recipe
from tf1_graphs import tf
graph, asker = post.build(post.build_asker, recipe.QuickConfig(), post.sine_data(100), {seed})
with tf.Session(graph=graph) as session:
    session.run(asker.init)
    losses = post.train(session, asker.model, {{}}, 3)
    weights = session.run(graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES))
numbers = repr([float(np.sum(np.abs(w))) for w in weights] + list(losses))
print(numbers)
"""


def numbers_here(seed):
    namespace = {}
    exec(INITIAL_NUMBERS.format(seed=seed), namespace)
    return namespace["numbers"]


def test_same_seed_same_numbers_in_another_process():
    fresh = subprocess.run([sys.executable, "-c", INITIAL_NUMBERS.format(seed=SEED)], cwd=ROOT, check=True,
                           capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    assert fresh.stdout.strip().splitlines()[-1] == numbers_here(SEED)
    assert numbers_here(SEED) != numbers_here(SEED + 1)


def test_too_few_generated_steps_is_a_user_error(tmp_path):
    def steps_for(option):
        run = Run("feedback", str(tmp_path), options={"generate_steps": option}, echo=False)
        try:
            return recipe.settings(run)[1]
        finally:
            run.close()

    with pytest.raises(UserError, match="at least one period"):
        steps_for(10)
    assert steps_for(None) == 300 and steps_for(62) == 62
