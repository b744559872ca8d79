"""Put a TF 1.15-faithful function or class in place of TensorFlow 2.21's, wherever it is bound.

TensorFlow binds one function object under many names: its defining module, the modules that
imported it by name, and every generated API module (`tf.compat.v1.nn.dropout`,
`tf.compat.v1.layers.dropout`, ...).  Replacing one binding leaves the others building TF 2.21's
ops, so `rebind` replaces them all, in TensorFlow's and tf_keras's loaded modules, in one pass.

Two kinds of API module keep their own copies of what they hold: `TFModuleWrapper`
(`tf.compat.v1.nn`) caches each name it has served, and a `KerasLazyLoader` that has loaded
(`tf.compat.v1.nn.rnn_cell`, `tf.compat.v1.layers`) copied its module's names and is itself
in no `sys.modules` entry.  So the lazy loaders are found as attributes of the loaded modules,
and every binding is replaced with `setattr`, through which both kinds update their copies.
"""
import sys
import types

_OWNERS = ("tensorflow", "tf_keras")


def _ours(module):
    return module is not None and str(getattr(module, "__name__", "")).partition(".")[0] in _OWNERS


def _namespaces():
    """The loaded TensorFlow/tf_keras modules and the API modules they hold as attributes."""
    found = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.partition(".")[0] not in _OWNERS:
            continue
        found[id(module)] = module
        for value in list(getattr(module, "__dict__", {}).values()):
            if isinstance(value, types.ModuleType) and _ours(value):
                found.setdefault(id(value), value)
    return found.values()


def rebind(replacements):
    """For each `{old: new}`, every loaded TensorFlow/tf_keras module attribute that is `old` becomes `new`."""
    by_id = {id(old): new for old, new in replacements.items()}
    for module in _namespaces():
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attribute, value in list(namespace.items()):
            new = by_id.get(id(value))
            if new is not None and not attribute.startswith("__"):
                setattr(module, attribute, new)
