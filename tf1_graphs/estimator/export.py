"""`tf.estimator.export`: what a serving graph is fed (input receivers) and what it answers (outputs).

The `ExportOutput` classes are TensorFlow's own (TF 1.15 exported these very classes, and TF
2.21 still ships them for SavedModel signatures); the receivers and the receiver functions
are rebuilt here with TF 1.15's names, checks and placeholder names, and so are the supervised
receivers that export TRAIN and EVAL graphs (`experimental_export_all_saved_models`).
"""
import collections

import tensorflow as _tf
from tensorflow.python.saved_model.model_utils.export_output import (  # noqa: F401  (public names)
    ClassificationOutput, ExportOutput, PredictOutput, RegressionOutput)
from tensorflow.python.saved_model.model_utils.export_utils import (
    SINGLE_FEATURE_DEFAULT_NAME, SINGLE_LABEL_DEFAULT_NAME, SINGLE_RECEIVER_DEFAULT_NAME)

from tf1_graphs.estimator.estimator import features_and_labels

_v1 = _tf.compat.v1
_DEFAULT_NAMES = {"feature": SINGLE_FEATURE_DEFAULT_NAME, "label": SINGLE_LABEL_DEFAULT_NAME,
                  "receiver_tensor": SINGLE_RECEIVER_DEFAULT_NAME,
                  "receiver_tensors_alternative": SINGLE_RECEIVER_DEFAULT_NAME}


def _check_tensor(tensor, name, label):
    """A Tensor or SparseTensor, or (as TF 1.15 allowed) an object wrapping one in `.tensor` that converts."""
    if isinstance(tensor, (_tf.Tensor, _tf.SparseTensor)):
        return
    if hasattr(tensor, "tensor"):
        try:
            _tf.convert_to_tensor(tensor)
            return
        except TypeError:
            pass
    named = f" {name}" if name else ""
    raise ValueError(f"{label}{named} must be a Tensor or SparseTensor.")


def _wrapped_and_checked(tensors, label, allow_int_keys=False):
    """A dict of named tensors: a lone tensor is given the default name for `label`."""
    if tensors is None:
        raise ValueError(f"{label}s must be defined.")
    if not isinstance(tensors, dict):
        tensors = {_DEFAULT_NAMES[label]: tensors}
    for name, tensor in tensors.items():
        if not isinstance(name, str):
            if not allow_int_keys:
                raise ValueError(f"{label} keys must be strings: {name}.")
            if not isinstance(name, int):
                raise ValueError(f"{label} keys must be strings or ints: {name}.")
        _check_tensor(tensor, name, label)
    return tensors


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors", "receiver_tensors_alternatives"])):
    """The features a serving graph gives the model_fn (always a dict), and the tensors it is fed."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        features = _wrapped_and_checked(features, "feature", allow_int_keys=True)
        receiver_tensors = _wrapped_and_checked(receiver_tensors, "receiver_tensor")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError(f"receiver_tensors_alternatives must be a dict: {receiver_tensors_alternatives}.")
            for name, alternative in receiver_tensors_alternatives.items():
                receiver_tensors_alternatives[name] = _wrapped_and_checked(alternative, "receiver_tensors_alternative")
        return super().__new__(cls, features=features, receiver_tensors=receiver_tensors,
                               receiver_tensors_alternatives=receiver_tensors_alternatives)


class TensorServingInputReceiver(collections.namedtuple(
        "TensorServingInputReceiver", ["features", "receiver_tensors", "receiver_tensors_alternatives"])):
    """Like `ServingInputReceiver`, for a model_fn that takes one tensor as its features, not a dict."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        if features is None:
            raise ValueError("features must be defined.")
        _check_tensor(features, None, "feature")
        receiver = ServingInputReceiver(features, receiver_tensors, receiver_tensors_alternatives)
        return super().__new__(cls, features=receiver.features[SINGLE_FEATURE_DEFAULT_NAME],
                               receiver_tensors=receiver.receiver_tensors,
                               receiver_tensors_alternatives=receiver.receiver_tensors_alternatives)


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A receiver fn fed serialized `tf.Example`s (`input_example_tensor`), parsed by `feature_spec`."""

    def serving_input_receiver_fn():
        serialized = _v1.placeholder(dtype=_tf.string, shape=[default_batch_size], name="input_example_tensor")
        return ServingInputReceiver(_v1.parse_example(serialized, feature_spec), {"examples": serialized})

    return serving_input_receiver_fn


def _placeholder_like(tensor, default_batch_size):
    shape = _tf.TensorShape([default_batch_size]).concatenate(tensor.get_shape()[1:])
    name = getattr(getattr(tensor, "op", None), "name", None)
    return _v1.placeholder(dtype=tensor.dtype, shape=shape, name=name)


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A receiver fn fed the features themselves: one placeholder per feature, shaped like it but the batch."""

    def serving_input_receiver_fn():
        placeholders = {name: _placeholder_like(t, default_batch_size) for name, t in features.items()}
        return ServingInputReceiver(placeholders, placeholders)

    return serving_input_receiver_fn



class SupervisedInputReceiver(collections.namedtuple(
        "SupervisedInputReceiver", ["features", "labels", "receiver_tensors"])):
    """Features and labels fed to a TRAIN or EVAL graph exported beside the serving one."""

    def __new__(cls, features, labels, receiver_tensors):
        _wrapped_and_checked(features, "feature", allow_int_keys=True)
        _wrapped_and_checked(labels, "label", allow_int_keys=True)
        receiver_tensors = _wrapped_and_checked(receiver_tensors, "receiver_tensor")
        return super().__new__(cls, features=features, labels=labels, receiver_tensors=receiver_tensors)


def build_raw_supervised_input_receiver_fn(features, labels, default_batch_size=None):
    """A receiver fn fed features and labels as the model_fn takes them (tensors or dicts), by placeholders."""
    feature_keys = features.keys() if isinstance(features, dict) else [SINGLE_RECEIVER_DEFAULT_NAME]
    label_keys = labels.keys() if isinstance(labels, dict) else [SINGLE_LABEL_DEFAULT_NAME]
    overlap = set(feature_keys) & set(label_keys)
    if overlap:
        raise ValueError(f"Features and labels must have distinct keys. Found overlapping keys: {overlap}")

    def placeholders(tensors, single_name):
        if isinstance(tensors, dict):
            made = {name: _placeholder_like(t, default_batch_size) for name, t in tensors.items()}
            return made, made
        made = _placeholder_like(tensors, default_batch_size)
        return made, {single_name: made}

    def supervised_input_receiver_fn():
        features_in, receiver_features = placeholders(features, SINGLE_RECEIVER_DEFAULT_NAME)
        labels_in, receiver_labels = placeholders(labels, SINGLE_LABEL_DEFAULT_NAME)
        return SupervisedInputReceiver(features_in, labels_in, dict(receiver_features, **receiver_labels))

    return supervised_input_receiver_fn


def build_supervised_input_receiver_fn_from_input_fn(input_fn, **input_fn_args):
    """The supervised receiver fn whose placeholders match what `input_fn` returns (called in a scratch graph)."""
    with _tf.Graph().as_default():
        features, labels, _ = features_and_labels(input_fn(**input_fn_args))
    return build_raw_supervised_input_receiver_fn(features, labels)
