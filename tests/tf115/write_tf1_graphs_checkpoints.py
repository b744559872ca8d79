"""Run with tf1_graphs' Python (record_checkpoints.py does): writes goldens/checkpoints/<name>/tf1_graphs.ckpt.*

The checkpoints that TF 1.15.5 then restores, to show that what tf1_graphs writes restores there:
each model of `checkpoint_models`, built with tf1_graphs, initialised with seed 2, one step trained.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # the repository: this tf1_graphs
import checkpoint_models  # noqa: E402
from tf1_graphs import tf  # noqa: E402

SEED = 2

for name in checkpoint_models.MODELS:
    folder = os.path.join(HERE, "goldens", "checkpoints", name)
    checkpoint_models.save(tf, name, SEED, os.path.join(folder, "tf1_graphs.ckpt"))
    os.remove(os.path.join(folder, "checkpoint"))  # the index of a folder's checkpoints: absolute paths, not needed
