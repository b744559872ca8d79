"""Record the public names of TF 1.15's `tensorflow`, `tf.contrib.*` and `tf.estimator.*`.

Run from the repository root: `/work/tf115/bin/python tests/tf115/record_tf115_names.py`.
It writes `tf1_graphs/tf115_names.json`, the runtime's copy (the runtime cannot read tests/):
tf1_graphs refuses a name on this list that it lacks ("not provided by tf1_graphs"), and
answers any other missing name with Python's plain AttributeError or ImportError, as TF 1.15
does.  One entry per module, `"tf.contrib.rnn": [sorted public names]`, for `tf` itself and
every module one or two attribute steps below `tf.contrib` and `tf.estimator` (the parts
TensorFlow 2 dropped; the rest of the TF 1.x API lives on in `tf.compat.v1`).  Below those
two, a module's names include the submodules an import statement could reach
(`import tensorflow.contrib.tensorrt`, `from tensorflow.contrib.rnn.python.ops import ...`).
"""
import json
import os
import pkgutil
import types

import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tf1_graphs", "tf115_names.json")
DROPPED_IN_TF2 = ("contrib", "estimator")


def public_names(module):
    return sorted(name for name in dir(module) if not name.startswith("_"))


def importable_names(module):
    """Its public names and the submodules on its `__path__` (some are never imported by TF 1.15 itself)."""
    found = {entry.name for entry in pkgutil.iter_modules(getattr(module, "__path__", []))
             if not entry.name.startswith("_") and not entry.name.endswith("_test")}
    return sorted(found.union(public_names(module)))


def submodules(path, module):
    """(path, module) for each public module attribute of `module`."""
    for name in public_names(module):
        value = getattr(module, name, None)
        if isinstance(value, types.ModuleType):
            yield f"{path}.{name}", value


def recorded_modules():
    modules = {"tf": tf}
    for top in DROPPED_IN_TF2:
        path = f"tf.{top}"
        modules[path] = getattr(tf, top)
        for child_path, child in submodules(path, modules[path]):
            modules[child_path] = child
    return {path: public_names(module) if path == "tf" else importable_names(module)
            for path, module in sorted(modules.items())}


def main():
    names = recorded_modules()
    lines = [f"  {json.dumps(path)}: {json.dumps(listed)}" for path, listed in names.items()]
    with open(OUT, "w") as out:
        out.write("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"{os.path.relpath(OUT)}: {len(names)} modules, {sum(map(len, names.values()))} names, TF {tf.__version__}")


if __name__ == "__main__":
    main()
