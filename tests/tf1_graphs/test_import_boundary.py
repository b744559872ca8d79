"""`tf1_graphs` is what users import: it never pulls in this suite's `recipes` (nor `benchmarks`)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROBE = """
import sys
import tf1_graphs
from tf1_graphs import tf
import tf1_graphs.contrib.rnn, tf1_graphs.contrib.layers, tf1_graphs.contrib.legacy_seq2seq, tf1_graphs.reference
tf.contrib.rnn.BasicLSTMCell(2)
print(sorted(name for name in sys.modules if name.split('.')[0] in {NAMES}))
"""


def _suite_modules_loaded(names):
    result = subprocess.run([sys.executable, "-c", PROBE.replace("{NAMES}", repr(set(names)))], cwd=ROOT,
                            capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=ROOT))
    return result.stdout.strip().splitlines()[-1]


def test_importing_tf1_graphs_never_imports_recipes():
    assert _suite_modules_loaded(["recipes", "benchmarks"]) == "[]"


def test_the_probe_sees_a_package_that_is_imported():
    """The broken twin: the same probe does report a package the runtime loads (its own)."""
    assert "'tf1_graphs.contrib.rnn'" in _suite_modules_loaded(["tf1_graphs"])


def test_importing_tf1_graphs_loads_tensorflow_only_when_tf_is_used():
    """`python -m tf1_graphs` imports the package: a program that never imports TensorFlow runs without it."""
    probe = ("import sys, tf1_graphs; print('tensorflow' in sys.modules)\n"
             "tf1_graphs.tf.placeholder; print('tensorflow' in sys.modules, tf1_graphs.tf.executing_eagerly())")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.stdout.splitlines() == ["False", "True False"]  # then loaded, in graph mode
