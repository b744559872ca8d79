"""Looking inside the cells of document 003's trained stack: one cell call per step, its gates and readers.

dynamic_rnn hides each layer's per-step state inside its while loop, so the stack is
built a second time under `variable_scope(reuse=True)` and called one step at a time.
BasicLSTMCell's gates are the ops that read the four pieces of its one matmul; the fused
LSTMBlockCell returns them from its one op (see claims.CellAnatomy).
"""
from dataclasses import dataclass

import numpy as np

from tf1_graphs import reference, tf

TRACE_NAMES = ("f", "i", "j", "o", "c", "h")  # per layer and step: the gates, the cell state, the output


@dataclass
class StepProbe:
    """One call of the stack on one time step, its state fed from Python (the PTB tutorial's way)."""
    step_input: object
    state: object         # tuple of LSTMStateTuple(c, h), one per layer: feed it
    new_state: object
    gates: list           # per layer {f, i, j, o}: the gate activations inside the graph
    layer_scopes: list    # per layer, the name scope of its ops in this call


def _consumer(tensor, *op_types):
    """The one op of one of `op_types` that reads `tensor`."""
    (op,) = [op for op in tensor.consumers() if op.type in op_types]
    return op


def basic_lstm_gate_ops(graph, layer_scope):
    """{f, i, j, o} activation ops and the `f + forget_bias` op of one BasicLSTMCell call.

    The cell splits its one matmul's result into pre-activations i, j, f, o; the gates
    are the ops that read those four pieces.
    """
    split = graph.get_operation_by_name(f"{layer_scope}/split")
    pre = dict(zip(reference.LSTM_GATE_ORDER, split.outputs))
    forget_sum = _consumer(pre["f"], "AddV2", "Add")  # TF 1.15 made `Add`, and does under record_recipes.py
    gates = {"i": _consumer(pre["i"], "Sigmoid"), "j": _consumer(pre["j"], "Tanh"),
             "f": _consumer(forget_sum.outputs[0], "Sigmoid"), "o": _consumer(pre["o"], "Sigmoid")}
    return gates, forget_sum


def fused_lstm_op(graph, layer_scope):
    """The one LSTMBlockCell op of a fused cell call."""
    return graph.get_operation_by_name(f"{layer_scope}/LSTMBlockCell")


def lstm_gates(graph, layer_scope, kind):
    """{f, i, j, o}: the gate activations of one cell call of `kind` (j: the candidate, tanh)."""
    if kind == "block":
        i, _, f, o, j, _, _ = fused_lstm_op(graph, layer_scope).outputs
        return {"f": f, "i": i, "j": j, "o": o}
    return {g: op.outputs[0] for g, op in basic_lstm_gate_ops(graph, layer_scope)[0].items()}


def build_step_probe(config, new_stack):
    """The answer's stack again, sharing the trained variables through `variable_scope(reuse=True)`.

    dynamic_rnn hides each layer's per-step state inside its while loop; one cell call
    per step exposes every layer's c, h and gates to `session.run`.  `new_stack(config)`
    builds the stack (the answer's loop), so the probe's variables are the trained ones.
    """
    with tf.name_scope("probe"), tf.variable_scope("rnn", reuse=True, auxiliary_name_scope=False):
        stacked_lstm_cell = new_stack(config)
        step_input = tf.placeholder(tf.float32, [None, config.input_depth], name="step_input")
        state = stacked_lstm_cell.zero_state(tf.shape(step_input)[0], tf.float32)
        _, new_state = stacked_lstm_cell(step_input, state)
    graph = step_input.graph
    scopes = [layer.c.op.name.rsplit("/", 1)[0] for layer in new_state]
    gates = [lstm_gates(graph, scope, config.cell) for scope in scopes]
    return StepProbe(step_input, state, new_state, gates, scopes)

def trace_stack(session, probe, sequences):
    """Step the stack through `sequences` [batch, time, depth], carrying every layer's state.

    Returns per layer {f, i, j, o, c, h}, each [batch, time, H], as TensorFlow computed them.
    """
    state = session.run(probe.state, {probe.step_input: sequences[:, 0]})
    steps = []
    for t in range(sequences.shape[1]):
        state, gates = session.run([probe.new_state, probe.gates],
                                   {probe.step_input: sequences[:, t], probe.state: state})
        steps.append([dict(layer_gates, c=layer.c, h=layer.h) for layer_gates, layer in zip(gates, state)])
    return [{name: np.stack([step[k][name] for step in steps], axis=1) for name in TRACE_NAMES}
            for k in range(len(steps[0]))]


def variable_readers(graph, layer_scope):
    """[(variable, op type)] for every op of one cell call that reads a variable directly."""
    by_value = {v.value().name: v.name for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)}
    return sorted((by_value[t.name], op.type) for op in graph.get_operations()
                  if op.name.startswith(layer_scope + "/") for t in op.inputs if t.name in by_value)


def forget_bias_source(graph, layer_scope, kind):
    """(source, value) of what the cell adds to the forget gate's pre-activation: for
    BasicLSTMCell the type of the op that feeds the add, for LSTMBlockCell the op's attribute."""
    if kind == "block":
        return "LSTMBlockCell attr", fused_lstm_op(graph, layer_scope).get_attr("forget_bias")
    added = basic_lstm_gate_ops(graph, layer_scope)[1].inputs[1]
    return added.op.type, float(tf.get_static_value(added)) if added.op.type == "Const" else None
