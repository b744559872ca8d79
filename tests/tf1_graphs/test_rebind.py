"""`rebind` reaches every name a TensorFlow object is bound to, cached API modules included."""
import sys

import tensorflow
from tf_keras.src.layers.rnn import legacy_cells

from tf1_graphs import tf
from tf1_graphs._rebind import rebind


def _stand_in(*args, **kwargs):
    raise AssertionError("not to be called")


def _rebound_and_back(old, new, names):
    """Which of `names` (callables giving the bound object) see `new` after rebinding; then undone."""
    rebind({old: new})
    try:
        return [name() is new for name in names]
    finally:
        rebind({new: old})


def test_module_wrapper_cache_and_lazy_loader_are_rebound():
    old_relu6 = tensorflow.compat.v1.nn.relu6  # served once: TFModuleWrapper now caches it
    assert _rebound_and_back(old_relu6, _stand_in, [lambda: tensorflow.compat.v1.nn.relu6,
                                                    lambda: tf.nn.relu6]) == [True, True]
    assert tensorflow.compat.v1.nn.relu6 is old_relu6
    old_cell = tf.nn.rnn_cell.GRUCell  # a loaded KerasLazyLoader, in no sys.modules entry

    class GRUCell(old_cell):
        pass

    assert _rebound_and_back(old_cell, GRUCell, [lambda: tf.nn.rnn_cell.GRUCell,
                                                 lambda: legacy_cells.GRUCell]) == [True, True]
    assert tf.nn.rnn_cell.GRUCell is old_cell


def test_twin_writing_module_dicts_misses_the_cached_names():
    """The plain way, writing each sys.modules entry's __dict__, leaves both stale."""
    old = tensorflow.compat.v1.nn.relu6
    written = []
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None) if name.startswith(("tensorflow", "tf_keras")) else None
        for attribute, value in list((namespace or {}).items()):
            if value is old:
                namespace[attribute] = _stand_in
                written.append(namespace)
    try:
        assert written and tensorflow.compat.v1.nn.relu6 is old and tf.nn.relu6 is old
    finally:
        rebind({_stand_in: old})
        for namespace in written:
            for attribute, value in list(namespace.items()):
                if value is _stand_in:
                    namespace[attribute] = old
