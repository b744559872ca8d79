"""`copy.deepcopy` of a cell that has been built: a fresh, unbuilt cell of the same configuration.

The legacy_seq2seq models deep-copy the cell they are given to make the encoder's.  Called
once per bucket by `model_with_buckets`, they copy a cell the first bucket has built.  The
legacy layers' own `__deepcopy__` then deep-copies its graph variables and fails (TF 2.21:
"cannot pickle 'SymbolicTensor'"; TF 1.1 to 1.15 likewise: "can't pickle _thread.RLock
objects", checked with TF 1.15.0).  The programs that do this were written for TF 1.0,
whose cells held no variables: the copy was a configuration, and it made (or, under
reuse, found) its variables by name in the scope where it ran.  A built cell's copy here
is that: its configuration deep-copied, its variables and build state left behind, so it
builds again where it is first called.  Unbuilt cells are copied as before.
"""
import copy

import tensorflow as _tf
from tf_keras.src.legacy_tf_layers import base as _legacy_base

_layer_deepcopy = _legacy_base.Layer.__deepcopy__

_SHARED = {"_graph", "_thread_local", "_metrics_lock"}  # as the layers' own __deepcopy__
_UNBUILT = {"built": False, "_scope": None, "_current_scope": None,
            "_build_input_shape": None, "_called": False}
# What a layer makes on its first or second call, and remakes when it is missing.
_MADE_ON_FIRST_USE = {
    "rnncell_scope", "_always_reuse_variable_scope", "_self_unconditional_checkpoint_dependencies",
    "_self_unconditional_dependency_names", "_self_unconditional_deferred_dependencies",
    "_self_update_uid", "_self_name_based_restores", "_self_saveable_object_factories"}


def _holds_graph_values(value):
    return any(isinstance(leaf, (_tf.Variable, _tf.Tensor)) for leaf in _tf.nest.flatten(value))


def _deepcopy_unbuilt(layer, memo):
    if not layer.built:
        return _layer_deepcopy(layer, memo)
    fresh = layer.__class__.__new__(layer.__class__)
    memo[id(layer)] = fresh
    for name, value in layer.__dict__.items():
        if name in _MADE_ON_FIRST_USE:
            continue
        if name in _SHARED:
            copied = value
        elif name in _UNBUILT:
            copied = _UNBUILT[name]
        elif _holds_graph_values(value):  # weights, losses, updates: build makes them again
            copied = [] if isinstance(value, list) else None
        else:
            copied = copy.deepcopy(value, memo)
        setattr(fresh, name, copied)
    return fresh


_legacy_base.Layer.__deepcopy__ = _deepcopy_unbuilt
