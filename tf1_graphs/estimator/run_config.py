"""`RunConfig`: where an `Estimator` keeps its checkpoints, and how often it saves, logs and seeds.

TF 1.15's defaults and checks: checkpoints every 600 seconds unless `save_checkpoints_steps`
is given (never both), 5 checkpoints kept, summaries and the `loss = ..., step = ...` line
every 100 steps.  Only local (one-process) runs are provided: a `TF_CONFIG` naming a cluster
is refused by name, and the cluster properties read as TF 1.15's did without one.
"""
import copy
import json
import os

import tensorflow as _tf
from tensorflow.core.protobuf import rewriter_config_pb2
from tensorflow.python.util.function_utils import fn_args

from tf1_graphs.estimator._missing import EstimatorNotProvided

_v1 = _tf.compat.v1
_DEFAULT = object()  # "not given": the checkpoint interval falls back to 600 seconds only if neither is given
_SAVE_CKPT_ERR = ("`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set.")

REPLACEABLE = (
    "model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
    "save_checkpoints_secs", "session_config", "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
    "log_step_count_steps", "train_distribute", "device_fn", "protocol", "eval_distribute",
    "experimental_distribute", "experimental_max_worker_delay_secs", "session_creation_timeout_secs")

# property -> (accepts a non-None value, the error TF 1.15 raised otherwise)
_CHECKS = {
    "model_dir": (bool, "model_dir should be non-empty"),
    "save_summary_steps": (lambda v: v >= 0, "save_summary_steps should be >= 0"),
    "save_checkpoints_steps": (lambda v: v >= 0, "save_checkpoints_steps should be >= 0"),
    "save_checkpoints_secs": (lambda v: v >= 0, "save_checkpoints_secs should be >= 0"),
    "session_config": (lambda v: isinstance(v, _v1.ConfigProto), "session_config must be instance of ConfigProto"),
    "keep_checkpoint_max": (lambda v: v >= 0, "keep_checkpoint_max should be >= 0"),
    "keep_checkpoint_every_n_hours": (lambda v: v > 0, "keep_checkpoint_every_n_hours should be > 0"),
    "log_step_count_steps": (lambda v: v > 0, "log_step_count_steps should be > 0"),
    "tf_random_seed": (lambda v: isinstance(v, int), "tf_random_seed must be integer."),
    "experimental_max_worker_delay_secs": (
        lambda v: isinstance(v, int), "experimental_max_worker_delay_secs must be an integer if set."),
    "session_creation_timeout_secs": (lambda v: v > 0, "session_creation_timeout_secs should be > 0"),
    "device_fn": (lambda v: callable(v) and set(fn_args(v)) == {"op"},
                  'device_fn must be callable with exactly one argument "op".'),
    "protocol": (lambda v: v in ("grpc", "grpc+verbs"), "protocol should be grpc or grpc+verbs"),
}


class TaskType:
    MASTER = "master"
    PS = "ps"
    WORKER = "worker"
    CHIEF = "chief"
    EVALUATOR = "evaluator"


def get_default_session_config():
    """TF 1.15's session config for an Estimator given none: soft placement, one meta-optimizer pass."""
    rewrite = rewriter_config_pb2.RewriterConfig(meta_optimizer_iterations=rewriter_config_pb2.RewriterConfig.ONE)
    return _v1.ConfigProto(allow_soft_placement=True, graph_options=_v1.GraphOptions(rewrite_options=rewrite))


def _model_dir_from(tf_config, model_dir):
    if model_dir == "":
        raise ValueError("model_dir should be non-empty.")
    configured = tf_config.get("model_dir")
    if configured == "":
        raise ValueError("model_dir in TF_CONFIG should be non-empty.")
    if configured and model_dir and configured != model_dir:
        raise ValueError("`model_dir` provided in RunConfig construct, if set, must have the same value as "
                         f"the model_dir in TF_CONFIG. model_dir: {model_dir}\n"
                         f"TF_CONFIG[\"model_dir\"]: {configured}.\n")
    if configured:
        _v1.logging.info("Using model_dir in TF_CONFIG: %s", configured)
    return model_dir or configured


class RunConfig:
    """How an `Estimator` runs (TF 1.15's `tf.estimator.RunConfig`, local runs only)."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_DEFAULT, save_checkpoints_secs=_DEFAULT, session_config=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200):
        if save_checkpoints_steps is _DEFAULT and save_checkpoints_secs is _DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif save_checkpoints_secs is _DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        for name, given in (("train_distribute", train_distribute), ("eval_distribute", eval_distribute),
                            ("experimental_distribute", experimental_distribute)):
            if given is not None:
                raise EstimatorNotProvided(f"tf.estimator.RunConfig({name}=...) is not provided by tf1_graphs "
                                           "(distribution strategies; local runs only)")
        tf_config = json.loads(os.environ.get("TF_CONFIG", "{}"))
        if tf_config:
            _v1.logging.info("TF_CONFIG environment variable: %s", tf_config)
        if tf_config.get("cluster"):
            raise EstimatorNotProvided("a TF_CONFIG cluster (distributed tf.estimator) is not provided by tf1_graphs")
        if model_dir is not None:
            model_dir = os.fspath(model_dir)
        self._replace_checked(
            model_dir=_model_dir_from(tf_config, model_dir), tf_random_seed=tf_random_seed,
            save_summary_steps=save_summary_steps, save_checkpoints_steps=save_checkpoints_steps,
            save_checkpoints_secs=save_checkpoints_secs, session_config=session_config,
            keep_checkpoint_max=keep_checkpoint_max, keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            log_step_count_steps=log_step_count_steps, train_distribute=None, device_fn=device_fn,
            protocol=protocol, eval_distribute=None, experimental_distribute=None,
            experimental_max_worker_delay_secs=experimental_max_worker_delay_secs,
            session_creation_timeout_secs=session_creation_timeout_secs)
        self._init_local_setting(tf_config)

    def _init_local_setting(self, tf_config):
        """TF 1.15's properties with no cluster: one chief worker, masters from TF_CONFIG if given."""
        self._service = tf_config.get("service")
        if self._service is not None and not isinstance(self._service, dict):
            raise TypeError(f'If "service" is set in TF_CONFIG, it must be a dict. Given {type(self._service)}')
        self._cluster_spec = _tf.train.ClusterSpec({})
        task = tf_config.get("task", {})
        self._task_type = task.get("type", TaskType.WORKER)
        self._task_id = int(task.get("index", 0))
        self._global_id_in_cluster = 0
        if self._task_type != TaskType.WORKER:
            raise ValueError('If "cluster" is not set in TF_CONFIG, task type must be WORKER.')
        if self._task_id != 0:
            raise ValueError('If "cluster" is not set in TF_CONFIG, task index must be 0.')
        self._master = tf_config.get("session_master", "")
        self._evaluation_master = tf_config.get("eval_session_master", "")
        self._is_chief = True
        self._num_ps_replicas = 0
        self._num_worker_replicas = 1

    def replace(self, **changes):
        """A copy with the given properties changed (only those TF 1.15 let one replace)."""
        return copy.deepcopy(self)._replace_checked(**changes)

    def _replace_checked(self, **changes):
        for key, value in changes.items():
            if key not in REPLACEABLE:
                raise ValueError(f"Replacing {key} is not supported. Allowed properties are {list(REPLACEABLE)}.")
            setattr(self, "_" + key, value)
        # one checkpoint interval: setting one of them explicitly clears the other
        if "save_checkpoints_steps" in changes and "save_checkpoints_secs" in changes:
            if self._save_checkpoints_steps is not None and self._save_checkpoints_secs is not None:
                raise ValueError(_SAVE_CKPT_ERR)
        elif "save_checkpoints_steps" in changes and self._save_checkpoints_steps is not None:
            self._save_checkpoints_secs = None
        elif "save_checkpoints_secs" in changes and self._save_checkpoints_secs is not None:
            self._save_checkpoints_steps = None
        for name, (accepts, message) in _CHECKS.items():
            value = getattr(self, "_" + name)
            if value is not None and not accepts(value):
                raise ValueError(message)
        return self


def _property(name):
    return property(lambda self: getattr(self, "_" + name))


for _name in REPLACEABLE + ("service", "cluster_spec", "task_type", "task_id", "master", "evaluation_master",
                            "is_chief", "num_ps_replicas", "num_worker_replicas", "global_id_in_cluster"):
    setattr(RunConfig, _name, _property(_name))
