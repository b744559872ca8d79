"""contrib.layers' embedding lookups, `bow_encoder`, `adaptive_clipping_fn` and small helpers, and
learn.preprocessing's `ByteProcessor` and `CategoricalProcessor`, against TF 1.15.5 and NumPy.

Goldens from tests/tf115/record_layers_extras.py under TensorFlow 1.15.5 (the same builders
run here): `safe_embedding_lookup_sparse` with each combiner, with and without weights and a
default id, invalid ids, non-positive weights, empty rows, two kinds of partitions, 3-D ids
and `max_norm`; the encoders' outputs and variables; six steps of adaptive clipping; the
processors' ids; the small helpers (`dense_to_sparse`, `one_hot_encoding`, `softmax`,
`bias_add`, `images_to_sequence`, `sequence_to_images`, `stack`, `repeat`).  Measured:
lookups within 1.5e-8 of TF 1.15's, helpers within 6.0e-8, encoders and clipping bit-equal;
the NumPy references (float64) agree within 2.7e-7.  Tolerance 1e-5; the broken twins are
off by 0.74 or more.
"""
import json
import math

import numpy as np
import pytest

from tests.tf115.record_layers_extras import (DOCS, GOLDEN, GRADIENTS, IDS_2D, IDS_3D, PARAMS, WEIGHTS, WEIGHTS_3D,
                                              lookup_cases, record)
from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided

TOL = dict(rtol=0, atol=1e-5)
with open(GOLDEN) as f:
    TF115 = json.load(f)


@pytest.fixture(scope="module")
def ours():
    return record(tf)


def test_everything_recorded_is_compared(ours):
    assert sorted(ours) == sorted(k for k in TF115 if k != "recorded_with")


@pytest.mark.parametrize("name", sorted(lookup_cases()))
def test_safe_embedding_lookup_sparse_gives_tf115s_values(ours, name):
    np.testing.assert_allclose(ours["lookup/" + name], TF115["lookup/" + name], **TOL)


def test_encoders_give_tf115s_values_and_variables(ours):
    found, golden = dict(ours["encoders"]), dict(TF115["encoders"])
    for key in ("model_variables", "trainable"):
        assert found.pop(key) == golden.pop(key)
    assert sorted(found) == sorted(golden)
    for name in golden:
        np.testing.assert_allclose(found[name], golden[name], **TOL, err_msg=name)


def test_helpers_give_tf115s_values_and_variables(ours):
    found, golden = dict(ours["helpers"]), dict(TF115["helpers"])
    for key in ("model_variables", "trainable", "sparse_indices", "sparse_values", "sparse_shape"):
        assert found.pop(key) == golden.pop(key), key
    assert sorted(found) == sorted(golden)
    for name in golden:
        np.testing.assert_allclose(found[name], golden[name], **TOL, err_msg=name)


def test_helpers_agree_with_numpy(ours):
    """The same results from NumPy: sparse labels, one-hot, softmax, image columns and back."""
    found = ours["helpers"]
    kept = np.argwhere(DOCS != 3)
    assert found["sparse_indices"] == kept.tolist() and found["sparse_values"] == DOCS[DOCS != 3].tolist()
    np.testing.assert_array_equal(found["one_hot"], [[2, -1, -1], [-1, -1, 2], [-1, 2, -1]])
    logits = PARAMS.reshape(2, 3, 3).astype(np.float64)
    np.testing.assert_allclose(found["softmax"], np.exp(logits) / np.exp(logits).sum(-1, keepdims=True), **TOL)
    images = np.arange(48).reshape(2, 3, 4, 2)
    columns = images.transpose(2, 0, 1, 3).reshape(4, 6, 2)  # time = width; batch and height folded
    np.testing.assert_array_equal(found["images_to_sequence"], columns)
    np.testing.assert_array_equal(found["sequence_to_images"], images)
    np.testing.assert_array_equal(found["sequence_to_images_nchw"], images.transpose(0, 3, 1, 2))
    unswapped = images.transpose(1, 0, 2, 3).reshape(4, 6, 2)  # broken twin: columns not made the time axis
    assert np.abs(np.array(found["images_to_sequence"]) - unswapped).max() > 0.1


@pytest.mark.parametrize("kind", ["global_step", "plain"])
def test_adaptive_clipping_gives_tf115s_values(ours, kind):
    found, golden = ours["adaptive_clipping/" + kind], TF115["adaptive_clipping/" + kind]
    assert found["variables"] == golden["variables"] and found["none_stays_none"] is golden["none_stays_none"] is True
    for step, expected in zip(found["steps"], golden["steps"], strict=True):
        for value, golden_value in zip(step, expected, strict=True):
            np.testing.assert_allclose(value, golden_value, **TOL)


def test_processors_give_tf115s_ids(ours):
    assert ours["preprocessing"] == TF115["preprocessing"]


def test_golden_comparisons_can_fail(ours):
    """Broken twins: one lookup value off by 1e-3, one byte changed."""
    off = np.array(TF115["lookup/sqrtn/weighted/default_2"])
    off[0, 0] += 1e-3
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(ours["lookup/sqrtn/weighted/default_2"], off, **TOL)
    changed = json.loads(json.dumps(TF115["preprocessing"]))
    changed["bytes"][0][0] += 1
    assert ours["preprocessing"] != changed


# ---- NumPy references ------------------------------------------------------------------------
def numpy_lookup(combiner, weighted, default_id=None, three_d=False, max_norm=None, prune_weights=True, **_):
    """The documented rule, row by row: drop ids < 0 and (unless summing) weights <= 0, combine
    what is left, and give an empty row `default_id`'s embedding or zeros."""
    ids, weights = (IDS_3D, WEIGHTS_3D) if three_d else (IDS_2D, WEIGHTS)
    rows = {}
    for index, value, weight in zip(ids["indices"], ids["values"], weights if weighted else [1.0] * len(weights)):
        if value >= 0 and (weight > 0 or combiner == "sum" or not prune_weights):
            rows.setdefault(tuple(index[:-1]), []).append((value, weight))
    params = np.asarray(PARAMS, np.float64)
    if max_norm is not None:
        params = params * np.minimum(1, max_norm / np.linalg.norm(params, axis=1, keepdims=True))
    out = np.zeros(tuple(ids["dense_shape"][:-1]) + (PARAMS.shape[1],))
    for row in np.ndindex(*ids["dense_shape"][:-1]):
        entries = rows.get(row, [])
        if not entries:
            out[row] = 0 if default_id is None else params[default_id]
            continue
        total = sum(w * params[v] for v, w in entries)
        scale = {"sum": 1, "mean": sum(w for _, w in entries), "sqrtn": math.sqrt(sum(w * w for _, w in entries))}
        out[row] = total / scale[combiner]
    return out


@pytest.mark.parametrize("name", sorted(lookup_cases()))
def test_safe_embedding_lookup_sparse_agrees_with_numpy(ours, name):
    kwargs = dict(lookup_cases()[name])
    kwargs["combiner"] = kwargs["combiner"] or "mean"
    np.testing.assert_allclose(ours["lookup/" + name], numpy_lookup(**kwargs), **TOL)


def test_lookup_reference_comparison_can_fail(ours):
    """Broken twins: a lookup that keeps the negative weight, one that ignores `default_id`."""
    twin = numpy_lookup("sqrtn", True, default_id=2, prune_weights=False)
    assert np.abs(np.array(ours["lookup/sqrtn/weighted/default_2"]) - twin).max() > 0.1
    twin = numpy_lookup("mean", True, default_id=None)
    assert np.abs(np.array(ours["lookup/mean/weighted/default_2"]) - twin).max() > 0.1


def numpy_bow(docs, sparse_lookup=True):
    rows = []
    for doc in docs:
        ids = [i for i in doc if i != 0] if sparse_lookup else list(doc)
        rows.append(np.mean(PARAMS[ids or [0]].astype(np.float64), axis=0))
    return np.array(rows)


def test_bow_encoder_agrees_with_numpy(ours):
    """The mean of a document's embeddings: without padding, an all-padding row taking id 0's
    embedding (sparse lookup), or with padding (dense lookup)."""
    np.testing.assert_allclose(ours["encoders"]["bow_sparse"], numpy_bow(DOCS), **TOL)
    np.testing.assert_allclose(ours["encoders"]["bow_dense"], numpy_bow(DOCS, sparse_lookup=False), **TOL)
    np.testing.assert_allclose(ours["encoders"]["lookup_unique"], PARAMS[DOCS[:, :3]], **TOL)
    np.testing.assert_allclose(ours["encoders"]["embed_unique"], PARAMS[DOCS], **TOL)
    assert np.abs(numpy_bow(DOCS, sparse_lookup=False) - ours["encoders"]["bow_sparse"]).max() > 0.1  # twin


def numpy_adaptive_clipping(with_global_step, std_factor=1.5, decay=0.9, epsilon=1e-8):
    """Each step's clipped gradient, from moving averages of log(norm) and its square."""
    mean = sq_mean = 0.0
    clipped = []
    for n, grad in enumerate(np.array(GRADIENTS, np.float64)):
        norm = math.sqrt((grad ** 2).sum() + (grad[:2] ** 2).sum())  # the dense and the sliced gradient
        rate = min(decay, n / (n + 1)) if with_global_step else decay
        log_norm = math.log(norm + epsilon)
        mean = mean * rate + log_norm * (1 - rate)
        sq_mean = sq_mean * rate + log_norm ** 2 * (1 - rate)
        max_norm = math.exp(mean + std_factor * math.sqrt(max(epsilon, sq_mean - mean ** 2)))
        factor = 1.0 if norm < max_norm else math.exp(mean) / norm
        if with_global_step:
            factor = min(20.0 / norm, factor)
        clipped.append(grad * factor)
    return np.array(clipped)


@pytest.mark.parametrize("kind", ["global_step", "plain"])
def test_adaptive_clipping_agrees_with_numpy(ours, kind):
    with_global_step = kind == "global_step"
    expected = numpy_adaptive_clipping(with_global_step)
    found = ours["adaptive_clipping/" + kind]["steps"]
    np.testing.assert_allclose([step[0] for step in found], expected, **TOL)
    np.testing.assert_allclose([step[1][0] for step in found], expected[:, :2], **TOL)
    unclipped = np.array(GRADIENTS)  # broken twin: no clipping
    assert np.abs(np.array([step[0] for step in found]) - unclipped).max() > 0.1
    if with_global_step:  # broken twin: no quick start from the global step
        assert np.abs(np.array([step[0] for step in found]) - numpy_adaptive_clipping(False)).max() > 0.1


def test_bad_embedding_dtypes_are_refused_as_in_tf115(graph):
    ids = tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [1, 1])
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.contrib.layers.safe_embedding_lookup_sparse([tf.constant([[1, 2]])], ids)
    with pytest.raises(ValueError, match="Missing embedding_weights"):
        tf.contrib.layers.safe_embedding_lookup_sparse([], ids)


def test_bow_encoder_refuses_what_tf115_refused(graph):
    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension"):
        tf.contrib.layers.bow_encoder(tf.constant(DOCS), 0, 3)
    with pytest.raises(TypeError, match="ids are expected to be dense Tensor"):
        tf.contrib.layers.bow_encoder(tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [1, 1]), 6, 3,
                                      sparse_lookup=False)


def test_layers_left_out_are_still_refused_by_name():
    with pytest.raises(ContribNotProvided, match=r"tf\.contrib\.layers\.scattered_embedding_column is not provided"):
        tf.contrib.layers.scattered_embedding_column


def test_elu_and_the_preprocessing_submodules_are_tf115s_names():
    assert tf.contrib.layers.elu.func is tf.contrib.layers.fully_connected
    assert tf.contrib.layers.elu.keywords == {"activation_fn": tf.nn.elu}
    prep = tf.contrib.learn.preprocessing
    assert prep.text.VocabularyProcessor is prep.VocabularyProcessor
    assert prep.categorical.CategoricalProcessor is prep.CategoricalProcessor
    assert prep.categorical_vocabulary.CategoricalVocabulary is prep.CategoricalVocabulary
