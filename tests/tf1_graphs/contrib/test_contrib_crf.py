"""tf.contrib.crf against TF 1.15.5's own numbers and against a brute-force NumPy CRF.

The goldens (tests/tf115/goldens/crf.json) were recorded by tests/tf115/record_crf.py under
TensorFlow 1.15.5, and the same builders run here with tf1_graphs' `tf`: scores, log-norms,
log-likelihoods and their gradients, multi-tag scores, `crf_decode` paths, lengths of 0 and 1,
a one-step time axis, one tag, int64 ids, and an unknown time axis (the `tf.cond` path).
Measured: scores, log-norms and decoded scores are bit-equal to TF 1.15's, log-likelihoods
within 2.4e-7 and gradients within 4.8e-7; tags are equal.  The NumPy reference enumerates
every tag path in float64; the float32 graphs agree with it within 4.6e-7.  The tolerance,
1e-5, leaves room for other CPUs' round-off and is far below the broken twins' gaps (1e-3).
"""
import itertools
import json
import math

import numpy as np
import pytest

from tests.tf115.record_crf import (GOLDEN, allowed_tags, cases, cell_steps, crf_fetches, run_fetches,
                                   tagger_training, transitions_variable)
from tf1_graphs import tf

TOL = dict(rtol=0, atol=1e-5)
with open(GOLDEN) as f:
    TF115 = json.load(f)
CASES = cases()
CASE_RUNS = [name + suffix for name in CASES for suffix in ("", "/unknown_time")]


@pytest.fixture(scope="module")
def ours():
    """Every case, built and run here once."""
    return {name + suffix: run_fetches(tf, lambda: crf_fetches(tf, *case, known_time=not suffix))
            for name, case in CASES.items() for suffix in ("", "/unknown_time")}


def assert_matches(found, golden):
    """Same keys; None where TF 1.15 had None; tags equal; floats within TOL."""
    assert sorted(found) == sorted(golden)
    for name, expected in golden.items():
        if expected is None or "tags" in name:
            assert found[name] == expected, name
        else:
            np.testing.assert_allclose(found[name], expected, **TOL, err_msg=name)


def test_the_cases_are_the_recorded_ones():
    assert {name: [np.asarray(a).tolist() for a in case] for name, case in CASES.items()} == TF115["inputs"]


@pytest.mark.parametrize("run", CASE_RUNS)
def test_crf_functions_give_tf115s_values(ours, run):
    assert_matches(ours[run], TF115[run])


def test_golden_comparison_can_fail(ours):
    """Broken twins: a log-norm 1e-3 off, and one decoded tag changed."""
    off = json.loads(json.dumps(TF115["batch"]))
    off["log_norm"][2] += 1e-3
    with pytest.raises(AssertionError):
        assert_matches(ours["batch"], off)
    off = json.loads(json.dumps(TF115["batch"]))
    off["decode_tags"][0][0] = (off["decode_tags"][0][0] + 1) % 3
    with pytest.raises(AssertionError):
        assert_matches(ours["batch"], off)


def test_transitions_variable_is_tf115s():
    """`tagger/transitions` [3, 3], trainable, made when no matrix is given; with the scope's
    initializer the log-likelihoods are TF 1.15's."""
    assert transitions_variable(tf) == TF115["transitions_variable"]
    explicit = transitions_variable(tf, np.linspace(-1, 1, 9).reshape(3, 3))
    np.testing.assert_allclose(explicit.pop("log_likelihood"), TF115["transitions_variable/explicit"]["log_likelihood"],
                               **TOL)
    assert explicit == {k: v for k, v in TF115["transitions_variable/explicit"].items() if k != "log_likelihood"}


def test_transitions_default_initializer_is_glorot_uniform(graph):
    inputs, tags, lengths, _ = CASES["batch"]
    _, transitions = tf.contrib.crf.crf_log_likelihood(tf.constant(inputs), tf.constant(tags), tf.constant(lengths))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(transitions)
    limit = math.sqrt(6 / (3 + 3))
    assert np.all(np.abs(values) <= limit) and np.ptp(values) > 0.1


def test_cells_are_tf115s():
    found, golden = cell_steps(tf), TF115["cells"]
    assert found.pop("sizes") == golden["sizes"] and found.pop("variables") == golden["variables"] == []
    for name, outputs in found.items():
        for value, expected in zip(outputs, golden[name]):
            np.testing.assert_allclose(value, expected, **TOL, err_msg=name)


def test_viterbi_decode_gives_tf115s_paths():
    for key, (path, score) in TF115["viterbi_decode"].items():
        name, row, dtype = key.split("/")
        inputs, _, lengths, transitions = CASES[name]
        found_path, found_score = tf.contrib.crf.viterbi_decode(
            inputs[int(row), :lengths[int(row)]].astype(dtype), transitions.astype(dtype))
        assert found_path == path and all(type(t) is int for t in found_path), key  # prints as under TF 1.15
        assert found_score == pytest.approx(score, abs=1e-5), key
    assert len(TF115["viterbi_decode"]) == 2 * sum(int((lengths > 0).sum()) for _, _, lengths, _ in CASES.values())


def test_a_bilstm_crf_tagger_trains_as_under_tf115():
    """Five Adam steps of a BiLSTM-CRF tagger (weights from an explicitly seeded initializer):
    the same variables, losses within 1e-5 (measured: 2.4e-7), the same decoded tags."""
    found, golden = tagger_training(tf), TF115["tagger_training"]
    np.testing.assert_allclose(found.pop("losses"), golden["losses"], **TOL)
    assert found == {k: v for k, v in golden.items() if k != "losses"}


# ---- the brute-force NumPy CRF ---------------------------------------------------------------
def path_score(inputs, transitions, path):
    """Unary plus transition scores along `path` (float64)."""
    unary = sum(float(inputs[t, tag]) for t, tag in enumerate(path))
    return unary + sum(float(transitions[a, b]) for a, b in zip(path, path[1:]))


def brute_force(inputs, tags, lengths, transitions, bitmap, use_lengths=True):
    """Per row: (score of its tags, log-norm, best path, best score, log-sum-exp over the paths
    the bitmap allows), enumerating every path of the row's length (or of the whole time axis
    when `use_lengths` is False: the broken twin)."""
    rows = []
    for row in range(inputs.shape[0]):
        n = int(lengths[row]) if use_lengths else inputs.shape[1]
        paths = list(itertools.product(range(inputs.shape[2]), repeat=n))
        scores = np.array([path_score(inputs[row], transitions, p) for p in paths])
        allowed = np.array([all(bitmap[row, t, tag] for t, tag in enumerate(p)) for p in paths])
        best = int(np.argmax(scores))
        rows.append((path_score(inputs[row], transitions, list(tags[row, :n])), np.logaddexp.reduce(scores),
                     list(paths[best]), scores[best], np.logaddexp.reduce(scores[allowed])))
    return rows


def assert_agrees_with_brute_force(found, case, use_lengths=True):
    inputs, tags, lengths, transitions = case
    bitmap = allowed_tags(tags, inputs.shape[2])
    for row, (score, log_norm, best_path, best_score, multitag) in enumerate(
            brute_force(inputs, tags, lengths, transitions, bitmap, use_lengths)):
        n = int(lengths[row])
        assert found["sequence_score"][row] == pytest.approx(score, abs=1e-5)
        assert found["log_norm"][row] == pytest.approx(log_norm, abs=1e-5)
        assert found["log_likelihood"][row] == pytest.approx(score - log_norm, abs=1e-5)
        if n > 0:  # a length of 0 decodes the first step anyway, as in TF 1.15
            assert found["decode_tags"][row][:n] == best_path
            assert found["decode_score"][row] == pytest.approx(best_score, abs=1e-5)
        if n > 0 or inputs.shape[1] > 1:  # TF 1.15's one-step multitag score ignores a length of 0
            assert found["multitag_score"][row] == pytest.approx(multitag, abs=1e-5)


@pytest.mark.parametrize("run", CASE_RUNS)
def test_crf_functions_agree_with_brute_force(ours, run):
    assert_agrees_with_brute_force(ours[run], CASES[run.split("/")[0]])


def test_brute_force_comparison_can_fail(ours):
    """Broken twin: a reference that scores the padding past each length."""
    with pytest.raises(AssertionError):
        assert_agrees_with_brute_force(ours["batch"], CASES["batch"], use_lengths=False)


def test_log_likelihoods_of_all_paths_sum_to_one(graph):
    inputs, _, _, transitions = CASES["int64"]
    paths = np.array(list(itertools.product(range(4), repeat=3)))
    x = tf.constant(np.repeat(inputs[:1], len(paths), 0))
    log_likelihood, _ = tf.contrib.crf.crf_log_likelihood(x, paths, tf.fill([len(paths)], 3), transitions)
    with tf.Session() as sess:
        assert np.logaddexp.reduce(sess.run(log_likelihood).astype(np.float64)) == pytest.approx(0, abs=1e-5)


def test_names_outside_tf115s_crf_are_plain_attribute_errors():
    with pytest.raises(AttributeError) as raised:
        tf.contrib.crf.crf_no_such_function
    assert type(raised.value) is AttributeError
