"""Document 002 today: the sine LSTM in Keras 3, generating by feeding each output back inside one tf.function.

What changes from the post's TF 1.x:
- no placeholders, sessions or `initial_state` feeds: the model is called on arrays, and
  `return_state=True` hands back the state to pass to the next call;
- the post's float64 is `keras.config.set_floatx("float64")` (TF 1.x took a dtype in `dynamic_rnn`);
- answer 1's one-`session.run`-per-step loop and answer 3's hand-built `tf.while_loop` become
  one Python loop over `tf.range` in a `tf.function`: AutoGraph compiles it to a while loop;
- Keras's LSTM keeps its state as [h, c], TF 1.x's LSTMStateTuple as (c, h);
- to step as TF 1.x's AdamOptimizer did, Keras's Adam needs its epsilon (1e-8, not 1e-7) and its
  float32-rounded hyperparameters (`keras_weights.TF1_ADAM`).

`python -m recipes.d002_feedback.modern IN.npz OUT.npz` runs the parity (recipes/modern_process.py).
"""
import keras
import numpy as np
import tensorflow as tf

from recipes import keras_weights
from recipes.modern_process import serve

TF1_LSTM = "sine/rnn/basic_lstm_cell/"     # answer 1's model, built in variable_scope("sine")
TF1_READOUT = "sine/fully_connected/"


class SineLSTM(keras.Model):
    """The asker's model: a 5-unit LSTM over any number of steps, one tanh unit on every step."""

    def __init__(self, units=5):
        super().__init__()
        self.lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True)
        self.readout = keras.layers.Dense(1, activation="tanh")

    def call(self, x, initial_state=None):
        """(prediction [batch, time, 1], LSTM outputs [batch, time, units], state [h, c])."""
        outputs, h, c = self.lstm(x, initial_state=initial_state)
        return self.readout(outputs), outputs, [h, c]

    @tf.function
    def generate(self, prime, steps):
        """`steps` values after `prime` [batch, time, 1], each fed back as the next input: one call, one graph."""
        prediction, _, state = self(prime)
        x = prediction[:, -1]
        values = tf.TensorArray(self.compute_dtype, size=steps).write(0, x)
        for i in tf.range(1, steps):          # AutoGraph turns this loop into a tf.while_loop
            h, state = self.lstm.cell(x, state)  # one step of the same weights; state is [h, c]
            x = self.readout(h)
            values = values.write(i, x)
        return tf.transpose(values.stack(), [1, 0, 2])  # time-major -> [batch, steps, 1]


def train(model, x, target, steps):
    """The post's loss, sum of squares / (2n), and Adam as TF 1.x applied it; the loss before each step."""
    optimizer = keras.optimizers.Adam(**keras_weights.TF1_ADAM)
    n = x.shape[1]

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            prediction, _, _ = model(x)
            loss = tf.reduce_sum((prediction - target) ** 2) / (2 * n)
        weights = model.trainable_weights
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    return np.array([step() for _ in range(steps)])


def load_tf1_weights(model, weights, forget_bias):
    """Set the model's weights from TF 1.x's variables (recipes/keras_weights.py has the mapping)."""
    model.lstm.set_weights(keras_weights.lstm_to_keras(weights[TF1_LSTM + "kernel"], weights[TF1_LSTM + "bias"],
                                                       forget_bias))
    model.readout.set_weights(keras_weights.dense_to_keras(weights[TF1_READOUT + "weights"],
                                                           weights[TF1_READOUT + "biases"]))


def tf1_weights(model, forget_bias):
    kernel, bias = keras_weights.lstm_to_tf1(*model.lstm.get_weights(), forget_bias)
    weights, biases = keras_weights.dense_to_tf1(*model.readout.get_weights())
    return {TF1_LSTM + "kernel": kernel, TF1_LSTM + "bias": bias,
            TF1_READOUT + "weights": weights, TF1_READOUT + "biases": biases}


def parity(weights, inputs):
    """Forward pass, generation and the first training steps from the TF 1.x weights; the weights mapped back."""
    forget_bias, sine = float(inputs["forget_bias"]), inputs["sine"]
    keras.config.set_floatx(str(sine.dtype))  # float64 as the post (float32 for the TF 1.x fused cell)
    model = SineLSTM(units=weights[TF1_LSTM + "bias"].shape[0] // 4)
    model(sine)  # builds the weights, so that they can be set
    load_tf1_weights(model, weights, forget_bias)
    returned = tf1_weights(model, forget_bias)
    prediction, outputs, (h, c) = model(sine)
    generated = model.generate(sine, tf.constant(int(inputs["generate_steps"])))
    losses = train(model, sine, inputs["target"], int(inputs["train_steps"]))
    results = {"prediction": prediction, "outputs": outputs, "final_c": c, "final_h": h,
               "generated": generated, "losses": losses}
    return {k: np.asarray(v) for k, v in results.items()}, returned


if __name__ == "__main__":
    serve(parity)
