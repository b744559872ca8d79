"""tf1-graphs: TF 1.x graph-mode code from posts and books, run faithfully on current TensorFlow.

`from tf1_graphs import tf` replaces `import tensorflow as tf` in a post's code.

Importing the package only chooses the Keras that TensorFlow will bind when it loads:
TensorFlow picks its Keras once, at first import, from TF_USE_LEGACY_KERAS, and the legacy
`nn.rnn_cell` classes and `layers` functions only exist with tf-keras.  TensorFlow itself
loads with the first use of `tf` (or of the seeding helpers, or any module that needs it),
so `python -m tf1_graphs PROGRAM.py` starts in a fraction of a second and a program that
never imports TensorFlow runs without it.
"""
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

__all__ = ["tf", "seed_everything", "seeded_graph"]


def __getattr__(name):
    """`tf`, `seed_everything`, `seeded_graph`: loaded, with TensorFlow, on first use."""
    if name == "tf":
        from tf1_graphs.namespace import tf as found
    elif name in ("seed_everything", "seeded_graph"):
        from tf1_graphs import seeding
        found = getattr(seeding, name)
    else:
        raise AttributeError(f"module 'tf1_graphs' has no attribute {name!r}")
    globals()[name] = found
    return found
