"""The graphs behind six differences TF 1.15's own contrib tests found, built alike under TF 1.15
and under tf1_graphs.

Each function takes the TF 1.x namespace (`tensorflow` under TF 1.15, `tf1_graphs.tf` here) and
`own_cells`, TensorFlow's own `tensorflow.python.ops.rnn_cell` module (in TF 1.15 the same
classes as `tf.nn.rnn_cell`; here a second cell family beside tf-keras'), and returns plain
data (lists, floats, strings), so `tests/tf115/record_contrib_fixes.py` can write what TF 1.15
returns and the tests compare ours with it.  Graph seed 87654321 and a constant 0.5 scope
initializer are TF 1.15's test settings (test_util's DEFAULT_GRAPH_SEED, rnn_cell_test).
"""
import numpy as np

GRAPH_SEED = 87654321


def op_types(graph):
    return [op.type for op in graph.get_operations()]


def _seeded_run(tf, build, feed_of=None):
    """Build in a fresh graph seeded as TF 1.15's tests seed it; run the fetches after init."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(GRAPH_SEED)
        fetches, feed = build()
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            values = session.run(fetches, feed)
    return graph, values


def indy_gru(tf, extra_op=False):
    """rnn_cell_test.testIndyGRUCell: two IndyGRUCell(2) in one graph, input depth 2 then 3.
    `extra_op` puts one more op in front (a broken twin: every later op seed moves)."""
    def build():
        if extra_op:
            tf.constant(0.0)
        outputs, feed = [], {}
        for scope, depth in (("root", 2), ("other", 3)):
            with tf.variable_scope(scope, initializer=tf.constant_initializer(0.5)):
                x, m = tf.zeros([1, depth]), tf.zeros([1, 2])
                outputs.append(tf.contrib.rnn.IndyGRUCell(2)(x, m)[0])
                feed.update({x: np.ones([1, depth]), m: [[0.1, 0.1]]})
        return outputs, feed
    graph, values = _seeded_run(tf, build)
    return {"outputs": [v.tolist() for v in values], "op_types": op_types(graph)}


def phased_lstm(tf, own_cells, extra_op=False):
    """rnn_cell_test.testPhasedLSTMCell: times 1, 2, 3 (float64), features 1, 2, 3 per row."""
    def build():
        if extra_op:
            tf.constant(0.0)
        with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
            t, x = tf.zeros([3, 1], dtype=tf.float64), tf.zeros([3, 4])
            state = own_cells.LSTMStateTuple(tf.zeros([3, 2]), tf.zeros([3, 2]))
            _, new_state = tf.contrib.rnn.PhasedLSTMCell(num_units=2)((t, x), state)
        return list(new_state), {t: [[1.], [2.], [3.]], x: np.repeat([[1.], [2.], [3.]], 4, axis=1)}
    graph, (c, h) = _seeded_run(tf, build)
    return {"c": c.tolist(), "h": h.tolist(), "op_types": op_types(graph)}


def indy_lstm_stack_variables(tf, own_cells):
    """rnn_cell_test.testIndyLSTMCell: the variables TensorFlow's own MultiRNNCell reports for
    two IndyLSTMCells."""
    with tf.Graph().as_default():
        with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
            cell = own_cells.MultiRNNCell([tf.contrib.rnn.IndyLSTMCell(2) for _ in range(2)])
            state = ((tf.zeros([1, 2]),) * 2,) * 2
            cell(tf.zeros([1, 2]), state)
        return {"trainable": [v.name for v in cell.trainable_variables],
                "global": [v.name for v in tf.global_variables()]}


def one2many(tf, own_cells):
    """one2many_rnn_seq2seq over TensorFlow's own BasicLSTMCells (seq2seq_test's model, seeded
    initializer: explicit op seeds draw the same numbers under both TensorFlows)."""
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        with tf.variable_scope("root", initializer=tf.random_uniform_initializer(-0.5, 0.5, seed=7)):
            ids = lambda n, k: [tf.constant(np.arange(2) * k % 5, tf.int32) for _ in range(n)]  # noqa: E731
            outputs, states = tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq(
                ids(2, 1), {"a": ids(3, 2), "b": ids(2, 3)}, own_cells.BasicLSTMCell(4, state_is_tuple=True),
                {"a": own_cells.BasicLSTMCell(4), "b": own_cells.BasicLSTMCell(4)}, 5, {"a": 6, "b": 7}, 3)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            values = session.run({"a": outputs["a"], "b": outputs["b"]})
        return {"outputs": {k: [step.tolist() for step in v] for k, v in values.items()},
                "variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()]}


def keras_cell_refusal(tf):
    """TF 1.15 refuses a Keras cell (not an RNNCell) in one2many_rnn_seq2seq: the message."""
    with tf.Graph().as_default():
        try:
            tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq(
                [tf.zeros([2], tf.int32)], {"a": [tf.zeros([2], tf.int32)]}, tf.keras.layers.LSTMCell(4),
                {"a": tf.keras.layers.LSTMCell(4)}, 5, {"a": 6}, 3)
        except TypeError as error:
            return str(error).split(":")[0]
    return None


def hparams(HParams):
    """set_hparam with a value of exactly the parameter's type keeps that very object; the
    HParamDef message of a few typed values, serialised deterministically."""
    class Context:
        def __init__(self, a, b=0):
            self.a, self.b = a, b
    given = Context(a=100, b=100)
    kept = HParams(x=Context(a=1))
    kept.set_hparam("x", given)
    typed = HParams(lr=0.25, layers=3, name="lstm", peep=True, sizes=[64, 32], rates=[0.5, 0.125],
                    names=["a", "b"], flags=[False, True])
    proto = typed.to_proto()
    return {"set_keeps_the_object": kept.x is given,
            "hparam_def_hex": proto.SerializeToString(deterministic=True).hex(),
            "from_proto": sorted(HParams(hparam_def=proto).values().items())}


def _optimize_loss_model(tf):
    """optimizers_test's model: |var * x|, var = 10, x fed as 5, an int64 global step."""
    x = tf.placeholder(tf.float32, [])
    var = tf.get_variable("test", [], initializer=tf.constant_initializer(10))
    step = tf.get_variable("global_step", [], trainable=False, dtype=tf.int64,
                           initializer=tf.constant_initializer(0, dtype=tf.int64))
    return x, var, tf.abs(var * x), step


def optimize_loss_noise(tf, extra_op=False):
    """optimizers_test.testGradientNoise: graph seed 42, SGD 0.1, noise scale 10, one step."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(42)
        if extra_op:
            tf.constant(0.0)
        x, var, loss, step = _optimize_loss_model(tf)
        train = tf.contrib.layers.optimize_loss(loss, step, learning_rate=0.1, optimizer="SGD",
                                                gradient_noise_scale=10.0)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            session.run(train, {x: 5})
            value = float(session.run(var))
    return {"var": value, "train_name": train.name,
            "random_op_types": sorted(t for t in op_types(graph) if "Random" in t or "Normal" in t)}


def optimize_loss_summaries(tf):
    """The scalar summaries optimize_loss writes (default `summaries`), without and with a
    learning-rate decay function."""
    found = {}
    for key, decay in (("constant", None), ("decayed", lambda lr, step: lr * 0.5)):
        with tf.Graph().as_default():
            _, _, loss, step = _optimize_loss_model(tf)
            tf.contrib.layers.optimize_loss(loss, step, 0.1, "SGD", learning_rate_decay_fn=decay)
            found[key] = sorted(t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES))
    return found


def xavier_values(tf):
    """xavier_initializer (seed 1) on a scalar (initializers_test.test_xavier_scalar) and on a
    [4, 6] variable in two parts (fixed_size_partitioner): what each part is drawn from."""
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        init = tf.contrib.layers.xavier_initializer(seed=1)
        scalar = tf.get_variable("scalar", [], initializer=init)
        with tf.variable_scope("parts", partitioner=tf.fixed_size_partitioner(2)):
            parts = tf.get_variable("w", [4, 6], initializer=init)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            return {"scalar": float(session.run(scalar)), "parts": session.run(parts.as_tensor()).tolist()}


def batch_norm_model_variables(tf):
    """layers_test.testMovingAverageVariablesZeroDebias: the model variables of a zero-debiased
    batch_norm, by path (the moments path's scope made every variable a model variable)."""
    found = {}
    for fused in (False, True):
        with tf.Graph().as_default():
            images = tf.random_uniform((5, 3, 3, 3), seed=1)
            tf.contrib.layers.batch_norm(images, scale=True, zero_debias_moving_mean=True, fused=fused)
            found["fused" if fused else "moments"] = [
                v.op.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)]
    return found


def framework_variable_calls(tf):
    """variables_test.testVariableWithDeviceFunction: a device function from arg_scope places
    each variable; and what `variable(custom_getter=...)` hands the getter it is given."""
    class CountingDevices:
        def __init__(self):
            self.counter = -1

        def __call__(self, op):
            self.counter += 1
            return "cpu:%d" % self.counter

    seen = []

    def getter(*args, **kwargs):
        seen.append([list(args), sorted(kwargs)])
        return tf.get_variable(*args, **{k: v for k, v in kwargs.items() if k != "reuse"})

    framework = tf.contrib.framework
    with tf.Graph().as_default():
        with framework.arg_scope([framework.variable], device=CountingDevices()):
            placed = [framework.variable("a", []), framework.variable("b", []),
                      framework.variable("c", [], device="cpu:12")]
        framework.variable("d", [], custom_getter=getter)
        return {"devices": [v.device for v in placed], "getter_calls": seen}


def adaptive_clipping(tf, adaptive_clipping_fn):
    """optimize_loss with adaptive_clipping_fn (optimizers_test's model; TF 1.15 had it only in
    its optimizers module): the variable after each of five SGD steps (x = 5, 5, 5, 5, 500: the
    last norm is far out, and clipped) and the statistics' variables."""
    with tf.Graph().as_default():
        x, var, loss, step = _optimize_loss_model(tf)
        clip = adaptive_clipping_fn(std_factor=0.5, decay=0.5, global_step=step,
                                                      report_summary=True)
        train = tf.contrib.layers.optimize_loss(loss, step, 0.1, "SGD", clip_gradients=clip)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            values = []
            for fed in (5.0, 5.0, 5.0, 5.0, 500.0):
                session.run(train, {x: fed})
                values.append(float(session.run(var)))
        return {"var": values, "variables": sorted(v.op.name for v in tf.global_variables()),
                "summaries": sorted(t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES))}
