"""contrib.seq2seq against TF 1.15.5 itself: the graphs of tests/tf115/record_seq2seq.py, built here.

For each graph (an AttentionWrapper per mechanism, several wrapper options, greedy decoding,
beam search plain and with length and coverage penalties, gather_tree, monotonic attention)
the variables must be TF 1.15's, names, shapes and creation order, and the fetched values its
values: integers (ids, lengths, parents) exactly, floats to 1e-5 (the largest gap measured was
1.4e-6, on beam scores, which sum logs over 7 steps; float32 matmuls round differently in
TF 1.15 and 2.21).  Broken twins: each option the goldens exercise (a penalty, imputing
finished steps, the mechanism's normalisation, gather_tree's end token) is switched off and the
comparison must then fail.
"""
import json

import numpy as np
import pytest

from tests.tf115 import record_seq2seq as graphs
from tf1_graphs import tf

GOLDEN = json.load(open(graphs.GOLDEN))
KEYS = [key for key in GOLDEN if key != "tensorflow"]
FLOAT_TOL = 1e-5


def mismatches(values, golden, path=""):
    """Where `values` differ from `golden`: ints and bools exactly, floats beyond FLOAT_TOL."""
    if isinstance(golden, dict):
        return [m for k in golden for m in mismatches(values[k], golden[k], f"{path}.{k}")]
    if isinstance(values, tuple) or (isinstance(values, list) and values and isinstance(values[0], np.ndarray)):
        return [m for i, (v, g) in enumerate(zip(values, golden)) for m in mismatches(v, g, f"{path}[{i}]")]
    got, want = np.asarray(values), np.asarray(golden, dtype=np.asarray(values).dtype)
    if got.shape != want.shape:
        return [f"{path}: shape {got.shape} != {want.shape}"]
    if got.dtype.kind == "f":
        gap = np.max(np.abs(got - want), initial=0.0)
        return [f"{path}: max |diff| {gap:.3g}"] if not gap <= FLOAT_TOL else []
    return [] if np.array_equal(got, want) else [f"{path}: {got.tolist()} != {want.tolist()}"]


def run(build):
    """(variables, values as arrays) of one of the recorder's builders, here."""
    with tf.Graph().as_default():
        fetches = build()
        variables = [[v.op.name, v.shape.as_list()] for v in tf.global_variables()]
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            return variables, session.run(fetches)


BUILDERS = graphs.builders(tf)


@pytest.mark.parametrize("key", KEYS)
def test_graph_equals_tf115(key):
    variables, values = run(BUILDERS[key])
    assert variables == GOLDEN[key]["variables"]
    assert mismatches(values, GOLDEN[key]["values"]) == []


def test_goldens_come_from_tf115_and_exercise_the_options():
    """The recorded search really uses what the twins switch off: beams end at different steps."""
    assert GOLDEN["tensorflow"] == "1.15.5"
    assert GOLDEN["greedy"]["values"]["lengths"] == [5, 3]
    for key in ("beam_search", "beam_search_length_penalty", "beam_search_coverage_penalty"):
        assert len({n for row in GOLDEN[key]["values"]["beam_lengths"] for n in row}) > 1


@pytest.mark.parametrize("key, twin", [
    ("beam_search_length_penalty", lambda: graphs.beam_search(tf, length_penalty_weight=0.0)),
    ("beam_search_coverage_penalty", lambda: graphs.beam_search(
        tf, length_penalty_weight=0.5, coverage_penalty_weight=0.0, mechanism="bahdanau", end_token=5)),
    ("greedy_imputed_time_major", lambda: graphs.greedy(tf, impute_finished=False, output_time_major=True)),
    ("attention_bahdanau_normalized", lambda: graphs.attention_training(tf, "bahdanau", attention_layer_size=5)),
    ("attention_luong_scaled", lambda: graphs.attention_training(tf, "luong", attention_layer_size=5)),
    ("attention_luong_hardmax", lambda: graphs.attention_training(tf, "luong", attention_layer_size=5)),
    ("attention_cell_output", lambda: graphs.attention_training(tf, "bahdanau", attention_layer_size=5)),
    ("attention_multi", lambda: graphs.attention_training(tf, ["bahdanau", "luong"], attention_layer_size=[5, 3])),
])
def test_broken_twin_without_the_option_differs(key, twin):
    variables, values = run(twin)
    assert variables != GOLDEN[key]["variables"] or mismatches(values, GOLDEN[key]["values"]) != []


def test_broken_twin_gather_tree_with_another_end_token_differs():
    step_ids, parent_ids = graphs.gather_tree_inputs()
    _, values = run(lambda: tf.contrib.seq2seq.gather_tree(step_ids, parent_ids, [0, 2, 4, 6, 9], 4))
    assert mismatches(values, GOLDEN["gather_tree"]["values"]["random"]) != []


def test_broken_twin_a_float_moved_by_ten_times_the_tolerance_is_caught():
    _, values = run(BUILDERS["attention_luong"])
    values["attention"][0, 0] += 10 * FLOAT_TOL
    assert [m.split(":")[0] for m in mismatches(values, GOLDEN["attention_luong"]["values"])] == [".attention"]


def beam_search_keras_form():
    """The `beam_search` graph through TF 1.15's Keras-layer form, `BeamSearchDecoderV2`."""
    s2s = tf.contrib.seq2seq
    fed = graphs.inputs()
    memory_input = tf.placeholder_with_default(fed["memory"], [None, graphs.T_ENC, graphs.H])
    with tf.variable_scope("root", initializer=graphs.shape_initializer(tf)):
        memory = s2s.tile_batch(memory_input, graphs.W)
        lengths = s2s.tile_batch(tf.constant(graphs.ENCODER_LENGTHS), graphs.W)
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(graphs.H),
                                    s2s.LuongAttention(graphs.H, memory, memory_sequence_length=lengths),
                                    attention_layer_size=graphs.H)
        decoder = s2s.beam_search_decoder.BeamSearchDecoderV2(cell, graphs.W, output_layer=tf.layers.Dense(graphs.V),
                                                              maximum_iterations=7)
        outputs, state, _ = decoder(tf.constant(fed["embedding"]), start_tokens=tf.fill([graphs.B], 1), end_token=2,
                                    initial_state=cell.zero_state(graphs.B * graphs.W, tf.float32))
    return dict(predicted_ids=outputs.predicted_ids, scores=outputs.beam_search_decoder_output.scores,
                beam_lengths=state.lengths)


def test_keras_form_of_beam_search_gives_tf115s_search():
    variables, values = run(beam_search_keras_form)
    golden = GOLDEN["beam_search"]
    assert variables == golden["variables"]
    assert mismatches(values, {k: golden["values"][k] for k in values}) == []
    twin = {"predicted_ids": golden["values"]["predicted_ids"][::-1]}  # twin: the batch entries swapped
    assert mismatches({"predicted_ids": values["predicted_ids"]}, twin) != []
