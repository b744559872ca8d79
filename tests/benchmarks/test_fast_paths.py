"""The benchmarks' fast paths compute what the posts' graphs compute.

Each document's model, built by its post module with the LSTM run each of the four
`benchmarks.models.RNN_KINDS` ways, starts from the same weights: on the same inputs its
forward outputs must be bit-identical (rnn_decoder's static unroll, the LSTMBlockCell kernel
and the fused BlockLSTM kernel do the posts' arithmetic in the same order), and 5 Adam steps
must move the weights alike (within 5e-6: float32 round-off in the kernels' gradients,
which FACTS.md puts within 2e-6; seen up to 3e-8 for the sine model, 1.8e-6 for Shakespeare
from the weights TF 1.15's op seeds draw, and 1.3 and 5.4 for the twins started from other
weights).  Small sizes keep it fast: the sine model on 20 samples, the
Shakespeare model at the tests' config.
"""
import dataclasses

import numpy as np
import pytest

from benchmarks.models import RNN_KINDS, SINE, shakespeare_training_step, sine_training_step
from recipes.d001_shakespeare.recipe import TestConfig as ShakespeareTestConfig

KINDS = list(RNN_KINDS)
SHORT_SINE = dataclasses.replace(SINE, n_samples=20)
TINY_VOCAB = 50
RNG = np.random.default_rng(0)
SINE_INPUTS = RNG.normal(size=(3, SHORT_SINE.n_samples, 1)).astype(np.float32)  # not the post's zero input
WORDS = RNG.integers(0, TINY_VOCAB, size=(ShakespeareTestConfig.batch_size, ShakespeareTestConfig.training_seq_len))


def sine(kind, seed):
    step = sine_training_step(kind, seed, SHORT_SINE)
    model = step.model
    return step, {model.inputs: SINE_INPUTS}, [model.outputs, model.final_state, model.prediction]


def shakespeare(kind, seed):
    step = shakespeare_training_step(kind, seed, ShakespeareTestConfig(), TINY_VOCAB)
    return step, {step.model.x_data: WORDS}, [step.model.logit_output, step.model.final_state]


def weights(session):
    """The trainable variables in one order for every kind: by their last name (W, b, bias, kernel...)."""
    return sorted(session.graph.get_collection("trainable_variables"), key=lambda v: v.op.name.split("/")[-1])


def run(build, kind, seed=0, start=None, steps=5):
    """The model's initial weights, its forward outputs on the test inputs, and its weights after `steps` Adam steps.

    With `start`, the weights are first set to those values, so no comparison rests on seeding.
    """
    step, feed, fetches = build(kind, seed)
    with step.session as session:
        if start is not None:
            session.run([v.assign(value) for v, value in zip(weights(session), start)])
        initial = session.run(weights(session))
        outputs = [np.asarray(value) for value in session.run(fetches, feed)]
        for _ in range(steps):
            session.run(step.model.train_op, step.feed)
        return initial, outputs, session.run(weights(session))


@pytest.fixture(scope="module", params=[sine, shakespeare], ids=["sine", "shakespeare"])
def runs(request):
    """(outputs, trained weights) of every kind from dynamic_rnn's initial weights, and of a twin from others."""
    start, *reference = run(request.param, "dynamic_rnn")
    results = {kind: run(request.param, kind, start=start)[1:] for kind in KINDS[1:]}
    results["dynamic_rnn"] = reference
    results["fused, seed 1"] = run(request.param, "fused", seed=1)[1:]
    return results


def test_every_rnn_kind_gives_bit_identical_outputs(runs):
    for kind in KINDS[1:]:
        for got, want in zip(runs[kind][0], runs["dynamic_rnn"][0]):
            np.testing.assert_array_equal(got, want, err_msg=kind)


def test_the_comparison_can_fail_when_weights_differ(runs):
    assert np.abs(runs["fused, seed 1"][0][0] - runs["dynamic_rnn"][0][0]).max() > 1e-3


WEIGHT_TOLERANCE = 5e-6


def largest_weight_gap(trained, reference):
    return max(np.abs(got - want).max() for got, want in zip(trained, reference))


def test_one_seed_trains_every_kind_alike(runs):
    for kind in KINDS[1:]:
        assert largest_weight_gap(runs[kind][1], runs["dynamic_rnn"][1]) <= WEIGHT_TOLERANCE, kind


def test_the_training_comparison_can_fail(runs):
    assert largest_weight_gap(runs["fused, seed 1"][1], runs["dynamic_rnn"][1]) > WEIGHT_TOLERANCE
