"""Document 001 today: the cookbook's Shakespeare word LSTM in Keras 3.

What changes from the cookbook's TF 1.x:
- one model object serves training and generation: no second `LSTM_Model` under
  `variable_scope(..., reuse=True)` to share the weights, since a Keras model owns its weights;
- the state carried from batch to batch is what the call returns, passed to the next call
  (the cookbook fed `initial_state.c` and `.h` through `feed_dict`); Keras's state is [h, c];
- `legacy_seq2seq.rnn_decoder`'s loop function and `sample()`'s one `sess.run` per word become
  one greedy loop over `tf.range` in a `tf.function` (AutoGraph makes it a while loop);
- `sequence_loss_by_example` is a sparse cross-entropy from logits; `clip_by_global_norm(4.5)`
  is Adam's `global_clipnorm`;
- checkpoints: `tf.train.Checkpoint(model=..., optimizer=...)`, no `Saver`.

`python -m recipes.d001_shakespeare.modern IN.npz OUT.npz` runs the parity (recipes/modern_process.py).
"""
import os
import tempfile

import keras
import numpy as np
import tensorflow as tf

from recipes import keras_weights
from recipes.modern_process import serve

TF1_LSTM = "rnn_decoder/basic_lstm_cell/"
TF1_VARS = "lstm_vars/"  # the cookbook's W, b and embedding_mat


class ShakespeareLSTM(keras.Model):
    """Embedding, LSTM, Dense to one logit per word of the vocabulary."""

    def __init__(self, vocab_size, embedding_size=128, rnn_size=128):
        super().__init__()
        self.embedding = keras.layers.Embedding(vocab_size, embedding_size)
        self.lstm = keras.layers.LSTM(rnn_size, return_sequences=True, return_state=True)
        self.logits = keras.layers.Dense(vocab_size)

    def call(self, words, state=None):
        """(logits [batch, time, vocab], final state [h, c]); no `state`: zeros."""
        outputs, h, c = self.lstm(self.embedding(words), initial_state=state)
        return self.logits(outputs), [h, c]

    @tf.function
    def generate(self, prime, steps):
        """`steps` greedy word ids after the prime words [batch, k], each fed back as the next input."""
        logits, state = self(prime)
        word = tf.argmax(logits[:, -1], axis=-1, output_type=tf.int32)
        words = tf.TensorArray(tf.int32, size=steps).write(0, word)
        for i in tf.range(1, steps):  # AutoGraph turns this loop into a tf.while_loop
            logits, state = self(word[:, None], state)
            word = tf.argmax(logits[:, -1], axis=-1, output_type=tf.int32)
            words = words.write(i, word)
        return tf.transpose(words.stack())


class Training:
    """The cookbook's training step: mean cross-entropy of the next word, Adam with the global norm clipped."""

    def __init__(self, model, learning_rate, max_grad_norm):
        self.model = model
        self.optimizer = keras.optimizers.Adam(**dict(keras_weights.TF1_ADAM, learning_rate=learning_rate),
                                               global_clipnorm=max_grad_norm)

    @tf.function
    def step(self, words, targets, state):
        """One batch from `state`; (loss before the step, final state to carry into the next batch)."""
        with tf.GradientTape() as tape:
            logits, final_state = self.model(words, state)
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True))
        weights = self.model.trainable_weights
        self.optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss, final_state

    def epoch(self, batches):
        """The state starts at zeros and is carried from batch to batch; the loss of each batch."""
        batch_size, units = batches[0].shape[0], self.model.lstm.units
        state = [tf.zeros([batch_size, units]), tf.zeros([batch_size, units])]
        losses = []
        for words in batches:
            loss, state = self.step(words, np.roll(words, -1, axis=1), state)
            losses.append(loss)
        return losses


def load_tf1_weights(model, weights, forget_bias):
    model.embedding.set_weights(keras_weights.embedding_to_keras(weights[TF1_VARS + "embedding_mat"]))
    model.lstm.set_weights(keras_weights.lstm_to_keras(weights[TF1_LSTM + "kernel"], weights[TF1_LSTM + "bias"],
                                                       forget_bias))
    model.logits.set_weights(keras_weights.dense_to_keras(weights[TF1_VARS + "W"], weights[TF1_VARS + "b"]))


def tf1_weights(model, forget_bias):
    kernel, bias = keras_weights.lstm_to_tf1(*model.lstm.get_weights(), forget_bias)
    W, b = keras_weights.dense_to_tf1(*model.logits.get_weights())
    return {TF1_VARS + "embedding_mat": keras_weights.embedding_to_tf1(*model.embedding.get_weights()),
            TF1_LSTM + "kernel": kernel, TF1_LSTM + "bias": bias, TF1_VARS + "W": W, TF1_VARS + "b": b}


def build(weights, forget_bias):
    vocab_size, embedding_size = weights[TF1_VARS + "embedding_mat"].shape
    model = ShakespeareLSTM(vocab_size, embedding_size, weights[TF1_VARS + "W"].shape[0])
    model(np.zeros([1, 1], np.int32))
    load_tf1_weights(model, weights, forget_bias)
    return model


def restored_copy(model, weights, forget_bias):
    """A second model, its weights written to a checkpoint by the first and read back."""
    copy = build({k: np.zeros_like(v) for k, v in weights.items()}, forget_bias)
    with tempfile.TemporaryDirectory() as folder:
        path = tf.train.Checkpoint(model=model).save(os.path.join(folder, "ckpt"))
        tf.train.Checkpoint(model=copy).restore(path).assert_existing_objects_matched()
    return copy


def parity(weights, inputs):
    """Two batches with the state carried, greedy generation, a checkpoint round trip, two training steps."""
    forget_bias, batches = float(inputs["forget_bias"]), inputs["batches"]
    model = build(weights, forget_bias)
    returned = tf1_weights(model, forget_bias)
    first_logits, state = model(batches[0])
    second_logits, (h, c) = model(batches[1], state)
    generated = model.generate(inputs["prime"], tf.constant(int(inputs["generate_steps"])))
    restored_logits, _ = restored_copy(model, weights, forget_bias)(batches[0])
    losses = Training(model, float(inputs["learning_rate"]), float(inputs["max_grad_norm"])).epoch(batches)
    results = {"first_logits": first_logits, "second_logits": second_logits, "final_c": c, "final_h": h,
               "generated": generated, "restored_logits": restored_logits,
               "losses": losses}
    return {k: np.asarray(v) for k, v in results.items()}, returned


if __name__ == "__main__":
    serve(parity)
