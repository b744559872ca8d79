"""contrib.seq2seq's pieces against NumPy written from their definitions, and its argument checks.

gather_tree is checked against a loop that follows the parent pointers back (TF 1.15's kernel
rule, written independently), on random trees with end tokens, lengths of 0, short, full and
past max_time; monotonic attention against its recurrence; tile_batch against np.repeat;
dynamic_decode with a TrainingHelper against dynamic_rnn.  Integers must be equal; floats
within 1e-6 (the largest gap seen was 1.2e-7).  Each check has a twin that must fail.
"""
import numpy as np
import pytest

from tf1_graphs import tf

s2s = tf.contrib.seq2seq
TOL = dict(rtol=0, atol=1e-6)
TF115_NAMES = (  # dir(tf.contrib.seq2seq) under TensorFlow 1.15.5
    "AttentionMechanism", "AttentionWrapper", "AttentionWrapperState", "BahdanauAttention",
    "BahdanauMonotonicAttention", "BasicDecoder", "BasicDecoderOutput", "BeamSearchDecoder",
    "BeamSearchDecoderOutput", "BeamSearchDecoderState", "CustomHelper", "Decoder", "FinalBeamSearchDecoderOutput",
    "GreedyEmbeddingHelper", "Helper", "InferenceHelper", "LuongAttention", "LuongMonotonicAttention",
    "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper", "ScheduledOutputTrainingHelper",
    "TrainingHelper", "dynamic_decode", "gather_tree", "hardmax", "monotonic_attention", "safe_cumprod",
    "sequence_loss", "tile_batch")


def numpy_gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token):
    """Follow each beam's parents back from its last step; end_token past the length and after the first end."""
    max_time, batch, beams = step_ids.shape
    out = np.full_like(step_ids, end_token)
    for b in range(batch):
        length = min(max_time, max_sequence_lengths[b])
        for k in range(beams if length > 0 else 0):
            parent = k
            for t in range(length - 1, -1, -1):
                out[t, b, k] = step_ids[t, b, parent]
                parent = parent_ids[t, b, parent]
            ended = np.cumsum(out[:length, b, k] == end_token) > 0
            out[:length, b, k][np.concatenate([[False], ended[:-1]])] = end_token
    return out


def _random_tree(seed, max_time=7, batch=6, beams=5, vocab=8):
    rng = np.random.RandomState(seed)
    return (rng.randint(0, vocab, size=(max_time, batch, beams)).astype(np.int32),
            rng.randint(0, beams, size=(max_time, batch, beams)).astype(np.int32),
            np.array([0, 1, 3, 7, 9, -2], np.int32))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gather_tree_equals_numpy(session, seed):
    step_ids, parent_ids, lengths = _random_tree(seed)
    got = session.run(s2s.gather_tree(step_ids, parent_ids, lengths, end_token=3))
    np.testing.assert_array_equal(got, numpy_gather_tree(step_ids, parent_ids, lengths, 3))
    assert not np.array_equal(got, numpy_gather_tree(step_ids, parent_ids, lengths, 4))  # twin: another end token


def test_gather_tree_names_a_bad_parent_as_tf115_did(session):
    step_ids = np.array([[[1, 2, 3]], [[4, 5, 6]], [[7, 8, 9]], [[-1, -1, -1]]], np.int32)
    parents = np.array([[[0, 0, 0]], [[0, -1, 1]], [[2, 1, 2]], [[-1, -1, -1]]], np.int32)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Saw invalid parent id -1 at \(batch, time, beam\) == \(0, 0, 1\)"):
        session.run(s2s.gather_tree(step_ids, parents, [3], 10))
    good = parents.copy()
    good[1, 0, 1] = 1  # twin: a valid parent there runs
    np.testing.assert_array_equal(session.run(s2s.gather_tree(step_ids, good, [3], 10))[:, 0, 1], [2, 5, 8, 10])


def numpy_monotonic(p, previous):
    """q[i] = (1 - p[i-1]) q[i-1] + previous[i]; attention = p q."""
    q = np.zeros_like(p)
    for i in range(p.shape[1]):
        q[:, i] = (q[:, i - 1] * (1 - p[:, i - 1]) if i else 0) + previous[:, i]
    return p * q


def test_monotonic_attention_modes_equal_the_recurrence(session):
    rng = np.random.RandomState(4)
    p = rng.uniform(0.05, 0.95, size=(4, 7)).astype(np.float32)
    previous = rng.dirichlet(np.ones(7), size=4).astype(np.float32)
    expected = numpy_monotonic(p.astype(np.float64), previous.astype(np.float64))
    for mode in ("recursive", "parallel"):
        np.testing.assert_allclose(session.run(s2s.monotonic_attention(p, previous, mode)), expected, **TOL)
    hard_p = (rng.uniform(size=(4, 7)) > 0.5).astype(np.float32)
    dirac = np.eye(7, dtype=np.float32)[[0, 2, 3, 6]]
    np.testing.assert_allclose(session.run(s2s.monotonic_attention(hard_p, dirac, "hard")),
                               numpy_monotonic(hard_p, dirac), **TOL)
    with pytest.raises(AssertionError):  # twin: the previous attention shifted by one entry
        np.testing.assert_allclose(session.run(s2s.monotonic_attention(p, previous, "recursive")),
                                   numpy_monotonic(p, np.roll(previous, 1, axis=1)), **TOL)
    with pytest.raises(ValueError, match="mode must be 'recursive', 'parallel', or 'hard'"):
        s2s.monotonic_attention(p, previous, "soft")


def test_tile_batch_repeats_each_entry_in_place(session):
    x = np.arange(24, dtype=np.float32).reshape(3, 4, 2)
    tiled = s2s.tile_batch({"x": tf.constant(x), "n": tf.constant([5, 6, 7])}, 2)
    assert tiled["x"].shape.as_list() == [6, 4, 2]
    got = session.run(tiled)
    np.testing.assert_array_equal(got["x"], np.repeat(x, 2, axis=0))
    np.testing.assert_array_equal(got["n"], [5, 5, 6, 6, 7, 7])
    assert not np.array_equal(got["x"], np.tile(x, (2, 1, 1)))  # twin: tf.tile's order is not tile_batch's


def test_training_helper_decoding_equals_dynamic_rnn(session):
    """With a TrainingHelper, decoding is running the cell over the inputs (zeros past each length)."""
    rng = np.random.RandomState(6)
    inputs = rng.randn(3, 5, 4).astype(np.float32)
    lengths = [5, 2, 0]
    with tf.variable_scope("cell", initializer=tf.constant_initializer(0.1)):
        cell = tf.nn.rnn_cell.GRUCell(6)
        outputs, state, decoded_lengths = s2s.dynamic_decode(
            s2s.BasicDecoder(cell, s2s.TrainingHelper(inputs, lengths), cell.zero_state(3, tf.float32)),
            impute_finished=True)
        expected, expected_state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=lengths, dtype=tf.float32)
    session.run(tf.global_variables_initializer())
    got, want, got_state, want_state, got_lengths = session.run(
        [outputs.rnn_output, expected, state, expected_state, decoded_lengths])
    np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(got_state, want_state, **TOL)
    np.testing.assert_array_equal(got_lengths, lengths)
    with pytest.raises(AssertionError):  # twin: the entries in another order
        np.testing.assert_allclose(got, want[::-1], **TOL)


def test_every_tf115_name_is_there_and_the_unlisted_one_is_not():
    assert all(callable(getattr(s2s, name)) for name in TF115_NAMES)
    with pytest.raises(AttributeError):  # listed by TF 1.15's __init__ but never defined there
        s2s.monotonic_probability_fn
    with pytest.raises(AttributeError):
        s2s.NoSuchDecoder


@pytest.mark.parametrize("make, error, message", [
    (lambda: s2s.BasicDecoder(tf.nn.rnn_cell.GRUCell(2), "helper", None), TypeError, "helper must be a Helper"),
    (lambda: s2s.BasicDecoder(tf.nn.rnn_cell.GRUCell(2), s2s.TrainingHelper(tf.zeros([1, 2, 2]), [2]), None,
                              output_layer=tf.tanh), TypeError, "output_layer must be a Layer"),
    (lambda: s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(2), "mechanism"), TypeError,
     "attention_mechanism must be an AttentionMechanism"),
    (lambda: s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(2), [s2s.LuongAttention(2, tf.zeros([1, 3, 2]))],
                                  attention_layer_size=[2, 3]), ValueError, "exactly one integer per"),
    (lambda: s2s.TrainingHelper(tf.zeros([1, 2, 2]), 2), ValueError, "Expected sequence_length to be a vector"),
    (lambda: s2s.GreedyEmbeddingHelper(tf.zeros([4, 2]), 1, 2), ValueError, "start_tokens must be a vector"),
    (lambda: s2s.dynamic_decode("decoder"), TypeError, "Expected decoder to be type Decoder"),
])
def test_bad_arguments_are_refused_as_tf115_refused_them(graph, make, error, message):
    with pytest.raises(error, match=message):
        make()
