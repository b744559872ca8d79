"""Document 003: every claim of the stacked_lstm recipe, and proof that each check can fail.

Each check from recipes.d003_stacked_lstm.claims is run once on the real graphs (it must pass)
and once on the thing it guards, broken (it must fail).  Tests of a graph's structure (its
variables, the ops that read them) build the answer's classifier inline, untrained; the
graphs the other checks measure are built, run or trained once per module and cell kind
(the shared `cell` fixture: the post's BasicLSTMCell and the fused LSTMBlockCell, so every
LSTM test runs for both), all on a smaller config than the recipe's quick mode.
"""
import dataclasses
import hashlib
import logging
import pathlib
import subprocess
import sys
import types

import numpy as np
import pytest

from recipes import UserError, tftools
from recipes.cells import CELL_KINDS
from recipes.d003_stacked_lstm import claims, post, recipe
from recipes.d003_stacked_lstm.probe import forget_bias_source, variable_readers
from recipes.run import Run
from tf1_graphs import reference, seed_everything, tf

CONFIG = recipe.TestConfig()
SEED = 0


def tiny_config(cell):
    return dataclasses.replace(CONFIG, cell=cell)


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def config(cell):
    """The test config with each LSTM kind: the fixtures below, and the tests using them, run for both."""
    return tiny_config(cell)


@pytest.fixture(scope="module")
def shared(config):
    """The asker's stack where it builds (input depth = n_hidden)."""
    return post.run_shared_stack(config, config.n_hidden, SEED)


@pytest.fixture(scope="module")
def shared_mismatch(config):
    """The asker's stack where it cannot build or cannot run (input depth 3, n_hidden 2)."""
    return post.run_shared_stack(config, config.input_depth, SEED)


@pytest.fixture(scope="module")
def trained(config):
    return post.run_classifier(config, SEED, log=quiet)


@pytest.fixture(scope="module")
def frozen(config):
    return post.run_classifier(config, SEED, frozen_scope="cell_0", log=quiet)


@pytest.fixture(scope="module")
def gru():
    return post.run_gru(CONFIG, SEED)


def answer_stack_warnings():
    """What TensorFlow logs while the answer's loop-built stack is constructed."""
    with tf.Graph().as_default(), tftools.captured_tf_warnings() as warnings:
        seed_everything(SEED)
        post.one_cell_per_layer_stack(CONFIG)
    return warnings


# --- the asker's [cell] * n ---------------------------------------------------------------


def test_shared_stack_warns(shared):
    assert claims.check_shared_stack_warns(shared.warnings).passed


def test_warning_check_fails_for_one_cell_per_layer():
    assert not claims.check_shared_stack_warns(answer_stack_warnings()).passed


def test_warning_is_logged_on_every_build(shared, config):
    """TensorFlow's log_first_n would silence a second build; the capture must undo that."""
    again = post.run_shared_stack(config, config.n_hidden, SEED)
    assert claims.SHARED_WEIGHTS_WARNING in shared.warnings and claims.SHARED_WEIGHTS_WARNING in again.warnings


def test_capture_restores_the_tensorflow_logger():
    logger = logging.getLogger("tensorflow")
    level, handlers = logger.level, list(logger.handlers)
    answer_stack_warnings()
    assert (logger.level, logger.handlers) == (level, handlers)


def test_shared_stack_has_one_variable_set(shared, config):
    assert claims.check_shared_stack_one_variable_set(shared, config).passed


def test_every_shared_layer_applies_cell_0(shared, config):
    claim = claims.check_shared_stack_reuses_weights(shared, config)
    assert claim.passed, claim.observed


def test_shared_weights_check_fails_when_layers_differ(shared, config):
    """Outputs of a stack whose layers 1 and 2 have their own weights must not pass."""
    kernel, bias = post.layer_weights(shared.weights, 0)
    other = (np.random.RandomState(1).uniform(-1, 1, kernel.shape), bias)
    outputs, _ = reference.stacked_lstm_sequence(shared.sequences, [(kernel, bias), other, other])
    assert not claims.check_shared_stack_reuses_weights(dataclasses.replace(shared, outputs=outputs), config).passed


def test_shared_stack_dimension_error_is_a_result(shared_mismatch, config):
    claim = claims.check_shared_stack_dimension_error(shared_mismatch, config)
    assert claim.passed, claim.observed
    assert shared_mismatch.outputs is None


def test_dimension_error_check_fails_when_the_graph_builds(shared, config):
    assert not claims.check_shared_stack_dimension_error(shared, config).passed


def test_dimension_error_check_wants_the_cells_own_error(shared_mismatch, config):
    """MatMul's build-time error is not the fused kernel's run-time one, nor the other way round."""
    other = tiny_config(next(kind for kind in CELL_KINDS if kind != config.cell))
    assert not claims.check_shared_stack_dimension_error(shared_mismatch, other).passed


# --- the answer's stack: listing, (a), (b) ------------------------------------------------


def answer_classifier(config):
    """The answer's classifier built inline, untrained, and its tf.trainable_variables() listing."""
    model = post.build_classifier(config, SEED)
    with model.graph.as_default():
        return model, tftools.variable_listing(tf.trainable_variables())


def test_trainable_listing_with_nothing_between_layers(config):
    """The answer's list, literally (the probe, built in the same graph, adds nothing to it).  The
    listing check fails without the head, and the shared stack's check fails on it.  The between-layers
    check fails with a projection between layers, and with layer 1 reading something wider than
    layer 0's H outputs (not 'output in, output out')."""
    _, listing = answer_classifier(config)
    assert listing == [("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0", (5, 8)),
                       ("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0", (8,)),
                       ("rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0", (4, 8)),
                       ("rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias:0", (8,)),
                       ("rnn/multi_rnn_cell/cell_2/basic_lstm_cell/kernel:0", (4, 8)),
                       ("rnn/multi_rnn_cell/cell_2/basic_lstm_cell/bias:0", (8,)),
                       ("fully_connected/weights:0", (2, 3)), ("fully_connected/biases:0", (3,))]
    assert claims.check_trainable_listing(types.SimpleNamespace(variables=listing), config).passed
    assert not claims.check_trainable_listing(types.SimpleNamespace(variables=listing[:-2]), config).passed
    assert not claims.check_shared_stack_one_variable_set(types.SimpleNamespace(variables=listing), config).passed
    assert claims.check_no_weights_between_layers(listing, config).passed
    between = ("rnn/multi_rnn_cell/cell_1/projection/weights:0", (2, 2))
    assert not claims.check_no_weights_between_layers(listing + [between], config).passed
    name = "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0"
    widened = [(n, (5, 8) if n == name else s) for n, s in listing]
    assert not claims.check_no_weights_between_layers(widened, config).passed


def test_loop_gives_distinct_kernels(config):
    """Distinct initial kernels per layer; the check fails when two of them are equal."""
    model, listing = answer_classifier(config)
    with model.graph.as_default(), tftools.new_session(model.graph) as session:
        session.run(tf.global_variables_initializer())
        before = session.run(tftools.by_name(tf.trainable_variables()))
    assert claims.check_loop_distinct_kernels(types.SimpleNamespace(variables=listing, before=before), config).passed
    before["rnn/multi_rnn_cell/cell_2/basic_lstm_cell/kernel:0"] = before[
        "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0"]
    assert not claims.check_loop_distinct_kernels(types.SimpleNamespace(variables=listing, before=before),
                                              config).passed


def test_distinct_kernels_check_fails_for_the_shared_stack(shared, config):
    as_trained = types.SimpleNamespace(variables=shared.variables, before=shared.weights)
    assert not claims.check_loop_distinct_kernels(as_trained, config).passed


def test_training_changes_every_variable(trained):
    assert claims.check_training_changes_every_variable(trained.before, trained.after).passed


def test_change_check_fails_when_a_layer_is_left_out(frozen):
    assert not claims.check_training_changes_every_variable(frozen.before, frozen.after).passed


def test_left_out_layer_stays_bit_identical(frozen):
    assert claims.check_frozen_scope_unchanged(frozen.before, frozen.after, "cell_0").passed


def test_frozen_check_fails_when_everything_trains(trained):
    assert not claims.check_frozen_scope_unchanged(trained.before, trained.after, "cell_0").passed


def test_gates_own_no_variables(config):
    """Passes on the probe's cell calls; fails for a gate with weights of its own, and for a trained forget bias."""
    model, _ = answer_classifier(config)
    scopes = model.probe.layer_scopes
    readers = [variable_readers(model.graph, scope) for scope in scopes]
    forget_bias = [forget_bias_source(model.graph, scope, config.cell) for scope in scopes]
    claim = claims.check_gates_own_no_variables(readers, forget_bias, config)
    assert claim.passed, claim.observed
    own_weights = [list(layer) for layer in readers]
    own_weights[1].append(("rnn/multi_rnn_cell/cell_1/basic_lstm_cell/forget_gate:0", "Sigmoid"))
    assert not claims.check_gates_own_no_variables(own_weights, forget_bias, config).passed
    trained_bias = [("Identity", None)] + forget_bias[1:]
    assert not claims.check_gates_own_no_variables(readers, trained_bias, config).passed


# --- (c) the gate equations ---------------------------------------------------------------


def reference_trace(trained, weights=None, **options):
    return claims.reference_stack_trace(trained.sequences, post.stack_layers(weights or trained.after, CONFIG), **options)


def test_gate_equations(trained):
    claim = claims.check_gate_equations(trained.trace, reference_trace(trained))
    assert claim.passed, claim.observed


def test_gate_check_fails_with_swapped_gate_blocks(trained):
    expected = reference_trace(trained, gate_order=("i", "f", "j", "o"))
    assert not claims.check_gate_equations(trained.trace, expected).passed


def test_gate_check_fails_without_the_forget_bias(trained):
    """The answer's f equation taken literally (no forget_bias) is not what the cell computes."""
    assert not claims.check_gate_equations(trained.trace, reference_trace(trained, forget_bias=0.0)).passed


def test_gate_check_fails_with_the_untrained_weights(trained):
    assert not claims.check_gate_equations(trained.trace, reference_trace(trained, weights=trained.before)).passed


def test_gate_check_fails_with_layers_in_the_wrong_order(trained, config):
    layers = post.stack_layers(trained.after, config)
    layers[1], layers[2] = layers[2], layers[1]
    assert not claims.check_gate_equations(trained.trace, claims.reference_stack_trace(trained.sequences, layers)).passed


# --- the GRU remark -----------------------------------------------------------------------


def test_gru_combined_gate_matrix(gru):
    assert claims.check_gru_combined_gates(gru, CONFIG).passed


def test_gru_listing_check_fails_for_an_lstm(gru, shared):
    assert not claims.check_gru_combined_gates(dataclasses.replace(gru, variables=shared.variables), CONFIG).passed


def test_gru_equations(gru):
    claim = claims.check_gru_equations(gru, post.gru_weights(gru.weights))
    assert claim.passed, claim.observed


def test_gru_check_fails_with_reset_and_update_swapped(gru):
    gate_kernel, gate_bias, candidate_kernel, candidate_bias = post.gru_weights(gru.weights)
    swapped = np.concatenate(np.split(gate_kernel, 2, axis=1)[::-1], axis=1)
    assert not claims.check_gru_equations(gru, (swapped, gate_bias, candidate_kernel, candidate_bias)).passed


# --- determinism, the recipe, bad input ---------------------------------------------------

FINGERPRINT = (
    "from recipes.d003_stacked_lstm import post\n"
    "from tests.recipes.test_d003_stacked_lstm import SEED, fingerprint, quiet, tiny_config\n"
    "print(fingerprint(post.run_classifier(tiny_config({cell!r}), SEED, log=quiet)))\n")


def fingerprint(result):
    """A hash of every trained variable and the traced states: equal only if bit-identical."""
    digest = hashlib.sha256()
    for name in sorted(result.after):
        digest.update(result.after[name].tobytes())
    digest.update(claims.flat_trace(result.trace).tobytes())
    return digest.hexdigest()


def test_same_seed_same_numbers_in_another_process(trained, config):
    other = subprocess.run([sys.executable, "-c", FINGERPRINT.format(cell=config.cell)],
                           cwd=pathlib.Path(__file__).parents[2], capture_output=True, text=True, check=True)
    assert other.stdout.strip().splitlines()[-1] == fingerprint(trained)


def test_recipe_quick_run_passes_every_claim(tmp_path, cell):
    run = Run(recipe.NAME, str(tmp_path), seed=SEED, cell=cell, options={"gate_layer": 2}, echo=False)
    recipe.run(run)
    run.finish(recipe)
    assert run.all_passed, [c.id for c in run.claims if not c.passed]
    assert len(run.claims) == 18  # 13 on the post, 5 on today's TensorFlow (modern-)
    for produced in ("log.txt", "claims.json", "gates.png", "parameter_change.png", "graphs/gru"):
        assert (tmp_path / recipe.NAME / produced).exists(), produced


def test_gate_layer_out_of_range_is_a_user_error(tmp_path):
    run = Run(recipe.NAME, str(tmp_path), options={"gate_layer": 3}, echo=False)
    with pytest.raises(UserError, match="out of range: the stack has 3 layers"):
        recipe.run(run)
