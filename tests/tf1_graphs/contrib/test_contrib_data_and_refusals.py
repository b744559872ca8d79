"""contrib.data's aliases of tf.data.experimental, and the contrib modules that stay out."""
import numpy as np
import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided


@pytest.mark.parametrize("name", ["group_by_window", "bucket_by_sequence_length", "shuffle_and_repeat", "unbatch"])
def test_moved_names_are_tf_data_experimental(name):
    assert getattr(tf.contrib.data, name) is getattr(tf.data.experimental, name)


def test_batch_and_drop_remainder(session):
    batches = tf.data.Dataset.range(7).apply(tf.contrib.data.batch_and_drop_remainder(3))
    get = tf.data.make_one_shot_iterator(batches).get_next()
    assert get.shape.as_list() == [3]  # the static batch size that dropping the remainder buys
    np.testing.assert_array_equal([session.run(get) for _ in range(2)], [[0, 1, 2], [3, 4, 5]])
    with pytest.raises(tf.errors.OutOfRangeError):
        session.run(get)  # the short [6] batch was dropped


@pytest.mark.parametrize("name", ["tensor_forest", "slim", "tpu", "distribute", "estimator", "keras"])
def test_modules_that_stay_out_are_refused_by_name(name):
    with pytest.raises(ContribNotProvided, match=rf"^tf\.contrib\.{name} is not provided by tf1_graphs \("):
        getattr(tf.contrib, name)


@pytest.mark.parametrize("module,name", [("learn", "Estimator"), ("learn", "datasets"), ("data", "LMDBDataset"),
                                         ("training", "bucket_by_sequence_length")])
def test_names_left_out_of_provided_modules_are_refused_by_name(module, name):
    with pytest.raises(ContribNotProvided, match=rf"tf\.contrib\.{module}\.{name} is not provided by tf1_graphs"):
        getattr(getattr(tf.contrib, module), name)


def test_python_probes_stay_plain_attribute_errors():
    assert not hasattr(tf.contrib.learn, "__wrapped__")
    with pytest.raises(AttributeError) as raised:
        tf.contrib.layers.__wrapped__
    assert type(raised.value) is AttributeError
