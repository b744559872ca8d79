"""The core RNN cells, wrappers and runs, built alike under TF 1.15 and under tf1_graphs.

`build(tf, name, constant_init)` makes one scenario in the default graph; `record(tf, name)`
builds it in a fresh graph with graph seed 1 and returns what TF 1.15.5 is held to: the op
list (type, name, in creation order: the order decides TF 1.15's implicit op seeds), the
variables, their seeded initial values, the outputs and three seeded Adam steps;
`constant_outputs(tf, name)` the outputs with every variable constant (the arithmetic alone).
`record_cells115.py` runs both under TF 1.15.5 and writes goldens/cells115.json.gz;
tests/tf1_graphs/test_cells115.py runs them under tf1_graphs and compares.
"""
import numpy as np

B, T, D, H = 2, 3, 4, 5  # batch, steps, input depth, units
SEED = 1
STEPS = 3


def _inputs(tf):
    data = np.random.RandomState(0).uniform(-1.0, 1.0, (B, T, D)).astype(np.float32)
    return tf.constant(data, name="x")


def _cells(tf):
    """{name: function making a fresh cell}: every core cell and wrapper, with its options."""
    rnn = tf.nn.rnn_cell
    return {
        "basic_rnn": lambda: rnn.BasicRNNCell(H),
        "basic_rnn_relu": lambda: rnn.BasicRNNCell(H, activation=tf.nn.relu),
        "basic_lstm": lambda: rnn.BasicLSTMCell(H),
        "basic_lstm_options": lambda: rnn.BasicLSTMCell(H, forget_bias=0.5, activation=tf.nn.relu),
        "basic_lstm_concat": lambda: rnn.BasicLSTMCell(H, state_is_tuple=False),
        "lstm": lambda: rnn.LSTMCell(H),
        "lstm_all_options": lambda: rnn.LSTMCell(
            H, use_peepholes=True, cell_clip=0.3, num_proj=3, proj_clip=0.2, forget_bias=0.5,
            num_unit_shards=2, num_proj_shards=2, activation=tf.nn.softsign),
        "lstm_initializer": lambda: rnn.LSTMCell(H, initializer=tf.random_uniform_initializer(-0.2, 0.2)),
        "lstm_concat_proj": lambda: rnn.LSTMCell(H, num_proj=3, state_is_tuple=False),
        "gru": lambda: rnn.GRUCell(H),
        "gru_initializers": lambda: rnn.GRUCell(H, kernel_initializer=tf.orthogonal_initializer(),
                                                bias_initializer=tf.constant_initializer(0.3)),
        "multi": lambda: rnn.MultiRNNCell([rnn.BasicLSTMCell(H), rnn.GRUCell(H)]),
        "multi_shared": lambda: rnn.MultiRNNCell([rnn.GRUCell(D)] * 2),
        "multi_concat": lambda: rnn.MultiRNNCell(
            [rnn.BasicLSTMCell(H, state_is_tuple=False) for _ in range(2)], state_is_tuple=False),
        "dropout": lambda: rnn.DropoutWrapper(rnn.BasicLSTMCell(H), input_keep_prob=0.9,
                                              output_keep_prob=0.8, state_keep_prob=0.7, seed=3),
        "dropout_no_seed": lambda: rnn.DropoutWrapper(rnn.GRUCell(H), output_keep_prob=0.6),
        "dropout_variational": lambda: rnn.DropoutWrapper(
            rnn.LSTMCell(H), input_keep_prob=0.9, output_keep_prob=0.8, state_keep_prob=0.7,
            variational_recurrent=True, input_size=D, dtype=tf.float32, seed=5),
        "residual": lambda: rnn.ResidualWrapper(rnn.GRUCell(D)),
        "device": lambda: rnn.DeviceWrapper(rnn.BasicRNNCell(H), "/cpu:0"),
        "multi_wrapped": lambda: rnn.MultiRNNCell([
            rnn.DropoutWrapper(rnn.BasicLSTMCell(D), output_keep_prob=0.5, seed=7),
            rnn.ResidualWrapper(rnn.BasicLSTMCell(D))]),
    }


class _StateSaver:
    """The object `static_state_saving_rnn` reads and writes states through: one variable a name."""

    def __init__(self, tf, sizes):
        self._tf = tf
        self._states = {name: tf.Variable(tf.zeros([B, size]), name="saved_" + name, trainable=False)
                        for name, size in sizes.items()}

    def state(self, name):
        return self._states[name]

    def save_state(self, name, value):
        return self._tf.assign(self._states[name], value)


def _runs(tf):
    """{name: function(tf, x) -> (output tensors, final state tensors)} for the runs beyond the cells'."""
    rnn = tf.nn.rnn_cell
    lengths = [3, 2]

    def dynamic_lengths(x):
        return tf.nn.dynamic_rnn(rnn.BasicLSTMCell(H), x, sequence_length=lengths, dtype=tf.float32)

    def dynamic_time_major_initial_state(x):
        cell = rnn.GRUCell(H)
        return tf.nn.dynamic_rnn(cell, tf.transpose(x, [1, 0, 2]), time_major=True,
                                 initial_state=tf.ones([B, H]) * 0.1, parallel_iterations=1)

    def static_lengths(x):
        return tf.nn.static_rnn(rnn.LSTMCell(H), tf.unstack(x, axis=1), sequence_length=lengths,
                                dtype=tf.float32)

    def bidirectional_dynamic(x):
        return tf.nn.bidirectional_dynamic_rnn(rnn.BasicLSTMCell(H), rnn.GRUCell(H), x,
                                               sequence_length=lengths, dtype=tf.float32)

    def static_bidirectional(x):
        outputs, fw, bw = tf.nn.static_bidirectional_rnn(
            rnn.LSTMCell(H), rnn.BasicRNNCell(H), tf.unstack(x, axis=1), sequence_length=lengths,
            dtype=tf.float32)
        return outputs, (fw, bw)

    def raw(x):
        cell = rnn.BasicLSTMCell(H)
        steps = tf.TensorArray(tf.float32, size=T).unstack(tf.transpose(x, [1, 0, 2]))

        def loop_fn(time, cell_output, cell_state, loop_state):
            finished = time >= np.array(lengths, np.int32)
            state = cell.zero_state(B, tf.float32) if cell_output is None else cell_state
            emit = cell_output
            step = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([B, D]), lambda: steps.read(time))
            return finished, step, state, emit, None

        outputs, state, _ = tf.nn.raw_rnn(cell, loop_fn)
        return tf.transpose(outputs.stack(), [1, 0, 2]), state

    def state_saving(x):
        saver = _StateSaver(tf, {"c": H, "h": H})
        outputs, state = tf.nn.static_state_saving_rnn(rnn.BasicLSTMCell(H), tf.unstack(x, axis=1),
                                                       saver, ("c", "h"))
        return outputs, state

    return {
        "dynamic_rnn_lengths": dynamic_lengths,
        "dynamic_rnn_time_major_initial_state": dynamic_time_major_initial_state,
        "static_rnn_lengths": static_lengths,
        "bidirectional_dynamic_rnn": bidirectional_dynamic,
        "static_bidirectional_rnn": static_bidirectional,
        "raw_rnn": raw,
        "static_state_saving_rnn": state_saving,
    }


STATIC_RNN_CELLS = ("basic_rnn", "basic_lstm_concat", "lstm_all_options", "gru", "multi", "dropout",
                    "dropout_variational")  # static_rnn calls a cell as dynamic_rnn does: a few suffice


def names(tf):
    """Every scenario: each cell in dynamic_rnn, some in static_rnn, then the other runs."""
    return ([f"dynamic_rnn/{c}" for c in _cells(tf)] + [f"static_rnn/{c}" for c in STATIC_RNN_CELLS]
            + list(_runs(tf)))


def build(tf, name, constant_init=False):
    """Build one scenario in the default graph: (outputs, final state), as nested tensors."""
    x = _inputs(tf)
    initializer = tf.constant_initializer(0.1) if constant_init else None
    with tf.variable_scope("model", initializer=initializer):
        run, _, cell_name = name.partition("/")
        if run == "dynamic_rnn":
            return tf.nn.dynamic_rnn(_cells(tf)[cell_name](), x, dtype=tf.float32)
        if run == "static_rnn":
            return tf.nn.static_rnn(_cells(tf)[cell_name](), tf.unstack(x, axis=1), dtype=tf.float32)
        return _runs(tf)[name](x)


def op_records(graph):
    """[type, name] per op in creation order; random ops get [type, name, seed, seed2]
    (the format of tests/tf115/oplist.py)."""
    records = []
    for op in graph.get_operations():
        record = [op.type, op.name]
        if "seed" in op.node_def.attr and "seed2" in op.node_def.attr:
            record += [op.get_attr("seed"), op.get_attr("seed2")]
        records.append(record)
    return records


SHARED_OPS = {
    # What the cells and runs call but other modules make TF 1.15's (tf1_graphs/tf115_ops.py):
    # a scenario's op list can be TF 1.15's only once these are.
    "split": lambda tf: tf.split(tf.zeros([2, 4]), 2, 1),
    "dropout": lambda tf: tf.nn.dropout(tf.zeros([2, 4]), rate=0.25, seed=3),
    "random_uniform": lambda tf: tf.random_uniform([2, 3]),
    "get_variable": lambda tf: tf.get_variable("v", [2, 3]),
}


def shared_op_records(tf):
    """{name: op records} of each shared op, built alone in a graph with graph seed 1."""
    records = {}
    for name, builder in SHARED_OPS.items():
        with tf.Graph().as_default() as graph:
            tf.set_random_seed(SEED)
            builder(tf)
        records[name] = op_records(graph)
    return records


def _summary(value):
    """A variable's first four values and its sum: a seed that differs changes both."""
    flat = np.asarray(value, np.float64).ravel()
    return {"head": flat[:4].tolist(), "sum": float(flat.sum())}


def _flat(tf, outputs, state):
    return [t for t in tf.nest.flatten((outputs, state)) if t.dtype == tf.float32]


def constant_outputs(tf, name):
    """The outputs and final states with every variable constant: the cells' arithmetic alone."""
    with tf.Graph().as_default():
        tf.set_random_seed(SEED)
        flat = _flat(tf, *build(tf, name, constant_init=True))
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            return [np.asarray(v).tolist() for v in session.run(flat)]


def record(tf, name):
    """What the golden holds for one scenario: op list of the forward graph (before the
    optimizer is added), variables, initial values, outputs, losses of Adam steps, trained values."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(SEED)
        outputs, state = build(tf, name)
        forward_ops = op_records(graph)
        flat = _flat(tf, outputs, state)
        loss = tf.add_n([tf.reduce_mean(tf.square(t - 0.3)) for t in flat])
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
        variables = tf.trainable_variables()
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            initial = session.run(variables)
            values = session.run(flat)
            losses = [float(session.run([loss, train])[0]) for _ in range(STEPS)]
            trained = session.run(variables)
    return {
        "ops": forward_ops,
        "variables": [[v.op.name, v.shape.as_list()] for v in variables],
        "initial": [_summary(v) for v in initial],
        "outputs": [np.asarray(v).tolist() for v in values],
        "losses": losses,
        "trained": [_summary(v) for v in trained],
    }
