"""`WarmStartSettings` and `VocabInfo`: starting an Estimator's variables from another checkpoint.

The warm start itself is TensorFlow's own `tf.compat.v1.train.warm_start` (TF 1.15's Estimator
called the same function); this module only turns `warm_start_from` into its arguments.
"""
import collections
import os

import tensorflow as _tf

_v1 = _tf.compat.v1
VocabInfo = _v1.train.VocabInfo


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info", "var_name_to_prev_var_name"])):
    """Which checkpoint (or SavedModel) to start from, and which variables, renamed how."""

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*", var_name_to_vocab_info=None,
                var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        return super().__new__(cls, ckpt_to_initialize_from, vars_to_warm_start, var_name_to_vocab_info or {},
                               var_name_to_prev_var_name or {})


def warm_start_settings_from(warm_start_from):
    """None, or the settings for `warm_start_from` (a path warm-starts every variable, as in TF 1.15)."""
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, (str, bytes, os.PathLike)):
        path = os.fsdecode(warm_start_from)
        saved_model_variables = os.path.join(path, "variables", "variables")
        if _tf.io.gfile.exists(saved_model_variables + ".index"):
            _v1.logging.info("Warm-starting from a SavedModel")
            return WarmStartSettings(ckpt_to_initialize_from=saved_model_variables)
        return WarmStartSettings(ckpt_to_initialize_from=path)
    if isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    raise ValueError(f"warm_start_from must be a string or a WarmStartSettings, instead got {type(warm_start_from)}")
