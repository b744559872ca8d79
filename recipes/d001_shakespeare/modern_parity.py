"""Document 001 beside today's TensorFlow: the TF 1.x side of the parity and its checks.

`parity_claims(sess, models, batches, prime_ids)` takes the cookbook's model pair in the
recipe's session, hands the five variables, two batches and a prime to the Keras 3 counterpart
(recipes/d001_shakespeare/modern.py) in a process of its own, and checks that both compute the
same: logits with the state carried from batch to batch, the same greedy words, a checkpoint
that restores, and the first training steps.
"""
import numpy as np

from recipes.claims import check_bit_exact, check_close, check_that
from recipes.d001_shakespeare.data import targets_for
from recipes.modern_parity import check_round_trip, joined, reset_adam, variables_restored, weights_by_name
from recipes.modern_process import run_counterpart
from tf1_graphs import tf

MODULE = "recipes.d001_shakespeare.modern"
SOURCE = "001, today's TensorFlow"
# The report's side-by-side table: (what the post did, what you write now, the claims that give the verdict).
SIDE_BY_SIDE = [
    ("LSTM_Model built twice, the second under variable_scope(reuse=True)", "one ShakespeareLSTM: it owns its weights",
     ("modern-001-same-logits-state-carried",)),
    ("initial_state.c/.h fed through feed_dict from the last final_state",
     "the returned [h, c] passed to the next call",
     ("modern-001-same-logits-state-carried",)),
    ("sample(): one sess.run per word; rnn_decoder's loop_function",
     "ShakespeareLSTM.generate: a tf.range loop in one tf.function", ("modern-001-same-words",)),
    ("clip_by_global_norm(4.5) + AdamOptimizer; tf.train.Saver", "Adam(global_clipnorm=4.5); tf.train.Checkpoint",
     ("modern-001-same-training-losses", "modern-001-checkpoint-restores")),
]
KEY_LINES = ("recipes/d001_shakespeare/modern.py: ShakespeareLSTM (the model), ShakespeareLSTM.generate "
             "(greedy words in one tf.function), Training.epoch (the state carried between batches), restored_copy")

# float32 logits of magnitude ~10 (W and the embeddings are N(0, 1)), from sums taken in another
# order (x @ kernel + h @ recurrent_kernel + (b + 1) against [x, h] @ kernel + b, then + 1).
# Measured, seed 0, untrained, the cookbook's sizes (rnn 128, batch 100 x 50, vocabulary 3000):
# logits 5.7e-6, states 4.8e-7, losses of 2 clipped Adam steps 9.5e-7; greedy words identical.
# LOGIT_ATOL is the recipe's own for its two graphs (shakespeare.PARITY_ATOL); losses ~10x.
LOGIT_ATOL = 1e-4
LOSS_ATOL = 1e-5


def greedy_ids(sess, infer, prime_ids, steps):
    """sample()'s words as ids, `steps` of them, not stopping at index 0 (the inference model, one run a word)."""
    state = infer.primed_state(sess, prime_ids)
    word, ids = prime_ids[-1], []
    for _ in range(steps):
        probabilities, state = infer.step(sess, word, state)
        word = int(np.argmax(probabilities))
        ids.append(word)
    return np.array([ids])


def tf1_side(sess, models, config, batches, prime_ids, generate_steps=10, forget_bias=1.0):
    """(weights by TF 1.x name, inputs, TF 1.x results) for the cookbook's pair `models` (built with
    `config`: its learning rate and clip norm) in `sess`.

    Two batches carry the state as the training loop does; the training steps start from a fresh
    Adam and run inside `variables_restored`, so the session is left as it was found."""
    train = models.train
    with models.graph.as_default():
        weights = weights_by_name(sess, tf.trainable_variables())
    c, h = train.initial_state
    zeros = np.zeros([train.batch_size, train.rnn_size], np.float32)
    logits, state = [], (zeros, zeros)
    losses = []
    for batch in batches:
        batch_logits, state = sess.run([train.logit_output, train.final_state],
                                       {train.x_data: batch, c: state[0], h: state[1]})
        logits.append(batch_logits.reshape(train.batch_size, train.seq_len, -1))
    with variables_restored(sess):
        reset_adam(sess)
        carried = (zeros, zeros)
        for batch in batches:
            loss, carried, _ = sess.run([train.cost, train.final_state, train.train_op],
                                        {train.x_data: batch, train.y_output: targets_for(batch),
                                         c: carried[0], h: carried[1]})
            losses.append(loss)
    references = {"first_logits": logits[0], "second_logits": logits[1], "final_c": state.c, "final_h": state.h,
                  "generated": greedy_ids(sess, models.infer, prime_ids, generate_steps), "losses": np.array(losses)}
    inputs = {"batches": np.asarray(batches), "prime": np.array([prime_ids], np.int32),
              "generate_steps": generate_steps, "forget_bias": forget_bias,
              "learning_rate": config.learning_rate, "max_grad_norm": config.max_grad_norm}
    return weights, inputs, references


def check_same_carried_logits(modern, tf1):
    names = ("first_logits", "second_logits", "final_c", "final_h")
    return check_close(
        "modern-001-same-logits-state-carried", SOURCE,
        "The Keras 3 model with the cookbook's weights gives the same logits, and passing the returned state "
        "to the next batch carries it as the cookbook's feed_dict did",
        joined(modern, names), joined(tf1, names),
        LOGIT_ATOL,
        method="two batches through the training model (the second from the first's final state, fed as "
               "initial_state.c/.h) and through the Keras model (the returned [h, c] passed on); max |diff| over "
               "both batches' logits and the final c, h")


def check_same_words(modern, tf1):
    same = np.array_equal(modern["generated"], tf1["generated"])
    return check_that(
        "modern-001-same-words", SOURCE,
        "Greedy generation in one tf.function gives the same words as sample()'s one sess.run per word",
        f"the same prime; {tf1['generated'].shape[1]} argmax word ids from the inference model's loop and from "
        "ShakespeareLSTM.generate, compared as integers",
        "identical word ids", f"identical: {tf1['generated'][0].tolist()}" if same else
        f"differ: {modern['generated'][0].tolist()} vs {tf1['generated'][0].tolist()}", same)


def check_checkpoint_restores(modern):
    return check_bit_exact(
        "modern-001-checkpoint-restores", SOURCE,
        "A tf.train.Checkpoint of the Keras model restores into a fresh model that computes the same logits",
        modern["restored_logits"], modern["first_logits"],
        method="tf.train.Checkpoint(model=...).save, then restore into a model built with zero weights; the first "
               "batch's logits, element-wise equality")


def check_same_losses(modern, tf1):
    steps = len(tf1["losses"])
    return check_close(
        "modern-001-same-training-losses", SOURCE,
        f"From the same weights and batches, the Keras training step gives the cookbook's losses over {steps} steps",
        modern["losses"], tf1["losses"], LOSS_ATOL,
        method=f"{steps} batches, state carried, from fresh Adams; clip_by_global_norm(4.5) + AdamOptimizer against "
               "Adam(**TF1_ADAM, global_clipnorm=4.5); the loss before each step, max |diff|")


def check_claims(modern, returned, tf1, weights):
    """The checks, pure: the counterpart's results and weights against the TF 1.x side's."""
    lstm_bias = [name for name in weights if name.endswith("lstm_cell/bias")]
    return [check_same_carried_logits(modern, tf1), check_same_words(modern, tf1), check_checkpoint_restores(modern),
            check_same_losses(modern, tf1),
            check_round_trip("modern-001-weights-round-trip", SOURCE, weights, returned, lstm_bias)]


def parity_claims(sess, models, config, batches, prime_ids, generate_steps=10):
    """Run the counterpart on the cookbook's pair; the claims."""
    weights, inputs, tf1 = tf1_side(sess, models, config, batches, prime_ids, generate_steps)
    modern, returned, _ = run_counterpart(MODULE, weights, inputs)
    return check_claims(modern, returned, tf1, weights)
