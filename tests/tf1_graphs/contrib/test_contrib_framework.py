"""contrib.framework: arg_scope semantics, the variable getters' matching, global step, nest."""
import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided

framework = tf.contrib.framework


@framework.add_arg_scope
def _op(a, b=1, c=2):
    return a, b, c


def _plain(a, b=1):
    return a, b


def test_arg_scope_supplies_defaults_and_explicit_arguments_win():
    with framework.arg_scope([_op], b=10):
        assert _op(0) == (0, 10, 2)
        assert _op(0, b=5) == (0, 5, 2)
        with framework.arg_scope([_op], c=20) as inner:
            assert _op(0) == (0, 10, 20)
        assert _op(0) == (0, 10, 2)
    assert _op(0) == (0, 1, 2)  # outside, the function's own defaults again
    with framework.arg_scope(inner):
        assert _op(0) == (0, 10, 20)


def test_arg_scope_reaches_contrib_layers(graph):
    with framework.arg_scope([tf.contrib.layers.fully_connected], activation_fn=None, scope="fc"):
        y = tf.contrib.layers.fully_connected(tf.zeros([1, 2]), 3)
    assert y.op.type == "BiasAdd" and y.op.name.startswith("fc/")
    assert framework.has_arg_scope(tf.contrib.layers.batch_norm)
    assert "is_training" in framework.arg_scoped_arguments(tf.contrib.layers.batch_norm)


def test_arg_scoped_arguments_are_those_with_defaults_as_in_tf115():
    @framework.add_arg_scope
    def func3(args, a=None, b=1, c=2):
        return args, a, b, c
    names = framework.arg_scoped_arguments(func3)
    assert names == ("a", "b", "c")  # TF 1.15.5 (and its arg_scope_test): ('a', 'b', 'c')
    assert names != ("args", "a", "b", "c")  # the twin: every argument, as we listed them before


def test_arg_scope_errors():
    with pytest.raises(ValueError, match="_plain is not decorated with @add_arg_scope"):
        with framework.arg_scope([_plain], b=2):
            pass
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with framework.arg_scope({}, b=2):
            pass
    with pytest.raises(TypeError, match="list_ops_or_scope must either be a list/tuple or reused scope"):
        with framework.arg_scope(_op, b=2):
            pass


def test_variable_getters_match_as_tf115(graph):
    with tf.variable_scope("a"):
        w = tf.get_variable("weights", [1])
        tf.get_variable("my_weights", [1])
        m = framework.model_variable("b", [1])
    with tf.variable_scope("ab"):
        tf.get_variable("weights", [1])
    names = lambda vs: [v.op.name for v in vs]  # noqa: E731
    assert names(framework.get_variables_by_name("weights")) == ["a/weights", "ab/weights"]
    assert names(framework.get_variables_by_name("weights", scope="ab")) == ["ab/weights"]
    assert names(framework.get_variables("a")) == ["a/weights", "a/my_weights", "a/b", "ab/weights"]  # a prefix regex
    assert names(framework.get_variables(suffix="b")) == ["a/b"]
    assert framework.get_model_variables() == [m] and framework.get_unique_variable("a/weights") is w
    assert names(framework.get_variables_to_restore(exclude=["ab"])) == ["a/weights", "a/my_weights", "a/b"]


def test_global_step_is_created_once(graph):
    step = framework.get_or_create_global_step()
    assert framework.get_or_create_global_step() is step and step.op.name == "global_step"
    assert framework.get_global_step() is step


def test_nest_keeps_tf115_names():
    assert framework.nest.is_sequence((1, 2)) and not framework.nest.is_sequence(1)
    assert framework.nest.flatten({"b": [1, 2], "a": 3}) == [3, 1, 2]


def test_left_out_names_are_refused():
    with pytest.raises(ContribNotProvided, match=r"tf\.contrib\.framework\.load_checkpoint is not provided"):
        framework.load_checkpoint
