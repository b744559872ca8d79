"""Document 003 today: the answer's stack of LSTMs as Keras 3 layers, and what `[cell] * n` becomes.

What changes from the TF 1.x post:
- no MultiRNNCell: one `keras.layers.LSTM(return_sequences=True)` per layer, each layer's
  output sequence the next one's input (the answer's loop building one cell per layer);
- `tf.trainable_variables()` becomes `model.trainable_weights`: three per layer, since Keras
  keeps the input and the recurrent weights apart (kernel [in, 4H], recurrent_kernel [H, 4H],
  bias [4H]) and orders the gates i, f, c, o (TF 1.x: one kernel [in + H, 4H], gates i, j, f, o);
- the forget gate's +1 is in the bias (`unit_forget_bias=True` initialises it so), not added
  at run time as BasicLSTMCell's forget_bias;
- reusing one layer object, the counterpart of `[cell] * n`, shares its weights, as TF >= 1.2
  did.  Keras builds the layer for the depth of the first input it sees; with an input depth
  other than the units, the model still builds, and its first call fails in the matmul.

`python -m recipes.d003_stacked_lstm.modern IN.npz OUT.npz` runs the parity (recipes/modern_process.py).
"""
import keras
import numpy as np
import tensorflow as tf

from recipes import keras_weights
from recipes.modern_process import one_line, serve

TF1_LAYER = "rnn/multi_rnn_cell/cell_{}/basic_lstm_cell/"
TF1_HEAD = "fully_connected/"


class StackedLSTM(keras.Model):
    """The answer's classifier: `num_layers` LSTMs of `n_hidden` units, a Dense on the last step of the top one."""

    def __init__(self, n_hidden=2, num_layers=3, num_classes=3):
        super().__init__()
        self.stack = [keras.layers.LSTM(n_hidden, return_sequences=True, return_state=True)
                      for _ in range(num_layers)]
        self.head = keras.layers.Dense(num_classes)

    def call(self, x):
        """(logits, per layer (outputs [batch, time, H], final h, final c))."""
        layers = []
        for lstm in self.stack:
            x, h, c = lstm(x)
            layers.append((x, h, c))
        return self.head(x[:, -1]), layers


def reused_layer_stack(input_depth, n_hidden=2, num_layers=3):
    """One LSTM layer object called `num_layers` times: Keras 3's `[cell] * num_layers`.
    Returns (the model, the layer); the layer's one set of weights serves every call."""
    lstm = keras.layers.LSTM(n_hidden, return_sequences=True)
    inputs = keras.Input((None, input_depth))
    x = inputs
    for _ in range(num_layers):
        x = lstm(x)
    return keras.Model(inputs, x), lstm


def reused_layer_error(input_depth, n_hidden, num_layers):
    """The error of the reused-layer stack when the input depth is not n_hidden: it builds, then its
    first call fails (layer 0 built the kernel for input_depth rows; layer 1 feeds it n_hidden)."""
    model, _ = reused_layer_stack(input_depth, n_hidden, num_layers)
    try:
        model(np.zeros([1, 1, input_depth], np.float32))
    except (ValueError, tf.errors.InvalidArgumentError) as error:
        return f"{type(error).__name__}: {one_line(str(error))}"
    return ""


def load_tf1_weights(model, weights, forget_bias):
    for k, lstm in enumerate(model.stack):
        scope = TF1_LAYER.format(k)
        lstm.set_weights(keras_weights.lstm_to_keras(weights[scope + "kernel"], weights[scope + "bias"], forget_bias))
    model.head.set_weights(keras_weights.dense_to_keras(weights[TF1_HEAD + "weights"], weights[TF1_HEAD + "biases"]))


def tf1_weights(model, forget_bias):
    weights = {}
    for k, lstm in enumerate(model.stack):
        scope = TF1_LAYER.format(k)
        weights[scope + "kernel"], weights[scope + "bias"] = keras_weights.lstm_to_tf1(*lstm.get_weights(), forget_bias)
    weights[TF1_HEAD + "weights"], weights[TF1_HEAD + "biases"] = keras_weights.dense_to_tf1(*model.head.get_weights())
    return weights


def parity(weights, inputs):
    """The stack on the probe sequences, its trainable weights, and the reused layer on both input depths."""
    forget_bias, sequences = float(inputs["forget_bias"]), inputs["sequences"]
    num_layers = sum(name.endswith("lstm_cell/kernel") for name in weights)
    n_hidden, num_classes = weights[TF1_HEAD + "weights"].shape
    model = StackedLSTM(n_hidden, num_layers, num_classes)
    model(sequences)
    load_tf1_weights(model, weights, forget_bias)
    _, layers = model(sequences)
    shared_model, shared_layer = reused_layer_stack(n_hidden, n_hidden, num_layers)
    shared_layer.set_weights(keras_weights.lstm_to_keras(inputs["shared_kernel"], inputs["shared_bias"], forget_bias))
    results = {
        "outputs": np.stack([np.asarray(x) for x, _, _ in layers]),
        "final_h": np.stack([np.asarray(h) for _, h, _ in layers]),
        "final_c": np.stack([np.asarray(c) for _, _, c in layers]),
        "trainable_weights": np.array([f"{w.path} {list(w.shape)}" for w in model.trainable_weights]),
        "shared_outputs": np.asarray(shared_model(inputs["shared_sequences"])),
        "shared_weight_count": np.asarray(len(shared_model.trainable_weights)),
        "shared_error": np.asarray(reused_layer_error(sequences.shape[-1], n_hidden, num_layers)),
    }
    return results, tf1_weights(model, forget_bias)


if __name__ == "__main__":
    serve(parity)
