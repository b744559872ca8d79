"""`TrainSpec`, `EvalSpec` and `train_and_evaluate`, run locally as TF 1.15's local executor did.

One process trains; every checkpoint the training saves (after the first, which holds the
untrained model) is evaluated, unless the last evaluation began less than
`EvalSpec.throttle_secs` ago, and the final checkpoint is always evaluated; after each
evaluation the exporters run.  `start_delay_secs` only matters to a separate evaluator
process, which is not provided, so locally it is unused, as in TF 1.15.
"""
import collections
import os
import time

import tensorflow as _tf
from tensorflow.python.util.compat import as_str_any

from tf1_graphs.estimator.estimator import Estimator
from tf1_graphs.estimator.exporter import Exporter
from tf1_graphs.estimator.model_fn import checked_instances

_v1 = _tf.compat.v1


def _checked_input_fn(input_fn):
    if not callable(input_fn):
        raise TypeError(f"`input_fn` must be callable, given: {input_fn}")


def _checked_hooks(hooks):
    return checked_instances(hooks, _v1.train.SessionRunHook, "All hooks must be `SessionRunHook` instances, given: {}")


def _checked_exporters(exporters):
    if not exporters:
        return ()
    if isinstance(exporters, Exporter):
        exporters = [exporters]
    try:
        exporters = list(exporters)
    except TypeError:
        exporters = None
    if exporters is None or not all(isinstance(e, Exporter) for e in exporters):
        raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or `None`, found {exporters}.")
    names = [e.name for e in exporters]
    for name in names:
        if not name:
            raise ValueError(f"An Exporter cannot have a name that is `None` or empty. All exporter names: {names}")
        if not isinstance(name, str):
            raise ValueError(f"An Exporter must have a string name. Given: {type(name)}")
    if len(set(names)) != len(names):
        raise ValueError("`exporters` must have unique names. Such a name cannot be `None`. "
                         f"All exporter names: {names}")
    return tuple(exporters)


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks"])):
    """The training half of `train_and_evaluate`: its input, how long (`max_steps`, None: forever), hooks."""

    def __new__(cls, input_fn, max_steps=None, hooks=None):
        _checked_input_fn(input_fn)
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        return super().__new__(cls, input_fn=input_fn, max_steps=max_steps, hooks=_checked_hooks(hooks))


class EvalSpec(collections.namedtuple("EvalSpec", [
        "input_fn", "steps", "name", "hooks", "exporters", "start_delay_secs", "throttle_secs"])):
    """The evaluation half: its input, `steps` batches (None: all), and at most one evaluation per `throttle_secs`."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None, start_delay_secs=120,
                throttle_secs=600):
        _checked_input_fn(input_fn)
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        hooks = _checked_hooks(hooks)
        exporters = _checked_exporters(exporters)
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn=input_fn, steps=steps, name=name, hooks=hooks, exporters=exporters,
                               start_delay_secs=start_delay_secs, throttle_secs=throttle_secs)


class _Evaluator:
    """Evaluates the newest checkpoint (once per checkpoint) and runs the exporters on it."""

    def __init__(self, estimator, eval_spec, max_training_steps):
        self._estimator = estimator
        self._eval_spec = eval_spec
        self._max_training_steps = max_training_steps
        self._previous_checkpoint = None

    def evaluate_and_export(self):
        """(metrics, export results); metrics None when there is no new checkpoint to evaluate."""
        checkpoint = self._estimator.latest_checkpoint()
        if not checkpoint:
            _v1.logging.warning("Estimator is not trained yet. Will start an evaluation when a checkpoint is ready.")
            return None, []
        if checkpoint == self._previous_checkpoint:
            _v1.logging.warning("No new checkpoint ready for evaluation. Skip the current evaluation pass as "
                                "evaluation results are expected to be same for the same checkpoint.")
            return None, []
        metrics = self._estimator.evaluate(input_fn=self._eval_spec.input_fn, steps=self._eval_spec.steps,
                                           name=self._eval_spec.name, checkpoint_path=checkpoint,
                                           hooks=self._eval_spec.hooks)
        if not metrics:
            raise ValueError("Internal error: `Estimator.evaluate` should never return empty metrics.")
        if not isinstance(metrics, dict):
            raise TypeError(f"`Estimator.evaluate` should return dict. Given {type(metrics)}.")
        if _v1.GraphKeys.GLOBAL_STEP not in metrics:
            raise ValueError(f"Internal error: `Estimator.evaluate` result should have `global_step` in result. "
                             f"Given {metrics}")
        is_final = bool(self._max_training_steps) and (
            metrics[_v1.GraphKeys.GLOBAL_STEP] >= self._max_training_steps)
        export_base = os.path.join(as_str_any(self._estimator.model_dir), "export")
        exports = [exporter.export(estimator=self._estimator, export_path=os.path.join(export_base, exporter.name),
                                   checkpoint_path=checkpoint, eval_result=metrics, is_the_final_export=is_final)
                   for exporter in self._eval_spec.exporters]
        self._previous_checkpoint = checkpoint
        return metrics, exports


class _EvaluateAfterSaving(_v1.train.CheckpointSaverListener):
    """Evaluates after each save but the first (the untrained model), throttled, and after the last."""

    def __init__(self, evaluator, throttle_secs):
        self._evaluator = evaluator
        self._throttle_secs = throttle_secs
        self.metrics, self.export_results = None, None

    def begin(self):
        self._last_start = None
        self._last_step = None
        self._first = True

    def after_save(self, session, global_step_value):
        if self._first:
            self._first = False
            return
        if self._last_step is None or (global_step_value != self._last_step
                                       and time.time() - self._last_start >= self._throttle_secs):
            self._evaluate(global_step_value)
        else:
            _v1.logging.info(f"Skip the current checkpoint eval due to throttle secs ({self._throttle_secs} secs).")

    def end(self, session, global_step_value):
        if global_step_value != self._last_step:
            self._evaluate(global_step_value)

    def _evaluate(self, global_step_value):
        self._last_start, self._last_step = time.time(), global_step_value
        metrics, self.export_results = self._evaluator.evaluate_and_export()
        if metrics is None:
            raise RuntimeError("There was no new checkpoint after the training.")
        self.metrics = metrics


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains `estimator` per `train_spec`, evaluating (and exporting) per `eval_spec` as checkpoints appear.

    Returns (the last evaluation's metrics, the last export results), as TF 1.15's local run did.
    """
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: {type(eval_spec)}")
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: {type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: {type(train_spec)}")
    config = estimator.config
    _v1.logging.info("Not using Distribute Coordinator.")  # TF 1.15's line; no distributed runs here
    _v1.logging.info("Running training and evaluation locally (non-distributed).")
    _v1.logging.info("Start train and evaluate loop. The evaluate will happen after every checkpoint. Checkpoint "
                     "frequency is determined based on RunConfig arguments: save_checkpoints_steps "
                     f"{config.save_checkpoints_steps} or save_checkpoints_secs {config.save_checkpoints_secs}.")
    listener = _EvaluateAfterSaving(_Evaluator(estimator, eval_spec, train_spec.max_steps), eval_spec.throttle_secs)
    estimator.train(input_fn=train_spec.input_fn, max_steps=train_spec.max_steps, hooks=list(train_spec.hooks),
                    saving_listeners=[listener])
    return listener.metrics, listener.export_results
