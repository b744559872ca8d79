"""Run a document's Keras 3 counterpart in a process of its own, hand it files, read the results.

Keras 3 cannot share a process with tf-keras (FACTS.md): TensorFlow picks its Keras once, from
TF_USE_LEGACY_KERAS, and tf1_graphs sets that variable.  So the counterpart runs as
`python -m recipes.d00X_<name>.modern IN.npz OUT.npz` with the variable removed from its
environment.  IN.npz holds the TF 1.x weights under `var/<TF 1.x variable name>` and the
inputs under `in/<name>`; OUT.npz holds the results, the weights mapped back to TF 1.x
under `var/`, and `process/...`, what the counterpart's process had loaded.

No TensorFlow import here: both processes use this module.
"""
import os
import re
import subprocess
import sys
import tempfile
import traceback

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEGACY_KERAS_VARIABLE = "TF_USE_LEGACY_KERAS"
# The counterpart's interpreter: this one, unless the recipes run under TensorFlow 1.15
# (tests/tf115/record_recipes.py), whose Python has no Keras 3 and names TensorFlow 2.21's here.
KERAS3_PYTHON_VARIABLE = "RECIPES_KERAS3_PYTHON"
WEIGHT, INPUT, PROCESS = "var/", "in/", "process/"


class CounterpartFailed(RuntimeError):
    """The counterpart's process exited with an error; the message is its last line of stderr."""


def keras3_environment():
    """This process's environment without TF_USE_LEGACY_KERAS, so that TensorFlow loads Keras 3."""
    return {k: v for k, v in os.environ.items() if k != LEGACY_KERAS_VARIABLE}


def run_keras3_module(module, *args):
    """`python -m module args...` from the repository root, in the Keras 3 environment; output captured."""
    python = os.environ.get(KERAS3_PYTHON_VARIABLE) or sys.executable
    return subprocess.run([python, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, env=keras3_environment())


def last_error_line(result):
    lines = [line for line in (result.stderr or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {result.returncode}, nothing on stderr"


def one_line(message):
    """An error message on one line: Keras wraps the cause in a header, ANSI bold and the call's arguments,
    and an eager kernel's error names the kernel's function ({{function_node ...}})."""
    message = re.sub(r"\x1b\[[0-9;]*m|\{\{function_node [^}]*\}\}\s*", "", message).split("Arguments received")[0]
    return " ".join(line.strip() for line in message.splitlines() if line.strip())


def pack(path, weights, inputs):
    """Write IN.npz: TF 1.x weights by variable name, and the inputs."""
    np.savez(path, **{WEIGHT + k: v for k, v in weights.items()}, **{INPUT + k: v for k, v in inputs.items()})


def _prefixed(npz, prefix):
    return {k[len(prefix):]: npz[k] for k in npz.files if k.startswith(prefix)}


def unpack(path):
    """(weights, inputs, other) from an .npz written by `pack` or `serve`."""
    with np.load(path) as npz:
        weights, inputs, other = _prefixed(npz, WEIGHT), _prefixed(npz, INPUT), {
            k: npz[k] for k in npz.files if not k.startswith((WEIGHT, INPUT))}
    return weights, inputs, other


def run_counterpart(module, weights, inputs):
    """Run `module` (e.g. "recipes.d002_feedback.modern") on these weights and inputs in its own process.

    Returns (its results, the weights it mapped back to TF 1.x names, what its process had loaded);
    a failure raises CounterpartFailed with one readable line.
    """
    with tempfile.TemporaryDirectory(prefix="modern-") as folder:
        in_path, out_path = os.path.join(folder, "in.npz"), os.path.join(folder, "out.npz")
        pack(in_path, weights, inputs)
        result = run_keras3_module(module, in_path, out_path)
        if result.returncode != 0:
            raise CounterpartFailed(f"{module} failed (exit status {result.returncode}): {last_error_line(result)}")
        returned, _, other = unpack(out_path)
    process = {k[len(PROCESS):]: other.pop(k).item() for k in list(other) if k.startswith(PROCESS)}
    return other, returned, process


def serve(compute):
    """The counterpart's entry point: `compute(weights, inputs)` -> (results, weights mapped back to TF 1.x).

    An error ends the process with the traceback and, last, one line naming it.  Writes OUT.npz
    with both and with what this process loaded (the test that Keras 3 ran alone reads it).
    Call as `serve(parity)` under `if __name__ == "__main__"`.
    """
    if len(sys.argv) != 3:
        sys.exit(f"usage: python -m {sys.modules['__main__'].__spec__.name} IN.npz OUT.npz")
    if os.environ.get(LEGACY_KERAS_VARIABLE):
        sys.exit(f"{LEGACY_KERAS_VARIABLE} is set, which binds TensorFlow to tf-keras: run the counterpart without it "
                 "(recipes.modern_process.run_counterpart does)")
    weights, inputs, _ = unpack(sys.argv[1])
    try:
        results, returned = compute(weights, inputs)
    except Exception as error:  # the traceback for whoever debugs, then one line for the parent's error
        traceback.print_exc()
        sys.exit(f"{type(error).__name__}: {one_line(str(error))}")
    import keras
    import tensorflow as tf
    process = {"tf_keras_loaded": "tf_keras" in sys.modules,
               "legacy_keras_variable": os.environ.get(LEGACY_KERAS_VARIABLE, ""),
               "keras_version": keras.__version__, "tensorflow_version": tf.__version__}
    np.savez(sys.argv[2], **results, **{WEIGHT + k: v for k, v in returned.items()},
             **{PROCESS + k: np.asarray(v) for k, v in process.items()})
