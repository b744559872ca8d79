"""tf1-graphs: TF 1.x graph-mode code from posts and books, run faithfully on current TensorFlow.

`from tf1_graphs import tf` replaces `import tensorflow as tf` in a post's code.
"""
from tf1_graphs import _runtime  # noqa: F401  (sets TF_USE_LEGACY_KERAS before TensorFlow loads)
from tf1_graphs.namespace import tf
from tf1_graphs.seeding import seed_everything, seeded_graph

__all__ = ["tf", "seed_everything", "seeded_graph"]
