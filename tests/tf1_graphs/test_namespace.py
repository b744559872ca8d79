"""`from tf1_graphs import tf` behaves like TF 1.x: graph mode, v1 names, the contrib pieces."""
import os
import subprocess
import sys

import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided
from tf1_graphs.refusals import NotProvided, tf115_names

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_graph_mode_and_v1_names():
    assert not tf.executing_eagerly()
    for name in ("placeholder", "Session", "variable_scope", "get_variable", "global_variables_initializer",
                 "random_normal_initializer", "GraphKeys", "assign", "trainable_variables"):
        assert hasattr(tf, name), name
    assert tf.train.AdamOptimizer and tf.nn.dynamic_rnn and tf.nn.rnn_cell.BasicLSTMCell
    assert tf.layers.dense and tf.contrib.rnn.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell


def test_v1_initializer_defaults_are_tf1s():
    """FACTS.md's initializer trap: the v1 normal initializer has stddev 1.0, not TF 2's 0.05."""
    assert tf.random_normal_initializer().stddev == 1.0
    assert (tf.random_uniform_initializer().minval, tf.random_uniform_initializer().maxval) == (0, None)


def test_reference_variables_as_in_tf1(graph):
    v = tf.Variable(1.0)
    assert type(v).__name__ == "RefVariable"


@pytest.mark.parametrize("name", ["slim", "tensor_forest", "tpu"])
def test_unknown_contrib_module_is_named_in_the_error(name):
    with pytest.raises(ContribNotProvided, match=rf"tf\.contrib\.{name} is not provided"):
        getattr(tf.contrib, name)


def test_unknown_top_level_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="^module 'tensorflow' has no attribute 'no_such_op'$") as raised:
        tf.no_such_op
    assert not isinstance(raised.value, NotProvided)  # TF 1.15 never had it: not ours to refuse


def test_every_tf115_top_level_name_is_there_or_refused_by_name():
    """TF 1.15's 632 top-level names (recorded from 1.15.5): all but estimator and pywrap_tensorflow are here."""
    refused = []
    for name in sorted(tf115_names("tf")):
        try:
            getattr(tf, name)
        except NotProvided as refusal:
            assert str(refusal).startswith(f"tf.{name} is not provided by tf1_graphs")
            refused.append(name)
    assert len(tf115_names("tf")) == 632 and set(refused) <= {"estimator", "pywrap_tensorflow"}
    assert "pywrap_tensorflow" in refused  # the twin: a dropped name does not pass for a present one


def _python(code, **env):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_tensorflow_imported_the_keras3_way_is_refused_clearly():
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    result = subprocess.run([sys.executable, "-c", "import tensorflow; import tf1_graphs"], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode != 0
    assert "import tf1_graphs before tensorflow" in result.stderr.lower()


def test_tensorflow_imported_with_legacy_keras_set_is_accepted():
    result = _python("import tensorflow; from tf1_graphs import tf; print(tf.nn.rnn_cell.BasicLSTMCell(2).state_size)",
                     TF_USE_LEGACY_KERAS="1")
    assert result.returncode == 0, result.stderr
    assert "LSTMStateTuple(c=2, h=2)" in result.stdout
