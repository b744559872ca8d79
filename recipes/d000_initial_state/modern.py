"""Document 000 today: a Keras 3 LSTM that starts each sequence from a learned, per-row initial state.

What changes from answer 0's TF 1.x graph:
- the learned start is a layer's weights (`LearnedInitialState`), handed to the LSTM as
  `initial_state`; no `state`/`init_state` variable pairs, no restore/save/propagate assign ops;
- the state is carried by passing the returned state to the next chunk's call.  Not
  `stateful=True`: a stateful LSTM keeps the carry in a variable that `reset_states()` sets to
  zeros, not to a learned value, so the learned start would still need copying in;
- the start state trains on a sequence's first chunk only, as in answer 0, with two Adams (one
  for model and start state, one for the model alone), each with its own slots as answer 0's
  two `minimize(var_list=...)` have.  A masked gradient would share one Adam's moments between
  the two kinds of step, a different optimizer;
- Keras's LSTM state is [h, c]; TF 1.x's LSTMStateTuple is (c, h);
- answer 0 propagates after the training step, so the next chunk starts from a state computed
  with the updated weights; we keep that order (one more forward pass per chunk) so the losses
  can be compared.  Returning the state from the training step itself would save it.

`python -m recipes.d000_initial_state.modern IN.npz OUT.npz` runs the parity (recipes/modern_process.py).
"""
import keras
import numpy as np
import tensorflow as tf

from recipes import keras_weights
from recipes.modern_process import serve

TF1_LSTM = "nn/rnn/basic_lstm_cell/"
TF1_HEAD = "nn/dense/"
TF1_START = {"c": "state/Variable", "h": "state/Variable_1"}  # answer 0's state_c, state_h


class LearnedInitialState(keras.layers.Layer):
    """A trainable [batch, units] start state, one row per row of the batch (answer 0's state_c, state_h)."""

    def __init__(self, batch_size, units, **kwargs):
        super().__init__(**kwargs)
        self.init_c = self.add_weight(shape=(batch_size, units), initializer="zeros", name="init_c")
        self.init_h = self.add_weight(shape=(batch_size, units), initializer="zeros", name="init_h")

    def state(self):
        return [self.init_h, self.init_c]  # Keras's order


class ChunkedLSTM(keras.Model):
    """Answer 0's model: LSTM, dropout on its outputs (DropoutWrapper's 0.7 keep), dense ReLU to the logits."""

    def __init__(self, batch_size=10, units=20, classes=5, dropout=0.3):
        super().__init__()
        self.start = LearnedInitialState(batch_size, units)
        self.lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True)
        self.dropout = keras.layers.Dropout(dropout)
        self.head = keras.layers.Dense(classes, activation="relu")

    def call(self, chunk, state=None, training=False):
        """(logits [batch, time, classes], LSTM outputs, final state [h, c]); no `state`: the learned start."""
        outputs, h, c = self.lstm(chunk, initial_state=self.start.state() if state is None else state)
        return self.head(self.dropout(outputs, training=training)), outputs, [h, c]

    def model_weights(self):
        return self.lstm.trainable_weights + self.head.trainable_weights


def chunk_losses(targets, logits):
    """Softmax cross-entropy per [batch, time] step (softmax_cross_entropy_with_logits_v2)."""
    return keras.losses.categorical_crossentropy(targets, logits, from_logits=True)


class Answer0Training:
    """Answer 0's protocol: model and start state on a sequence's first chunk, the model alone on the rest."""

    def __init__(self, model):
        self.model = model
        self.first_chunk_adam = keras.optimizers.Adam(**keras_weights.TF1_ADAM)
        self.other_chunks_adam = keras.optimizers.Adam(**keras_weights.TF1_ADAM)

    def _step(self, optimizer, weights, chunk, targets, state):
        with tf.GradientTape() as tape:
            logits, _, _ = self.model(chunk, state, training=True)
            loss = tf.reduce_mean(chunk_losses(targets, logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    @tf.function
    def first_chunk_step(self, chunk, targets):
        weights = self.model.model_weights() + self.model.start.trainable_weights
        return self._step(self.first_chunk_adam, weights, chunk, targets, None)

    @tf.function
    def next_chunk_step(self, chunk, targets, state):
        return self._step(self.other_chunks_adam, self.model.model_weights(), chunk, targets, state)

    def sequence(self, chunks, targets):
        """Train on one sequence's chunks in order; the loss of each chunk, before its step."""
        losses = [self.first_chunk_step(chunks[0], targets[0])]
        _, _, state = self.model(chunks[0])  # answer 0's propagate_state: after the step, with the new weights
        for chunk, target in zip(chunks[1:], targets[1:]):
            losses.append(self.next_chunk_step(chunk, target, state))
            _, _, state = self.model(chunk, state)
        return losses


def load_tf1_weights(model, weights, forget_bias):
    model.lstm.set_weights(keras_weights.lstm_to_keras(weights[TF1_LSTM + "kernel"], weights[TF1_LSTM + "bias"],
                                                       forget_bias))
    model.head.set_weights(keras_weights.dense_to_keras(weights[TF1_HEAD + "kernel"], weights[TF1_HEAD + "bias"]))
    model.start.set_weights([weights[TF1_START["c"]], weights[TF1_START["h"]]])


def tf1_weights(model, forget_bias):
    kernel, bias = keras_weights.lstm_to_tf1(*model.lstm.get_weights(), forget_bias)
    head_kernel, head_bias = keras_weights.dense_to_tf1(*model.head.get_weights())
    init_c, init_h = model.start.get_weights()
    return {TF1_LSTM + "kernel": kernel, TF1_LSTM + "bias": bias, TF1_HEAD + "kernel": head_kernel,
            TF1_HEAD + "bias": head_bias, TF1_START["c"]: init_c, TF1_START["h"]: init_h}


def parity(weights, inputs):
    """The first chunk and a whole sequence from the learned start, then answer 0's first training steps,
    dropout off."""
    forget_bias, chunks, targets = float(inputs["forget_bias"]), inputs["chunks"], inputs["targets"]
    batch_size, units = weights[TF1_START["c"]].shape
    model = ChunkedLSTM(batch_size, units, classes=targets.shape[-1], dropout=0.0)
    model(chunks[0, 0])
    load_tf1_weights(model, weights, forget_bias)
    returned = tf1_weights(model, forget_bias)
    logits, outputs, (h, c) = model(chunks[0, 0])
    carried, state = [], None
    for chunk in chunks[0]:
        _, chunk_outputs, state = model(chunk, state)
        carried.append(chunk_outputs)
    training = Answer0Training(model)
    losses = [loss for sequence, target in zip(chunks, targets) for loss in training.sequence(sequence, target)]
    results = {"outputs": outputs, "final_c": c, "final_h": h, "step_losses": chunk_losses(targets[0, 0], logits),
               "carried": tf.concat(carried, axis=1), "losses": losses}
    return {k: np.asarray(v) for k, v in results.items()}, returned


if __name__ == "__main__":
    serve(parity)
