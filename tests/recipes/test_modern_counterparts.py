"""Today's TensorFlow beside each post: the weight mapping, and each Keras 3 counterpart's parity.

The mapping is checked in NumPy against the gate equations of both layouts, with its broken
twins; each document's counterpart runs once, in its own process, on a tiny config, and every
`modern-` claim must pass; that process must have loaded Keras 3 alone.
"""
import dataclasses
import types
from collections import namedtuple

import numpy as np
import pytest

from recipes import keras_weights as kw
from recipes import tftools
from recipes.claims import check_close
from recipes.d000_initial_state import modern_parity as p000
from recipes.d000_initial_state import post as post000
from recipes.d000_initial_state import recipe as recipe000
from recipes.d001_shakespeare import modern_parity as p001
from recipes.d001_shakespeare import post as post001
from recipes.d001_shakespeare import recipe as recipe001
from recipes.d002_feedback import modern_parity as p002
from recipes.d002_feedback import post as post002
from recipes.d002_feedback import recipe as recipe002
from recipes.d003_stacked_lstm import modern_parity as p003
from recipes.d003_stacked_lstm import post as post003
from recipes.d003_stacked_lstm import recipe as recipe003
from recipes.modern_process import CounterpartFailed, one_line, run_counterpart
from tf1_graphs import reference, tf

KERAS_GATES_AS_REFERENCE = ("i", "f", "j", "o")  # Keras's i, f, c, o in reference.py's names (c is j)
IN, H, BATCH, STEPS = 3, 4, 2, 6


@pytest.fixture
def tf1_lstm():
    """A TF 1.x kernel, a bias with every gate nonzero, inputs and a start state, float64."""
    rng = np.random.default_rng(0)
    return (rng.normal(size=(IN + H, 4 * H)), rng.normal(size=4 * H), rng.normal(size=(BATCH, STEPS, IN)),
            rng.normal(size=(BATCH, H)), rng.normal(size=(BATCH, H)))


def keras_layout_outputs(x, kernel, recurrent_kernel, bias, c0, h0):
    """Keras's equations on Keras's layout, in NumPy: [x, h] @ [kernel; recurrent_kernel] + bias, gates i, f, c, o,
    nothing added at run time."""
    outputs, _, _ = reference.lstm_sequence(x, np.concatenate([kernel, recurrent_kernel]), bias, c0, h0,
                                            forget_bias=0.0, gate_order=KERAS_GATES_AS_REFERENCE)
    return outputs


def mapped_parity(tf1_lstm, keras_weights):
    kernel, bias, x, c0, h0 = tf1_lstm
    expected, _, _ = reference.lstm_sequence(x, kernel, bias, c0, h0, forget_bias=1.0)
    return check_close("mapping", "test", "the Keras layout computes the TF 1.x cell",
                       keras_layout_outputs(x, *keras_weights, c0, h0), expected, 1e-12)


# --- the mapping, in NumPy ------------------------------------------------------------------------

def test_mapping_computes_the_same_cell(tf1_lstm):
    assert mapped_parity(tf1_lstm, kw.lstm_to_keras(tf1_lstm[0], tf1_lstm[1])).passed


def test_wrong_gate_order_fails(tf1_lstm):
    kernel, bias = tf1_lstm[:2]
    unordered = [kernel[:IN], kernel[IN:], bias + np.repeat([0, 0, 1, 0], H)]  # forget bias on TF 1.x's f block
    assert not mapped_parity(tf1_lstm, unordered).passed


def test_forgotten_forget_bias_fails(tf1_lstm):
    assert not mapped_parity(tf1_lstm, kw.lstm_to_keras(tf1_lstm[0], tf1_lstm[1], forget_bias=0.0)).passed


def test_unmapped_recurrent_kernel_fails(tf1_lstm):
    kernel, recurrent_kernel, bias = kw.lstm_to_keras(tf1_lstm[0], tf1_lstm[1])
    assert not mapped_parity(tf1_lstm, [kernel, np.zeros_like(recurrent_kernel), bias]).passed


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_the_identity(dtype, tf1_lstm):
    kernel, bias = (a.astype(dtype) for a in tf1_lstm[:2])
    back_kernel, back_bias = kw.lstm_to_tf1(*kw.lstm_to_keras(kernel, bias))
    assert back_kernel.dtype == dtype and np.array_equal(back_kernel, kernel)
    assert np.max(np.abs(back_bias - bias)) <= kw.fold_error_bound(bias)
    _, zero_bias = kw.lstm_to_tf1(*kw.lstm_to_keras(kernel, np.zeros_like(bias)))
    assert np.array_equal(zero_bias, np.zeros_like(bias))  # as initialised: exact


def test_round_trip_claim_fails_on_a_changed_weight(tf1_lstm):
    sent = {"cell/basic_lstm_cell/kernel": tf1_lstm[0], "cell/basic_lstm_cell/bias": tf1_lstm[1]}
    back = dict(zip(sent, kw.lstm_to_tf1(*kw.lstm_to_keras(*sent.values()))))
    biases = ["cell/basic_lstm_cell/bias"]
    assert p002.check_round_trip("rt", "test", sent, back, biases).passed
    moved = dict(back, **{"cell/basic_lstm_cell/kernel": back["cell/basic_lstm_cell/kernel"] + 1e-12})
    assert not p002.check_round_trip("rt", "test", sent, moved, biases).passed
    assert not p002.check_round_trip("rt", "test", sent, {"cell/basic_lstm_cell/kernel": back[
        "cell/basic_lstm_cell/kernel"]}, biases).passed


def test_mapping_table_rows_have_three_columns():
    assert kw.MAPPING_TABLE and all(len(row) == 3 for row in kw.MAPPING_TABLE)


# --- the process ----------------------------------------------------------------------------------

def test_a_failed_counterpart_is_one_readable_error():
    with pytest.raises(CounterpartFailed, match=r"recipes\.no_such_counterpart failed .*No module named") as raised:
        run_counterpart("recipes.no_such_counterpart", {}, {})
    assert "\n" not in str(raised.value)


def test_one_line_unwraps_keras_errors():
    message = ("Exception encountered when calling X.call().\n\n\x1b[1m{{function_node __wrapped__MatMul_device_/job:"
               "localhost/replica:0/task:0/device:CPU:0}} shapes differ\x1b[0m\n\nArguments received:\n  • x")
    assert one_line(message) == "Exception encountered when calling X.call(). shapes differ"


# --- one counterpart process per document, tiny configs --------------------------------------------

Parity = namedtuple("Parity", "weights modern returned process tf1 extra")


def counterpart(module, tf1_side, extra=None):
    """Run the counterpart on the TF 1.x side's (weights, inputs, references)."""
    weights, inputs, references = tf1_side
    modern, returned, process = run_counterpart(module, weights, inputs)
    return Parity(weights, modern, returned, process, references, extra)


@pytest.fixture(scope="module")
def run_000():
    tiny = dataclasses.replace(recipe000.TestConfig(), chunks_per_sequence=3, train_sequences=3, eval_sequences=2)
    _, train, held_out = post000.make_task(tiny, 0)
    graph, model = post000.build(post000.Answer0Graph, tiny, 0)
    sess = tftools.start_session(graph)
    post000.train(sess, model, train, post000.answer0_sequence, tiny.train_sequences)  # a learned start, nonzero biases
    with graph.as_default():
        before = sess.run(tf.global_variables())
    weights, inputs, references = p000.tf1_side(sess, model, held_out)
    with graph.as_default():
        after = sess.run(tf.global_variables())
    sess.close()
    left_as_found = all(np.array_equal(a, b) for a, b in zip(before, after))
    return counterpart(p000.MODULE, (weights, inputs, references), extra=left_as_found)


@pytest.fixture(scope="module")
def run_001():
    config = dataclasses.replace(recipe001.TestConfig(), training_seq_len=6)
    vocab = 30
    models = post001.build_models(config, vocab, 0)
    rng = np.random.default_rng(0)
    batches = [rng.integers(0, vocab, (config.batch_size, config.training_seq_len)).astype(np.int32) for _ in range(2)]
    with tf.Session(graph=models.graph) as sess:
        sess.run(models.init)
        return counterpart(p001.MODULE, p001.tf1_side(sess, models, config, batches, [3, 5, 7], generate_steps=8))


TINY_002 = dataclasses.replace(recipe002.TestConfig(), n_samples=30)


@pytest.fixture(scope="module")
def run_002():
    data = post002.sine_data(TINY_002.n_samples)
    graph, answers = post002.build(post002.build_answers, TINY_002, data, 0)
    with tf.Session(graph=graph) as sess:
        sess.run(answers.init)
        post002.train(sess, answers.model, {answers.model.inputs: data.sine}, 20)
        return counterpart(p002.MODULE, p002.tf1_side(sess, answers.model, data, generate_steps=20, train_steps=3,
                                                       forget_bias=TINY_002.forget_bias), extra=data)


TINY_003 = dataclasses.replace(recipe003.TestConfig(), train_steps=3, probe_batch=2)


@pytest.fixture(scope="module")
def run_003():
    trained = post003.run_classifier(TINY_003, 0, log=lambda *_: None)
    shared = post003.run_shared_stack(TINY_003, TINY_003.n_hidden, 0)
    return counterpart(p003.MODULE, p003.tf1_side(trained, shared, TINY_003))


def assert_all_pass(claims, parity, at_least=2):
    """Every claim passes, and every claim the report's side-by-side rows name is one of them."""
    failed = [f"{c.id}: {c.observed} (expected {c.expected})" for c in claims if not c.passed]
    assert not failed, failed
    assert len(claims) >= at_least and all(c.id.startswith("modern-") for c in claims)
    assert {i for _, _, ids in parity.SIDE_BY_SIDE for i in ids} <= {c.id for c in claims}


def test_000_parity(run_000):
    r = run_000
    assert_all_pass(p000.check_claims(r.modern, r.returned, r.tf1, r.weights), p000)
    assert r.extra  # the parity's training steps left the recipe's session as they found it


def test_001_parity(run_001):
    r = run_001
    assert_all_pass(p001.check_claims(r.modern, r.returned, r.tf1, r.weights), p001)


def test_002_parity(run_002):
    r = run_002
    assert_all_pass(p002.check_claims(r.modern, r.returned, r.tf1, r.weights, r.extra.sine.dtype), p002)


def test_003_parity(run_003):
    r = run_003
    assert_all_pass(p003.check_claims(r.modern, r.returned, r.tf1, r.weights, TINY_003), p003)


def test_parity_claims_fail_on_other_numbers(run_002, run_001):
    """Broken twins of the checks themselves: results moved by 1e-3, or other words, must fail."""
    r = run_002
    moved = {k: v + 1e-3 if k in ("outputs", "generated", "losses") else v for k, v in r.modern.items()}
    claims = {c.id: c.passed for c in p002.check_claims(moved, r.returned, r.tf1, r.weights, r.extra.sine.dtype)}
    assert not any(claims[k] for k in ("modern-002-same-outputs", "modern-002-same-generation",
                                       "modern-002-same-training-losses"))
    r = run_001
    assert not p001.check_same_words(dict(r.modern, generated=r.modern["generated"] + 1), r.tf1).passed


@pytest.mark.parametrize("name", ["run_000", "run_001", "run_002", "run_003"])
def test_counterpart_process_has_keras3_alone(name, request):
    process = request.getfixturevalue(name).process
    assert process["tf_keras_loaded"] is False
    assert process["legacy_keras_variable"] == ""
    assert process["keras_version"].startswith("3.")


@pytest.mark.parametrize("parity", [p000, p001, p002, p003])
def test_each_document_gives_the_report_its_rows(parity):
    assert parity.KEY_LINES.startswith(f"recipes/{parity.MODULE.split('.')[1]}/modern.py")
    assert parity.SIDE_BY_SIDE and all(len(row) == 3 and row[2] for row in parity.SIDE_BY_SIDE)


# --- the recipe's last part and the report -------------------------------------------------------

def test_the_report_sets_each_way_beside_the_post_with_the_claims_verdicts(tmp_path):
    from recipes.claims import check_that
    from recipes.modern_parity import todays_tensorflow
    from recipes.report import load_results, render
    from recipes.run import Run

    claims = [check_that("modern-002-same-outputs", "s", "t", "m", "e", "max |diff| = 8.9e-16", True),
              check_that("modern-002-same-generation", "s", "t", "m", "e", "max |diff| = 0.5", False),
              check_that("modern-002-weights-round-trip", "s", "t", "m", "e", "3 weights bit-identical", True)]
    module = types.SimpleNamespace(NAME="feedback", DOCUMENT="002.txt", TITLE="T", SOURCE="S", DEVIATIONS=[])
    run = Run(module.NAME, str(tmp_path), echo=False)
    todays_tensorflow(run, p002, claims)
    run.finish(module)
    run.close()
    report = render(load_results(str(tmp_path), [module.NAME]))
    assert p002.KEY_LINES in report and report.count("## The weight mapping") == 1
    rows = [line for line in report.splitlines() if line.startswith("| ") and "today" not in line]
    assert "| answer 3: self_feeding_rnn" in report
    assert any("**PASS** `modern-002-same-outputs`: max \\|diff\\| = 8.9e-16" in row for row in rows)
    assert any("**FAIL** `modern-002-same-generation`" in row for row in rows)  # the twin: a failed claim shows
    assert any("**PASS** `modern-002-weights-round-trip`" in row for row in rows)
    assert all(f"| {a} | {b} | {c} |" in report for a, b, c in kw.MAPPING_TABLE)


def test_a_row_whose_claims_did_not_run_is_not_checked_and_old_results_show_no_today():
    from recipes.report import render, today_lines

    result = {"claims": [], "today": {"key_lines": "k", "side_by_side": [["post", "now", ["modern-x"]]], "mapping": []}}
    assert today_lines(result)[-1] == "| post | now | not checked |"
    old = {"document": "d", "mode": "quick", "seed": 0, "title": "T", "source": "S", "claims": [], "plots": [],
           "deviations": []}
    assert "Today's TensorFlow" not in render({"x": old}) and "weight mapping" not in render({"x": old})
