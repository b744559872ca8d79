"""Put a TF 1.15-faithful function or class in place of TensorFlow 2.21's, wherever it is bound.

TensorFlow binds one function object under many names: its defining module, the modules that
imported it by name, and every generated API module (`tf.compat.v1.nn.dropout`,
`tf.compat.v1.layers.dropout`, ...).  Replacing one binding leaves the others building TF 2.21's
ops, so `rebind` replaces them all, in TensorFlow's and tf_keras's loaded modules, in one pass.
"""
import sys

_OWNERS = ("tensorflow", "tf_keras")


def rebind(replacements):
    """For each `{old: new}`, every loaded TensorFlow/tf_keras module attribute that is `old` becomes `new`."""
    by_id = {id(old): new for old, new in replacements.items()}
    for name, module in list(sys.modules.items()):
        if module is None or name.partition(".")[0] not in _OWNERS:
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attribute, value in list(namespace.items()):
            new = by_id.get(id(value))
            if new is not None and not attribute.startswith("__"):
                setattr(module, attribute, new)  # not the dict: TF's API module wrappers cache lookups
