"""Tiny legacy_seq2seq graphs, built alike under TF 1.15 and under tf1_graphs.

`python tf115_seq2seq_graphs.py > tf115_legacy_seq2seq_variables.json`, run with
TensorFlow 1.15.0 (Python 3.7), wrote the variable names and shapes the tests expect;
the tests build the same graphs with `from tf1_graphs import tf` and compare.
"""
import json

B, T, D, H, V = 2, 3, 4, 5, 6  # batch, steps, depth (= embedding size), units, symbols


def builders(tf):
    """{key: function that builds one graph in the default graph}."""
    s2s = tf.contrib.legacy_seq2seq
    floats = lambda: [tf.zeros([B, D]) for _ in range(T)]  # noqa: E731
    ids = lambda: [tf.zeros([B], tf.int32) for _ in range(T)]  # noqa: E731
    lstm = lambda: tf.nn.rnn_cell.BasicLSTMCell(H)  # noqa: E731
    gru = lambda: tf.nn.rnn_cell.GRUCell(H)  # noqa: E731
    projection = lambda: (tf.zeros([H, V + 1]), tf.zeros([V + 1]))  # noqa: E731

    def buckets():
        enc, dec = [tf.zeros([B], tf.int32) for _ in range(4)], [tf.zeros([B], tf.int32) for _ in range(4)]
        weights = [tf.ones([B]) for _ in range(4)]
        return s2s.model_with_buckets(enc, dec, dec, weights, [(2, 3), (4, 4)],
                                      lambda x, y: s2s.embedding_attention_seq2seq(x, y, gru(), V, V, D))

    return {
        "basic_rnn_seq2seq": lambda: s2s.basic_rnn_seq2seq(floats(), floats(), lstm()),
        "tied_rnn_seq2seq": lambda: s2s.tied_rnn_seq2seq(floats(), floats(), gru()),
        "embedding_rnn_decoder": lambda: s2s.embedding_rnn_decoder(
            ids(), lstm().zero_state(B, tf.float32), lstm(), V, D),
        "embedding_rnn_seq2seq": lambda: s2s.embedding_rnn_seq2seq(ids(), ids(), lstm(), V, V + 1, D),
        "embedding_rnn_seq2seq_proj": lambda: s2s.embedding_rnn_seq2seq(
            ids(), ids(), lstm(), V, V + 1, D, output_projection=projection(), feed_previous=True),
        "embedding_rnn_seq2seq_tensor_fp": lambda: s2s.embedding_rnn_seq2seq(
            ids(), ids(), lstm(), V, V + 1, D, feed_previous=tf.constant(True)),
        "embedding_tied_rnn_seq2seq": lambda: s2s.embedding_tied_rnn_seq2seq(
            ids(), ids(), lstm(), V, D, num_decoder_symbols=V - 1),
        "embedding_tied_rnn_seq2seq_tensor_fp": lambda: s2s.embedding_tied_rnn_seq2seq(
            ids(), ids(), lstm(), V, D, feed_previous=tf.constant(False)),
        "attention_decoder": lambda: s2s.attention_decoder(
            floats(), gru().zero_state(B, tf.float32), tf.zeros([B, T + 1, H + 2]), gru(),
            output_size=7, num_heads=2),
        "attention_decoder_isa": lambda: s2s.attention_decoder(
            floats(), lstm().zero_state(B, tf.float32), tf.zeros([B, T + 1, H + 2]), lstm(),
            initial_state_attention=True),
        "embedding_attention_decoder": lambda: s2s.embedding_attention_decoder(
            ids(), gru().zero_state(B, tf.float32), tf.zeros([B, T, H]), gru(), V, D),
        "embedding_attention_seq2seq": lambda: s2s.embedding_attention_seq2seq(ids(), ids(), lstm(), V, V + 1, D),
        "embedding_attention_seq2seq_multi": lambda: s2s.embedding_attention_seq2seq(
            ids(), ids(), tf.nn.rnn_cell.MultiRNNCell([gru(), gru()]), V, V + 1, D, num_heads=2,
            feed_previous=tf.constant(True)),
        "one2many_rnn_seq2seq": lambda: s2s.one2many_rnn_seq2seq(
            ids(), {"a": ids(), "b": ids()[:2]}, lstm(), {"a": lstm(), "b": lstm()}, V,
            {"a": V + 1, "b": V + 2}, D),
        "model_with_buckets": buckets,
    }


def variables_of(tf, build):
    """[[name, shape], ...] of the global variables `build` makes in a fresh graph."""
    with tf.Graph().as_default():
        build()
        return [[v.op.name, v.shape.as_list()] for v in tf.global_variables()]


if __name__ == "__main__":
    import tensorflow

    found = {key: variables_of(tensorflow, build) for key, build in builders(tensorflow).items()}
    print("{\n" + ",\n".join(
        f"  {json.dumps(key)}: [\n" + ",\n".join(f"    {json.dumps(v)}" for v in variables) + "\n  ]"
        for key, variables in found.items()) + "\n}")
