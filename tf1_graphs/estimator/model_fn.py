"""`ModeKeys` and `EstimatorSpec`: what a `model_fn` is told and what it must hand back.

`ModeKeys` is TensorFlow's own `EstimatorModeKeys` (TF 1.15's `tf.estimator.ModeKeys` was that
very class, and TF 2.21 still ships it), so `mode == tf.estimator.ModeKeys.TRAIN` compares
the same strings ('train', 'eval', 'infer').  `EstimatorSpec` checks its fields as TF 1.15
did, on construction, so a `model_fn` that forgets its `train_op` fails where it returns.
"""
import collections

import tensorflow as _tf
from tensorflow.python.saved_model.model_utils.export_output import ExportOutput, PredictOutput
from tensorflow.python.saved_model.model_utils.mode_keys import EstimatorModeKeys as ModeKeys

_v1 = _tf.compat.v1

LOSS_METRIC_KEY = "loss"  # the metric every evaluation reports, the mean of the spec's loss

_NOT_IN_DEFAULT_GRAPH = (
    '{0} with "{1}" must be from the default graph. Possible causes of this error include: \n\n'
    "1) {0} was created outside the context of the default graph.\n\n"
    '2) The object passed through to EstimatorSpec was not created in the most recent call to "model_fn".')


def _in_default_graph(value, what, name):
    if value.graph is not _v1.get_default_graph():
        raise ValueError(_NOT_IN_DEFAULT_GRAPH.format(what, name))


def _is_tensor(value):
    """A dense tensor or a variable: what TF 1.15's `is_dense_tensor_like` accepted."""
    return isinstance(value, (_tf.Tensor, _tf.Variable))


def _checked_tensor(value, what):
    if not _is_tensor(value):
        raise TypeError(f"{what} must be Tensor, given: {value}")
    return value


def _checked_train_op(train_op, mode):
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if isinstance(train_op, _tf.Variable):
        train_op = train_op.op
    if not isinstance(train_op, (_tf.Operation, _tf.Tensor)):
        raise TypeError(f"train_op must be Operation or Tensor, given: {train_op}")
    _in_default_graph(train_op, "train_op", train_op.name)
    return train_op


def _checked_loss(loss, mode):
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _checked_tensor(loss, "loss")
    shape = loss.get_shape()
    if shape.num_elements() not in (None, 1):
        raise ValueError(f"Loss must be scalar, given: {loss}")
    if not shape.is_compatible_with([]):
        loss = _tf.reshape(loss, [])  # a [1]-shaped loss is accepted and made a scalar
    _in_default_graph(loss, "loss", loss.name)
    return loss


def _checked_predictions(predictions, mode):
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        predictions = {k: _checked_tensor(v, f"predictions[{k}]") for k, v in predictions.items()}
        for key, value in predictions.items():
            _in_default_graph(value, "prediction values", f"{key}: {value.name}")
        return predictions
    predictions = _checked_tensor(predictions, "predictions")
    _in_default_graph(predictions, "prediction values", predictions.name)
    return predictions


def _checked_export_outputs(export_outputs, predictions):
    """The serving signatures: a PredictOutput of the predictions if none, one always the default."""
    default_key = _tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY
    if export_outputs is None:
        export_outputs = {default_key: PredictOutput(predictions)}
    if not isinstance(export_outputs, dict):
        raise TypeError(f"export_outputs must be dict, given: {export_outputs}")
    if not all(isinstance(output, ExportOutput) for output in export_outputs.values()):
        raise TypeError(f"Values in export_outputs must be ExportOutput objects. Given: {export_outputs}")
    if len(export_outputs) == 1 and default_key not in export_outputs:
        export_outputs[default_key] = next(iter(export_outputs.values()))
    if len(export_outputs) > 1 and default_key not in export_outputs:
        raise ValueError("Multiple export_outputs were provided, but none of them is specified as the default.  Do "
                         "this by naming one of them with signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY.")
    return export_outputs


def checked_instances(items, kind, message, container=tuple):
    """`items` (None: none) as a `container` of `kind`s; else TypeError(message.format(item)),
    each caller with TF 1.15's own wording."""
    items = container(items or [])
    for item in items:
        if not isinstance(item, kind):
            raise TypeError(message.format(item))
    return items


def _checked_hooks(hooks):
    return checked_instances(hooks, _v1.train.SessionRunHook, "All hooks must be SessionRunHook instances, given: {}")


def _checked_metrics(eval_metric_ops):
    """`{name: (value, update_op)}`; a Keras-style `Metric` object becomes its (result, update) pair."""
    if eval_metric_ops is None:
        return {}
    if not isinstance(eval_metric_ops, dict):
        raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
    checked = {}
    for key, value in eval_metric_ops.items():
        if hasattr(value, "updates") and hasattr(value, "result"):  # a tf.keras.metrics.Metric
            if not value.updates:
                raise ValueError(f'Please call update_state(...) on the "{value.name}" metric')
            for tensor in list(value.updates) + [value.result()]:
                _in_default_graph(tensor, "eval_metric_ops", f"{key}: {tensor.name}")
            for variable in value.variables:
                for collection in (_v1.GraphKeys.LOCAL_VARIABLES, _v1.GraphKeys.METRIC_VARIABLES):
                    if variable not in _v1.get_collection(collection):
                        _v1.add_to_collection(collection, variable)
            checked[key] = (value.result(), value.updates[0])
            continue
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) tuples, "
                            f"given: {value} for key: {key}")
        for tensor in _tf.nest.flatten(value):
            _in_default_graph(tensor, "eval_metric_ops", f"{key}: {tensor.name}")
        checked[key] = value
    return checked


class EstimatorSpec(collections.namedtuple("EstimatorSpec", [
        "mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
        "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks", "prediction_hooks"])):
    """What a `model_fn` returns: TRAIN needs `loss` and `train_op`, EVAL `loss`, PREDICT `predictions`."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None, scaffold=None,
                evaluation_hooks=None, prediction_hooks=None):
        # checked in TF 1.15's order, so a spec with several faults names the same one first
        train_op = _checked_train_op(train_op, mode)
        loss = _checked_loss(loss, mode)
        predictions = _checked_predictions(predictions, mode)
        if mode == ModeKeys.PREDICT:  # a default PredictOutput when the model_fn gives none
            export_outputs = _checked_export_outputs(export_outputs, predictions)
        training_hooks = _checked_hooks(training_hooks)
        evaluation_hooks = _checked_hooks(evaluation_hooks)
        prediction_hooks = _checked_hooks(prediction_hooks)
        training_chief_hooks = _checked_hooks(training_chief_hooks)
        eval_metric_ops = _checked_metrics(eval_metric_ops)
        scaffold = scaffold or _v1.train.Scaffold()
        if not isinstance(scaffold, _v1.train.Scaffold):
            raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
        return super().__new__(
            cls, mode=mode, predictions=predictions, loss=loss, train_op=train_op,
            eval_metric_ops=eval_metric_ops, export_outputs=export_outputs,
            training_chief_hooks=training_chief_hooks, training_hooks=training_hooks,
            scaffold=scaffold, evaluation_hooks=evaluation_hooks, prediction_hooks=prediction_hooks)

    def _replace(self, **changes):
        if "mode" in changes and changes["mode"] != self.mode:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(**dict(self._asdict(), **changes))
