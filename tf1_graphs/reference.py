"""The recurrent cells' maths in plain NumPy, independent of TensorFlow.

Parity tests compare TensorFlow's graphs with these functions, and the recipes use them
to show the gate equations at work.  Everything is computed in float64 whatever the
input dtype, so a reference is never less exact than the graph it checks.  The layouts
are TensorFlow's: an LSTM kernel [in + H, 4H] split into gates i, j, f, o; a GRU's
`gates` kernel [in + H, 2H] split into r, u and a separate `candidate` kernel [in + H, H].
"""
from collections import namedtuple

import numpy as np

LSTM_GATE_ORDER = ("i", "j", "f", "o")  # input gate, candidate (new input), forget gate, output gate

LSTMStep = namedtuple("LSTMStep", "c h gates")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def split_lstm_kernel(kernel, bias, gate_order=LSTM_GATE_ORDER):
    """{gate: (W [in + H, H], b [H])} from a fused kernel; `gate_order` names its column blocks."""
    kernel, bias = np.asarray(kernel, np.float64), np.asarray(bias, np.float64)
    width = kernel.shape[1] // 4
    return {g: (kernel[:, k * width:(k + 1) * width], bias[k * width:(k + 1) * width])
            for k, g in enumerate(gate_order)}


def lstm_step(x, c, h, kernel, bias, forget_bias=1.0, gate_order=LSTM_GATE_ORDER):
    """One BasicLSTMCell step, written the way the gate equations read.

    f = sigmoid(W_f [x, h] + b_f + forget_bias)   how much of the old cell state to keep
    i = sigmoid(W_i [x, h] + b_i)                 how much of the candidate to let in
    j = tanh(W_j [x, h] + b_j)                    the candidate cell state
    c' = f * c + i * j;  o = sigmoid(W_o [x, h] + b_o);  h' = o * tanh(c')
    """
    xh = np.concatenate([np.asarray(x, np.float64), np.asarray(h, np.float64)], axis=-1)
    blocks = split_lstm_kernel(kernel, bias, gate_order)
    pre = {g: xh @ w + b for g, (w, b) in blocks.items()}
    gates = {"f": sigmoid(pre["f"] + forget_bias), "i": sigmoid(pre["i"]),
             "j": np.tanh(pre["j"]), "o": sigmoid(pre["o"])}
    new_c = gates["f"] * np.asarray(c, np.float64) + gates["i"] * gates["j"]
    new_h = gates["o"] * np.tanh(new_c)
    return LSTMStep(new_c, new_h, gates)


def gru_step(x, h, gate_kernel, gate_bias, candidate_kernel, candidate_bias):
    """One GRUCell step: r, u from one combined matrix, then the candidate from [x, r * h].

    [r, u] = sigmoid([x, h] @ gates/kernel + gates/bias)
    c = tanh([x, r * h] @ candidate/kernel + candidate/bias);  h' = u * h + (1 - u) * c
    """
    x, h = np.asarray(x, np.float64), np.asarray(h, np.float64)
    value = sigmoid(np.concatenate([x, h], axis=-1) @ gate_kernel + gate_bias)
    r, u = np.split(value, 2, axis=-1)
    candidate = np.tanh(np.concatenate([x, r * h], axis=-1) @ candidate_kernel + candidate_bias)
    return u * h + (1.0 - u) * candidate


def cudnn_gru_step(x, h, gate_kernel, gate_bias, input_kernel, input_bias, hidden_kernel, hidden_bias):
    """One step of cuDNN's GRU (CudnnCompatibleGRUCell): the reset gate scales the projected
    state, bias included, rather than the state before its projection.

    [r, u] = sigmoid([x, h] @ gates/kernel + gates/bias)
    c = tanh(x @ W_x + b_x + r * (h @ W_h + b_h));  h' = u * h + (1 - u) * c
    """
    x, h = np.asarray(x, np.float64), np.asarray(h, np.float64)
    r, u = np.split(sigmoid(np.concatenate([x, h], axis=-1) @ gate_kernel + gate_bias), 2, axis=-1)
    candidate = np.tanh(x @ input_kernel + input_bias + r * (h @ hidden_kernel + hidden_bias))
    return u * h + (1.0 - u) * candidate


def gru_sequence(inputs, gate_kernel, gate_bias, candidate_kernel, candidate_bias, h0=None):
    """Run one GRU layer over batch-major inputs [batch, time, depth]; its outputs [batch, time, H]."""
    h = np.zeros((np.shape(inputs)[0], np.shape(candidate_bias)[0])) if h0 is None else h0
    outputs = []
    for t in range(np.shape(inputs)[1]):
        h = gru_step(inputs[:, t], h, gate_kernel, gate_bias, candidate_kernel, candidate_bias)
        outputs.append(h)
    return np.stack(outputs, axis=1)


def lstm_sequence(inputs, kernel, bias, c0=None, h0=None, forget_bias=1.0, gate_order=LSTM_GATE_ORDER):
    """Run one LSTM layer over batch-major inputs [batch, time, depth].

    Returns (outputs [batch, time, H], final LSTMStep, trace), where trace maps each
    gate (i, j, f, o) and the states c and h to their values over time, [batch, time, H].
    """
    inputs = np.asarray(inputs, np.float64)
    batch, units = inputs.shape[0], np.shape(bias)[0] // 4
    c = np.zeros((batch, units)) if c0 is None else np.asarray(c0, np.float64)
    h = np.zeros((batch, units)) if h0 is None else np.asarray(h0, np.float64)
    step, steps = LSTMStep(c, h, {}), []
    for t in range(inputs.shape[1]):
        step = lstm_step(inputs[:, t], step.c, step.h, kernel, bias, forget_bias, gate_order)
        steps.append(dict(step.gates, c=step.c, h=step.h))
    trace = {name: np.stack([s[name] for s in steps], axis=1) for name in (*LSTM_GATE_ORDER, "c", "h")}
    return trace["h"], step, trace


def stacked_lstm_sequence(inputs, layers, forget_bias=1.0):
    """A MultiRNNCell of LSTMs: each layer's outputs are the next layer's inputs, nothing between.

    `layers` is a list of (kernel, bias).  Returns (top outputs, [final LSTMStep per layer]).
    """
    finals = []
    for kernel, bias in layers:
        inputs, final, _ = lstm_sequence(inputs, kernel, bias, forget_bias=forget_bias)
        finals.append(final)
    return inputs, finals


def log_softmax(logits):
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def sparse_softmax_cross_entropy(labels, logits):
    """-log softmax(logits)[label], per row."""
    logp = log_softmax(logits)
    return -np.take_along_axis(logp, np.asarray(labels)[..., None], axis=-1)[..., 0]


def softmax_cross_entropy(labels, logits):
    """-sum(labels * log softmax(logits)), per row, for one-hot or soft labels."""
    return -(np.asarray(labels, np.float64) * log_softmax(logits)).sum(axis=-1)
