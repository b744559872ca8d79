"""Document 000's claims: the measurements (they take a session) and the checks (arrays in, a claim out).

Each `check_*` owns its claim's id, source, statement and method, so `grep <claim-id>`
lands on it; the recipe only decides when to measure and records what the check returns.
"""
import numpy as np

from recipes.claims import check_bit_exact, check_that, max_abs_diff
from recipes.d000_initial_state.post import chunk_feed
from recipes.tftools import start_session
from tf1_graphs import tf

QUESTION, ANSWER0, ANSWER1, ANSWER2 = (
    "000, question", "000, answer 0", "000, answer 1", "000, answer 2")


# ---------------------------------------------------------------------------- measurements

def state_values(sess, state):
    """An LSTMStateTuple of variables as a pair of arrays (c, h)."""
    return tuple(sess.run(list(state)))


def load_state(sess, model, values):
    """Write (c, h) arrays into the model's state variables."""
    for variable, value in zip(model.state, values):
        variable.load(value, sess)


def first_chunk_step_losses(sess, model, streams, start_state):
    """Loss per time step on every held-out first chunk, dropout off, starting from `start_state`
    (loaded again before each chunk: the question's loss carries the state as a side effect)."""
    losses = []
    for inputs, targets in zip(streams.inputs, streams.targets):
        load_state(sess, model, start_state)
        losses.append(sess.run(model.losses, chunk_feed(model, inputs[0], targets[0], keep_prob=1.0)))
    return np.mean(losses, axis=(0, 1))


def chunked_outputs(sess, model, inputs, start_state, carry):
    """The RNN's outputs over a whole sequence fed chunk by chunk, dropout off: load
    `start_state`, then after each chunk run `carry` to pass the final state on."""
    load_state(sess, model, start_state)
    outputs = []
    for chunk_inputs in inputs:
        outputs.append(sess.run(model.val, chunk_feed(model, chunk_inputs, keep_prob=1.0)))
        sess.run(carry, chunk_feed(model, chunk_inputs))
    return np.concatenate(outputs, axis=1)


def unbroken_outputs(cell_weights, inputs, start_state):
    """One plain dynamic_rnn over the whole sequence, in a graph of its own with the given
    kernel and bias: what chunking with a carried state must reproduce.  Always a
    BasicLSTMCell, whichever cell the model runs, so a fused model is checked against it."""
    _, batch, _, depth = inputs.shape
    whole = inputs.transpose(1, 0, 2, 3).reshape(batch, -1, depth)
    graph = tf.Graph()
    with graph.as_default():
        cell = tf.nn.rnn_cell.BasicLSTMCell(start_state[0].shape[1])
        initial = tf.nn.rnn_cell.LSTMStateTuple(*(tf.constant(s) for s in start_state))
        val, _ = tf.nn.dynamic_rnn(cell, tf.constant(whole), initial_state=initial)
        sess = start_session(graph)
        for variable, value in zip(cell.trainable_weights, cell_weights):
            variable.load(value, sess)
        outputs = sess.run(val)
    sess.close()
    return outputs


def carry_parity(sess, model, inputs, start_state, carry):
    """(chunked, unbroken): one sequence's outputs fed chunk by chunk with `carry` passing the
    state on, and the same sequence through one plain dynamic_rnn with the model's weights."""
    chunked = chunked_outputs(sess, model, inputs, start_state, carry)
    unbroken = unbroken_outputs(sess.run(model.cell.trainable_weights), inputs, start_state)
    return chunked, unbroken


def step_effect(sess, step, feed, groups):
    """Run `step` once; per named group of variables, (largest change, bit-identical?)."""
    before = {name: sess.run(variables) for name, variables in groups.items()}
    sess.run(step, feed)
    effect = {}
    for name, variables in groups.items():
        after = sess.run(variables)
        change = max(max_abs_diff(a, b) for a, b in zip(after, before[name]))
        identical = all(np.array_equal(a, b) for a, b in zip(after, before[name]))
        effect[name] = (change, identical)
    return effect


def effect_of_one_step(sess, model, step, streams):
    """Restore the initial state and run `step` once on the first chunk of `streams`; its
    effect on the model (`nn`) and on the state (`state`) variables, as `step_effect` gives it."""
    sess.run(model.restore_state)
    feed = chunk_feed(model, streams.inputs[0][0], streams.targets[0][0])
    return step_effect(sess, step, feed, {"nn": model.nn_vars, "state": model.state_vars})


def gradient_gap_from_overwritten_state(sess, model, inputs, targets, start_state):
    """How far the question's weight gradients are from the gradients at the state the chunk
    really started from.  Its control-dependency assign overwrites the state variable before
    backprop reads the first step's state, so the two differ; returns the largest gap."""
    with model.val.graph.as_default():
        gradients = tf.gradients(model.total_loss, model.cell.trainable_weights)
    feed = chunk_feed(model, inputs, targets, keep_prob=1.0)
    load_state(sess, model, start_state)
    as_built = sess.run(gradients, feed)
    load_state(sess, model, start_state)
    feed.update({variable.value(): value for variable, value in zip(model.state, start_state)})
    from_fed_state = sess.run(gradients, feed)  # a fed state is a separate buffer the assign cannot touch
    return max(max_abs_diff(a, b) for a, b in zip(as_built, from_fed_state))


# ---------------------------------------------------------------------------- the checks, one per claim

def check_question_init_no_gradient(loss, init_state):
    return _no_gradient_path(
        "question-init-no-gradient", QUESTION,
        "the loss has no gradient path to the trainable initial state (init_c, init_h)", loss, init_state)


def check_question_init_stays_zero(init_values):
    return _still_zero(
        "question-init-stays-zero", QUESTION, "after training, the initial-state variables are still exactly all zeros",
        init_values)


def check_a0_initial_state_moves(before, after):
    """PASS when the saved initial state differs from its value before training."""
    moved = np.stack(after) - np.stack(before)
    largest, rms = float(np.max(np.abs(moved))), float(np.sqrt(np.mean(moved ** 2)))
    return check_that(
        "a0-initial-state-moves", ANSWER0, "save_state keeps what the combined step learned: the saved initial "
        "state moves away from where it started (zeros)", "init_c, init_h after training minus before",
        "max |change| > 0", f"max |change| {largest:.3g}, RMS {rms:.3g}", largest > 0)


def check_a0_learned_beats_zero(learned_loss, zero_loss, min_gain):
    return _learned_beats_zero("a0-learned-beats-zero", ANSWER0, learned_loss, zero_loss, min_gain)


def check_a0_propagate_matches_unbroken(chunked, unbroken):
    return _carry_matches_unbroken(
        "a0-propagate-matches-unbroken", ANSWER0, "carrying the state chunk to chunk with propagate_state "
        "gives the same outputs as one unbroken dynamic_rnn over the whole sequence", chunked, unbroken)


def check_a0_model_step_keeps_state(effect):
    return _step_changes_only(
        "a0-model-step-keeps-state", ANSWER0, "train_nn_step (var_list=nn_vars) trains the model and leaves "
        "the state variables bit-identical", effect, changed=("nn",), frozen=("state",))


def check_a0_combined_step_changes_both(effect):
    return _step_changes_only(
        "a0-combined-step-changes-both", ANSWER0, "train_nn_state_step (var_list=[nn_vars, state_vars], "
        "nested as posted) changes both the model and the state", effect, changed=("nn", "state"), frozen=())


def check_a1_learned_beats_zero(learned_loss, zero_loss, min_gain):
    return _learned_beats_zero("a1-learned-beats-zero", ANSWER1, learned_loss, zero_loss, min_gain)


def check_a1_state_phase_freezes_model(effect):
    return _step_changes_only(
        "a1-state-phase-freezes-model", ANSWER1, "a state-phase step trains the initial state and leaves the "
        "model bit-identical", effect, changed=("state",), frozen=("nn",))


def check_a1_model_phase_freezes_state(effect):
    return _step_changes_only(
        "a1-model-phase-freezes-state", ANSWER1, "a model-phase step trains the model and leaves the initial "
        "state bit-identical", effect, changed=("nn",), frozen=("state",))


def check_a2_init_no_gradient(loss, init_state):
    return _no_gradient_path(
        "a2-init-no-gradient", ANSWER2, "answer 2 claims nothing about the initial state; its graph, like the "
        "question's, gives the loss no gradient path to the trainable init_c, init_h", loss, init_state)


def check_a2_init_stays_zero(init_values):
    return _still_zero(
        "a2-init-stays-zero", ANSWER2, "answer 2 claims nothing about the initial state; in its graph, like the "
        "question's, init_c, init_h are still exactly all zeros after training", init_values)


def check_a2_state_carries_over(chunked, unbroken):
    return _carry_matches_unbroken(
        "a2-state-carries-over", ANSWER2, "running trained_state after each chunk carries the state over: "
        "the same outputs as one unbroken dynamic_rnn", chunked, unbroken)


# ---------------------------------------------------------------------------- the rules the checks share

def _no_gradient_path(id, source, statement, loss, init_state):
    """PASS when tf.gradients finds no path from `loss` to any variable of `init_state`."""
    with loss.graph.as_default():
        gradients = tf.gradients(loss, list(init_state))
    observed = ["None" if g is None else "a gradient tensor" for g in gradients]
    return check_that(
        id, source, statement, "tf.gradients(total_loss, [init_c, init_h])", "[None, None]",
        f"[{', '.join(observed)}]", all(g is None for g in gradients))


def _still_zero(id, source, statement, init_values):
    """PASS when the initial state after training is exactly all zeros, as the asker saw."""
    return check_bit_exact(
        id, source, statement, np.stack(init_values), np.zeros_like(np.stack(init_values)))


def _step_changes_only(id, source, statement, effect, changed, frozen):
    """PASS when one step changed every group in `changed` and left `frozen` bit-identical."""
    observed = "; ".join(
        f"{name}: " + ("bit-identical" if identical else f"max |change| {change:.3g}")
        for name, (change, identical) in effect.items())
    expected = "; ".join([f"{name}: changed" for name in changed] +
                         [f"{name}: bit-identical" for name in frozen])
    passed = (all(not effect[name][1] for name in changed) and
              all(effect[name][1] for name in frozen))
    return check_that(id, source, statement,
                      "one run of the step; each group's variables compared before and after "
                      "(np.array_equal for bit-identical)", expected, observed, passed)


def _learned_beats_zero(id, source, learned_loss, zero_loss, min_gain):
    """PASS when the learned start state lowers the held-out first-chunk loss by `min_gain` or more."""
    return check_that(
        id, source, "with the learned initial state the loss on the first chunk is lower than "
        "with a zero state", "mean softmax cross-entropy on held-out first chunks, dropout off, "
        "same trained model, state loaded as learned or as zeros",
        f"learned <= zero - {min_gain:g}",
        f"learned {learned_loss:.4g}, zero {zero_loss:.4g} (gain {zero_loss - learned_loss:.4g})",
        learned_loss <= zero_loss - min_gain)


def _carry_matches_unbroken(id, source, statement, chunked, unbroken):
    """PASS when the chunked run's outputs equal one unbroken dynamic_rnn's, bit for bit."""
    return check_bit_exact(
        id, source, statement, chunked, unbroken,
        method="outputs over a whole held-out sequence, dropout off: fed chunk by chunk with the "
               "state carried, versus one dynamic_rnn over all of it in a separate graph")
