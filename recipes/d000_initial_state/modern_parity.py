"""Document 000 beside today's TensorFlow: the TF 1.x side of the parity and its checks.

`parity_claims(sess, model, streams)` takes answer 0's graph in the recipe's session (its
learned start in init_c/init_h), hands the weights and a few held-out sequences to the Keras 3
counterpart (recipes/d000_initial_state/modern.py) in a process of its own, and checks that
both compute the same: the first chunk from the learned start, a whole sequence with the state
carried chunk to chunk, and the losses of answer 0's first training steps, dropout off.
"""
import numpy as np

from recipes.claims import check_close
from recipes.d000_initial_state.claims import chunked_outputs, state_values
from recipes.d000_initial_state.post import chunk_feed
from recipes.modern_parity import check_round_trip, joined, reset_adam, variables_restored, weights_by_name
from recipes.modern_process import run_counterpart

MODULE = "recipes.d000_initial_state.modern"
SOURCE = "000, today's TensorFlow"
# The report's side-by-side table: (what the post did, what you write now, the claims that give the verdict).
SIDE_BY_SIDE = [
    ("state_c/state_h tf.Variables in scope 'state', restore/save_state assign ops",
     "LearnedInitialState: a layer owning init_c, init_h, passed as initial_state", ("modern-000-same-first-chunk",)),
    ("propagate_state: assign new_state into the state variables after each chunk",
     "pass the returned [h, c] to the next call (not stateful=True: it resets to zeros)",
     ("modern-000-same-carried-sequence",)),
    ("two AdamOptimizers split by var_list (train_nn_state_step, train_nn_step)",
     "two keras.optimizers.Adam, applied to model + start state on first chunks, model alone after",
     ("modern-000-same-training-losses",)),
]
KEY_LINES = ("recipes/d000_initial_state/modern.py: LearnedInitialState (the trainable start), "
             "ChunkedLSTM.call (the carried state), Answer0Training (two Adams, start state on first chunks only)")

# float32 on both sides.  Keras sums x @ kernel + h @ recurrent_kernel + (b + 1) where TF 1.x sums
# [x, h] @ kernel + b, then + 1: the same maths rounded in another order.  Measured, seed 0, quick
# shapes, after 30 / 200 / 1000 (the quick recipe) / 3000 (--full) training sequences: first chunk
# (outputs, states, step losses) 1.2e-7 / 4.8e-7 / 5.1e-7 / 5.7e-7, a whole sequence carried
# 8.9e-8 / 6.6e-7 / 1.4e-6 / 1.1e-6, the losses of 8 Adam steps 0 (bit-identical) / 1.8e-7 /
# 7.5e-9 / 0.  Tolerances about 7-10x the largest; a wrong gate order, a forgotten forget bias or
# an unmapped recurrent kernel moves the outputs by 1e-2 or more.
FORWARD_ATOL = 1e-5
LOSS_ATOL = 2e-6


def training_losses(sess, model, inputs, targets):
    """Answer 0's protocol (restore, combined step, save, propagate, then model steps and
    propagates) on each sequence, dropout off (keep_prob fed 1.0); the loss before each step."""
    losses = []
    for sequence, sequence_targets in zip(inputs, targets):
        sess.run(model.restore_state)
        for index, (chunk, chunk_targets) in enumerate(zip(sequence, sequence_targets)):
            step = model.train_nn_state_step if index == 0 else model.train_nn_step
            _, loss = sess.run([step, model.total_loss], chunk_feed(model, chunk, chunk_targets, keep_prob=1.0))
            if index == 0:
                sess.run(model.save_state)
            sess.run(model.propagate_state, chunk_feed(model, chunk, keep_prob=1.0))
            losses.append(loss)
    return np.array(losses)


def tf1_side(sess, model, streams, sequences=2, forget_bias=1.0):
    """(weights by TF 1.x name, inputs, TF 1.x results) for answer 0's `model` in `sess`.

    The learned start (init_c, init_h) is restored into the trainable state variables first,
    as every sequence of answer 0 begins; the training steps start from fresh Adams and run
    inside `variables_restored`, so the session is left as it was found."""
    inputs, targets = streams.inputs[:sequences], streams.targets[:sequences]
    with variables_restored(sess):
        sess.run(model.restore_state)
        weights = weights_by_name(sess, model.nn_vars + model.state_vars)
        start = state_values(sess, model.state)
        outputs, new_state, step_losses = sess.run(
            [model.val, model.new_state, model.losses], chunk_feed(model, inputs[0][0], targets[0][0], keep_prob=1.0))
        carried = chunked_outputs(sess, model, inputs[0], start, model.propagate_state)
        reset_adam(sess)
        losses = training_losses(sess, model, inputs, targets)
    references = {"outputs": outputs, "final_c": new_state.c, "final_h": new_state.h, "step_losses": step_losses,
                  "carried": carried, "losses": losses}
    return weights, {"chunks": inputs, "targets": targets, "forget_bias": forget_bias}, references


def check_same_first_chunk(modern, tf1):
    names = ("outputs", "final_c", "final_h", "step_losses")
    return check_close(
        "modern-000-same-first-chunk", SOURCE,
        "The Keras 3 model with the TF 1.x weights and learned start state computes the same first chunk",
        joined(modern, names), joined(tf1, names),
        FORWARD_ATOL,
        method="a held-out first chunk from the learned start (LearnedInitialState against state_c/state_h "
               "after restore_state), dropout off; max |diff| over LSTM outputs, final c and h, and the "
               "cross-entropy of every step")


def check_same_carry(modern, tf1):
    chunks = tf1["carried"].shape[1]
    return check_close(
        "modern-000-same-carried-sequence", SOURCE,
        "Passing the returned state to the next call carries it as answer 0's propagate_state does",
        modern["carried"], tf1["carried"], FORWARD_ATOL,
        method=f"a held-out sequence ({chunks} steps) fed chunk by chunk from the learned start: Keras's "
               "returned [h, c] passed as initial_state, against TF 1.x's propagate_state; max |diff| of the outputs")


def check_same_losses(modern, tf1):
    steps = len(tf1["losses"])
    return check_close(
        "modern-000-same-training-losses", SOURCE,
        "From the same weights, start state and data, the Keras training (two Adams, the start state trained "
        f"on first chunks only) gives answer 0's losses over the first {steps} steps",
        modern["losses"], tf1["losses"], LOSS_ATOL,
        method=f"{steps} chunks of held-out sequences, dropout off, both from fresh Adams "
               "(keras.optimizers.Adam(**TF1_ADAM)); the loss before each step, max |diff| (round-off, "
               "amplified a little by Adam's division by sqrt(v))")


def check_claims(modern, returned, tf1, weights):
    """The four checks, pure: the counterpart's results and weights against the TF 1.x side's."""
    lstm_bias = [name for name in weights if name.endswith("lstm_cell/bias")]
    return [check_same_first_chunk(modern, tf1), check_same_carry(modern, tf1), check_same_losses(modern, tf1),
            check_round_trip("modern-000-weights-round-trip", SOURCE, weights, returned, lstm_bias)]


def parity_claims(sess, model, streams, sequences=2):
    """Run the counterpart on answer 0's model; the claims."""
    weights, inputs, tf1 = tf1_side(sess, model, streams, sequences)
    modern, returned, _ = run_counterpart(MODULE, weights, inputs)
    return check_claims(modern, returned, tf1, weights)
