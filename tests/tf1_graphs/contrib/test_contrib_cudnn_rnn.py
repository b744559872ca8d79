"""tf.contrib.cudnn_rnn's CPU cells against TF 1.15.5 and NumPy; its cuDNN layers refused by name.

Goldens from tests/tf115/record_cudnn_rnn.py under TensorFlow 1.15.5: variable names, shapes
and creation order, initial biases, and (weights set explicitly) outputs, final states and
gradients of a `dynamic_rnn` with lengths 3 and 2.  Measured: outputs and states within
8.9e-8 of TF 1.15's, gradients within 5.1e-7; the NumPy reference (float64, reference.py)
agrees within 6.8e-8.  Tolerance 1e-5; the broken twins (BasicLSTMCell's forget bias of 1,
GRUCell's reset before the projection) are off by 0.062 and 0.11.
"""
import json

import numpy as np
import pytest

from tests.tf115.record_cudnn_rnn import GOLDEN, INPUTS, LENGTHS, cell_run, weight_values
from tf1_graphs import reference as ref
from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided

TOL = dict(rtol=0, atol=1e-5)
KINDS = ("CudnnCompatibleLSTMCell", "CudnnCompatibleGRUCell")
with open(GOLDEN) as f:
    TF115 = json.load(f)


@pytest.fixture(scope="module")
def ours():
    return {kind: cell_run(tf, kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_variables_are_tf115s(ours, kind):
    assert ours[kind]["variables"] == TF115[kind]["variables"]
    assert ours[kind]["initial_biases"] == TF115[kind]["initial_biases"]
    assert ours[kind]["cell_names"] == TF115[kind]["cell_names"]


@pytest.mark.parametrize("kind", KINDS)
def test_outputs_states_and_gradients_are_tf115s(ours, kind):
    for name in ("outputs", "state", "single_output"):
        np.testing.assert_allclose(ours[kind][name], TF115[kind][name], **TOL, err_msg=name)
    for found, expected in zip(ours[kind]["grads"], TF115[kind]["grads"], strict=True):
        np.testing.assert_allclose(found, expected, **TOL)


def numpy_outputs(kind, step=None):
    """[batch, time, H] outputs of the encoder in NumPy, zero past each length; `step` replaces
    the cell's step (the broken twins)."""
    weights = {name.split("cell/", 1)[1]: weight_values(name, shape)
               for name, shape in TF115[kind]["variables"] if name.startswith("encoder/")}
    if kind == "CudnnCompatibleLSTMCell":
        step = step or (lambda x, state: ref.lstm_step(x, *state, weights["kernel"], weights["bias"], forget_bias=0))
        state = (np.zeros((2, 5)), np.zeros((2, 5)))
    else:
        step = step or (lambda x, h: ref.cudnn_gru_step(
            x, h, weights["gates/kernel"], weights["gates/bias"], weights["candidate/input_projection/kernel"],
            weights["candidate/input_projection/bias"], weights["candidate/hidden_projection/kernel"],
            weights["candidate/hidden_projection/bias"]))
        state = np.zeros((2, 5))
    outputs = []
    for t in range(INPUTS.shape[1]):
        new = step(INPUTS[:, t], state)
        h = new.h if hasattr(new, "h") else new
        live = (t < LENGTHS)[:, None]
        outputs.append(np.where(live, h, 0))
        state = (np.where(live, new.c, state[0]), np.where(live, h, state[1])) if hasattr(new, "h") else np.where(
            live, h, state)
    return np.stack(outputs, 1), weights


@pytest.mark.parametrize("kind", KINDS)
def test_outputs_agree_with_numpy(ours, kind):
    np.testing.assert_allclose(ours[kind]["outputs"], numpy_outputs(kind)[0], **TOL)


def test_numpy_comparison_can_fail(ours):
    """Broken twins: an LSTM with BasicLSTMCell's forget bias, a GRU with GRUCell's candidate."""
    _, w = numpy_outputs("CudnnCompatibleLSTMCell")
    basic = numpy_outputs("CudnnCompatibleLSTMCell",
                          lambda x, state: ref.lstm_step(x, *state, w["kernel"], w["bias"], forget_bias=1.0))[0]
    assert np.abs(basic - ours["CudnnCompatibleLSTMCell"]["outputs"]).max() > 0.01
    _, w = numpy_outputs("CudnnCompatibleGRUCell")
    candidate_kernel = np.concatenate([w["candidate/input_projection/kernel"], w["candidate/hidden_projection/kernel"]])
    plain = numpy_outputs("CudnnCompatibleGRUCell", lambda x, h: ref.gru_step(
        x, h, w["gates/kernel"], w["gates/bias"], candidate_kernel, w["candidate/input_projection/bias"]))[0]
    assert np.abs(plain - ours["CudnnCompatibleGRUCell"]["outputs"]).max() > 0.01


@pytest.mark.parametrize("name,cell", [("CudnnLSTM", "CudnnCompatibleLSTMCell"), ("CudnnGRU", "CudnnCompatibleGRUCell"),
                                       ("CudnnRNNTanh", None)])
def test_cudnn_layers_are_refused_naming_the_cpu_cell(name, cell):
    with pytest.raises(ContribNotProvided, match=rf"^tf\.contrib\.cudnn_rnn\.{name} is not provided by tf1_graphs: "
                                                 r"it needs a GPU with cuDNN") as refused:
        getattr(tf.contrib.cudnn_rnn, name)
    assert (f"tf.contrib.cudnn_rnn.{cell} runs on the CPU" in str(refused.value)) == (cell is not None)


def test_other_tf115_names_are_refused_and_typos_are_attribute_errors():
    with pytest.raises(ContribNotProvided, match=r"tf\.contrib\.cudnn_rnn\.CudnnLSTMSaveable is not provided"):
        tf.contrib.cudnn_rnn.CudnnLSTMSaveable
    with pytest.raises(AttributeError) as raised:
        tf.contrib.cudnn_rnn.CudnnLTSM
    assert type(raised.value) is AttributeError
