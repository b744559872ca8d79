"""Small graphs of the functions whose ops TF 2.21 builds otherwise than TF 1.15 (tf1_graphs/tf115_ops.py).

Each builder takes `tf` (TF 1.15.5's, or tf1_graphs') and builds into the default graph, which
the caller has seeded; it returns {name: tensor} to evaluate after the variables' initializer.
A random op follows each piece, so an op more or less shows in its seed too.
`record_ops115.py` runs them under TF 1.15.5 and writes goldens/ops115.json;
tests/tf1_graphs/test_tf115_ops.py runs them through tf1_graphs and compares.
"""
import numpy as np

try:
    from tests.tf115.oplist import op_records
except ImportError:  # run as a script from tests/tf115/, by the TF 1.15 recorder
    from oplist import op_records


def _x(tf, shape):
    return tf.constant(np.linspace(-1, 1, int(np.prod(shape)), dtype=np.float32).reshape(shape), name="x")


def _after(tf, outputs):
    """`outputs` and a random draw made after them, whose op seed is the graph's op count."""
    outputs["after"] = tf.random_normal([3], name="after")
    return outputs


def random_uniform_unit(tf):
    return _after(tf, {"uniform": tf.random_uniform([2, 3]), "uniform_int": tf.random_uniform([4], 0, 9, tf.int32)})


def initializers(tf):
    """get_variable's default (glorot uniform), the common initializers, and tf.Variable(random ...)."""
    inits = {"default": None, "glorot_normal": tf.glorot_normal_initializer(),
             "variance_scaling": tf.variance_scaling_initializer(distribution="uniform"),
             "uniform_unit": tf.uniform_unit_scaling_initializer(), "orthogonal": tf.orthogonal_initializer(),
             "uniform01": tf.random_uniform_initializer(), "truncated": tf.truncated_normal_initializer(stddev=0.1),
             "xavier": tf.contrib.layers.xavier_initializer()}
    outputs = {name: tf.get_variable(name, [3, 4], initializer=init) for name, init in inits.items()}
    outputs["variable"] = tf.Variable(tf.random_uniform([2, 2]), name="variable")
    return _after(tf, outputs)


def dropout(tf):
    x = _x(tf, [4, 5])
    keep = tf.placeholder_with_default(0.6, [], name="keep")
    return _after(tf, {"keep_prob": tf.nn.dropout(x, 0.5), "keep_tensor": tf.nn.dropout(x, keep),
                       "rate": tf.nn.dropout(x, rate=0.25, noise_shape=[4, 1]), "kept_all": tf.nn.dropout(x, 1.0),
                       "layers": tf.layers.dropout(x, 0.4, training=True),
                       "layers_switch": tf.layers.dropout(x, 0.4, training=tf.placeholder_with_default(True, []))})


def split_and_reduce(tf):
    x = _x(tf, [2, 6])
    halves = tf.split(x, 2, axis=1)
    sizes = tf.split(x, [1, 5], 1)
    return _after(tf, {"half": halves[1], "size_split": sizes[0], "mean_of_scalar": tf.reduce_mean(tf.reduce_sum(x))})


def clip_by_global_norm(tf):
    clipped, norm = tf.clip_by_global_norm([_x(tf, [2, 3]), 3 * _x(tf, [3])], 1.5)
    return _after(tf, {"clipped_0": clipped[0], "clipped_1": clipped[1], "norm": norm})


def dense_layers(tf):
    """tf.layers.dense on a [batch, time, units] input (tensordot), static and dynamic batch."""
    static = tf.layers.dense(_x(tf, [2, 3, 4]), 5, name="static")
    fed = tf.placeholder_with_default(_x(tf, [2, 3, 4]), [None, 3, 4])
    return _after(tf, {"static": static, "dynamic": tf.layers.dense(fed, 2, activation=tf.nn.relu, name="dynamic"),
                       "tensordot": tf.tensordot(_x(tf, [2, 3, 4]), _x(tf, [3, 4, 2]), 2)})


def conv_layers(tf):
    conv2d = tf.layers.conv2d(_x(tf, [1, 5, 5, 2]), 3, 3, padding="same", activation=tf.nn.relu)
    pooled = tf.layers.max_pooling2d(conv2d, 2, 2)
    upsampled = tf.layers.conv2d_transpose(pooled, 2, 3, strides=2, padding="same")
    fed = tf.placeholder_with_default(pooled, [None, 2, 2, 3])
    return _after(tf, {"conv2d": conv2d, "pooled": pooled, "upsampled": upsampled, "flat": tf.layers.flatten(fed),
                       "conv1d": tf.layers.conv1d(_x(tf, [1, 6, 2]), 2, 3)})


def contrib_fully_connected(tf):
    hidden = tf.contrib.layers.fully_connected(_x(tf, [2, 4]), 3)
    return _after(tf, {"hidden": hidden, "logits": tf.contrib.layers.fully_connected(hidden, 2, activation_fn=None),
                       "time_major": tf.contrib.layers.fully_connected(_x(tf, [2, 3, 4]), 2)})


def mlp_training(tf):
    """A dropout MLP trained with Adam on clipped gradients: its losses over three steps are the record."""
    rng = np.random.RandomState(0)
    features = tf.placeholder_with_default(rng.rand(8, 6).astype(np.float32), [None, 6])  # a batch of any size
    labels = tf.constant(rng.randint(0, 3, 8).astype(np.int32))
    hidden = tf.layers.dense(features, 5, activation=tf.nn.relu, name="hidden")
    hidden = tf.reshape(tf.nn.dropout(hidden, 0.8), [-1, 5])
    shift = tf.Variable(tf.zeros([3]), name="shift")  # broadcasting Add and Sub, as in hand-made layers
    logits = tf.layers.dense(hidden, 3, name="logits") + shift - tf.reduce_mean(shift)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    loss += 0.01 * tf.reduce_mean(tf.reduce_sum(tf.square(hidden), 1))  # reductions over a dynamic batch
    variables = tf.trainable_variables()
    gradients, _ = tf.clip_by_global_norm(tf.gradients(loss, variables), 1.0)
    step = tf.train.AdamOptimizer(0.1).apply_gradients(zip(gradients, variables))
    return {"loss": loss, "train_op": step}


BUILDERS = [random_uniform_unit, initializers, dropout, split_and_reduce, clip_by_global_norm, dense_layers,
            conv_layers, contrib_fully_connected, mlp_training]
TRAINING_STEPS = 3


def record(tf, builder, graph_seed=0):
    """{"ops", "variables": [[name, shape]], "values": {name: list}} of one builder, seeded."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(graph_seed)
        outputs = builder(tf)
        train_op = outputs.pop("train_op", None)
        variables = [[v.op.name, v.shape.as_list()] for v in tf.global_variables()]
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            values = {name: value.tolist() for name, value in session.run(outputs).items()}
            if train_op is not None:
                losses = [float(session.run([train_op, outputs["loss"]])[1]) for _ in range(TRAINING_STEPS)]
                values["losses"] = losses
    return {"ops": op_records(graph), "variables": variables, "values": values}
