"""`tf`, a TF 1.x-style namespace: `tf.compat.v1` plus the re-implemented `tf.contrib`.

Posts' code runs after one change, `import tensorflow as tf` -> `from tf1_graphs import tf`.
Names are looked up in `tf.compat.v1` first; the few TF 1.x top-level names that v1 does
not carry (dtypes such as `tf.float32` are there; `tf.__version__` is not) fall back to
TensorFlow itself.  A name TF 1.15 had and neither has (`tf.estimator`) is refused by name;
any other is Python's plain AttributeError, as TF 1.15 gives it (`tf1_graphs.refusals`).
"""
import types

from tf1_graphs import _runtime  # noqa: F401  (first: TensorFlow loads in graph mode, quietly)

import tensorflow as _tf

from tf1_graphs import contrib as _contrib
from tf1_graphs import estimator as _estimator
from tf1_graphs.refusals import missing_attribute


class _TF1Namespace(types.ModuleType):
    def __getattr__(self, name):
        for source in (_tf.compat.v1, _tf):
            if hasattr(source, name):
                return getattr(source, name)
        raise missing_attribute("tf", name, why=" (TensorFlow 2 dropped it)")

    def __dir__(self):
        return sorted(set(dir(_tf.compat.v1)) | {"contrib", "raw_ops", "__version__"})


tf = _TF1Namespace("tf1_graphs.tf", __doc__)
tf.contrib = _contrib
tf.estimator = _estimator
