"""Random ops whose graphs TF 1.15 and tf1_graphs build alike, to pin TF 1.15's op-seed rule.

`build(tf)` runs under either TensorFlow; `record_op_seeds.py` runs it under TF 1.15.5 and
writes goldens/op_seeds.json, which tests/tf1_graphs/test_op_seeds.py compares against.
"""


def build(tf):
    """{name: random tensor}, in a graph whose seed the caller has set."""
    return {
        "normal_first": tf.random_normal([3]),  # op seed 3: shape, mean and stddev come before it
        "normal_explicit_seed": tf.random_normal([2], seed=5),
        "truncated_after_matmul": tf.truncated_normal(
            tf.shape(tf.matmul(tf.ones([2, 4]), tf.ones([4, 3])))),
        "multinomial": tf.multinomial(tf.log([[0.1, 0.2, 0.7]]), 4),
        "shuffle": tf.random_shuffle(tf.range(6)),
    }


def record(tf, graph_seed):
    """{name: {"seeds": [seed, seed2] of the random op, "value": its value as a list}}."""
    with tf.Graph().as_default() as graph:
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        tensors = build(tf)
        with tf.Session() as session:
            values = session.run(tensors)
    result = {}
    for name, tensor in sorted(tensors.items()):
        op = next(op for op in graph.get_operations() if op.name.startswith(tensor.op.name.split("/")[0])
                  and "seed2" in op.node_def.attr)
        result[name] = {"seeds": [op.get_attr("seed"), op.get_attr("seed2")],
                        "value": values[name].tolist()}
    return result
