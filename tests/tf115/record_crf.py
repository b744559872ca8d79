"""Goldens for `tf.contrib.crf`, recorded under TensorFlow 1.15.5.

`/work/tf115/bin/python tests/tf115/record_crf.py` (from the repository root) writes
goldens/crf.json; tests/tf1_graphs/contrib/test_contrib_crf.py builds the same graphs with
`from tf1_graphs import tf` (the builders take `tf` as an argument) and compares.  Every value
is fixed in the graph (no random initializer), so the goldens do not depend on op seeds.
"""
import json
import os

import numpy as np

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "crf.json")


def cases():
    """{name: (unary scores [B, T, N], tags [B, T], lengths [B], transitions [N, N])}: lengths of
    0 and 1, a one-step time axis, and a single tag."""
    rs = np.random.RandomState(1915)

    def case(batch, steps, tags, lengths, dtype=np.int32):
        return (np.round(rs.randn(batch, steps, tags), 2).astype(np.float32),
                rs.randint(0, tags, size=(batch, steps)).astype(dtype),
                np.array(lengths, dtype), np.round(rs.randn(tags, tags), 2).astype(np.float32))

    return {
        "batch": case(5, 4, 3, [4, 3, 2, 1, 0]),
        "one_step": case(3, 1, 3, [1, 0, 1]),
        "single_tag": case(3, 3, 1, [3, 1, 0]),
        "int64": case(2, 3, 4, [3, 2], np.int64),
    }


def allowed_tags(tags, num_tags):
    """A [B, T, N] bitmap allowing each step's tag and the one after it (mod N)."""
    chosen = np.arange(num_tags) == tags[..., None]
    return chosen | np.roll(chosen, 1, axis=-1)


def crf_fetches(tf, inputs, tags, lengths, transitions, known_time=True):
    """Every crf function's results on one case, as {name: tensor}; with `known_time=False` the
    scores enter through a placeholder of unknown time, so the one-step test is a `tf.cond`."""
    crf = tf.contrib.crf
    bitmap = allowed_tags(tags, inputs.shape[2])
    if known_time:
        x, tags, bitmap = tf.constant(inputs), tf.constant(tags), tf.constant(bitmap)
        feed = {}
    else:  # TF 1.15 builds both branches, so the tags' time axis must be unknown too
        feed = {tf.placeholder(tf.float32, [None, None, inputs.shape[2]]): inputs,
                tf.placeholder(tf.as_dtype(tags.dtype), [None, None]): tags,
                tf.placeholder(tf.bool, [None, None, inputs.shape[2]]): bitmap}
        x, tags, bitmap = feed
    t, lengths = tf.constant(transitions), tf.constant(lengths)
    log_likelihood, _ = crf.crf_log_likelihood(x, tags, lengths, t)
    decoded_tags, decoded_scores = crf.crf_decode(x, t, lengths)
    fetches = {
        "sequence_score": crf.crf_sequence_score(x, tags, lengths, t),
        "unary_score": crf.crf_unary_score(tags, lengths, x),
        "binary_score": crf.crf_binary_score(tags, lengths, t),
        "log_norm": crf.crf_log_norm(x, lengths, t),
        "log_likelihood": log_likelihood,
        "multitag_score": crf.crf_multitag_sequence_score(x, bitmap, lengths, t),
        "decode_tags": decoded_tags,
        "decode_score": decoded_scores,
    }
    if known_time:
        fetches["grad_inputs"], fetches["grad_transitions"] = tf.gradients(tf.reduce_sum(log_likelihood), [x, t])
    return fetches, feed


def run_fetches(tf, build):
    """{name: nested lists} of what `build()` -> (fetches, feed) gives, in a fresh graph (None
    for a fetch that is None, such as a gradient that does not exist)."""
    with tf.Graph().as_default():
        fetches, feed = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run({name: f for name, f in fetches.items() if f is not None}, feed)
    return {name: None if name not in values else np.asarray(values[name]).tolist() for name in fetches}


def transitions_variable(tf, initial=None):
    """The variable crf_log_likelihood creates: its name, shape, collections, and (with an
    explicit initial value from the enclosing scope) the log-likelihood it gives."""
    inputs, tags, lengths, _ = cases()["batch"]
    with tf.Graph().as_default():
        initializer = None if initial is None else tf.constant_initializer(initial)
        with tf.variable_scope("tagger", initializer=initializer):
            log_likelihood, transitions = tf.contrib.crf.crf_log_likelihood(
                tf.constant(inputs), tf.constant(tags), tf.constant(lengths))
        found = {"variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()],
                 "trainable": [v.op.name for v in tf.trainable_variables()],
                 "returned": transitions.op.name}
        if initial is not None:
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                found["log_likelihood"] = sess.run(log_likelihood).tolist()
    return found


def cell_steps(tf):
    """One direct call of each CRF cell, and their sizes."""
    crf = tf.contrib.crf
    inputs, _, _, transitions = cases()["batch"]
    with tf.Graph().as_default():
        t = tf.constant(transitions)
        forward, decode_forward, decode_backward = (
            crf.CrfForwardRnnCell(t), crf.CrfDecodeForwardRnnCell(t), crf.CrfDecodeBackwardRnnCell(3))
        step, state = tf.constant(inputs[:, 1]), tf.constant(inputs[:, 0])
        backpointers = tf.constant([[0, 1, 2], [2, 2, 0], [1, 0, 1], [0, 0, 0], [2, 1, 0]], tf.int32)
        fetches = {
            "forward": forward(step, state),
            "decode_forward": decode_forward(step, state),
            "decode_backward": decode_backward(backpointers, tf.constant([[0], [1], [2], [0], [1]], tf.int32)),
        }
        with tf.Session() as sess:
            values = sess.run(fetches)
        found = {name: [np.asarray(v).tolist() for v in value] for name, value in values.items()}
        found["sizes"] = [[c.state_size, c.output_size] for c in (forward, decode_forward, decode_backward)]
        found["variables"] = [v.op.name for v in tf.global_variables()]
    return found


def tagger_training(tf, steps=5):
    """A small BiLSTM-CRF tagger as TF 1.x programs wrote it (embedding, bidirectional LSTM,
    dense scores, `crf_log_likelihood` creating the transitions, Adam, `crf_decode`), its
    weights drawn with an explicit op seed: the losses of `steps` training steps, the decoded
    tags, and viterbi_decode's tags from the trained transitions."""
    inputs, tags, lengths, _ = cases()["batch"]
    words = (np.abs(inputs[..., 0]) * 10).astype(np.int32) % 7
    with tf.Graph().as_default():
        with tf.variable_scope("tagger", initializer=tf.random_uniform_initializer(-0.3, 0.3, seed=3)):
            ids = tf.placeholder(tf.int32, [None, None], name="ids")
            gold = tf.placeholder(tf.int32, [None, None], name="gold")
            length = tf.placeholder(tf.int32, [None], name="length")
            embedded = tf.nn.embedding_lookup(tf.get_variable("embedding", [7, 4]), ids)
            (forward, backward), _ = tf.nn.bidirectional_dynamic_rnn(
                tf.nn.rnn_cell.LSTMCell(5), tf.nn.rnn_cell.LSTMCell(5), embedded, sequence_length=length,
                dtype=tf.float32)
            scores = tf.layers.dense(tf.concat([forward, backward], -1), 3)
            log_likelihood, transitions = tf.contrib.crf.crf_log_likelihood(scores, gold, length)
            loss = tf.reduce_mean(-log_likelihood)
            train = tf.train.AdamOptimizer(0.1).minimize(loss)
            decoded, _ = tf.contrib.crf.crf_decode(scores, transitions, length)
        feed = {ids: words, gold: tags, length: lengths}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [float(sess.run([loss, train], feed)[0]) for _ in range(steps)]
            found_tags, found_scores, found_transitions = sess.run([decoded, scores, transitions], feed)
        return {"variables": [[v.op.name, v.shape.as_list()] for v in tf.trainable_variables()], "losses": losses,
                "decode_tags": found_tags.tolist(),
                "viterbi_tags": [[int(t) for t in tf.contrib.crf.viterbi_decode(found_scores[row, :n],
                                                                                 found_transitions)[0]]
                                 for row, n in enumerate(lengths) if n > 0]}


def viterbi_paths():
    """viterbi_decode on each sequence of the cases (its own length), float32 and float64."""
    crf_found = {}
    import tensorflow as tf  # viterbi_decode is NumPy; recorded from TF 1.15's own function
    for name, (inputs, _, lengths, transitions) in cases().items():
        for dtype in (np.float32, np.float64):
            for row, length in enumerate(lengths):
                if length > 0:
                    path, score = tf.contrib.crf.viterbi_decode(inputs[row, :length].astype(dtype),
                                                                transitions.astype(dtype))
                    crf_found[f"{name}/{row}/{np.dtype(dtype).name}"] = [[int(t) for t in path], float(score)]
    return crf_found


def record(tf):
    """Everything the goldens hold, computed with the `tf` given."""
    found = {"inputs": {name: [np.asarray(a).tolist() for a in case] for name, case in cases().items()}}
    for name, case in cases().items():
        found[name] = run_fetches(tf, lambda: crf_fetches(tf, *case))
        found[name + "/unknown_time"] = run_fetches(tf, lambda: crf_fetches(tf, *case, known_time=False))
    found["transitions_variable"] = transitions_variable(tf)
    found["transitions_variable/explicit"] = transitions_variable(tf, np.linspace(-1, 1, 9).reshape(3, 3))
    found["cells"] = cell_steps(tf)
    found["tagger_training"] = tagger_training(tf)
    return found


if __name__ == "__main__":
    import tensorflow

    golden = record(tensorflow)
    golden["viterbi_decode"] = viterbi_paths()
    golden["recorded_with"] = "tensorflow " + tensorflow.__version__
    with open(GOLDEN, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
