"""Document 000: each claim's check passes on our graphs and fails when what it guards is broken.

Tests of a graph's structure (its variables, its gradient paths) build it inline, untrained.
Trained graphs are built once per module with a shortened run; the "broken" variants are
the answers' graphs with one thing changed (a wrong var_list, a missing state carry), or
the question's graph where an answer's learned state is expected.  Answers 0 and 2 are
trained once per cell kind (the shared `cell` fixture: the post's BasicLSTMCell and the fused
LSTMBlockCell), so their tests run for both, and weights saved from either kind's graph are
loaded into the other's.
"""
import dataclasses
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from recipes import UserError, tftools
from recipes.cells import CELL_KINDS
from recipes.claims import max_abs_diff
from recipes.d000_initial_state import claims, post, recipe
from recipes.run import Run
from tf1_graphs import reference, tf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SEED = 0
BASELINE_SEQUENCES = 30   # the question's and answer 2's claims do not depend on training length
CONFIG = recipe.TestConfig()  # the post's BasicLSTMCell: the question and answer 1 are tested on it alone
CELL_CLASS = {"basic": "BasicLSTMCell", "block": "LSTMBlockCell"}


@pytest.fixture(scope="module")
def config(cell):
    """The test config with each LSTM kind: the fixtures below that take it, and their tests, run for both."""
    return dataclasses.replace(CONFIG, cell=cell)


@pytest.fixture(scope="module")
def task():
    return post.make_task(CONFIG, SEED)


def _trained(graph_class, per_sequence, config, task, num_sequences):
    """Build, train and measure one variant, keeping its session open for the tests."""
    _, train, held_out = task
    graph, model = post.build(graph_class, config, SEED)
    sess = tftools.start_session(graph)
    before = claims.state_values(sess, model.init_state)
    post.train(sess, model, train, per_sequence, num_sequences)
    learned = claims.state_values(sess, model.init_state)
    zeros = tuple(np.zeros_like(v) for v in learned)
    return SimpleNamespace(
        graph=graph, model=model, sess=sess, before=before, learned=learned, held_out=held_out,
        learned_loss=claims.first_chunk_step_losses(sess, model, held_out, learned).mean(),
        zero_loss=claims.first_chunk_step_losses(sess, model, held_out, zeros).mean())


@pytest.fixture(scope="module")
def question(task):
    variant = _trained(post.QuestionGraph, post.question_sequence, CONFIG, task, BASELINE_SEQUENCES)
    yield variant
    variant.sess.close()


@pytest.fixture(scope="module")
def answer0(config, task):
    variant = _trained(post.Answer0Graph, post.answer0_sequence, config, task, config.train_sequences)
    yield variant
    variant.sess.close()


@pytest.fixture(scope="module")
def answer1(task):
    variant = _trained(post.Answer1Graph, post.answer1_schedule(CONFIG.phase_sequences), CONFIG, task,
                       CONFIG.train_sequences)
    yield variant
    variant.sess.close()


@pytest.fixture(scope="module")
def answer2(config, task):
    variant = _trained(post.Answer2Graph, post.answer2_sequence, config, task, BASELINE_SEQUENCES)
    yield variant
    variant.sess.close()


def _untrained(graph_class, config, task):
    graph, model = post.build(graph_class, config, SEED)
    return SimpleNamespace(graph=graph, model=model, sess=tftools.start_session(graph), held_out=task[2])


def _step_claim(variant, step, check):
    """The recipe's step `check`, run on `variant` from its restored initial state."""
    return check(claims.effect_of_one_step(variant.sess, variant.model, step, variant.held_out))


# ---------------------------------------------------------------------------- the data and graphs

def _whole_sequences(one_hot):
    """[sequences, chunks, batch, time, classes] one-hot -> [sequences, batch, chunks * time] symbols."""
    symbols = one_hot.argmax(-1).transpose(0, 2, 1, 3)
    return symbols.reshape(symbols.shape[0], symbols.shape[1], -1)


def test_first_targets_are_the_hidden_prefix_and_later_ones_the_delayed_input(task):
    prefixes, train, _ = task
    inputs = _whole_sequences(train.inputs[..., :CONFIG.num_classes])
    targets = _whole_sequences(train.targets)
    delay = CONFIG.delay
    assert np.array_equal(targets[..., :delay], np.broadcast_to(prefixes, targets[..., :delay].shape))
    assert np.array_equal(targets[..., delay:], inputs[..., :-delay])


def test_variables_have_the_posts_names_shapes_and_trainability(config):
    graph, answer0 = post.build(post.Answer0Graph, config, SEED)
    assert type(answer0.cell).__name__ == CELL_CLASS[config.cell]
    with graph.as_default():
        trainable = tftools.variable_shapes(tf.trainable_variables())
    assert trainable == {"state/Variable": [10, 20], "state/Variable_1": [10, 20],
                         "nn/rnn/basic_lstm_cell/kernel": [26, 80], "nn/rnn/basic_lstm_cell/bias": [80],
                         "nn/dense/kernel": [20, 5], "nn/dense/bias": [5]}
    assert [v.op.name for v in answer0.init_state] == ["Variable", "Variable_1"]
    graph, _ = post.build(post.QuestionGraph, config, SEED)
    with graph.as_default():
        names = [v.op.name for v in tf.trainable_variables()]
    assert names[:2] == ["Variable", "Variable_1"]  # init_c, init_h: trainable
    assert "Variable_2" not in names and "Variable_3" not in names  # state_c, state_h: not


# ---------------------------------------------------------------------------- the question

@pytest.mark.parametrize("graph_class", [post.QuestionGraph, post.Answer2Graph], ids=["question", "answer2"])
def test_question_and_answer2_losses_have_no_gradient_path_to_init(config, graph_class):
    _, model = post.build(graph_class, config, SEED)
    claim = claims.check_question_init_no_gradient(model.total_loss, model.init_state)
    assert claim.passed, claim


def test_no_gradient_check_fails_when_the_loss_reads_the_initial_state():
    graph = tf.Graph()
    with graph.as_default():
        init_state = (tf.Variable(tf.zeros([2, 3])), tf.Variable(tf.zeros([2, 3])))
        loss = tf.reduce_sum(tf.square(init_state[0] + init_state[1] - 1.0))
    assert not claims.check_question_init_no_gradient(loss, init_state).passed


def test_question_init_stays_zero_and_the_check_fails_on_a_trained_state(question, answer0):
    assert claims.check_question_init_stays_zero(question.learned).passed
    assert not claims.check_question_init_stays_zero(answer0.learned).passed


def test_question_backprop_reads_the_overwritten_state_but_answer2_does_not(question, answer2):
    def gap(variant):
        chunk = variant.held_out.inputs[0][1], variant.held_out.targets[0][1]
        start = tuple(np.full_like(v, 0.5) for v in variant.learned)
        return claims.gradient_gap_from_overwritten_state(variant.sess, variant.model, *chunk, start)

    assert gap(question) > 1e-4
    assert gap(answer2) == 0.0  # its loss does not assign the state: the same gradients either way


# ---------------------------------------------------------------------------- answer 0

def test_answer0_model_step_keeps_the_state_bit_identical(answer0):
    claim = _step_claim(answer0, answer0.model.train_nn_step, claims.check_a0_model_step_keeps_state)
    assert claim.passed, claim


class ModelStepGivenEveryVariable(post.Answer0Graph):
    """Answer 0 with the model-only optimizer's var_list left out (so: every trainable variable)."""

    def __init__(self, config):
        super().__init__(config)
        self.train_nn_step = self.minimize(None)


def test_model_step_check_fails_with_the_wrong_var_list(config, task):
    broken = _untrained(ModelStepGivenEveryVariable, config, task)
    claim = _step_claim(broken, broken.model.train_nn_step, claims.check_a0_model_step_keeps_state)
    assert not claim.passed, claim


def test_answer0_combined_step_with_nested_var_list_changes_both(answer0):
    claim = _step_claim(answer0, answer0.model.train_nn_state_step, claims.check_a0_combined_step_changes_both)
    assert claim.passed, claim


def test_combined_step_check_fails_when_the_state_is_left_out(answer0):
    claim = _step_claim(answer0, answer0.model.train_nn_step, claims.check_a0_combined_step_changes_both)
    assert not claim.passed, claim


def test_answer0_saved_initial_state_moves_and_the_questions_does_not(answer0, question):
    assert claims.check_a0_initial_state_moves(answer0.before, answer0.learned).passed
    assert not claims.check_a0_initial_state_moves(question.before, question.learned).passed


def test_answer0_learned_state_beats_zeros_and_the_questions_does_not(answer0, question, config):
    claim = claims.check_a0_learned_beats_zero(answer0.learned_loss, answer0.zero_loss, config.min_gain)
    assert claim.passed, claim
    no_gain = claims.check_a0_learned_beats_zero(question.learned_loss, question.zero_loss, config.min_gain)
    assert not no_gain.passed, no_gain


def _carry_claim(variant, carry):
    chunked, unbroken = claims.carry_parity(variant.sess, variant.model, variant.held_out.inputs[0],
                                       variant.learned, carry)
    return claims.check_a0_propagate_matches_unbroken(chunked, unbroken), chunked


def test_answer0_propagate_matches_one_unbroken_dynamic_rnn(answer0):
    """Chunked on either cell kind, carried by propagate_state: a BasicLSTMCell's unbroken run, bit for bit."""
    claim, _ = _carry_claim(answer0, answer0.model.propagate_state)
    assert claim.passed, claim


def test_carry_check_fails_when_the_state_is_reset_instead_of_carried(answer0):
    claim, _ = _carry_claim(answer0, answer0.model.restore_state)
    assert not claim.passed, claim


def test_chunked_outputs_match_the_numpy_lstm_within_1e5(answer0):
    """Independent of TensorFlow: float64 NumPy LSTM over the whole sequence (float32 graph, so 1e-5)."""
    _, chunked = _carry_claim(answer0, answer0.model.propagate_state)
    inputs = answer0.held_out.inputs[0]
    whole = inputs.transpose(1, 0, 2, 3).reshape(inputs.shape[1], -1, inputs.shape[-1])
    kernel, bias = answer0.sess.run(answer0.model.cell.trainable_weights)
    expected, _, _ = reference.lstm_sequence(whole, kernel, bias, *answer0.learned)
    assert max_abs_diff(chunked, expected) <= 1e-5


# ---------------------------------------------------------------------------- answer 1

def test_answer1_each_phase_changes_only_its_own_variables(answer1):
    state_phase = _step_claim(answer1, answer1.model.train_state_step, claims.check_a1_state_phase_freezes_model)
    model_phase = _step_claim(answer1, answer1.model.train_nn_step, claims.check_a1_model_phase_freezes_state)
    assert state_phase.passed, state_phase
    assert model_phase.passed, model_phase


class StatePhaseGivenEveryVariable(post.Answer1Graph):
    """Answer 1 whose state-phase optimizer forgot to freeze the model."""

    def __init__(self, config):
        super().__init__(config)
        self.train_state_step = self.minimize(None)


def test_phase_check_fails_when_the_state_phase_does_not_freeze_the_model(task):
    broken = _untrained(StatePhaseGivenEveryVariable, CONFIG, task)
    claim = _step_claim(broken, broken.model.train_state_step, claims.check_a1_state_phase_freezes_model)
    assert not claim.passed, claim


def test_answer1_alternation_learns_a_state_that_beats_zeros(answer1):
    claim = claims.check_a0_learned_beats_zero(answer1.learned_loss, answer1.zero_loss, CONFIG.min_gain)
    assert claim.passed, claim


# ---------------------------------------------------------------------------- answer 2

def test_answer2_carries_the_state_but_never_trains_init(answer2):
    assert claims.check_question_init_stays_zero(answer2.learned).passed
    claim, _ = _carry_claim(answer2, answer2.model.trained_state)
    assert claim.passed, claim


def test_answer2_carry_check_fails_without_trained_state(answer2):
    with answer2.graph.as_default():
        nothing = tf.no_op()
    claim, _ = _carry_claim(answer2, nothing)
    assert not claim.passed, claim


# ---------------------------------------------------------------------------- the two cell kinds

def _restore_into(graph_class, config, task, checkpoint):
    """A fresh `graph_class` graph with every variable restored by tf.train.Saver(), no name mapping."""
    variant = _untrained(graph_class, config, task)
    with variant.graph.as_default():
        tf.train.Saver().restore(variant.sess, checkpoint)
    return variant


@pytest.fixture(scope="module")
def checkpoint(answer0, cell, tmp_path_factory):
    """The trained answer 0 of this cell kind, every variable saved by tf.train.Saver()."""
    with answer0.graph.as_default():
        return tf.train.Saver().save(answer0.sess, str(tmp_path_factory.mktemp(cell) / "answer0"))


def test_weights_saved_from_one_cell_kind_load_into_the_other(answer0, checkpoint, config, task):
    """tf.train.Saver() with no name mapping: every variable (model, state, both Adams' slots)
    has the same name and shape in the other kind's graph.  Restored, it gives the saved
    graph's outputs bit for bit: the two cells do the same float32 arithmetic forward."""
    other_kind = next(kind for kind in CELL_KINDS if kind != config.cell)
    other = _restore_into(post.Answer0Graph, dataclasses.replace(config, cell=other_kind), task, checkpoint)
    assert type(other.model.cell).__name__ == CELL_CLASS[other_kind]
    np.testing.assert_array_equal(np.stack(claims.state_values(other.sess, other.model.init_state)),
                                  np.stack(answer0.learned))
    inputs = answer0.held_out.inputs[0]
    restored, expected = (claims.chunked_outputs(v.sess, v.model, inputs, answer0.learned, v.model.propagate_state)
                          for v in (other, answer0))
    np.testing.assert_array_equal(restored, expected)
    other.sess.close()


def test_a_block_cell_under_contribs_own_name_would_not_load(checkpoint, config, task, monkeypatch):
    """Why recipes.cells names the fused cell basic_lstm_cell: under contrib's default name
    (lstm_cell) its variables are not in the checkpoint."""
    monkeypatch.setattr(post, "lstm_cell", lambda kind, num_units: tf.contrib.rnn.LSTMBlockCell(num_units))
    with pytest.raises(tf.errors.NotFoundError, match="lstm_cell"):
        _restore_into(post.Answer0Graph, config, task, checkpoint)


# ---------------------------------------------------------------------------- the recipe

DETERMINISM_SCRIPT = """
import hashlib, numpy as np
from recipes import tftools
from recipes.d000_initial_state import claims, post, recipe
config = recipe.QuickConfig(train_sequences=20, eval_sequences=1)
_, train, _ = post.make_task(config, 3)
graph, model = post.build(post.Answer0Graph, config, 3)
sess = tftools.start_session(graph)
history = post.train(sess, model, train, post.answer0_sequence, 20)
print(hashlib.sha256(np.stack(claims.state_values(sess, model.init_state)).tobytes() + history.tobytes()).hexdigest())
"""


def test_same_seed_gives_the_same_numbers_in_another_process(capsys):
    """This process has built many graphs already; a fresh one must still agree bit for bit."""
    root = ROOT
    fresh = subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], cwd=root, capture_output=True,
                           text=True, check=True, env=dict(os.environ, PYTHONPATH=root))
    exec(DETERMINISM_SCRIPT, {})
    assert fresh.stdout.split()[-1] == capsys.readouterr().out.split()[-1]


def test_bad_sequences_option_is_a_user_error(tmp_path):
    module = recipe

    run = Run(module.NAME, str(tmp_path), options={"sequences": 0}, echo=False)
    try:
        with pytest.raises(UserError, match="--sequences must be at least 1"):
            module.run(run)
    finally:
        run.close()


def test_recipe_runs_end_to_end_and_records_every_claim(tmp_path):
    module = recipe

    run = Run(module.NAME, str(tmp_path), seed=SEED, options={"sequences": 50}, echo=False)
    try:
        module.run(run)
        run.finish(module)
    finally:
        run.close()
    with open(os.path.join(run.dir, "claims.json")) as f:
        result = json.load(f)
    ids = {c["id"] for c in result["claims"]}
    assert ids == {
        "question-init-no-gradient", "question-init-stays-zero", "a0-initial-state-moves",
        "a0-learned-beats-zero", "a0-propagate-matches-unbroken", "a0-model-step-keeps-state",
        "a0-combined-step-changes-both", "a1-learned-beats-zero", "a1-state-phase-freezes-model",
        "a1-model-phase-freezes-state", "a2-init-no-gradient", "a2-init-stays-zero",
        "a2-state-carries-over", "modern-000-same-first-chunk", "modern-000-same-carried-sequence",
        "modern-000-same-training-losses", "modern-000-weights-round-trip"}
    assert result["today"]["side_by_side"] and result["today"]["mapping"]
    learning = {"a0-learned-beats-zero", "a1-learned-beats-zero"}  # 50 sequences is too short for these
    assert all(c["passed"] for c in result["claims"] if c["id"] not in learning)
    for plot in ("loss.png", "initial_state.png", "first_chunk.png"):
        assert os.path.getsize(os.path.join(run.dir, plot)) > 0
    for label in ("question", "answer0", "answer1", "answer2"):
        assert os.listdir(os.path.join(run.dir, "graphs", label))
