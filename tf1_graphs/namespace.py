"""`tf`, a TF 1.x-style namespace: `tf.compat.v1` plus the re-implemented `tf.contrib`.

Posts' code runs after one change, `import tensorflow as tf` -> `from tf1_graphs import tf`.
Names are looked up in `tf.compat.v1` first; the few TF 1.x top-level names that v1 does
not carry (dtypes such as `tf.float32` are there; `tf.__version__` is not) fall back to
TensorFlow itself.
"""
import types

import tensorflow as _tf

from tf1_graphs import contrib as _contrib
from tf1_graphs import estimator as _estimator


class _TF1Namespace(types.ModuleType):
    def __getattr__(self, name):
        for source in (_tf.compat.v1, _tf):
            if hasattr(source, name):
                return getattr(source, name)
        raise AttributeError(f"tf1_graphs.tf has no attribute {name!r} (neither has tf.compat.v1)")

    def __dir__(self):
        return sorted(set(dir(_tf.compat.v1)) | {"contrib", "raw_ops", "__version__"})


tf = _TF1Namespace("tf1_graphs.tf", __doc__)
tf.contrib = _contrib
tf.estimator = _estimator
