"""Goldens for `tf.contrib.cudnn_rnn`'s CPU cells, recorded under TensorFlow 1.15.5.

`/work/tf115/bin/python tests/tf115/record_cudnn_rnn.py` (from the repository root) writes
goldens/cudnn_rnn.json: the variables `CudnnCompatibleLSTMCell` and `CudnnCompatibleGRUCell`
create (names, shapes, order, initial biases), and their outputs, final states and
gradients with weights set explicitly (from each variable's name), so no op seed matters.
tests/tf1_graphs/contrib/test_contrib_cudnn_rnn.py runs the same builders under tf1_graphs.
"""
import json
import os
import zlib

import numpy as np

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "cudnn_rnn.json")
INPUTS = np.round(np.random.RandomState(115).randn(2, 3, 4), 2).astype(np.float32)  # [batch, time, depth]
LENGTHS = np.array([3, 2], np.int32)
UNITS = 5


def weight_values(name, shape):
    """The explicit value given to the variable `name`: the same under any TensorFlow."""
    return np.round(np.random.RandomState(zlib.crc32(name.encode())).uniform(-0.5, 0.5, shape), 3).astype(np.float32)


def cell_run(tf, kind):
    """Variables (name, shape, initial value of biases), then outputs, final state and
    gradients of sum(outputs) with respect to every variable, with explicit weights."""
    cell_class = getattr(tf.contrib.cudnn_rnn, kind)
    with tf.Graph().as_default():
        with tf.variable_scope("encoder"):
            outputs, state = tf.nn.dynamic_rnn(cell_class(UNITS), tf.constant(INPUTS), sequence_length=LENGTHS,
                                               dtype=tf.float32)
        single = cell_class(UNITS)
        single_output, _ = single(tf.constant(INPUTS[:, 0]), single.zero_state(2, tf.float32))
        variables = tf.global_variables()
        grads = tf.gradients(tf.reduce_sum(outputs), variables[:len(variables) // 2])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            found = {"variables": [[v.op.name, v.shape.as_list()] for v in variables],
                     "initial_biases": {v.op.name: sess.run(v).tolist() for v in variables if "bias" in v.op.name},
                     "cell_names": [single.name]}
            for v in variables:
                sess.run(tf.assign(v, weight_values(v.op.name, v.shape.as_list())))
            values = sess.run({"outputs": outputs, "state": state, "single_output": single_output, "grads": grads})
    found.update({name: np.asarray(value).tolist() for name, value in values.items() if name != "grads"})
    found["grads"] = [g.tolist() for g in values["grads"]]
    return found


def record(tf):
    return {kind: cell_run(tf, kind) for kind in ("CudnnCompatibleLSTMCell", "CudnnCompatibleGRUCell")}


if __name__ == "__main__":
    import tensorflow

    golden = record(tensorflow)
    golden["recorded_with"] = "tensorflow " + tensorflow.__version__
    with open(GOLDEN, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
