"""Six silent differences TF 1.15's own contrib tests found, each held to TF 1.15's recorded value.

The values come from TensorFlow 1.15.5 itself: tests/tf115/record_contrib_fixes.py runs the
builders in tf115_contrib_fixes_graphs.py under it and wrote tests/tf115/goldens/contrib_fixes.json;
here the same builders run on tf1_graphs.  Every check has a broken twin that must fail.

Two of TF 1.15's rules are graph-wide, not contrib's, and decide seeded numbers: an op
without its own seed gets the number of ops already in the graph as its seed, and `tf.split`
first made its `num_or_size_splits` a Const (one op more).  Where the runtime lacks them
(issue 18's first two parts), the fixture `tf115_graph_rules` applies them for one test; what
the contrib cells own is that every op before a random draw is TF 1.15's, in TF 1.15's order.
"""
import json
import os

import numpy as np
import pytest
import tensorflow as tensorflow_itself
from tensorflow.python.framework import ops as tf_ops, random_seed
from tensorflow.python.keras.engine import base_layer as tf_own_base
from tensorflow.python.ops import array_ops, rnn_cell as own_cells

import tf115_contrib_fixes_graphs as graphs
from tf1_graphs import tf
from tf1_graphs.contrib._adaptive_clipping import adaptive_clipping_fn

GOLDEN_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "tf115", "goldens", "contrib_fixes.json")
with open(GOLDEN_PATH) as _f:
    GOLDEN = json.load(_f)

# float32 graphs: TF 1.15's kernels and 2.21's agree to a few ulps (observed at most 6e-8 here)
ATOL = 1e-6
# TF 2 builds the same arithmetic with the newer kernels of these ops; nothing else differs
SAME_OP = {"Add": "AddV2", "Select": "SelectV2"}


def _tf115_get_seed(op_seed):
    graph = tf_ops.get_default_graph()
    if graph.seed is not None:
        op_seed = len(graph._nodes_by_id) if op_seed is None else op_seed
        seeds = random_seed._truncate_seed(graph.seed), random_seed._truncate_seed(op_seed)
    elif op_seed is not None:
        seeds = random_seed.DEFAULT_GRAPH_SEED, random_seed._truncate_seed(op_seed)
    else:
        seeds = None, None
    return (0, random_seed._MAXINT32) if seeds == (0, 0) else seeds


def _runtime_has_tf115_rules():
    """(op seeds as TF 1.15, split as TF 1.15), measured on a scratch graph."""
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(1)
        tf.constant(0.0)
        seeds_ok = random_seed.get_seed(None) == (1, 1)
        tf.split(tf.zeros([2]), 2)
        split_ok = len(graph.get_operations()) == 5  # Const, zeros, num's Const, split_dim, Split
    return seeds_ok, split_ok


@pytest.fixture
def tf115_graph_rules(monkeypatch):
    seeds_ok, split_ok = _runtime_has_tf115_rules()
    if not seeds_ok:
        monkeypatch.setattr(random_seed, "get_seed", _tf115_get_seed)
    if not split_ok:
        split = tensorflow_itself.split

        def split_as_tf115(value, num_or_size_splits, axis=0, num=None, name="split"):
            tensorflow_itself.convert_to_tensor(num_or_size_splits)
            return split(value, num_or_size_splits, axis=axis, num=num, name=name)
        for module in (tensorflow_itself, tensorflow_itself.compat.v1, tensorflow_itself.compat.v2, array_ops):
            monkeypatch.setattr(module, "split", split_as_tf115)


def _same_ops(ours, theirs):
    return [SAME_OP.get(t, t) for t in theirs] == ours


def _max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


# ---- 1. IndyGRUCell: TF 1.15 gives [0.185265, 0.17704] (rnn_cell_test), we gave [0.1719, 0.1892] -----
def test_indy_gru_cell_gives_tf115s_seeded_outputs(tf115_graph_rules):
    ours, theirs = graphs.indy_gru(tf), GOLDEN["indy_gru"]
    assert _same_ops(ours["op_types"], theirs["op_types"])
    assert _max_diff(ours["outputs"], theirs["outputs"]) <= ATOL  # TF 1.15: [[0.185265, 0.17704]], ...


def test_indy_gru_cell_twin_one_more_op_moves_every_seed(tf115_graph_rules):
    shifted = graphs.indy_gru(tf, extra_op=True)
    assert not _same_ops(shifted["op_types"], GOLDEN["indy_gru"]["op_types"])
    assert _max_diff(shifted["outputs"], GOLDEN["indy_gru"]["outputs"]) > 1e-3


# ---- 2. PhasedLSTMCell: its periods and phases are seeded draws after 60 ops -------------------------
def test_phased_lstm_cell_gives_tf115s_seeded_state(tf115_graph_rules):
    ours, theirs = graphs.phased_lstm(tf, own_cells), GOLDEN["phased_lstm"]
    assert _same_ops(ours["op_types"], theirs["op_types"])
    assert _max_diff(ours["c"], theirs["c"]) <= ATOL and _max_diff(ours["h"], theirs["h"]) <= ATOL


def test_phased_lstm_cell_twin_one_more_op_changes_the_state(tf115_graph_rules):
    shifted = graphs.phased_lstm(tf, own_cells, extra_op=True)
    assert _max_diff(shifted["c"], GOLDEN["phased_lstm"]["c"]) > 1e-4  # TF 1.15's c is ~7e-4


# ---- 3. IndyLSTMCells in TensorFlow's own MultiRNNCell: their variables are listed ------------------
def test_own_multi_rnn_cell_lists_contrib_cells_variables():
    assert graphs.indy_lstm_stack_variables(tf, own_cells) == GOLDEN["indy_lstm_stack_variables"]


def test_own_multi_rnn_cell_twin_gathering_its_own_family_only_finds_nothing():
    with tf.Graph().as_default():
        cell = own_cells.MultiRNNCell([tf.contrib.rnn.IndyLSTMCell(2) for _ in range(2)])
        cell(tf.zeros([1, 2]), ((tf.zeros([1, 2]),) * 2,) * 2)
        own_family_only = [w.name for c in cell._cells if isinstance(c, tf_own_base.Layer)
                           for w in c.trainable_weights]
    assert own_family_only != GOLDEN["indy_lstm_stack_variables"]["trainable"]


# ---- 4. one2many_rnn_seq2seq takes TensorFlow's own cells, and still refuses what TF 1.15 refused ---
def test_one2many_takes_tensorflows_own_cells_with_tf115s_variables_and_outputs():
    ours, theirs = graphs.one2many(tf, own_cells), GOLDEN["one2many"]
    assert ours["variables"] == theirs["variables"]
    for name in ("a", "b"):
        assert _max_diff(ours["outputs"][name], theirs["outputs"][name]) <= ATOL


def test_one2many_twin_a_keras_cell_is_refused_as_in_tf115():
    assert graphs.keras_cell_refusal(tf) == GOLDEN["keras_cell_refusal"] == "enc_cell is not an RNNCell"


# ---- 5. HParams.set_hparam keeps a value of the parameter's own type; HParamDef as TF 1.15's ---------
def _hparam_def(hex_bytes):
    """The message in TF 1.15's wire format (map entries may be serialised in another order)."""
    return tf.contrib.training.HParamDef.FromString(bytes.fromhex(hex_bytes))


def test_hparams_keep_the_value_and_read_and_write_tf115s_hparam_def():
    ours, theirs = graphs.hparams(tf.contrib.training.HParams), GOLDEN["hparams"]
    assert ours["set_keeps_the_object"] is theirs["set_keeps_the_object"] is True
    assert _hparam_def(ours["hparam_def_hex"]) == _hparam_def(theirs["hparam_def_hex"])
    assert [list(item) for item in ours["from_proto"]] == theirs["from_proto"]


def test_hparams_twin_other_values_give_another_message():
    HParams = tf.contrib.training.HParams
    other = HParams(lr=0.25, layers=4, name="lstm", peep=True, sizes=[64, 32], rates=[0.5, 0.125],
                    names=["a", "b"], flags=[False, True])
    assert other.to_proto() != _hparam_def(GOLDEN["hparams"]["hparam_def_hex"])


# ---- 6. optimize_loss: truncated-normal noise; a learning-rate summary only with a decay function ---
def test_optimize_loss_noise_is_tf115s(tf115_graph_rules):
    ours, theirs = graphs.optimize_loss_noise(tf), GOLDEN["optimize_loss_noise"]
    assert ours["random_op_types"] == theirs["random_op_types"] == ["TruncatedNormal"]
    assert ours["train_name"] == theirs["train_name"]
    assert abs(ours["var"] - theirs["var"]) <= ATOL * 10  # TF 1.15: 9.86912 (optimizers_test)


def test_optimize_loss_noise_twin_one_more_op_changes_the_step(tf115_graph_rules):
    assert abs(graphs.optimize_loss_noise(tf, extra_op=True)["var"] - GOLDEN["optimize_loss_noise"]["var"]) > 1e-3


def test_optimize_loss_summaries_are_tf115s():
    assert graphs.optimize_loss_summaries(tf) == GOLDEN["optimize_loss_summaries"]


def test_optimize_loss_summaries_twin_a_learning_rate_summary_is_detected():
    with_decay = graphs.optimize_loss_summaries(tf)["decayed"]  # what we wrote without a decay function too
    assert with_decay != GOLDEN["optimize_loss_summaries"]["constant"]


# ---- found by initializers_test: xavier on a scalar, and on a partitioned variable ------------------
def test_xavier_draws_tf115s_values_for_a_scalar_and_for_each_part():
    ours, theirs = graphs.xavier_values(tf), GOLDEN["xavier_values"]
    assert abs(ours["scalar"] - theirs["scalar"]) <= ATOL  # fans of 1: stddev sqrt(1.3) truncated
    assert _max_diff(ours["parts"], theirs["parts"]) <= ATOL


def test_xavier_twin_whole_variable_fans_could_not_give_tf115s_parts():
    whole_limit = np.sqrt(3.0 / ((4 + 6) / 2))  # fans of [4, 6]; each [2, 6] part's limit is sqrt(3 / 4)
    assert np.max(np.abs(GOLDEN["xavier_values"]["parts"])) > whole_limit


# ---- found by layers_test: a zero-debiased batch_norm's `biased` and `local_step` are model variables
def test_batch_norm_zero_debias_model_variables_are_tf115s():
    assert graphs.batch_norm_model_variables(tf) == GOLDEN["batch_norm_model_variables"]


def test_batch_norm_twin_the_fused_paths_list_lacks_them():
    theirs = GOLDEN["batch_norm_model_variables"]
    assert [name.replace("BatchNorm/BatchNorm/", "") for name in theirs["moments"]] != theirs["fused"]


# ---- found by variables_test: framework.variable's device functions and custom getter ----------------
def test_framework_variable_takes_device_functions_and_calls_the_getter_as_tf115():
    assert graphs.framework_variable_calls(tf) == GOLDEN["framework_variable_calls"]


def test_framework_variable_twin_a_getter_given_get_variable_first_is_detected():
    theirs = GOLDEN["framework_variable_calls"]["getter_calls"]
    assert theirs == [[["d"], sorted(theirs[0][1])]] and "reuse" in theirs[0][1]  # the name first, reuse given
    assert [[["get_variable", "d"], theirs[0][1]]] != theirs  # what we passed before


# ---- found by optimizers_test: adaptive_clipping_fn was missing ------------------------------------
def test_adaptive_clipping_steps_as_tf115():
    ours, theirs = graphs.adaptive_clipping(tf, adaptive_clipping_fn), GOLDEN["adaptive_clipping"]
    assert ours["variables"] == theirs["variables"] and ours["summaries"] == theirs["summaries"]
    assert _max_diff(ours["var"], theirs["var"]) <= 1e-5  # float32 values near 10


def test_adaptive_clipping_twin_plain_steps_differ():
    unclipped = 10.0 - 0.1 * np.cumsum([5.0, 5.0, 5.0, 5.0, 500.0])  # |var * x| descends by 0.1 x a step
    assert _max_diff(unclipped, GOLDEN["adaptive_clipping"]["var"]) > 1.0
