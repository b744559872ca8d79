"""Goldens for contrib.layers' embedding lookups, `bow_encoder`, `adaptive_clipping_fn`, and
contrib.learn.preprocessing's `ByteProcessor` and `CategoricalProcessor`, under TensorFlow 1.15.5.

`/work/tf115/bin/python tests/tf115/record_layers_extras.py` (from the repository root) writes
goldens/layers_extras.json; tests/tf1_graphs/contrib/test_contrib_layers_extras.py runs the
same builders under tf1_graphs.  All values are explicit (constant initializers), so no op
seed matters.
"""
import json
import os

import numpy as np

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "layers_extras.json")
PARAMS = np.round(np.random.RandomState(7).randn(6, 3), 2).astype(np.float32)  # 6 ids, 3 dimensions
# Row 0: ids 1, 4 and an invalid -1; row 1: id 2 with a negative weight; row 2: nothing;
# row 3: id 5 with weight 0 and id 3.
IDS_2D = dict(indices=[[0, 0], [0, 1], [0, 2], [1, 0], [3, 0], [3, 1]], values=[1, -1, 4, 2, 5, 3], dense_shape=[4, 3])
WEIGHTS = [2.0, 1.0, 0.5, -1.0, 0.0, 3.0]
IDS_3D = dict(indices=[[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 2]], values=[3, 1, -1, 0, 5],
              dense_shape=[2, 2, 3])
WEIGHTS_3D = [1.0, 2.0, 1.0, 0.5, 4.0]
DOCS = np.array([[1, 2, 0, 0], [3, 3, 3, 5], [0, 0, 0, 0]], np.int64)  # 0 is padding


def lookup_cases():
    """{name: keyword arguments of safe_embedding_lookup_sparse}: combiners, weights, default
    ids, partitions, three-dimensional ids, max_norm."""
    found = {}
    for combiner in ("mean", "sqrtn", "sum"):
        for weighted in (False, True):
            for default_id in (None, 2):
                found[f"{combiner}/{'weighted' if weighted else 'unweighted'}/default_{default_id}"] = dict(
                    combiner=combiner, weighted=weighted, default_id=default_id)
    found["combiner_none"] = dict(combiner=None, weighted=True)
    found["partitioned_div"] = dict(combiner="mean", weighted=True, parts=(3, 3))
    found["partitioned_mod"] = dict(combiner="sqrtn", weighted=True, parts=(3, 3), partition_strategy="mod")
    found["3d"] = dict(combiner="sum", weighted=True, three_d=True, default_id=4)
    found["3d_unweighted"] = dict(combiner="mean", weighted=False, three_d=True)
    found["max_norm"] = dict(combiner="mean", weighted=True, max_norm=0.5)
    return found


def safe_lookup(tf, combiner, weighted, default_id=None, parts=None, partition_strategy="div", three_d=False,
                max_norm=None):
    ids, weights = (IDS_3D, WEIGHTS_3D) if three_d else (IDS_2D, WEIGHTS)
    sparse_ids = tf.SparseTensor(ids["indices"], tf.constant(ids["values"], tf.int64), ids["dense_shape"])
    sparse_weights = tf.SparseTensor(ids["indices"], weights, ids["dense_shape"]) if weighted else None
    if parts is None:
        params = tf.constant(PARAMS)
    elif partition_strategy == "div":
        params = [tf.constant(PARAMS[:parts[0]]), tf.constant(PARAMS[parts[0]:])]  # ids 0-2, 3-5
    else:
        params = [tf.constant(PARAMS[k::len(parts)]) for k in range(len(parts))]
    return tf.contrib.layers.safe_embedding_lookup_sparse(
        params, sparse_ids, sparse_weights, combiner=combiner, default_id=default_id,
        partition_strategy=partition_strategy, max_norm=max_norm)


def run(tf, build):
    """What `build()` -> {name: tensor} gives, and the model variables it made, in a fresh graph."""
    with tf.Graph().as_default():
        fetches = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run(fetches)
        found = {name: np.asarray(value).tolist() for name, value in values.items()}
        found["model_variables"] = [[v.op.name, v.shape.as_list()] for v in tf.model_variables()]
        found["trainable"] = [v.op.name for v in tf.trainable_variables()]
    return found


def encoders(tf):
    layers = tf.contrib.layers
    init = tf.constant_initializer(PARAMS)
    docs = tf.constant(DOCS)
    sparse_docs = tf.SparseTensor([[0, 1], [0, 3], [2, 0]], tf.constant([4, 2, 5], tf.int64), [3, 4])
    return {
        "bow_sparse": layers.bow_encoder(docs, 6, 3, initializer=init),
        "bow_dense": layers.bow_encoder(docs, 6, 3, sparse_lookup=False, initializer=init),
        "bow_sparse_tensor": layers.bow_encoder(sparse_docs, 6, 3, initializer=init, scope="bag"),
        "bow_reused": layers.bow_encoder(docs[:2], 6, 3, scope="bag", reuse=True),
        "embed_unique": layers.embed_sequence(docs, 6, 3, unique=True, initializer=init),
        "lookup_unique": layers.embedding_lookup_unique(tf.constant(PARAMS), docs[:, :3]),
        "lookup_unique_mod": layers.embedding_lookup_unique([tf.constant(PARAMS[0::2]), tf.constant(PARAMS[1::2])],
                                                            docs),
    }


def helpers(tf):
    """contrib.layers' small helpers: sparse labels, one-hot, softmax, a bias, image columns
    as a sequence and back, and stacked or repeated fully connected layers."""
    layers = tf.contrib.layers
    images = tf.constant(np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2))
    sparse = layers.dense_to_sparse(tf.constant(DOCS), eos_token=3)
    sequence = layers.images_to_sequence(images)
    features = tf.constant(PARAMS[:4])
    with tf.variable_scope("helpers", initializer=tf.constant_initializer(0.1)):
        stacked = layers.stack(features, layers.fully_connected, [4, [2, tf.nn.tanh]],
                               weights_initializer=tf.constant_initializer(0.3))
        repeated = layers.repeat(features, 2, layers.linear, 3, weights_initializer=tf.constant_initializer(-0.2))
        biased = layers.bias_add(features, activation_fn=tf.nn.relu, initializer=tf.constant_initializer(0.5))
    return {
        "sparse_indices": sparse.indices, "sparse_values": sparse.values, "sparse_shape": sparse.dense_shape,
        "one_hot": layers.one_hot_encoding(tf.constant([0, 2, 1]), 3, on_value=2.0, off_value=-1.0),
        "softmax": layers.softmax(tf.constant(PARAMS.reshape(2, 3, 3))),
        "images_to_sequence": sequence,
        "sequence_to_images": layers.sequence_to_images(sequence, 3),
        "sequence_to_images_nchw": layers.sequence_to_images(sequence, 3, output_data_format="channels_first"),
        "nchw_to_sequence": layers.images_to_sequence(images, data_format="NCHW"),
        "stack": stacked, "repeat": repeated, "bias_add": biased,
    }


GRADIENTS = [[0.3, -0.4, 0.0], [1.0, 2.0, -2.0], [0.6, 0.8, 0.0], [8.0, -6.0, 0.0], [0.0, 0.5, 0.5], [30.0, 40.0, 0.0]]


def adaptive_clipping_fn(tf):
    """tf1_graphs exports it from contrib.layers; TF 1.15 only from contrib.layers' optimizers module."""
    if hasattr(tf.contrib.layers, "adaptive_clipping_fn"):
        return tf.contrib.layers.adaptive_clipping_fn
    from tensorflow.contrib.layers.python.layers import optimizers
    return optimizers.adaptive_clipping_fn


def adaptive_clipping(tf, with_global_step):
    """Clipped gradients (dense, and as IndexedSlices) over six steps, and the moving averages."""
    with tf.Graph().as_default():
        grad = tf.placeholder(tf.float32, [3])
        dense, sliced = tf.Variable(tf.zeros([3]), name="dense"), tf.Variable(tf.zeros([3, 2]), name="sliced")
        step = tf.Variable(0, dtype=tf.int64, trainable=False, name="step") if with_global_step else None
        clip = adaptive_clipping_fn(tf)(
            std_factor=1.5, decay=0.9, global_step=step, static_max_norm=20.0 if with_global_step else None)
        slices = tf.IndexedSlices(tf.reshape(grad[:2], [1, 2]), tf.constant([1]), tf.constant([3, 2]))
        (clipped, _), (clipped_slices, _), (nothing, _) = clip([(grad, dense), (slices, sliced), (None, step)])
        averages = [v for v in tf.global_variables() if "AdaptiveMaxNorm" in v.op.name]
        after = [tf.identity(clipped), tf.identity(clipped_slices.values)]
        advance = tf.assign_add(step, 1) if with_global_step else tf.no_op()
        found = {"variables": [[v.op.name, v.shape.as_list(), v in tf.trainable_variables()] for v in averages],
                 "none_stays_none": nothing is None, "steps": []}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for g in GRADIENTS:
                values = sess.run(after, {grad: g})
                sess.run(advance)
                found["steps"].append([np.asarray(v).tolist() for v in values] + [sess.run(averages)])
    found["steps"] = [[a, b, [float(x) for x in avg]] for a, b, avg in found["steps"]]
    return found


def preprocessing(tf):
    prep = tf.contrib.learn.preprocessing
    byte = prep.ByteProcessor(6)
    texts = ["abc", u"tf \u00e9t\u00e9", b"bytes, long ones"]
    as_bytes = [v.tolist() for v in byte.fit_transform(texts)]
    rows = [["a", "x"], ["b", "y"], [float("nan"), "x"], ["a", "z"], ["c", "x"]]
    found = {"bytes": as_bytes, "bytes_dtype": str(next(iter(byte.transform(["a"]))).dtype),
             "bytes_reversed": list(byte.reverse(np.array(as_bytes))),
             "bytes_reversed_cut_character": list(byte.reverse(np.array([[116, 102, 32, 195, 0, 0]])))}
    for name, kwargs in (("plain", {}), ("min_frequency", {"min_frequency": 1}), ("shared", {"share": True})):
        processor = prep.CategoricalProcessor(**kwargs)
        found["categorical_" + name] = [v.tolist() for v in processor.fit_transform(rows)]
        found["categorical_" + name + "_unseen"] = [v.tolist() for v in processor.transform([["d", "y"], ["b", "q"]])]
    return found


def record(tf):
    found = {"lookup/" + name: run(tf, lambda: {"result": safe_lookup(tf, **kwargs)})["result"]
             for name, kwargs in lookup_cases().items()}
    found["encoders"] = run(tf, lambda: encoders(tf))
    found["helpers"] = run(tf, lambda: helpers(tf))
    found["adaptive_clipping/global_step"] = adaptive_clipping(tf, True)
    found["adaptive_clipping/plain"] = adaptive_clipping(tf, False)
    found["preprocessing"] = preprocessing(tf)
    return found


if __name__ == "__main__":
    import tensorflow

    golden = record(tensorflow)
    golden["recorded_with"] = "tensorflow " + tensorflow.__version__
    with open(GOLDEN, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
