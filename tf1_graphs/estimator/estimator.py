"""`Estimator`: TF 1.15's train / evaluate / predict / export loop around a user's `model_fn`.

TensorFlow 2.16 removed `tf.estimator`, but what it was built on is still in TF 2.21's v1
API: `MonitoredTrainingSession` and its hooks, `Saver`, the evaluation loop
(`evaluation._evaluate_once`), `SavedModelBuilder` and the export signatures.  This module
wires them together as TF 1.15's Estimator did, so a TF 1.x program gets the same graph
(global step first, then the input, then the model), the same checkpoints in `model_dir`
(`model.ckpt-<step>`, sharded, relative paths, `graph.pbtxt`), the same metrics dict from
`evaluate` (the model's metrics, the mean `loss`, `global_step`) and the same INFO log lines
(`loss = ..., step = ...` every `log_step_count_steps`).  Distribution strategies and
clusters are not provided (`RunConfig` refuses them).
"""
import copy
import os
import tempfile

import numpy as np
import tensorflow as _tf
from tensorflow.python.platform import tf_logging as _logging
from tensorflow.python.saved_model.model_utils import export_utils
from tensorflow.python.training import evaluation as _evaluation
from tensorflow.python.training import training_util as _training_util
from tensorflow.python.util.function_utils import fn_args

from tf1_graphs.estimator.model_fn import LOSS_METRIC_KEY, EstimatorSpec, ModeKeys, checked_instances
from tf1_graphs.estimator.run_config import RunConfig, TaskType, get_default_session_config
from tf1_graphs.estimator.warm_start import warm_start_settings_from

_v1 = _tf.compat.v1
_VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}
_OVERRIDABLE = {"model_fn", "_create_and_assert_global_step", "_export_all_saved_models"}


class _DatasetInitializerHook(_v1.train.SessionRunHook):
    """Initializes the iterator an input_fn's `Dataset` is read through, once the session exists."""

    def __init__(self, iterator):
        self._iterator = iterator

    def begin(self):
        self._initializer = self._iterator.initializer

    def after_create_session(self, session, coord):
        session.run(self._initializer)


def features_and_labels(result):
    """(features, labels or None, input hooks) from what an `input_fn` returned."""
    hooks = []
    if isinstance(result, _tf.data.Dataset):
        iterator = _v1.data.make_initializable_iterator(result)
        hooks.append(_DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1], hooks
    return result, None, hooks


def _config_with_model_dir(config, model_dir):
    """The estimator's config: a default one, with a session config, and a model_dir (a temp dir if none)."""
    if config is None:
        config = RunConfig()
        _logging.info("Using default config.")
    if not isinstance(config, RunConfig):
        raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
    if config.session_config is None:
        config = config.replace(session_config=get_default_session_config())
    if model_dir is not None:
        model_dir = os.fspath(model_dir)
        if config.model_dir is not None and config.model_dir != model_dir:
            raise ValueError("`model_dir` are set both in constructor and `RunConfig`, but with different values. "
                             f"In constructor: '{model_dir}', in `RunConfig`: '{config.model_dir}' ")
    if model_dir:
        config = config.replace(model_dir=model_dir)
    elif config.model_dir is None:
        model_dir = tempfile.mkdtemp()
        _logging.warning("Using temporary folder as model directory: %s", model_dir)
        config = config.replace(model_dir=model_dir)
    return config


def _verify_model_fn_args(model_fn, params):
    args = set(fn_args(model_fn))
    if "features" not in args:
        raise ValueError(f"model_fn ({model_fn}) must include features argument.")
    if params is not None and "params" not in args:
        raise ValueError(f"model_fn ({model_fn}) does not include params argument, "
                         f"but params ({params}) is passed to Estimator.")
    if params is None and "params" in args:
        _logging.warning("Estimator's model_fn (%s) includes params argument, but params are not passed to "
                         "Estimator.", model_fn)
    unexpected = list(args - _VALID_MODEL_FN_ARGS)
    if unexpected:
        raise ValueError(f"model_fn ({model_fn}) has following not expected args: {unexpected}")


def _checked_hooks(hooks):
    return checked_instances(hooks, _v1.train.SessionRunHook, "Hooks must be a SessionRunHook, given: {}", list)


def _checked_listeners(listeners):
    return checked_instances(listeners, _v1.train.CheckpointSaverListener,
                             "saving_listeners must be a list of CheckpointSaverListener, given: {}", list)


def _global_step_in(checkpoint_dir):
    """The global step of the newest checkpoint in `checkpoint_dir`, 0 if there is none."""
    try:
        return _v1.train.NewCheckpointReader(_v1.train.latest_checkpoint(checkpoint_dir)).get_tensor(
            _v1.GraphKeys.GLOBAL_STEP)
    except Exception:  # no checkpoint, or none with a global step: TF 1.15 starts from 0 either way
        return 0


def _dict_to_str(dictionary):
    return ", ".join(f"{k} = {v}" for k, v in sorted(dictionary.items()) if not isinstance(v, bytes))


def _write_dict_to_summary(output_dir, dictionary, global_step):
    """The evaluation results as summaries of step `global_step` in `output_dir` (TensorBoard's eval run)."""
    _logging.info("Saving dict for global step %d: %s", global_step, _dict_to_str(dictionary))
    summary = _v1.Summary()
    for key, value in dictionary.items():
        if value is None or key == "global_step":
            continue
        if isinstance(value, (np.float32, float, np.int64, np.int32, int)):
            summary.value.add(tag=key, simple_value=float(value))
        elif isinstance(value, bytes):
            try:
                parsed = _v1.Summary.FromString(value)
            except Exception:  # not a serialized Summary: TF 1.15 skipped it with this warning
                _logging.warning("Skipping summary for %s, cannot parse string to Summary.", key)
                continue
            for i, item in enumerate(parsed.value):
                item.tag = f"{key}/{i}"
            summary.value.extend(parsed.value)
        elif isinstance(value, np.ndarray):
            item = summary.value.add(tag=key, node_name=key)
            item.tensor.CopyFrom(_tf.make_tensor_proto(value))
        else:
            _logging.warning("Skipping summary for %s, must be a float, np.float32, np.int64, np.int32 or int or "
                             "np.ndarray or a serialized string of Summary.", key)
    writer = _v1.summary.FileWriterCache.get(output_dir)
    writer.add_summary(summary, global_step)
    writer.flush()


def _write_checkpoint_path_to_summary(output_dir, checkpoint_path, global_step):
    _logging.info("Saving 'checkpoint_path' summary for global step %d: %s", global_step, checkpoint_path)
    summary = _v1.Summary()
    summary.value.add(tag="checkpoint_path", tensor=_tf.make_tensor_proto(checkpoint_path, dtype=_tf.string))
    writer = _v1.summary.FileWriterCache.get(output_dir)
    writer.add_summary(summary, global_step)
    writer.flush()


def _has_dataset_or_queue_runner(features):
    tensors = [t for t in _tf.nest.flatten(features) if isinstance(t, _tf.Tensor)]
    if any(t.op.type == "IteratorGetNext" for t in tensors):
        return True
    return bool(_v1.get_collection(_v1.GraphKeys.QUEUE_RUNNERS))


class Estimator:
    """Trains, evaluates, predicts with and exports a `model_fn`, keeping checkpoints in `model_dir`."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None, warm_start_from=None):
        self._assert_members_are_not_overridden()
        self._config = _config_with_model_dir(config, model_dir)
        self._model_dir = self._config.model_dir
        self._session_config = self._config.session_config
        _logging.info("Using config: %s", str(vars(self._config)))
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        _verify_model_fn_args(model_fn, params)
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})
        self._warm_start_settings = warm_start_settings_from(warm_start_from)

    def _assert_members_are_not_overridden(self):
        """TF 1.15 let subclasses add to Estimator but not change what it does."""
        if type(self).__name__ == "TPUEstimator":
            return
        mine = {name for name in dir(Estimator) if not name.startswith("__")}
        overridden = [name for name in (mine & set(type(self).__dict__)) - _OVERRIDABLE
                      if getattr(Estimator, name) != getattr(type(self), name)]
        if overridden:
            raise ValueError("Subclasses of Estimator cannot override members of Estimator. "
                             f"{type(self)} does override {overridden}")

    @property
    def model_dir(self):
        return self._model_dir

    @property
    def config(self):
        return copy.deepcopy(self._config)

    @property
    def params(self):
        return copy.deepcopy(self._params)

    @property
    def model_fn(self):
        """The model_fn bound to this estimator's params: `model_fn(features, labels, mode, config)`."""

        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)

        return public_model_fn

    def get_variable_value(self, name):
        self._check_checkpoint_available()
        return _v1.train.load_variable(self.model_dir, name)

    def get_variable_names(self):
        self._check_checkpoint_available()
        return [name for name, _ in _v1.train.list_variables(self.model_dir)]

    def latest_checkpoint(self):
        return _v1.train.latest_checkpoint(self.model_dir)

    def eval_dir(self, name=None):
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    def _check_checkpoint_available(self):
        if not _v1.train.latest_checkpoint(self.model_dir):
            raise ValueError(f"Could not find trained model in model_dir: {self.model_dir}.")

    # -- building the graph ------------------------------------------------------------------

    def _new_graph(self):
        """A fresh graph with the config's seed.  Without one, a seed the graph already has (the
        runner's `--seed`) is kept: TF 1.15 set `None` on a fresh, unseeded graph, the same thing."""
        graph = _tf.Graph()
        if self._config.tf_random_seed is not None:
            graph.seed = self._config.tf_random_seed
        return graph

    def _create_global_step(self, graph):
        return _v1.train.create_global_step(graph)

    def _create_and_assert_global_step(self, graph):
        step = self._create_global_step(graph)
        assert step is _v1.train.get_global_step()
        assert step.dtype.is_integer
        return step

    def _call_input_fn(self, input_fn, mode):
        """`input_fn()`, given `mode`, `params` and `config` if its signature names them."""
        args = fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        with _tf.device("/cpu:0"):
            return input_fn(**kwargs)

    def _call_model_fn(self, features, labels, mode, config):
        """`model_fn(features, ...)`, given labels, mode, params and config as its signature asks."""
        args = fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = config
        _logging.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        _logging.info("Done calling model_fn.")
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    def _maybe_warm_start(self, checkpoint_path):
        if not checkpoint_path and self._warm_start_settings:
            self._warm_start()

    def _warm_start(self):
        _logging.info("Warm-starting with WarmStartSettings: %s" % (self._warm_start_settings,))
        _v1.train.warm_start(*self._warm_start_settings)

    # -- train -------------------------------------------------------------------------------

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains `steps` more steps, or up to `max_steps` in all, or until the input runs out; returns self."""
        if self.config.task_type in (TaskType.EVALUATOR, TaskType.PS):
            raise ValueError("Train has been called wrong configuration. Please use tf.estimator.train_and_evaluate "
                             "which calls proper API according to given configuration. Current configuration: "
                             f"{self.config}.")
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None and max_steps <= _global_step_in(self._model_dir):
            _logging.info("Skipping training since max_steps has already saved.")
            return self
        hooks = _checked_hooks(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(_v1.train.StopAtStepHook(steps, max_steps))
        loss = self._train_model(input_fn, hooks, _checked_listeners(saving_listeners))
        _logging.info("Loss for final step: %s.", loss)
        return self

    def _train_model(self, input_fn, hooks, saving_listeners):
        with self._new_graph().as_default() as graph, graph.device(self._config.device_fn):
            self._create_and_assert_global_step(graph)
            _training_util._get_or_create_global_step_read(graph)  # TF 1.15 made it here, before the input
            features, labels, input_hooks = features_and_labels(self._call_input_fn(input_fn, ModeKeys.TRAIN))
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            global_step = _v1.train.get_global_step(graph)
            return self._train_with_spec(spec, input_hooks + hooks, global_step, saving_listeners)

    def _train_with_spec(self, spec, worker_hooks, global_step, saving_listeners):
        if self._warm_start_settings:
            self._warm_start()
        if not any(summary.op.name == "loss" for summary in _v1.get_collection(_v1.GraphKeys.SUMMARIES)):
            _v1.summary.scalar("loss", spec.loss)
        _v1.add_to_collection(_v1.GraphKeys.LOSSES, spec.loss)
        worker_hooks.append(_v1.train.NanTensorHook(spec.loss))
        if self._config.log_step_count_steps is not None:
            worker_hooks.append(_v1.train.LoggingTensorHook(
                {"loss": spec.loss, "step": global_step}, every_n_iter=self._config.log_step_count_steps))
        worker_hooks.extend(spec.training_hooks)
        if not (spec.scaffold.saver or _v1.get_collection(_v1.GraphKeys.SAVERS)):
            _v1.add_to_collection(_v1.GraphKeys.SAVERS, _v1.train.Saver(
                sharded=True, max_to_keep=self._config.keep_checkpoint_max,
                keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
                defer_build=True, save_relative_paths=True))
        chief_hooks = []
        saver_hooks = [hook for hook in worker_hooks + list(spec.training_chief_hooks)
                       if isinstance(hook, _v1.train.CheckpointSaverHook)]
        if (self._config.save_checkpoints_secs or self._config.save_checkpoints_steps) and not saver_hooks:
            chief_hooks = [_v1.train.CheckpointSaverHook(
                self._model_dir, save_secs=self._config.save_checkpoints_secs,
                save_steps=self._config.save_checkpoints_steps, scaffold=spec.scaffold)]
            saver_hooks = chief_hooks[:1]
        if saving_listeners:
            if not saver_hooks:
                raise ValueError("There should be a CheckpointSaverHook to use saving_listeners. Please set one of "
                                 "the RunConfig.save_checkpoints_steps or RunConfig.save_checkpoints_secs.")
            for listener in saving_listeners:
                if listener not in saver_hooks[0]._listeners:
                    saver_hooks[0]._listeners.append(listener)
        with _v1.train.MonitoredTrainingSession(
                master=self._config.master, is_chief=self._config.is_chief, checkpoint_dir=self._model_dir,
                scaffold=spec.scaffold, hooks=worker_hooks,
                chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                save_checkpoint_secs=0,  # the CheckpointSaverHook above saves
                save_summaries_steps=self._config.save_summary_steps, config=self._session_config,
                max_wait_secs=self._config.session_creation_timeout_secs,
                log_step_count_steps=self._config.log_step_count_steps) as session:
            loss = None
            any_step_done = False
            while not session.should_stop():
                _, loss = session.run([spec.train_op, spec.loss])
                any_step_done = True
        if not any_step_done:
            _logging.warning("Training with estimator made no steps. Perhaps input is empty or misspecified.")
        return loss

    # -- evaluate ----------------------------------------------------------------------------

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """The model's metrics, the mean `loss` and `global_step`, over `steps` batches or the whole input."""
        hooks = _checked_hooks(hooks)
        if steps is not None:
            if steps <= 0:
                raise ValueError(f"Must specify steps > 0, given: {steps}")
            hooks.append(_evaluation._StopAfterNEvalsHook(num_evals=steps))
        if not checkpoint_path:
            checkpoint_path = _v1.train.latest_checkpoint(self._model_dir)
            if not checkpoint_path:
                _logging.info(f"Could not find trained model in model_dir: {self._model_dir}, running "
                              "initialization to evaluate.")
        with self._new_graph().as_default() as graph:
            self._create_and_assert_global_step(graph)
            features, labels, input_hooks = features_and_labels(self._call_input_fn(input_fn, ModeKeys.EVAL))
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
            metrics = dict(spec.eval_metric_ops)
            if LOSS_METRIC_KEY in metrics:
                raise ValueError(f'Metric with name "{LOSS_METRIC_KEY}" is not allowed, because Estimator '
                                 "already defines a default metric with the same name.")
            metrics[LOSS_METRIC_KEY] = _v1.metrics.mean(spec.loss)
            update_ops = [metrics[name][1] for name in sorted(metrics)]  # sorted: the same graph every time
            final_ops = {name: metrics[name][0] for name in sorted(metrics)}
            update_op = _tf.group(*update_ops)
            self._maybe_warm_start(checkpoint_path)
            if _v1.GraphKeys.GLOBAL_STEP in final_ops:
                raise ValueError("Metric with name `global_step` is not allowed, because Estimator already defines "
                                 "a default metric with the same name.")
            final_ops[_v1.GraphKeys.GLOBAL_STEP] = _v1.train.get_global_step(graph)
            scaffold = spec.scaffold
            if scaffold and scaffold.local_init_op:  # keep the model's local init, and the metrics' too
                _evaluation._get_or_create_eval_step()
                scaffold = _v1.train.Scaffold(
                    local_init_op=_tf.group(scaffold.local_init_op, _v1.train.Scaffold.default_local_init_op()),
                    copy_from_scaffold=scaffold)
            results = _evaluation._evaluate_once(
                checkpoint_path=checkpoint_path, master=self._config.evaluation_master, scaffold=scaffold,
                eval_ops=update_op, final_ops=final_ops,
                hooks=input_hooks + hooks + list(spec.evaluation_hooks), config=self._session_config)
        global_step = results[_v1.GraphKeys.GLOBAL_STEP]
        _write_dict_to_summary(self.eval_dir(name), results, global_step)
        if checkpoint_path:
            _write_checkpoint_path_to_summary(self.eval_dir(name), checkpoint_path, global_step)
        return results

    # -- predict -----------------------------------------------------------------------------

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None, yield_single_examples=True):
        """Yields the model's predictions, one example at a time (or batch by batch), until the input ends."""
        hooks = _checked_hooks(hooks)
        if not checkpoint_path:
            checkpoint_path = _v1.train.latest_checkpoint(self._model_dir)
        if not checkpoint_path:
            _logging.info(f"Could not find trained model in model_dir: {self._model_dir}, running "
                          "initialization to predict.")
        with self._new_graph().as_default() as graph:
            self._create_and_assert_global_step(graph)
            features, _, input_hooks = features_and_labels(self._call_input_fn(input_fn, ModeKeys.PREDICT))
            if not _has_dataset_or_queue_runner(features):
                _logging.warning("Input graph does not use tf.data.Dataset or contain a QueueRunner. That means "
                                 "predict yields forever. This is probably a mistake.")
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = _selected_predictions(spec.predictions, predict_keys)
            with _v1.train.MonitoredSession(
                    session_creator=_v1.train.ChiefSessionCreator(
                        checkpoint_filename_with_path=checkpoint_path, master=self._config.master,
                        scaffold=spec.scaffold, config=self._session_config),
                    hooks=input_hooks + hooks + list(spec.prediction_hooks)) as session:
                while not session.should_stop():
                    values = session.run(predictions)
                    if not yield_single_examples:
                        yield values
                    elif not isinstance(predictions, dict):
                        yield from values
                    else:
                        for i in range(_batch_length(values)):
                            yield {key: value[i] for key, value in values.items()}

    # -- export ------------------------------------------------------------------------------

    def export_saved_model(self, export_dir_base, serving_input_receiver_fn, assets_extra=None, as_text=False,
                           checkpoint_path=None, experimental_mode=ModeKeys.PREDICT):
        """Writes a SavedModel of the `experimental_mode` graph under a timestamped folder; returns its path."""
        if not serving_input_receiver_fn:
            raise ValueError("An input_receiver_fn must be defined.")
        return self._export_all_saved_models(
            export_dir_base, {experimental_mode: serving_input_receiver_fn}, assets_extra=assets_extra,
            as_text=as_text, checkpoint_path=checkpoint_path, strip_default_attrs=True)

    def export_savedmodel(self, export_dir_base, serving_input_receiver_fn, assets_extra=None, as_text=False,
                          checkpoint_path=None, strip_default_attrs=False):
        """TF 1.x's older name for `export_saved_model` (the PREDICT graph only)."""
        if not serving_input_receiver_fn:
            raise ValueError("An input_receiver_fn must be defined.")
        return self._export_all_saved_models(
            export_dir_base, {ModeKeys.PREDICT: serving_input_receiver_fn}, assets_extra=assets_extra,
            as_text=as_text, checkpoint_path=checkpoint_path, strip_default_attrs=strip_default_attrs)

    def experimental_export_all_saved_models(self, export_dir_base, input_receiver_fn_map, assets_extra=None,
                                             as_text=False, checkpoint_path=None):
        return self._export_all_saved_models(export_dir_base, input_receiver_fn_map, assets_extra=assets_extra,
                                             as_text=as_text, checkpoint_path=checkpoint_path,
                                             strip_default_attrs=True)

    def _export_all_saved_models(self, export_dir_base, input_receiver_fn_map, assets_extra=None, as_text=False,
                                 checkpoint_path=None, strip_default_attrs=True):
        if not checkpoint_path:
            checkpoint_path = _v1.train.latest_checkpoint(self._model_dir)
        if not checkpoint_path:
            if not self._warm_start_settings:
                raise ValueError(f"Couldn't find trained model at {self._model_dir}.")
            checkpoint_path = self._warm_start_settings.ckpt_to_initialize_from
            if _tf.io.gfile.isdir(checkpoint_path):
                checkpoint_path = _v1.train.latest_checkpoint(checkpoint_path)
        export_dir = export_utils.get_timestamped_export_dir(export_dir_base)
        temp_export_dir = export_utils.get_temp_export_dir(export_dir)
        builder = _v1.saved_model.Builder(temp_export_dir)
        variables_saved = False
        for mode in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):  # variables come with the first one
            if input_receiver_fn_map.get(mode):
                self._add_meta_graph_for_mode(builder, input_receiver_fn_map[mode], checkpoint_path,
                                              not variables_saved, mode, strip_default_attrs)
                variables_saved = True
        if not variables_saved:
            raise ValueError(f"No valid modes for exporting found. Got {input_receiver_fn_map.keys()}.")
        builder.save(as_text)
        for destination, source in (assets_extra or {}).items():
            target = os.path.join(os.fsdecode(temp_export_dir), "assets.extra", destination)
            _tf.io.gfile.makedirs(os.path.dirname(target))
            _tf.io.gfile.copy(source, target)
        _tf.io.gfile.rename(temp_export_dir, export_dir)
        return export_dir

    def _add_meta_graph_for_mode(self, builder, input_receiver_fn, checkpoint_path, save_variables, mode,
                                 strip_default_attrs):
        with self._new_graph().as_default() as graph:
            self._create_and_assert_global_step(graph)
            receiver = input_receiver_fn()
            spec = self._call_model_fn(receiver.features, getattr(receiver, "labels", None), mode, self.config)
            export_outputs = export_utils.export_outputs_for_mode(
                mode=spec.mode, serving_export_outputs=spec.export_outputs, predictions=spec.predictions,
                loss=spec.loss, metrics=spec.eval_metric_ops)
            signature_def_map = export_utils.build_all_signature_defs(
                receiver.receiver_tensors, export_outputs,
                getattr(receiver, "receiver_tensors_alternatives", None), serving_only=(mode == ModeKeys.PREDICT))
            with _v1.Session(config=self._session_config) as session:
                local_init_op = spec.scaffold.local_init_op or _v1.train.Scaffold.default_local_init_op()
                saver = spec.scaffold.saver or _v1.train.Saver(sharded=True)
                try:
                    saver.restore(session, checkpoint_path)
                except _tf.errors.NotFoundError as e:
                    raise ValueError(
                        "Could not load all requested variables from checkpoint. Please make sure your model_fn does "
                        "not expect variables that were not saved in the checkpoint.\n\nEncountered error with mode "
                        f"`{mode}` while restoring checkpoint from: `{checkpoint_path}`. Full Traceback:\n\n{e}")
                builder._add_train_op(spec.train_op)
                meta_graph = dict(tags=export_utils.EXPORT_TAG_MAP[mode], signature_def_map=signature_def_map,
                                  assets_collection=_v1.get_collection(_v1.GraphKeys.ASSET_FILEPATHS),
                                  main_op=local_init_op, saver=saver, strip_default_attrs=strip_default_attrs)
                if save_variables:
                    builder.add_meta_graph_and_variables(session, **meta_graph)
                else:
                    builder.add_meta_graph(**meta_graph)


def _selected_predictions(predictions, predict_keys):
    if not predict_keys:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError("predict_keys argument is not valid in case of non-dict predictions.")
    selected = {key: value for key, value in predictions.items() if key in predict_keys}
    if not selected:
        raise ValueError(f"Expected to run at least one output from {predictions.keys()}, provided {predict_keys}.")
    return selected


def _batch_length(values):
    length = None
    for key, value in values.items():
        length = length or value.shape[0]
        if value.shape[0] != length:
            raise ValueError(f"Batch length of predictions should be same. {key} has different batch length "
                             "than others.")
    return length

