"""legacy_seq2seq's models against TF 1.15's variables and a NumPy re-computation.

Variable names, shapes and creation order come from TF 1.15.0 itself (tf115_seq2seq_graphs.py).
Outputs are recomputed in NumPy (float64) from the variables' values, step by step; the
graphs run in float32, so they agree to float32 round-off: the largest gap seen was 2.8e-7
(attention; 1.7e-7 elsewhere, losses 2.0e-7).  The tolerance, 1e-5, leaves room for other
CPUs' round-off and stays far below every broken twin's gap (0.145 at the least).
"""
import copy
import json
import os

import numpy as np
import pytest

from tf1_graphs import reference as ref
from tf1_graphs import tf
from tf1_graphs.contrib import _cell_copy
from tf115_seq2seq_graphs import B, D, H, T, V, builders, variables_of

s2s = tf.contrib.legacy_seq2seq
LSTM = tf.nn.rnn_cell.BasicLSTMCell
TOL = dict(rtol=0, atol=1e-5)
with open(os.path.join(os.path.dirname(__file__), "tf115_legacy_seq2seq_variables.json")) as f:
    TF115_VARIABLES = json.load(f)


@pytest.mark.parametrize("key", sorted(TF115_VARIABLES))
def test_variable_names_shapes_and_order_are_tf115s(key):
    assert variables_of(tf, builders(tf)[key]) == TF115_VARIABLES[key]


def test_variable_comparison_can_fail():
    """Broken twin: one attention head instead of the two TF 1.15 was given."""
    one_head = variables_of(tf, lambda: s2s.attention_decoder(
        [tf.zeros([B, D])] * T, tf.zeros([B, H]), tf.zeros([B, T + 1, H + 2]),
        tf.nn.rnn_cell.GRUCell(H), output_size=7))
    assert one_head != TF115_VARIABLES["attention_decoder"]


# ---- NumPy re-computation, BasicLSTMCell everywhere (state (c, h)) ----

def _values(session):
    return {v.op.name: value for v, value in zip(tf.global_variables(), session.run(tf.global_variables()))}


def _lstm(w, prefix):
    def step(x, state):
        new = ref.lstm_step(x, state[0], state[1], w[prefix + "/kernel"], w[prefix + "/bias"])
        return new.h, (new.c, new.h)
    return step


def _project(w, prefix, *parts):
    return np.concatenate(parts, axis=-1) @ w[prefix + "/kernel"] + w[prefix + "/bias"]


def _zero_state():
    return np.zeros((B, H)), np.zeros((B, H))


def _unroll(step, inputs, state, project=None, embedding=None):
    """The decoder loop; with `embedding`, steps after the first embed the argmax of the last output."""
    outputs, x = [], inputs[0]
    for t in range(len(inputs)):
        output, state = step(x, state)
        output = project(output) if project else output
        outputs.append(output)
        if t + 1 < len(inputs):
            x = embedding[output.argmax(-1)] if embedding is not None else inputs[t + 1]
    return outputs, state


def _attention_decoder(w, prefix, inputs, state, attention_states, cell_step, heads,
                       initial_state_attention, embedding=None, output_size=None):
    """TF 1.15's attention_decoder, read from its docstring, with explicit matrices."""
    length, size = attention_states.shape[1:]
    features = [attention_states @ w[f"{prefix}/AttnW_{a}"][0, 0] for a in range(heads)]

    def attend(state):
        query = np.concatenate(state, axis=-1)
        reads = []
        for a in range(heads):
            scores = (w[f"{prefix}/AttnV_{a}"] * np.tanh(
                features[a] + _project(w, f"{prefix}/Attention_{a}", query)[:, None, :])).sum(-1)
            weights = np.exp(scores - scores.max(-1, keepdims=True))
            weights /= weights.sum(-1, keepdims=True)
            reads.append((weights[:, :, None] * attention_states).sum(1))
        return reads

    reads = attend(state) if initial_state_attention else [np.zeros((B, size))] * heads
    outputs, x = [], inputs[0]
    for t in range(len(inputs)):
        cell_output, state = cell_step(_project(w, prefix, x, *reads), state)
        reads = attend(state)
        outputs.append(_project(w, prefix + "/AttnOutputProjection", cell_output, *reads))
        if t + 1 < len(inputs):
            x = embedding[outputs[-1].argmax(-1)] if embedding is not None else inputs[t + 1]
    return outputs, state


def _random(seed, *shape):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _ids(seed, steps, symbols=V):
    return np.random.default_rng(seed).integers(0, symbols, size=(steps, B)).astype(np.int32)


def _tensors(steps):
    return [tf.constant(step) for step in steps]


def _close(actual, expected):
    np.testing.assert_allclose(np.stack(actual), np.stack(expected), **TOL)


def _differs(actual, expected):
    assert np.abs(np.stack(actual) - np.stack(expected)).max() > 1e-3


@pytest.mark.parametrize("heads, initial_state_attention", [(1, False), (2, True)])
def test_attention_decoder_equals_numpy(session, heads, initial_state_attention):
    inputs, attention = _random(0, T, B, D), _random(1, B, T + 1, H + 1)
    cell = tf.nn.rnn_cell.BasicLSTMCell(H)
    state = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(_random(2, B, H)), tf.constant(_random(3, B, H)))
    outputs, final = s2s.attention_decoder(_tensors(inputs), state, tf.constant(attention), cell, num_heads=heads,
                                           initial_state_attention=initial_state_attention)
    session.run(tf.global_variables_initializer())
    w = _values(session)
    expected, expected_final = _attention_decoder(
        w, "attention_decoder", inputs, (_random(2, B, H), _random(3, B, H)), attention,
        _lstm(w, "attention_decoder/basic_lstm_cell"), heads, initial_state_attention)
    got, got_final = session.run([outputs, final])
    _close(got, expected)
    _close(got_final, expected_final)
    _differs(got, _attention_decoder(  # twin: nothing to attend to
        w, "attention_decoder", inputs, (_random(2, B, H), _random(3, B, H)), 0 * attention,
        _lstm(w, "attention_decoder/basic_lstm_cell"), heads, initial_state_attention)[0])


def _embedding_encoder(w, model, ids):
    """The encoder every embedding model builds: an EmbeddingWrapper'd LSTM under `<model>/rnn`."""
    return _unroll(_lstm(w, model + "rnn/embedding_wrapper/basic_lstm_cell"),
                   w[model + "rnn/embedding_wrapper/embedding"][ids], _zero_state())


def _seq2seq_feeds(encoder_steps=T, decoder_steps=T):
    return _ids(10, encoder_steps), _ids(11, decoder_steps)


@pytest.mark.parametrize("feed_previous", [False, True])
def test_embedding_rnn_seq2seq_equals_numpy(session, feed_previous):
    encoder_ids, decoder_ids = _seq2seq_feeds()
    outputs, _ = s2s.embedding_rnn_seq2seq(_tensors(encoder_ids), _tensors(decoder_ids), LSTM(H), V, V + 1, D,
                                           feed_previous=feed_previous)
    session.run(tf.global_variables_initializer())
    w, p = _values(session), "embedding_rnn_seq2seq/"
    _, encoded = _embedding_encoder(w, p, encoder_ids)
    decoder = p + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper"
    embedding = w[p + "embedding_rnn_decoder/embedding"]
    expected, _ = _unroll(_lstm(w, decoder + "/basic_lstm_cell"), embedding[decoder_ids], encoded,
                          lambda out: _project(w, decoder, out), embedding if feed_previous else None)
    _close(session.run(outputs), expected)
    twin, _ = _unroll(_lstm(w, decoder + "/basic_lstm_cell"), embedding[decoder_ids], encoded,
                      lambda out: _project(w, decoder, out), None if feed_previous else embedding)
    _differs(session.run(outputs), twin)


def test_basic_and_tied_rnn_seq2seq_equal_numpy(session):
    encoder_inputs, decoder_inputs = _random(20, T, B, D), _random(21, T, B, D)
    basic, _ = s2s.basic_rnn_seq2seq(_tensors(encoder_inputs), _tensors(decoder_inputs), LSTM(H))
    tied, _ = s2s.tied_rnn_seq2seq(_tensors(encoder_inputs), _tensors(decoder_inputs), LSTM(H))
    session.run(tf.global_variables_initializer())
    w = _values(session)
    encoder = _lstm(w, "basic_rnn_seq2seq/rnn/basic_lstm_cell")
    decoder = _lstm(w, "basic_rnn_seq2seq/rnn_decoder/basic_lstm_cell")
    expected, _ = _unroll(decoder, decoder_inputs, _unroll(encoder, encoder_inputs, _zero_state())[1])
    _close(session.run(basic), expected)
    encoded_by_decoder = _unroll(decoder, encoder_inputs, _zero_state())[1]  # twin: encoder on decoder weights
    _differs(session.run(basic), _unroll(decoder, decoder_inputs, encoded_by_decoder)[0])
    one = _lstm(w, "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/basic_lstm_cell")
    _close(session.run(tied), _unroll(one, decoder_inputs, _unroll(one, encoder_inputs, _zero_state())[1])[0])


def test_embedding_tied_rnn_seq2seq_equals_numpy(session):
    encoder_ids, decoder_ids = _seq2seq_feeds()
    outputs, _ = s2s.embedding_tied_rnn_seq2seq(_tensors(encoder_ids), _tensors(decoder_ids),
                                                tf.nn.rnn_cell.BasicLSTMCell(H), V, D, num_decoder_symbols=V - 2)
    session.run(tf.global_variables_initializer())
    w = _values(session)
    embedding, p = w["embedding_tied_rnn_seq2seq/embedding"], \
        "embedding_tied_rnn_seq2seq/combined_tied_rnn_seq2seq/tied_rnn_seq2seq/output_projection_wrapper"
    cell = _lstm(w, p + "/basic_lstm_cell")  # the encoder runs the projected cell too; its outputs are unused
    _, encoded = _unroll(cell, embedding[encoder_ids], _zero_state())
    expected, _ = _unroll(cell, embedding[decoder_ids], encoded, lambda out: _project(w, p, out))
    assert expected[0].shape == (B, V - 2)
    _close(session.run(outputs), expected)


@pytest.mark.parametrize("feed_previous", [False, True])
def test_embedding_attention_seq2seq_equals_numpy(session, feed_previous):
    encoder_ids, decoder_ids = _seq2seq_feeds(T + 1, T)
    outputs, _ = s2s.embedding_attention_seq2seq(_tensors(encoder_ids), _tensors(decoder_ids), LSTM(H), V, V + 1, D,
                                                 num_heads=2, feed_previous=feed_previous)
    session.run(tf.global_variables_initializer())
    w, p = _values(session), "embedding_attention_seq2seq/"
    encoder_outputs, encoded = _embedding_encoder(w, p, encoder_ids)
    decoder = p + "embedding_attention_decoder/attention_decoder"
    embedding = w[p + "embedding_attention_decoder/embedding"]
    wrapped = _lstm(w, decoder + "/output_projection_wrapper/basic_lstm_cell")

    def projected_cell(x, state):
        output, state = wrapped(x, state)
        return _project(w, decoder + "/output_projection_wrapper", output), state

    def expected(greedy):
        return _attention_decoder(w, decoder, embedding[decoder_ids], encoded, np.stack(encoder_outputs, 1),
                                  projected_cell, 2, False, embedding if greedy else None)[0]

    _close(session.run(outputs), expected(feed_previous))
    _differs(session.run(outputs), expected(not feed_previous))


def test_one2many_rnn_seq2seq_equals_numpy(session):
    encoder_ids = _ids(30, T)
    decoder_ids = {"short": _ids(31, 2, V - 1), "long": _ids(32, T + 1, V + 2)}
    symbols = {"short": V - 1, "long": V + 2}
    outputs, _ = s2s.one2many_rnn_seq2seq(
        _tensors(encoder_ids), {k: _tensors(v) for k, v in decoder_ids.items()}, tf.nn.rnn_cell.BasicLSTMCell(H),
        {k: tf.nn.rnn_cell.BasicLSTMCell(H) for k in decoder_ids}, V, symbols, D)
    session.run(tf.global_variables_initializer())
    w, p = _values(session), "one2many_rnn_seq2seq/"
    _, encoded = _embedding_encoder(w, p, encoder_ids)
    for name, ids in decoder_ids.items():
        decoder = f"{p}one2many_decoder_{name}/embedding_rnn_decoder/"
        projection = decoder + "rnn_decoder/output_projection_wrapper"
        expected, _ = _unroll(_lstm(w, projection + "/basic_lstm_cell"), w[decoder + "embedding"][ids], encoded,
                              lambda out: _project(w, projection, out))
        assert expected[0].shape == (B, symbols[name])
        _close(session.run(outputs[name]), expected)


@pytest.mark.parametrize("model", ["embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq",
                                   "embedding_attention_seq2seq"])
def test_feed_previous_tensor_picks_the_greedy_or_the_given_decoder(session, model):
    """A boolean-tensor `feed_previous` equals the Python-bool builds on the same variables."""
    encoder_ids, decoder_ids = _seq2seq_feeds()
    args = dict(embedding_rnn_seq2seq=(V, V + 1, D), embedding_tied_rnn_seq2seq=(V, D),
                embedding_attention_seq2seq=(V, V + 1, D))[model]
    greedy = tf.placeholder(tf.bool, [])

    def build(feed_previous):
        return getattr(s2s, model)(_tensors(encoder_ids), _tensors(decoder_ids), tf.nn.rnn_cell.BasicLSTMCell(H), *args,
                                   feed_previous=feed_previous)[0]

    with tf.variable_scope("model"):
        chosen = build(greedy)
    made = tf.global_variables()
    with tf.variable_scope("model", reuse=True):
        greedy_build, given_build = build(True), build(False)
    assert tf.global_variables() == made  # the bool builds made no variable of their own
    session.run(tf.global_variables_initializer())
    greedy_out, given_out = session.run([greedy_build, given_build])
    np.testing.assert_array_equal(session.run(chosen, {greedy: True}), greedy_out)
    np.testing.assert_array_equal(session.run(chosen, {greedy: False}), given_out)
    _differs(greedy_out, given_out)


# ---- model_with_buckets ----

BUCKETS = [(2, 2), (T + 1, T)]


def _bucket_feeds():
    encoder_ids, decoder_ids = _seq2seq_feeds(T + 1, T)
    targets = np.concatenate([decoder_ids[1:], np.zeros((1, B), np.int32)])
    weights = np.random.default_rng(40).uniform(0.5, 1.5, size=(T, B)).astype(np.float32)
    return encoder_ids, decoder_ids, targets, weights


def test_model_with_buckets_builds_once_and_reuses_per_bucket(session):
    """One cell object for every bucket, as TF 1.0-era programs wrote it (see _cell_copy)."""
    encoder_ids, decoder_ids, targets, weights = _bucket_feeds()
    cell = tf.nn.rnn_cell.BasicLSTMCell(H)
    outputs, losses = s2s.model_with_buckets(
        _tensors(encoder_ids), _tensors(decoder_ids), _tensors(targets), _tensors(weights), BUCKETS,
        lambda x, y: s2s.embedding_rnn_seq2seq(x, y, cell, V, V + 1, D))
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        _, per_example = s2s.model_with_buckets(
            _tensors(encoder_ids), _tensors(decoder_ids), _tensors(targets), _tensors(weights), BUCKETS,
            lambda x, y: s2s.embedding_rnn_seq2seq(x, y, cell, V, V + 1, D), per_example_loss=True)
    with tf.Graph().as_default():
        s2s.embedding_rnn_seq2seq(_tensors(encoder_ids), _tensors(decoder_ids), LSTM(H), V, V + 1, D)
        one_model = [v.op.name for v in tf.global_variables()]
    assert [v.op.name for v in tf.global_variables()] == one_model
    assert [len(o) for o in outputs] == [2, T]
    assert [l.shape.as_list() for l in losses] == [[], []] and [l.shape.as_list() for l in per_example] == [[B], [B]]

    session.run(tf.global_variables_initializer())
    w, p = _values(session), "embedding_rnn_seq2seq/"
    decoder = p + "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper"
    got_outputs, got_losses, got_per_example = session.run([outputs, losses, per_example])
    for index, (inputs, steps) in enumerate(BUCKETS):
        def expected(encoder_prefix):
            _, encoded = _unroll(_lstm(w, encoder_prefix),
                                 w[p + "rnn/embedding_wrapper/embedding"][encoder_ids[:inputs]], _zero_state())
            embedded = w[p + "embedding_rnn_decoder/embedding"][decoder_ids[:steps]]
            return _unroll(_lstm(w, decoder + "/basic_lstm_cell"), embedded, encoded,
                           lambda out: _project(w, decoder, out))[0]

        logits = expected(p + "rnn/embedding_wrapper/basic_lstm_cell")
        _close(got_outputs[index], logits)
        _differs(got_outputs[index], expected(decoder + "/basic_lstm_cell"))  # twin: encoder on the decoder's weights
        crossent = np.stack([ref.sparse_softmax_cross_entropy(targets[t], logits[t]) for t in range(steps)])
        by_example = (crossent * weights[:steps]).sum(0) / (weights[:steps].sum(0) + 1e-12)
        np.testing.assert_allclose(got_per_example[index], by_example, **TOL)
        np.testing.assert_allclose(got_losses[index], by_example.sum() / B, **TOL)


def test_one_cell_object_for_every_bucket_makes_tf115s_variables_of_a_cell_per_bucket():
    """TF 1.15 could only build a cell made anew per bucket; one shared object gives the same variables."""
    def build():
        cell, ids, weights = tf.nn.rnn_cell.GRUCell(H), [tf.zeros([B], tf.int32)] * 4, [tf.ones([B])] * 4
        s2s.model_with_buckets(ids, ids, ids, weights, [(2, 3), (4, 4)],
                               lambda x, y: s2s.embedding_attention_seq2seq(x, y, cell, V, V, D))

    assert variables_of(tf, build) == TF115_VARIABLES["model_with_buckets"]


@pytest.mark.parametrize("short", ["encoder_inputs", "targets", "weights"])
def test_model_with_buckets_rejects_inputs_shorter_than_the_last_bucket(graph, short):
    encoder_ids, decoder_ids, targets, weights = _bucket_feeds()
    full = dict(encoder_inputs=_tensors(encoder_ids), targets=_tensors(targets), weights=_tensors(weights))

    def build(lists):
        return s2s.model_with_buckets(
            lists["encoder_inputs"], _tensors(decoder_ids), lists["targets"], lists["weights"], BUCKETS,
            lambda x, y: s2s.embedding_rnn_seq2seq(x, y, tf.nn.rnn_cell.GRUCell(H), V, V + 1, D))

    with pytest.raises(ValueError, match=rf"Length of {short} \(\d\) must be at least that of last ?bucket"):
        build({**full, short: full[short][:-1]})
    build(full)  # twin: long enough, it builds


# ---- argument errors ----

def test_attention_decoder_rejects_bad_arguments(graph):
    cell, state = tf.nn.rnn_cell.GRUCell(H), tf.zeros([B, H])
    known = tf.zeros([B, T, H])
    with pytest.raises(ValueError, match="Must provide at least 1 input"):
        s2s.attention_decoder([], state, known, cell)
    with pytest.raises(ValueError, match="With less than 1 heads"):
        s2s.attention_decoder([tf.zeros([B, D])], state, known, cell, num_heads=0)
    with pytest.raises(ValueError, match=r"Shape\[2\] of attention_states must be known"):
        s2s.attention_decoder([tf.zeros([B, D])], state, tf.placeholder(tf.float32, [B, T, None]), cell)
    s2s.attention_decoder([tf.zeros([B, D])], state, known, cell)  # twin: the same call, well formed


def test_one2many_rnn_seq2seq_rejects_mismatched_decoders(graph):
    ids = [tf.zeros([B], tf.int32)] * T
    lstm = tf.nn.rnn_cell.BasicLSTMCell
    with pytest.raises(TypeError, match="enc_cell is not an RNNCell"):
        s2s.one2many_rnn_seq2seq(ids, {"a": ids}, "cell", {"a": lstm(H)}, V, {"a": V}, D)
    with pytest.raises(ValueError, match="keys of dec_cells_dict != keys of decodre_inputs_dict"):
        s2s.one2many_rnn_seq2seq(ids, {"a": ids}, lstm(H), {"b": lstm(H)}, V, {"a": V}, D)
    with pytest.raises(TypeError, match="dec_cell is not an RNNCell"):
        s2s.one2many_rnn_seq2seq(ids, {"a": ids}, lstm(H), {"a": None}, V, {"a": V}, D)
    s2s.one2many_rnn_seq2seq(ids, {"a": ids}, lstm(H), {"a": lstm(H)}, V, {"a": V}, D)  # twin: well formed


# ---- deep copies of built cells ----

def _built(cell):
    cell(tf.zeros([B, D]), cell.zero_state(B, tf.float32))
    return cell


def test_deepcopy_of_a_built_cell_is_an_unbuilt_cell_of_the_same_configuration(graph):
    original = _built(tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(H, forget_bias=0.5),
                                                   tf.nn.rnn_cell.GRUCell(H)]))
    made = tf.global_variables()
    duplicate = copy.deepcopy(original)
    assert not duplicate.built and all(not c.built for c in duplicate._cells)
    assert (duplicate._cells[0]._num_units, duplicate._cells[0]._forget_bias) == (H, 0.5)
    assert tf.global_variables() == made and original.built and original.variables == made
    with tf.variable_scope("elsewhere"):
        _built(duplicate)
    assert [v.op.name for v in duplicate.variables] == ["elsewhere/" + v.op.name for v in made]
    assert [v.shape for v in duplicate.variables] == [v.shape for v in made]


def test_the_stock_deepcopy_of_a_built_cell_fails(graph):
    """Broken twin: without _cell_copy, TF 2.21 cannot copy a built cell (nor could TF 1.15)."""
    with pytest.raises(TypeError, match="cannot pickle"):
        _cell_copy._layer_deepcopy(_built(tf.nn.rnn_cell.BasicLSTMCell(H)), {})
