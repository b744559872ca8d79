"""One step of a contrib cell on constants, every variable overwritten with seeded values:
what the contrib cell tests compare with their NumPy references.

Random values rather than the cells' own initial ones, so that biases and peepholes (which
start at zero) are exercised too.
"""
import numpy as np

from tf1_graphs import tf


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def max_diff(actual, expected):
    """Largest absolute difference over two equally nested structures of arrays."""
    pairs = zip(tf.nest.flatten(actual), tf.nest.flatten(expected))
    return max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
               for a, b in pairs)


def cell_step(session, cell, inputs, state, seed=0, values=None, over_time=False):
    """Call `cell(inputs, state)` (or, `over_time`, `dynamic_rnn` over batch-major inputs)
    under scope `root`, set its variables, run it.

    Returns (output, new_state, variables): `variables` maps each variable's name below the
    cell's own scope (`kernel`, `wn_lstm_cell/bias`, ...) to the value it was given: the
    one in `values`, else N(0, 0.5^2) drawn from `seed`."""
    inputs, state = (tf.nest.map_structure(tf.constant, x) for x in (inputs, state))
    with tf.variable_scope("root"):
        if over_time:
            output, new_state = tf.nn.dynamic_rnn(cell, inputs, initial_state=state)
        else:
            output, new_state = cell(inputs, state)
    session.run(tf.global_variables_initializer())
    rng = np.random.default_rng(seed)
    variables = {}
    for var in tf.global_variables():
        name = var.op.name[len(cell.scope_name) + 1:]
        value = (values or {}).get(name)
        if value is None:
            value = 0.5 * rng.normal(size=var.shape.as_list())
        value = np.asarray(value, var.dtype.as_numpy_dtype)
        var.load(value, session)
        variables[name] = value
    out, new = session.run([output, new_state])
    return out, new, variables


def shapes(variables):
    return {name: list(value.shape) for name, value in variables.items()}


def unroll(reference_step, inputs, state, *args):
    """The reference run over the time axis (axis 1) of batch-major `inputs` (one array or
    a tuple): (outputs stacked on axis 1, final state)."""
    outputs = []
    for t in range(tf.nest.flatten(inputs)[0].shape[1]):
        output, state = reference_step(tf.nest.map_structure(lambda a: a[:, t], inputs), state,
                                       *args)
        outputs.append(output)
    return np.stack(outputs, 1), state
