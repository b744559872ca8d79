"""Checkpoints both ways between TF 1.15.5 and tf1_graphs, for the core cells and the documents' models.

The checkpoints in tests/tf115/goldens/checkpoints/<model>/ were written by TF 1.15.5
(`tf115.ckpt`) and by tf1_graphs (`tf1_graphs.ckpt`, which TF 1.15.5 then restored), by
tests/tf115/record_checkpoints.py; goldens/checkpoints.json holds the variables TF 1.15.5's
graph has and the outputs it computed from each checkpoint, and after one more training step
for the models with an optimizer (Adam's slots and beta powers come from the checkpoint).
Here the same builders (`checkpoint_models`, given tf1_graphs' `tf`) restore each checkpoint
and must give the same variables and outputs.

Not bit for bit: TF 2.21's tanh, sigmoid and exp kernels round differently from TF 1.15.5's
(on 20,000 values in [-4, 4]: tanh differs in 70% of them, by up to 3.6e-7; sigmoid by up to
1.2e-7; exp by up to 3.8e-6 on values up to e^4; matmul is bit-identical).  Measured over all
22 restores: outputs of size ~1 within 3.6e-7 (d001's cost), float64 (d002) within 8.3e-17.
TOLERANCE, 1e-6, is that with a margin; a nudge of 1e-3 to one weight moves outputs by > 1e-4.
"""
import json
import os

import numpy as np
import pytest

from tests.tf115 import checkpoint_models
from tf1_graphs import tf

GOLDENS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tf115", "goldens")
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def golden():
    with open(os.path.join(GOLDENS, "checkpoints.json")) as text:
        return json.load(text)


def checkpoint(name, writer):
    return os.path.join(GOLDENS, "checkpoints", name, f"{writer}.ckpt")


def restored(name, path, change=None, saver_of=None):
    """(outputs computed from the checkpoint at `path`, {variable: shape}); `change` and `saver_of` make twins."""
    graph, model, saver = checkpoint_models.build(tf, name, seed=0)
    with graph.as_default():
        saver = saver_of(graph) if saver_of else saver
        with tf.Session(graph=graph) as session:
            saver.restore(session, path)
            if change:
                change(session, graph)
            outputs = checkpoint_models.evaluate(session, model)
    variables = {v.op.name: v.shape.as_list() for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)}
    return outputs, variables


def largest_difference(ours, theirs):
    assert sorted(ours) == sorted(theirs)
    return max(float(np.max(np.abs(np.asarray(ours[name], np.float64) - np.asarray(theirs[name], np.float64))))
               for name in ours)


@pytest.mark.parametrize("name", checkpoint_models.MODELS)
def test_a_tf115_checkpoint_restores_here_to_tf115s_outputs(name, golden):
    outputs, variables = restored(name, checkpoint(name, "tf115"))
    assert variables == golden["tf115"][name]["variables"]
    assert largest_difference(outputs, golden["tf115"][name]["outputs"]) <= TOLERANCE


@pytest.mark.parametrize("name", checkpoint_models.MODELS)
def test_a_checkpoint_written_here_restores_under_tf115(name, golden, tmp_path):
    """TF 1.15.5 restored the committed tf1_graphs checkpoint (the recorder); what tf1_graphs writes
    today holds the same tensors, and gives, restored here, what TF 1.15.5 computed from it."""
    graph, _, saver = checkpoint_models.build(tf, name, seed=0)
    with tf.Session(graph=graph) as session:
        saver.restore(session, checkpoint(name, "tf1_graphs"))
        written = saver.save(session, str(tmp_path / "here.ckpt"), write_meta_graph=False)
    committed, today = tf.train.load_checkpoint(checkpoint(name, "tf1_graphs")), tf.train.load_checkpoint(written)
    shapes = committed.get_variable_to_shape_map()
    assert today.get_variable_to_shape_map() == shapes
    assert all(np.array_equal(today.get_tensor(variable), committed.get_tensor(variable)) for variable in shapes)
    outputs, _ = restored(name, written)
    assert largest_difference(outputs, golden["from_tf1_graphs"][name]["outputs"]) <= TOLERANCE


# --- broken twins: the comparison sees a changed weight and a wrong name mapping ---

@pytest.mark.parametrize("name, variable_name", [("basic_lstm", "rnn/basic_lstm_cell/kernel"),
                                                  ("d001_lstm_model", "lstm_vars/embedding_mat")])
def test_a_perturbed_variable_is_detected(name, variable_name, golden):
    def nudge(session, graph):
        [variable] = [v for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) if v.op.name == variable_name]
        session.run(variable.assign_add(tf.fill(tf.shape(variable), 1e-3)))

    outputs, _ = restored(name, checkpoint(name, "tf115"), change=nudge)
    assert largest_difference(outputs, golden["tf115"][name]["outputs"]) > TOLERANCE


def test_a_wrong_variable_name_mapping_is_detected(golden):
    """multi_lstm's two layers have variables of the same shapes: restoring each layer from the other's
    names succeeds, and gives other outputs."""
    def swapped_layers(graph):
        variables = {v.op.name: v for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)}
        return tf.train.Saver({name.replace("cell_0", "cell_#").replace("cell_1", "cell_0").replace("cell_#", "cell_1"):
                               variable for name, variable in variables.items()})

    outputs, _ = restored("multi_lstm", checkpoint("multi_lstm", "tf115"), saver_of=swapped_layers)
    assert largest_difference(outputs, golden["tf115"]["multi_lstm"]["outputs"]) > TOLERANCE
