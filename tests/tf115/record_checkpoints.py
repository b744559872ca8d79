"""Run with TF 1.15.5 from the repository root: writes goldens/checkpoints/ and goldens/checkpoints.json.

Both directions, for every model of `checkpoint_models`:
- TF 1.15.5 initialises it (seed 1), trains one step and saves `<name>/tf115.ckpt`; the outputs
  it computes from that checkpoint (and after one more step) go into the golden's "tf115";
- tf1_graphs writes `<name>/tf1_graphs.ckpt` (write_tf1_graphs_checkpoints.py, run with
  TF1_GRAPHS_PYTHON, default the project's .venv); TF 1.15.5 restores it and its outputs go
  into "from_tf1_graphs".
"""
import json
import os
import subprocess
import sys

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import checkpoint_models  # noqa: E402

SEED = 1
TF1_GRAPHS_PYTHON = os.environ.get("TF1_GRAPHS_PYTHON", ".venv/bin/python")


def restored_outputs(name, path):
    """What TF 1.15.5 computes from the checkpoint at `path`, and the variables it holds."""
    graph, model, saver = checkpoint_models.build(tf, name, seed=0)
    with tf.Session(graph=graph) as session:
        saver.restore(session, path)
        outputs = checkpoint_models.evaluate(session, model)
    variables = {v.op.name: v.shape.as_list() for v in graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)}
    return {"outputs": outputs, "variables": variables}


golden = {"tensorflow": tf.__version__, "tf115": {}, "from_tf1_graphs": {}}
for name in checkpoint_models.MODELS:
    folder = os.path.join(HERE, "goldens", "checkpoints", name)
    os.makedirs(folder, exist_ok=True)
    checkpoint_models.save(tf, name, SEED, os.path.join(folder, "tf115.ckpt"))
    os.remove(os.path.join(folder, "checkpoint"))
    golden["tf115"][name] = restored_outputs(name, os.path.join(folder, "tf115.ckpt"))

env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(HERE)))
env.pop("TF2_BEHAVIOR", None)
subprocess.run([TF1_GRAPHS_PYTHON, os.path.join(HERE, "write_tf1_graphs_checkpoints.py")], check=True, env=env)
for name in checkpoint_models.MODELS:
    path = os.path.join(HERE, "goldens", "checkpoints", name, "tf1_graphs.ckpt")
    golden["from_tf1_graphs"][name] = restored_outputs(name, path)

with open(os.path.join(HERE, "goldens", "checkpoints.json"), "w") as out:
    json.dump(golden, out, indent=None, sort_keys=True)
    out.write("\n")
