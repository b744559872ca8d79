"""tf1-graphs: TF 1.x graph-mode code from posts and books, run faithfully on current TensorFlow.

`from tf1_graphs import tf` replaces `import tensorflow as tf` in a post's code.

Importing the package only chooses the Keras that TensorFlow will bind when it loads:
TensorFlow picks its Keras once, at first import, from TF_USE_LEGACY_KERAS, and the legacy
`nn.rnn_cell` classes and `layers` functions only exist with tf-keras.  TensorFlow itself
loads with the first use of `tf` (or of the seeding helpers, or any module that needs it),
so `python -m tf1_graphs PROGRAM.py` starts in a fraction of a second and a program that
never imports TensorFlow runs without it.
"""
import importlib
import os
import sys

if "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1":
    raise ImportError(
        "tf1_graphs: TensorFlow was imported before tf1_graphs without TF_USE_LEGACY_KERAS=1, "
        "so it is bound to Keras 3, which refuses tf.compat.v1.nn.rnn_cell and tf.compat.v1.layers. "
        "Import tf1_graphs before tensorflow, or run with TF_USE_LEGACY_KERAS=1 in the environment."
    )
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TF 1.15's CPU kernels were Eigen's; oneDNN's matmul and convolutions round otherwise (measured: a
# [128, 784] x [784, 256] product differs from TF 1.15.5's by up to 4.6e-5, and equals it bit for bit
# without oneDNN).  Set TF_ENABLE_ONEDNN_OPTS=1 to trade that for oneDNN's speed.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__all__ = ["tf", "seed_everything", "seeded_graph"]


_LOADED_ON_FIRST_USE = {"tf": "tf1_graphs.namespace", "seed_everything": "tf1_graphs.seeding",
                        "seeded_graph": "tf1_graphs.seeding"}


def __getattr__(name):
    """`tf`, `seed_everything`, `seeded_graph`: loaded, with TensorFlow, on first use."""
    if name not in _LOADED_ON_FIRST_USE:
        raise AttributeError(f"module 'tf1_graphs' has no attribute {name!r}")
    import tf1_graphs._runtime  # noqa: F401  (TensorFlow in graph mode, quietly, before either)

    found = getattr(importlib.import_module(_LOADED_ON_FIRST_USE[name]), name)
    globals()[name] = found
    return found
