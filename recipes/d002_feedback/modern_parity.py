"""Document 002 beside today's TensorFlow: the TF 1.x side of the parity and its checks.

`parity_claims(session, model, data, ...)` takes answer 1's trained model in the recipe's
session, hands its weights and the sine input to the Keras 3 counterpart
(recipes/d002_feedback/modern.py) in a process of its own, and checks that both compute the
same: outputs and final state, generated values, and the losses of the first Adam steps.
"""
import numpy as np

from recipes.claims import check_close
from recipes.d002_feedback import post
from recipes.d002_feedback.claims import ROUND_OFF_ATOL
from recipes.modern_parity import check_round_trip, joined, reset_adam, variables_restored, weights_by_name
from recipes.modern_process import run_counterpart
from tf1_graphs import tf

MODULE = "recipes.d002_feedback.modern"
SOURCE = "002, today's TensorFlow"
# The report's side-by-side table: (what the post did, what you write now, the claims that give the verdict).
SIDE_BY_SIDE = [
    ("dynamic_rnn(BasicLSTMCell, dtype=tf.float64) + fully_connected(tanh)",
     "keras.config.set_floatx('float64'); SineLSTM: LSTM(return_state=True) + Dense(tanh)",
     ("modern-002-same-outputs",)),
    ("answer 1: feed initial_state and the last prediction, one sess.run per step",
     "SineLSTM.generate: LSTMCell steps in a tf.range loop inside one tf.function", ("modern-002-same-generation",)),
    ("answer 3: self_feeding_rnn, a hand-built tf.while_loop over a TensorArray", "the same loop, written by AutoGraph",
     ("modern-002-same-generation",)),
    ("tf.train.AdamOptimizer().minimize(loss) run in a session", "keras.optimizers.Adam under a tf.GradientTape",
     ("modern-002-same-training-losses",)),
]
KEY_LINES = "recipes/d002_feedback/modern.py: SineLSTM (the model), SineLSTM.generate (the feedback loop), train"

# float64, as the post.  Keras computes x @ kernel + h @ recurrent_kernel + (b + 1) where TF 1.x
# computes [x, h] @ kernel + b, then + 1: the same sums in another order, so the last bits differ.
# Measured, seed 0, quick config after 200 steps: outputs and states 3.3e-16, 300 generated values
# 8.9e-16 (the quick recipe, after 1001 steps: 8.9e-16, 3.0e-15).  Losses: steps 1 and 2
# bit-identical, then 6.3e-9 by step 5 (the quick recipe: 3.3e-10): TF 1.x's AdamOptimizer keeps
# its beta powers in float32 variables even for a float64 model, so 1 - beta2^t (~0.002) carries a
# float32 rounding of up to 3e-5 (relative) that Keras, in float64, does not.  float32 (--cell
# block), outputs / generation / losses: 1.2e-7 / 1.0e-6 / 1.4e-9 (the quick recipe: 4.8e-7 /
# 5.7e-7 / 7.9e-10).  Tolerances ~10x those (generation: the recipe's own ROUND_OFF_ATOL, for up
# to 1000 fed-back steps); a wrong gate order, a forgotten forget bias or an unmapped recurrent
# kernel moves every output by 1e-2 or more.
ATOL = {np.dtype("float64"): {"forward": 1e-12, "generation": ROUND_OFF_ATOL[tf.float64], "losses": 1e-7},
        np.dtype("float32"): {"forward": 5e-6, "generation": ROUND_OFF_ATOL[tf.float32], "losses": 1e-7}}


def tf1_side(session, model, data, generate_steps, train_steps, forget_bias):
    """(weights by TF 1.x name, inputs, TF 1.x results) for answer 1's `model` in `session`.

    The training steps start from a fresh Adam, as Keras's does, and run inside `variables_restored`:
    the session is left as it was found.
    """
    with session.graph.as_default():
        weights = weights_by_name(session, tf.trainable_variables("sine"))
    outputs, final_state, prediction = post.one_run(session, model, data.sine)
    generated = post.generate_by_feeding(session, model, data.sine, generate_steps)
    with variables_restored(session):
        reset_adam(session)
        losses = post.train(session, model, {model.inputs: data.sine}, train_steps)
    inputs = {"sine": data.sine, "target": data.following, "forget_bias": forget_bias,
              "generate_steps": generate_steps, "train_steps": train_steps}
    references = {"prediction": prediction, "outputs": outputs, "final_c": final_state.c, "final_h": final_state.h,
                  "generated": generated, "losses": losses}
    return weights, inputs, references


FORWARD = ("prediction", "outputs", "final_c", "final_h")


def check_same_forward(modern, tf1, atol):
    return check_close(
        "modern-002-same-outputs", SOURCE,
        "The Keras 3 model with the TF 1.x weights computes the same predictions, LSTM outputs and final state",
        joined(modern, FORWARD), joined(tf1, FORWARD), atol,
        method="answer 1's weights mapped into keras.layers.LSTM + Dense; the 100 sine samples through both "
               "from a zero state; max |diff| over predictions, outputs and final c, h (Keras's state [h, c] "
               "set against TF 1.x's (c, h))")


def check_same_generation(modern, tf1, atol):
    steps = tf1["generated"].shape[1]
    return check_close(
        "modern-002-same-generation", SOURCE,
        f"Feeding each output back inside one tf.function generates the same {steps} values as answer 1's "
        "session.run-per-step loop",
        modern["generated"], tf1["generated"], atol,
        method=f"both primed with the sine wave, {steps} values fed back; max |diff| (round-off grows "
               "slowly through the fed-back steps)")


def check_same_losses(modern, tf1, atol):
    steps = len(tf1["losses"])
    return check_close(
        "modern-002-same-training-losses", SOURCE,
        f"From the same weights and data, Keras's Adam gives the same losses over the first {steps} training steps",
        modern["losses"], tf1["losses"], atol,
        method=f"{steps} steps of answer 1's loss (sum of squares / 2n towards the next sample): TF 1.x's "
               "AdamOptimizer against keras.optimizers.Adam(**TF1_ADAM): epsilon 1e-8 (Keras's default is 1e-7) and "
               "the hyperparameters rounded to float32 as TF 1.x applies them; the loss before each step, max |diff|")


def check_claims(modern, returned, tf1, weights, dtype):
    """The four checks, pure: the counterpart's results and weights against the TF 1.x side's."""
    atol = ATOL[np.dtype(dtype)]
    lstm_bias = [name for name in weights if name.endswith("lstm_cell/bias")]
    return [check_same_forward(modern, tf1, atol["forward"]),
            check_same_generation(modern, tf1, atol["generation"]),
            check_same_losses(modern, tf1, atol["losses"]),
            check_round_trip("modern-002-weights-round-trip", SOURCE, weights, returned, lstm_bias)]


def parity_claims(session, model, data, generate_steps=300, train_steps=5, forget_bias=1.0):
    """Run the counterpart on answer 1's model; the claims."""
    weights, inputs, tf1 = tf1_side(session, model, data, generate_steps, train_steps, forget_bias)
    modern, returned, _ = run_counterpart(MODULE, weights, inputs)
    return check_claims(modern, returned, tf1, weights, data.sine.dtype)
